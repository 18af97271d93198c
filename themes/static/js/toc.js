// A regulation's table of contents (目录) opens beside the text on a wide screen; on a phone it
// floats over the text, so choosing an article closes it.
(function () {
  "use strict";
  const toc = document.querySelector(".toc details");
  if (!toc) return;
  if (window.matchMedia("(min-width: 1000px)").matches) toc.open = true;
  toc.addEventListener("click", (event) => {
    if (event.target.closest("a") && window.matchMedia("(max-width: 999px)").matches) toc.open = false;
  });
})();
