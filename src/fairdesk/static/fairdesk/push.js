// "Notify me on this phone" (bookings/my.html): registers /sw.js and posts the Web Push subscription to
// POST /api/v1/push/subscriptions (the verified-phone session: JSON and the X-CSRFToken header). The VAPID
// key, the endpoint, the CSRF token and the translated status texts are the button's data- attributes.
(function () {
  "use strict";
  var button = document.getElementById("push-button"), status = document.getElementById("push-status");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window)) { return; }
  button.hidden = false;
  function key(b64) {
    var pad = "=".repeat((4 - b64.length % 4) % 4), raw = atob((b64 + pad).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }
  button.addEventListener("click", function () {
    var data = button.dataset;
    navigator.serviceWorker.register("/sw.js").then(function (reg) {
      return reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(data.vapidKey)});
    }).then(function (sub) {
      return fetch(data.subscribeUrl, {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": data.csrfToken}, body: JSON.stringify(sub)});
    }).then(function (r) { status.textContent = r.ok ? data.textOn : data.textOff; })
      .catch(function () { status.textContent = data.textUnsupported; });
  });
})();
