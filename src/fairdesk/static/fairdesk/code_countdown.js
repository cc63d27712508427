// "获取验证码" counts down until another code may be asked for. The answer that says a code was sent
// (bookings/_code_status.html) carries data-resend-after (seconds) and data-resend-text ("… {s} …"); the
// button that asked is disabled and shows the seconds left, then comes back. Without JavaScript the answer
// itself says how long to wait. No inline script: this file reads everything from data- attributes.
(function () {
  "use strict";
  function countDown(button, seconds, template) {
    if (button.dataset.counting) { return; }
    var label = button.textContent, left = seconds;
    button.dataset.counting = "1";
    button.disabled = true;
    button.classList.add("counting");
    function tick() {
      if (left <= 0) {
        button.textContent = label;
        button.disabled = false;
        button.classList.remove("counting");
        delete button.dataset.counting;
        return;
      }
      button.textContent = template.replace("{s}", String(left));
      left -= 1;
      window.setTimeout(tick, 1000);
    }
    tick();
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    var sent = target && target.querySelector("[data-resend-after]");
    var config = event.detail.requestConfig;
    var button = config && config.elt;
    if (!sent || !button || button.tagName !== "BUTTON") { return; }
    countDown(button, parseInt(sent.dataset.resendAfter, 10) || 60, sent.dataset.resendText || "{s}");
  });
})();
