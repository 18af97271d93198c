// The attempt page: saves each answer as it changes, keeps the answer sheet current and shows a
// countdown synced with the server. The server decides time; this script only reports it.
(function () {
  "use strict";
  const root = document.getElementById("attempt");
  if (!root) return;
  const csrf = document.querySelector("#finish-form [name=csrfmiddlewaretoken]").value;
  const pending = new Map(); // position -> payload not yet acknowledged
  const timers = new Map();
  let finishing = false;

  function isAnswered(value) {
    if (value === null || value === "") return false;
    if (Array.isArray(value)) return value.some((v) => String(v).trim() !== "");
    return true;
  }

  function setStatus(question, text, failed) {
    const status = question.querySelector(".save-status");
    status.textContent = text;
    status.classList.toggle("failed", Boolean(failed));
  }

  function updateSheet(question, value) {
    const link = document.querySelector(`[data-sheet="${question.dataset.position}"]`);
    if (value !== undefined) link.classList.toggle("answered", isAnswered(value));
    link.classList.toggle("flagged", question.querySelector(".flag").classList.contains("on"));
    const done = document.querySelectorAll(".sheet a.answered").length;
    const total = document.querySelectorAll(".sheet a").length;
    document.querySelectorAll("[data-answered]").forEach((el) => (el.textContent = `${done}/${total}`));
  }

  async function send(position, attempt) {
    const payload = pending.get(position);
    if (!payload) return;
    const question = document.getElementById(`q${position}`);
    try {
      const reply = await fetch(root.dataset.saveUrl, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(payload),
        credentials: "same-origin",
      });
      const isJSON = (reply.headers.get("Content-Type") || "").includes("application/json");
      if (!isJSON && reply.status < 500) {
        // A login page or a CSRF refusal: retrying cannot help, the page must be reloaded.
        setStatus(question, "登录已失效或页面已过期,请刷新页面后继续作答(已保存的答案不会丢失)。", true);
        return;
      }
      if (!isJSON) throw new Error(String(reply.status)); // server error: retry below
      const data = await reply.json();
      if (!data.ok) {
        pending.delete(position);
        setStatus(question, data.error, true);
        if (data.finished) window.location.reload();
        return;
      }
      if (pending.get(position) === payload) pending.delete(position);
      setStatus(question, `已保存 ${data.saved_at}`);
      if (data.remaining !== null) clock.sync(data.remaining);
    } catch (error) {
      setStatus(question, "保存失败,正在重试…", true);
      const delay = Math.min(1000 * 2 ** attempt, 15000);
      setTimeout(() => send(position, attempt + 1), delay);
    }
  }

  function queue(question, payload, wait) {
    const position = Number(question.dataset.position);
    pending.set(position, Object.assign({ position }, pending.get(position), payload));
    setStatus(question, "正在保存…");
    clearTimeout(timers.get(position));
    timers.set(position, setTimeout(() => send(position, 0), wait));
  }

  root.addEventListener("change", (event) => {
    const question = event.target.closest(".question");
    if (!question || event.target.classList.contains("flag")) return;
    const value = window.questionResponse(question);
    updateSheet(question, value);
    queue(question, { response: value }, 0);
  });
  root.addEventListener("input", (event) => {
    const question = event.target.closest(".question");
    if (!question || !event.target.matches("textarea, .blank")) return;
    const value = window.questionResponse(question);
    updateSheet(question, value);
    queue(question, { response: value }, 800);
  });
  root.addEventListener("click", (event) => {
    if (!event.target.classList.contains("flag")) return;
    const question = event.target.closest(".question");
    const on = event.target.classList.toggle("on");
    event.target.setAttribute("aria-pressed", String(on));
    updateSheet(question);
    queue(question, { flagged: on }, 0);
  });

  const panel = document.getElementById("sheet-panel");
  if (window.matchMedia("(min-width: 1000px)").matches) panel.open = true;
  panel.addEventListener("click", (event) => {
    if (event.target.matches(".sheet a") && !window.matchMedia("(min-width: 1000px)").matches) panel.open = false;
  });

  // Countdown -------------------------------------------------------------------------------
  const clock = {
    end: null,
    warned: new Set(),
    sync(seconds) {
      this.end = performance.now() + seconds * 1000;
    },
    left() {
      return this.end === null ? null : Math.max(0, Math.round((this.end - performance.now()) / 1000));
    },
  };
  const displays = document.querySelectorAll("[data-countdown]");
  const warning = document.getElementById("time-warning");

  function tick() {
    const left = clock.left();
    if (left === null) return;
    const minutes = Math.floor(left / 60);
    const text = `${String(minutes).padStart(2, "0")}:${String(left % 60).padStart(2, "0")}`;
    displays.forEach((el) => {
      el.textContent = text;
      el.parentElement.classList.toggle("low", left <= 300);
    });
    for (const [limit, text] of [[300, "距离交卷还有 5 分钟,请抓紧检查未答题目。"], [60, "距离交卷还有 1 分钟!答案已自动保存。"]]) {
      if (left <= limit && left > 0 && !clock.warned.has(limit)) {
        clock.warned.add(limit);
        warning.textContent = text;
        warning.hidden = false;
      }
    }
    if (left === 0 && !finishing) finish("时间到,正在按已保存的答案交卷…");
  }

  async function resync() {
    try {
      const data = await (await fetch(root.dataset.stateUrl, { credentials: "same-origin" })).json();
      if (data.finished) window.location.reload();
      else if (data.remaining !== null) clock.sync(data.remaining);
    } catch (error) {
      /* offline: keep counting locally and try again later */
    }
  }

  async function finish(message) {
    finishing = true;
    warning.textContent = message;
    warning.hidden = false;
    await Promise.all(Array.from(pending.keys()).map((p) => send(p, 0)));
    document.getElementById("finish-form").submit();
  }

  if (root.dataset.remaining !== "") {
    clock.sync(Number(root.dataset.remaining));
    tick();
    setInterval(tick, 1000);
    setInterval(resync, 60000);
    document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && resync());
  }

  document.getElementById("finish-form").addEventListener("submit", (event) => {
    if (finishing) return;
    const open = document.querySelectorAll(".sheet a:not(.answered)").length;
    const text = open ? `还有 ${open} 道题未作答,确定交卷吗?` : "确定交卷吗?交卷后不能再修改。";
    if (!window.confirm(text)) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    finish("正在交卷…");
  });

  window.addEventListener("beforeunload", (event) => {
    if (pending.size && !finishing) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
