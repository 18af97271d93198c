// The quiz form's live blueprint check: while the administrator edits the draw rules, ask the
// server how many questions each rule can draw and what share of regulation content every paper
// is guaranteed, and show it beside the rules, with what the paper will look like (questions and
// points per rule, pass mark, time per question) and warnings. The server decides; saving checks
// again.
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

  function outlineTable(data) {
    const o = data.outline;
    const rows = [];
    if (o.fixed_questions) rows.push(["固定题目", `${o.fixed_questions} 道`, "", `${o.fixed_points} 分`]);
    data.rules.forEach((rule, index) => {
      const mark = rule.short ? ` <span class="error-message">（还差 ${rule.short} 道）</span>` : "";
      rows.push([`第${index + 1}条规则：${escapeHtml(rule.label.split(/[:：]/)[0])}`,
        `${rule.count} 道 × ${rule.points} 分${mark}`, `可抽 ${rule.available} 道`, `${rule.subtotal} 分`]);
    });
    const body = rows.map((r) => `<tr><th scope="row">${r[0]}</th><td>${r[1]}</td><td class="blueprint-outline__pool">${r[2]}</td><td>${r[3]}</td></tr>`).join("");
    const foot = `<tr><th scope="row">每份试卷</th><td>${o.questions} 道</td><td class="blueprint-outline__pool"></td><td>${o.total_points} 分</td></tr>`;
    return `<table class="blueprint-outline"><caption>试卷预览</caption><tbody>${body}</tbody><tfoot>${foot}</tfoot></table>`;
  }

  function summary(data) {
    const o = data.outline;
    const parts = [`及格线 ${o.pass_points} 分`];
    if (o.seconds_per_question !== null) parts.push(`限时内平均每题 ${o.seconds_per_question} 秒`);
    return `<p>${parts.join("；")}。法规纪律内容要求不低于 ${data.required}%，` +
      `按当前题库每份试卷保证 <strong>${data.guaranteed}%</strong>，最多可达 ${data.best}%。</p>`;
  }

  function messages(list, className) {
    if (!list.length) return "";
    return `<ul class="blueprint-messages">${list.map((m) => `<li class="${className}">${escapeHtml(m)}</li>`).join("")}</ul>`;
  }

  function ruleNote(box, rule, count) {
    let note = box.querySelector(".blueprint-rule");
    if (!note) {
      note = document.createElement("div");
      note.className = "blueprint-rule";
      box.append(note);
    }
    const short = rule.available < count;
    const line = `可抽题目 ${rule.available} 道（其中法规纪律类 ${rule.regulation} 道）` +
      (short ? `，不够抽 ${count} 道` : `；本规则共 ${rule.subtotal} 分`);
    note.innerHTML = `<p class="${short ? "error-message" : "help"}">${line}</p>` + messages(rule.warnings, "help");
  }

  function show(data) {
    const noRules = !data.rules.length && !data.outline.fixed_questions;
    panel.innerHTML = (noRules ? "<p>还没有固定题目或抽题规则。添加后，这里即时显示试卷的组成。</p>" : outlineTable(data) + summary(data)) +
      messages(data.problems, "error-message") + messages(data.warnings, "help");
    ruleBoxes().forEach((box, index) => {
      if (data.rules[index]) ruleNote(box, data.rules[index], data.counts[index]);
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
