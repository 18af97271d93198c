// Practice: submit one answer, show whether it was right, the key, the explanation and the
// article it rests on; toggle favourites.
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

  function show(data) {
    feedback.replaceChildren();
    const verdict = document.createElement("p");
    verdict.className = "verdict " + (data.correct === null ? "pending" : data.correct ? "pass" : "fail");
    verdict.textContent = data.correct === null ? "主观题：请对照参考要点自查" : data.correct ? "回答正确" : "回答错误";
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

  document.getElementById("check").addEventListener("click", async () => {
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
