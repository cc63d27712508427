// "Use my location" on the coverage page (regions/coverage.html). The check URL and the translated error come
// from the button's data- attributes, so no inline script is needed under the Content-Security-Policy.
(function () {
  "use strict";
  var button = document.getElementById("use-location");
  if (!button || !("geolocation" in navigator)) { return; }
  var result = document.getElementById("coverage-result");
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      button.disabled = false;
      htmx.ajax("GET", button.dataset.checkUrl + "?lat=" + pos.coords.latitude + "&lng=" + pos.coords.longitude,
                {target: "#coverage-result"});
    }, function () {
      button.disabled = false;
      var notice = document.createElement("p");
      notice.className = "notice error";
      notice.setAttribute("role", "alert");
      notice.textContent = button.dataset.errorText;
      result.insertBefore(notice, result.firstChild);
    }, {timeout: 10000, maximumAge: 600000});
  });
})();
