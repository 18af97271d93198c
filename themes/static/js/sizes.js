// Sizes the server gives as data attributes (a bar's length, a table row's indent) are set
// here: the Content-Security-Policy forbids style attributes in the markup, not in scripts.
(function () {
  "use strict";
  const percent = (value) => `${Math.max(0, Math.min(100, parseFloat(value) || 0))}%`;
  document.querySelectorAll("[data-width]").forEach((element) => {
    element.style.width = percent(element.dataset.width);
  });
  document.querySelectorAll("[data-height]").forEach((element) => {
    element.style.height = percent(element.dataset.height);
  });
  document.querySelectorAll("[data-level]").forEach((element) => {
    element.style.setProperty("--level", String(parseInt(element.dataset.level, 10) || 0));
  });
})();
