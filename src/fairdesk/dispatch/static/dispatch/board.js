// Dispatcher board (dispatch/views.py board). Without JavaScript the page is complete and a link reloads it;
// with it htmx asks for the urgent part every poll (204 while nothing changed) and this script rings — a
// short tone and a browser notification — when an emergency is newly escalated (waited too long with no
// accepted job: services.urgent_escalate_due), as the support desk does for a waiting customer.
(function () {
  "use strict";
  var seen = null; // references already escalated when last looked (null: not looked yet)
  var audio = null;

  function tone() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return; }
    try {
      audio = audio || new Ctx();
      if (audio.state === "suspended") { audio.resume(); }
      [0, 0.35].forEach(function (offset) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.frequency.value = 880;
        gain.gain.setValueAtTime(0.2, audio.currentTime + offset);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + offset + 0.3);
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + offset);
        osc.stop(audio.currentTime + offset + 0.3);
      });
    } catch (e) { /* no sound on this browser: the mark on the board stays */ }
  }

  function ring(board, fresh) {
    tone();
    document.body.dataset.escalationRang = fresh.join(" ");
    if (window.Notification && Notification.permission === "granted") {
      try { new Notification(board.dataset.textEscalated, {body: fresh.join(", "), tag: "fairdesk-escalated"}); }
      catch (e) { /* notifications refused by this page context */ }
    }
  }

  function look() {
    var board = document.getElementById("urgent-live");
    if (!board) { return; }
    var now = (board.dataset.escalated || "").split(" ").filter(Boolean);
    var fresh = seen === null ? now : now.filter(function (ref) { return seen.indexOf(ref) < 0; });
    if (fresh.length) { ring(board, fresh); }
    seen = now;
    var ask = board.querySelector("[data-notify-permission]");
    if (ask && window.Notification && Notification.permission === "default") {
      ask.hidden = false;
      ask.addEventListener("click", function () {
        tone(); // a click also lets the page play sound later (autoplay rules)
        Notification.requestPermission().then(function () { ask.hidden = true; });
      });
    }
  }

  document.addEventListener("DOMContentLoaded", look);
  document.addEventListener("htmx:afterSettle", function () {
    if (document.getElementById("urgent-live")) { look(); }
  });
})();
