// The quiz form's live blueprint check: while the administrator edits the draw rules, ask the
// server how many questions each rule can draw and what share of regulation content every paper
// is guaranteed, and show it beside the rules. The server decides; saving checks again.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const panel = document.querySelector("[data-blueprint-preview]");
  const form = panel && panel.closest("form");
  if (!form) return;
  const url = panel.dataset.url;
  let timer = null;

  function ruleBoxes() {
    return Array.from(form.querySelectorAll("[id^='inline_child_draw_rules-']")).filter(
      (box) => /^inline_child_draw_rules-\d+$/.test(box.id) && !box.querySelector("input[name$='-DELETE'][value='1']"),
    );
  }

  function show(data) {
    const lines = [
      `每份试卷共 ${data.total_points} 分；法规纪律内容要求不低于 ${data.required}%，` +
        `按当前题库每份试卷保证 <strong>${data.guaranteed}%</strong>，最多可达 ${data.best}%。`,
    ];
    data.problems.forEach((problem) => lines.push(`<span class="error-message">${escapeHtml(problem)}</span>`));
    panel.innerHTML = lines.map((line) => `<p>${line}</p>`).join("");
    ruleBoxes().forEach((box, index) => {
      const rule = data.rules[index];
      if (!rule) return;
      let note = box.querySelector(".blueprint-rule");
      if (!note) {
        note = document.createElement("p");
        note.className = "blueprint-rule help";
        box.append(note);
      }
      const short = rule.available < data.counts[index];
      note.classList.toggle("error-message", short);
      note.textContent = `可抽题目 ${rule.available} 道（其中法规纪律类 ${rule.regulation} 道）` +
        (short ? `，不够抽 ${data.counts[index]} 道` : "");
    });
  }

  function escapeHtml(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  async function refresh() {
    try {
      const reply = await fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin" });
      if (reply.ok) show(await reply.json());
    } catch (error) {
      /* the check is a help only: saving checks again */
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  form.addEventListener("change", later);
  form.addEventListener("input", later);
  form.addEventListener("click", (event) => {
    if (event.target.closest("button")) later(); // adding or removing a rule
  });
  refresh();
});
