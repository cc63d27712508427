// Support chat and agents' desk (support/views.py). Without JavaScript every form posts and the page comes
// back; with it:
// - the "客服" button on every customer page opens the chat in a panel (htmx loads /support/ into #chat-panel);
// - a chat subscribes to its conversation on the live channel (core/live.py, static/fairdesk/live.js) and
//   reloads its message log when something happens (falling back to polling when the socket is down);
// - the desk reloads its queue on every queue change and rings (sound + notification) when a customer is
//   handed to this agent or starts waiting.
(function () {
  "use strict";

  function get(url, onText) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("X-Requested-With", "fetch");
    xhr.onload = function () { if (xhr.status === 200) { onText(xhr.responseText); } };
    xhr.send();
  }

  // The desk's ring: a short tone and, when allowed, a browser notification (the desk's data-text-new).
  var audio = null;
  function ring(desk, text) {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx) {
      try {
        audio = audio || new Ctx();
        if (audio.state === "suspended") { audio.resume(); }
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = 660;
        gain.gain.setValueAtTime(0.2, audio.currentTime);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime);
        osc.stop(audio.currentTime + 0.4);
      } catch (e) { /* no sound here: the queue on the page still changes */ }
    }
    desk.dataset.rang = String(Date.now());
    if (window.Notification && Notification.permission === "granted") {
      try { new Notification(text || "fairdesk", {tag: "fairdesk-support"}); }
      catch (e) { /* notifications refused in this context */ }
    }
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

  // topic -> subscription; kept across htmx swaps (the handlers look the elements up when they run), so a
  // swapped chat never drops and reopens the socket.
  var subs = {};
  var waitingTimer = null;

  function want(wanted) {
    Object.keys(subs).forEach(function (topic) {
      if (!wanted[topic]) { subs[topic].unsubscribe(); delete subs[topic]; }
    });
    Object.keys(wanted).forEach(function (topic) {
      if (!subs[topic]) {
        var w = wanted[topic];
        subs[topic] = FairdeskLive.subscribe(topic, w.onMessage, w.opts);
      }
    });
  }

  function clearSubs() { want({}); }

  function chatLog() { return document.querySelector(".chat[data-conversation] #chat-log"); }

  function setUp() {
    if (!window.FairdeskLive) { return; }
    var wanted = {};
    var chat = document.querySelector(".chat[data-conversation]");
    if (chat) {
      wanted["support.conversation." + chat.dataset.conversation] = {
        onMessage: function (frame) {
          var current = document.querySelector(".chat[data-conversation]");
          if (!current) { return; }
          if (frame.event === "status" && frame.status !== current.dataset.status) { refreshChat(current); }
          else if (chatLog()) { refreshLog(chatLog()); }
        },
        opts: {poll: function () { if (chatLog()) { refreshLog(chatLog()); } }, pollEvery: 3000}
      };
      if (chatLog()) { scrollDown(chatLog()); }
    }
    var conv = document.querySelector(".desk-conversation[data-conversation]");
    if (conv) {
      var convLog = conv.querySelector("#chat-log");
      wanted["support.conversation." + conv.dataset.conversation] = {
        onMessage: function (frame) {
          if (frame.event === "status") { window.location.reload(); return; }
          refreshLog(convLog);
        },
        opts: {poll: function () { refreshLog(convLog); }, pollEvery: 3000}
      };
      scrollDown(convLog);
    }
    var desk = document.querySelector(".desk[data-agent]");
    if (desk) {
      var queue = document.getElementById("desk-queue");
      var reload = function () {
        get(desk.dataset.queueUrl, function (html) { queue.innerHTML = html; });
      };
      var waiting = -1;
      wanted["support.queue"] = {
        onMessage: function (frame) {
          if (typeof frame.waiting === "number" && frame.waiting > waiting && waiting >= 0) {
            ring(desk, desk.dataset.textNew);
          }
          if (typeof frame.waiting === "number") { waiting = frame.waiting; }
          reload();
        },
        opts: {poll: reload, pollEvery: 5000}
      };
      wanted["support.agent." + desk.dataset.agent] = {
        onMessage: function (frame) {
          if (frame.event === "assigned") { ring(desk, desk.dataset.textNew); reload(); }
        },
        opts: {pollEvery: 0}
      };
      var ask = desk.querySelector("[data-notify-permission]");
      if (ask && window.Notification && Notification.permission === "default") {
        ask.hidden = false;
        ask.addEventListener("click", function () {
          Notification.requestPermission().then(function () { ask.hidden = true; });
        });
      }
    }
    want(wanted);
    // While waiting for a human the position moves often: refresh every 10 s besides the live pushes
    // (which are throttled far from the head of the queue: support/services.py live_queue).
    var waitingChat = document.querySelector(".chat[data-status=waiting_human]");
    if (waitingChat && !waitingTimer) {
      waitingTimer = window.setInterval(function () {
        if (!document.querySelector(".chat[data-status=waiting_human]")) {
          window.clearInterval(waitingTimer);
          waitingTimer = null;
          return;
        }
        if (chatLog()) { refreshLog(chatLog()); }
      }, 10000);
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
