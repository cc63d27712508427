// The technician's "report my position" button (dispatch/technician.html); shown only where geolocation works.
(function () {
  "use strict";
  var button = document.getElementById("send-position"), form = document.getElementById("position-form");
  if (!button || !form || !("geolocation" in navigator)) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.lat.value = pos.coords.latitude; form.lng.value = pos.coords.longitude; form.submit();
    });
  });
})();
