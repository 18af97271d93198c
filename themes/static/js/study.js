// The lesson page: beats while the page is visible and the learner is active, and shows what the
// server has credited. The server keeps the clock; this script only reports whether the page is
// visible and whether the learner touched it since the last beat. Between beats the shown time
// ticks every second while the page counts, and each beat's answer puts it right again.
(function () {
  "use strict";
  const panel = document.getElementById("study-panel");
  if (!panel) return;
  const csrf = panel.querySelector("[name=csrfmiddlewaretoken]").value;
  const itemId = Number(panel.dataset.itemId);
  const intervalMs = Math.max(1, Number(panel.dataset.interval) || 30) * 1000;
  const idleMs = Math.max(1, Number(panel.dataset.idle) || 300) * 1000;
  const dialog = document.getElementById("presence-dialog");
  const field = (name) => panel.querySelector(`[data-study="${name}"]`);
  const LABELS = {
    studying: "学习中",
    hidden: "已暂停（页面不可见）",
    idle: "已暂停（长时间未操作）",
    presence: "已暂停（请确认继续学习）",
    complete: "已学完本课时长",
  };

  let interacted = true; // opening the page counts as touching it
  let lastInteraction = Date.now();
  let timer = null;
  let stopped = panel.dataset.state === "complete";
  let awaitingPresence = false;
  let hiddenSent = false;
  let shownSeconds = Number(panel.dataset.totalSeconds) || 0;
  const nominalSeconds = Number(panel.dataset.nominalSeconds) || 0;

  function showTime(seconds) {
    shownSeconds = Math.min(seconds, nominalSeconds || seconds);
    const minutes = Math.floor(shownSeconds / 60);
    field("duration").textContent = `${minutes} 分 ${String(shownSeconds % 60).padStart(2, "0")} 秒`;
    const left = Math.max(0, nominalSeconds - shownSeconds);
    field("remaining").textContent = left ? `还需 ${Math.ceil(left / 60)} 分钟完成本课` : "";
  }

  const isVisible = () => document.visibilityState === "visible";
  const isIdle = () => Date.now() - lastInteraction > idleMs;

  function showState(state, message) {
    const status = field("state");
    status.textContent = message || LABELS[state] || "";
    status.classList.toggle("paused", state !== "studying" && state !== "complete");
    status.classList.toggle("complete", state === "complete");
    status.classList.toggle("failed", !state);
  }

  function update(data) {
    if (data.item_id !== itemId) {
      beat(); // the session belonged to another lesson: claim it for this page
      return;
    }
    panel.dataset.totalSeconds = data.total_seconds;
    showTime(data.total_seconds);
    field("hours").textContent = data.hours;
    field("percent").textContent = data.percent;
    field("bar").style.width = `${data.percent}%`;
    panel.querySelector("[role=progressbar]").setAttribute("aria-valuenow", data.percent);
    showState(data.state);
    if (data.presence_required) askPresence();
    if (data.state === "complete") stop(true);
  }

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body),
    });
  }

  async function send(url, body) {
    try {
      const reply = await post(url, body);
      const data = await reply.json();
      if (reply.ok && data.ok) return update(data);
      showState(null, data.error || "计时出错，请刷新页面。");
      if ([401, 403, 404].includes(reply.status)) stop(true);
    } catch (error) {
      if (body.interacted) interacted = true; // keep the news for the next beat
      showState(null, "网络异常，正在重试…");
    }
  }

  function beat() {
    if (stopped || awaitingPresence || !isVisible()) return;
    if (isIdle()) return showState("idle");
    const body = { visible: true, interacted };
    interacted = false;
    return send(panel.dataset.heartbeatUrl, body);
  }

  function sendHidden() {
    if (stopped || hiddenSent) return;
    hiddenSent = true;
    post(panel.dataset.heartbeatUrl, { visible: false, interacted: false }, true).catch(() => {});
  }

  function counting() {
    return !stopped && timer && !awaitingPresence && isVisible() && !isIdle();
  }

  function start() {
    if (stopped || timer) return;
    timer = setInterval(beat, intervalMs);
    beat();
  }

  setInterval(() => {
    if (counting()) showTime(shownSeconds + 1);
  }, 1000);

  function stop(forGood) {
    clearInterval(timer);
    timer = null;
    if (forGood) stopped = true;
  }

  function askPresence() {
    awaitingPresence = true;
    if (dialog.open) return;
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  }

  async function confirmPresence() {
    awaitingPresence = false;
    if (typeof dialog.close === "function") dialog.close();
    else dialog.removeAttribute("open");
    lastInteraction = Date.now();
    interacted = true;
    await send(panel.dataset.presenceUrl, {});
  }

  function noteInteraction() {
    const wasIdle = isIdle();
    lastInteraction = Date.now();
    interacted = true;
    if (wasIdle && timer) beat(); // back from a break: tell the server now, not in 30 s
  }

  ["mousemove", "keydown", "scroll", "touchstart", "click", "wheel", "pointerdown"].forEach((name) =>
    window.addEventListener(name, noteInteraction, { passive: true, capture: true }),
  );
  document.addEventListener("visibilitychange", () => {
    if (isVisible()) {
      lastInteraction = Date.now(); // bringing the page back is an interaction
      interacted = true;
      hiddenSent = false;
      if (stopped) return;
      showState(awaitingPresence ? "presence" : "studying");
      start();
    } else {
      stop(false);
      sendHidden();
      if (!stopped) showState("hidden");
    }
  });
  window.addEventListener("pagehide", () => {
    stop(false);
    sendHidden();
  });
  field("confirm").addEventListener("click", confirmPresence);
  dialog.addEventListener("cancel", (event) => event.preventDefault()); // answer, don't dismiss

  if (stopped) return;
  if (isVisible()) start();
  else showState("hidden");
})();
