// Practice: submit one answer, show whether it was right, the key, the explanation and the
// article it rests on; the options then lock and are marked ✓ (the right one) and ✗ (a wrong
// choice), and 提交答案 does nothing more. In 背题模式 the answer shows at once. Favourites toggle.
(function () {
  "use strict";
  const root = document.getElementById("practice");
  if (!root) return;
  const csrf = root.querySelector("[name=csrfmiddlewaretoken]").value;
  const question = root.querySelector(".question");
  const feedback = document.getElementById("feedback");

  async function post(url, body) {
    const reply = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    const data = await reply.json().catch(() => ({}));
    if (!reply.ok) throw new Error(data.error || "提交失败，请检查网络后重试。");
    return data;
  }

  // The value each option input stands for, as the server names the right answer.
  function optionValue(input) {
    if (question.dataset.kind === "truefalse") return input.value === "true";
    return Number(input.value);
  }

  function lockAndMark(data) {
    const right = data.right_options || [];
    question.querySelectorAll("input, textarea").forEach((input) => {
      input.disabled = true;
      const label = input.closest(".option");
      if (!label || !right.length) return;
      const isRight = right.includes(optionValue(input));
      label.classList.toggle("is-right", isRight);
      label.classList.toggle("is-wrong", input.checked && !isRight);
      const mark = document.createElement("span");
      mark.className = "mark";
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = isRight ? "✓" : input.checked ? "✗" : "";
      label.prepend(mark);
    });
  }

  function show(data) {
    lockAndMark(data);
    feedback.replaceChildren();
    const verdict = document.createElement("p");
    if (data.score === "") {
      verdict.className = "verdict pending";
      verdict.textContent = "背题模式：答案和解析如下";
    } else {
      verdict.className = "verdict " + (data.correct === null ? "pending" : data.correct ? "pass" : "fail");
      verdict.textContent = data.correct === null ? "主观题：请对照参考要点自查" : data.correct ? "回答正确" : "回答错误";
    }
    const key = document.createElement("p");
    key.innerHTML = "<strong>答案</strong> ";
    key.append(document.createTextNode(data.answer));
    feedback.append(verdict, key);
    if (data.explanation) {
      const explanation = document.createElement("div");
      explanation.className = "explanation";
      explanation.innerHTML = "<strong>解析</strong> ";
      explanation.append(document.createTextNode(data.explanation));
      feedback.append(explanation);
    }
    if (data.citation || data.reference) {
      const citation = document.createElement("p");
      citation.className = "citation";
      citation.textContent = "依据：";
      if (data.citation) {
        const link = document.createElement("a");
        link.href = data.citation.url;
        link.textContent = data.citation.label;
        citation.append(link);
      } else citation.append(document.createTextNode(data.reference));
      feedback.append(citation);
    }
    feedback.hidden = false;
  }

  const panel = document.getElementById("sheet-panel");
  if (panel && window.matchMedia("(min-width: 1000px)").matches) panel.open = true;

  const shown = document.getElementById("shown-answer");
  if (shown) show(JSON.parse(shown.textContent));

  const check = document.getElementById("check");
  if (check) check.addEventListener("click", async () => {
    if (check.disabled) return;
    check.disabled = true; // one answer per showing: pressing again does nothing
    try {
      show(
        await post(root.dataset.answerUrl, {
          question: Number(root.dataset.question),
          response: window.questionResponse(question),
          mode: root.dataset.mode,
          category: root.dataset.category || null,
          index: Number(root.dataset.index),
        }),
      );
    } catch (error) {
      check.disabled = false; // not answered: the learner may try again
      feedback.textContent = error.message;
      feedback.hidden = false;
    }
  });

  root.querySelector(".favourite").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    try {
      const data = await post(root.dataset.favouriteUrl, { question: Number(root.dataset.question) });
      button.classList.toggle("on", data.favourite);
      button.setAttribute("aria-pressed", String(data.favourite));
      button.textContent = data.favourite ? "已收藏" : "收藏";
    } catch (error) {
      button.textContent = "操作失败";
    }
  });
})();
