// Support chat and agents' desk (support/views.py). Without JavaScript every form posts and the page comes
// back; with it:
// - the "客服" button on every customer page opens the chat in a panel (htmx loads /support/ into #chat-panel);
// - a chat subscribes to its conversation on the live channel (core/live.py, static/fairdesk/live.js) and
//   reloads its message log when something happens (falling back to polling when the socket is down);
// - the desk reloads its queue on every queue change and rings (sound + notification) when a customer is
//   handed to this agent or starts waiting.
(function () {
  "use strict";
  var subs = [];

  function get(url, onText) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("X-Requested-With", "fetch");
    xhr.onload = function () { if (xhr.status === 200) { onText(xhr.responseText); } };
    xhr.send();
  }

  function scrollDown(log) {
    var latest = log.querySelector("#chat-latest");
    if (latest && latest.scrollIntoView) { latest.scrollIntoView({block: "nearest"}); }
    log.scrollTop = log.scrollHeight;
  }

  function refreshLog(log) {
    get(log.dataset.logUrl, function (html) {
      if (log.dataset.html === html) { return; }
      log.dataset.html = html;
      log.innerHTML = html;
      if (window.htmx) { window.htmx.process(log); }
      scrollDown(log);
    });
  }

  function refreshChat(chat) {
    if (!window.htmx) { window.location.reload(); return; }
    window.htmx.ajax("GET", chat.dataset.chatUrl, {target: "#chat", swap: "outerHTML"});
  }

  function clearSubs() {
    subs.forEach(function (s) { s.unsubscribe(); });
    subs = [];
  }

  function ring(desk, text) {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx) {
        var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.frequency.value = 880; gain.gain.value = 0.08;
        osc.connect(gain); gain.connect(ctx.destination);
        osc.start(); osc.stop(ctx.currentTime + 0.25);
      }
    } catch (error) { /* no sound: the page still shows the queue */ }
    if (window.Notification && Notification.permission === "granted") {
      try { new Notification("fairdesk", {body: text}); } catch (error) { /* ignore */ }
    }
    desk.dataset.rang = String(Number(desk.dataset.rang || "0") + 1);
  }

  function setUp() {
    if (!window.FairdeskLive) { return; }
    clearSubs();
    var chat = document.querySelector(".chat[data-conversation]");
    if (chat) {
      var log = chat.querySelector("#chat-log");
      var id = chat.dataset.conversation;
      subs.push(FairdeskLive.subscribe("support.conversation." + id, function (frame) {
        if (frame.event === "status" && frame.status !== chat.dataset.status) { refreshChat(chat); }
        else if (log) { refreshLog(log); }
      }, {poll: function () { if (log) { refreshLog(log); } }, pollEvery: 3000}));
      if (log) { scrollDown(log); }
    }
    var conv = document.querySelector(".desk-conversation[data-conversation]");
    if (conv) {
      var convLog = conv.querySelector("#chat-log");
      subs.push(FairdeskLive.subscribe("support.conversation." + conv.dataset.conversation, function (frame) {
        if (frame.event === "status") { window.location.reload(); return; }
        refreshLog(convLog);
      }, {poll: function () { refreshLog(convLog); }, pollEvery: 3000}));
      scrollDown(convLog);
    }
    var desk = document.querySelector(".desk[data-agent]");
    if (desk) {
      var queue = document.getElementById("desk-queue");
      var reload = function () {
        get(desk.dataset.queueUrl, function (html) { queue.innerHTML = html; });
      };
      var waiting = -1;
      subs.push(FairdeskLive.subscribe("support.queue", function (frame) {
        if (typeof frame.waiting === "number" && frame.waiting > waiting && waiting >= 0) {
          ring(desk, desk.dataset.textNew);
        }
        if (typeof frame.waiting === "number") { waiting = frame.waiting; }
        reload();
      }, {poll: reload, pollEvery: 5000}));
      subs.push(FairdeskLive.subscribe("support.agent." + desk.dataset.agent, function (frame) {
        if (frame.event === "assigned") {
          ring(desk, desk.dataset.textNew);
          reload();
        }
      }, {pollEvery: 0}));
      var ask = desk.querySelector("[data-notify-permission]");
      if (ask && window.Notification && Notification.permission === "default") {
        ask.hidden = false;
        ask.addEventListener("click", function () {
          Notification.requestPermission().then(function () { ask.hidden = true; });
        });
      }
    }
  }

  // The launcher: htmx has loaded the chat into the panel; show it, with a close button.
  function panelOpened(panel) {
    panel.hidden = false;
    document.body.classList.add("chat-open");
    var close = panel.querySelector("[data-chat-close]");
    if (close) {
      close.hidden = false;
      close.addEventListener("click", function () {
        panel.hidden = true;
        document.body.classList.remove("chat-open");
        clearSubs();
      });
    }
    var text = panel.querySelector("#chat-text, #chat-phone");
    if (text) { text.focus(); }
  }

  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = document.getElementById("chat-panel");
    if (panel && panel.contains(event.detail.target) && panel.hidden) { panelOpened(panel); }
    else if (panel && panel.contains(event.detail.target)) {
      var close = panel.querySelector("[data-chat-close]");
      if (close && close.hidden) { panelOpened(panel); }
    }
    setUp();
  });
})();
