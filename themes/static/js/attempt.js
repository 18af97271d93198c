// The attempt page: saves each answer as it changes, keeps the answer sheet current and shows a
// countdown synced with the server. The server decides time; this script only reports it.
//
// Every change of a question is numbered n * PAGE_SPACE + page (page drawn at random when the
// page loads) and sent with the number the question was loaded with. The server then stores
// it, answers "stale" to an older save of this page (a slow network never goes backwards), or
// answers "conflict" when another tab wrote since this page loaded: the page asks for a reload
// instead of overwriting.
(function () {
  "use strict";
  const root = document.getElementById("attempt");
  if (!root) return;
  const form = document.getElementById("finish-form");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const pending = new Map(); // position -> payload not yet acknowledged
  const timers = new Map();
  const PAGE_SPACE = 2 ** 20;
  const page = 1 + Math.floor(Math.random() * (PAGE_SPACE - 1));
  let changes = 0; // numbers this page's changes, across questions (only order matters)
  let finishing = false;
  let conflicted = false;

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

  function warn(text) {
    const box = document.getElementById("time-warning");
    box.querySelector("[data-warning-text]").textContent = text;
    box.hidden = false;
  }
  document.querySelector("#time-warning .dismiss").addEventListener("click", (event) => {
    event.target.closest(".time-warning").hidden = true;
  });

  function conflict(question) {
    conflicted = true;
    setStatus(question, "本题答案已在其他窗口修改。请刷新页面查看最新答案后再继续。", true);
    warn("本次作答在其他窗口也打开了，本页已过期：请刷新页面后继续作答（已保存的答案不会丢失）。");
  }

  // The network: while it is away, unsent answers stay in ``pending`` and the page says so; when
  // it returns they are sent one after another in the order they were changed.
  let offline = !navigator.onLine;

  function showNetwork() {
    const banner = document.getElementById("network-status");
    banner.hidden = !offline;
    if (!offline) return;
    banner.querySelector("[data-network-text]").textContent = pending.size
      ? `网络连接中断：${pending.size} 道题的答案尚未发送，已保留在本页，网络恢复后自动发送。请不要关闭或刷新本页。`
      : "网络连接中断：网络恢复后自动继续保存。请不要关闭或刷新本页。";
  }

  function setOffline(value) {
    offline = value;
    showNetwork();
  }

  async function sendAllInOrder() {
    const order = Array.from(pending.values()).sort((a, b) => a.seq - b.seq);
    for (const payload of order) await send(payload.position, 0, true);
  }

  window.addEventListener("offline", () => setOffline(true));
  window.addEventListener("online", () => {
    setOffline(false);
    sendAllInOrder();
  });

  async function send(position, attempt, once) {
    const payload = pending.get(position);
    if (!payload || conflicted) return;
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
        setStatus(question, "登录已失效或页面已过期，请刷新页面后继续作答（已保存的答案不会丢失）。", true);
        return;
      }
      if (!isJSON) throw new Error(String(reply.status)); // server error: retry below
      const data = await reply.json();
      if (pending.get(position) === payload) pending.delete(position);
      if (offline) setOffline(false);
      if (!data.ok) {
        if (data.conflict) return conflict(question);
        setStatus(question, data.error, true);
        if (data.finished) window.location.reload();
        return;
      }
      if (data.stale) return; // a newer save of this page is stored already
      setStatus(question, `已保存 ${data.saved_at}`);
      if (data.remaining !== null) clock.sync(data.remaining);
    } catch (error) {
      if (error instanceof TypeError) setOffline(true); // fetch could not reach the server
      setStatus(question, offline ? "未发送，网络恢复后自动发送" : "保存失败，正在重试…", true);
      showNetwork();
      if (once) return; // the caller retries
      const delay = Math.min(1000 * 2 ** attempt, 15000);
      setTimeout(() => send(position, attempt + 1), delay);
    }
  }

  function queue(question, payload, wait) {
    if (conflicted) return;
    const position = Number(question.dataset.position);
    changes += 1;
    const numbers = { seq: changes * PAGE_SPACE + page, base: Number(question.dataset.seq || 0) };
    pending.set(position, Object.assign({ position }, pending.get(position), payload, numbers));
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

  const wide = window.matchMedia("(min-width: 1000px)");
  const panel = document.getElementById("sheet-panel");
  if (wide.matches) panel.open = true;
  panel.addEventListener("click", (event) => {
    if (event.target.matches(".sheet a") && !wide.matches) panel.open = false;
  });

  // The "下一道未答题" button: the first unanswered question after the one at the top of the screen.
  document.querySelector("[data-next-unanswered]").addEventListener("click", () => {
    const links = Array.from(document.querySelectorAll(".sheet a"));
    const open = links.filter((a) => !a.classList.contains("answered"));
    if (!open.length) {
      warn("所有题目都已作答。可以检查标记的题目，或交卷。");
      return;
    }
    const top = (a) => document.querySelector(a.getAttribute("href")).getBoundingClientRect().top;
    const next = open.find((a) => top(a) > 8) || open[0];
    const target = document.querySelector(next.getAttribute("href"));
    target.scrollIntoView({ behavior: "smooth", block: "start" });
    const input = target.querySelector("input, textarea");
    if (input) input.focus({ preventScroll: true });
  });

  // Countdown -------------------------------------------------------------------------------
  const clock = {
    end: null,
    warned: new Set(),
    syncedAt: 0,
    sync(seconds) {
      this.end = performance.now() + seconds * 1000;
      this.syncedAt = performance.now();
    },
    left() {
      return this.end === null ? null : Math.max(0, Math.round((this.end - performance.now()) / 1000));
    },
  };
  const displays = document.querySelectorAll("[data-countdown]");
  const labels = document.querySelectorAll("[data-countdown-label]");
  const within = root.dataset.countdownWithin === "" ? null : Number(root.dataset.countdownWithin);

  function tick() {
    const left = clock.left();
    if (left === null) return;
    const far = within !== null && left > within; // an untimed quiz far from its close
    const minutes = Math.floor(left / 60);
    const text = far ? root.dataset.close : `${String(minutes).padStart(2, "0")}:${String(left % 60).padStart(2, "0")}`;
    displays.forEach((el) => {
      el.textContent = text;
      el.parentElement.classList.toggle("low", left <= 300);
    });
    labels.forEach((el) => (el.textContent = far ? "截止时间" : "剩余时间"));
    for (const [limit, message] of [[300, "距离交卷还有 5 分钟，请抓紧检查未答题目。"], [60, "距离交卷还有 1 分钟！答案已自动保存。"]]) {
      if (left <= limit && left > 0 && !clock.warned.has(limit)) {
        clock.warned.add(limit);
        warn(message);
      }
    }
    if (left === 0 && !finishing) finish("时间到，正在按已保存的答案交卷…", true);
  }

  async function resync() {
    try {
      const data = await (await fetch(root.dataset.stateUrl, { credentials: "same-origin" })).json();
      if (data.finished) window.location.reload();
      else if (data.remaining !== null) {
        clock.sync(data.remaining);
        if (data.remaining > 300) clock.warned.clear(); // the end was moved later
      }
    } catch (error) {
      /* offline: keep counting locally and try again later */
    }
  }

  async function finish(message, byTimer) {
    finishing = true;
    warn(message);
    while (offline || !navigator.onLine) {
      warn("网络恢复后自动交卷。");
      await new Promise((resolve) => setTimeout(resolve, 2000));
      if (navigator.onLine) setOffline(false);
    }
    await sendAllInOrder();
    form.querySelector("[name=timer]").value = byTimer ? "1" : "";
    form.submit();
  }

  if (root.dataset.remaining !== "") {
    clock.sync(Number(root.dataset.remaining));
    tick();
    setInterval(tick, 1000);
    // Each acknowledged save brings the server's clock: ask for it only when none did lately.
    const syncMs = Number(root.dataset.syncSeconds || 60) * 1000;
    setInterval(() => performance.now() - clock.syncedAt >= syncMs - 1000 && resync(), syncMs);
    document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && resync());
  }

  form.addEventListener("submit", (event) => {
    if (finishing) return;
    event.preventDefault();
    const open = document.querySelectorAll(".sheet a:not(.answered)").length;
    const flagged = document.querySelectorAll(".sheet a.flagged").length;
    const text =
      `还有 ${open} 道题未作答，${flagged} 道题已标记待检查。\n` +
      "交卷后答案不能再修改。确定交卷吗？";
    if (window.confirm(text)) finish("正在交卷…", false);
  });

  window.addEventListener("beforeunload", (event) => {
    if (pending.size && !finishing && !conflicted) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
