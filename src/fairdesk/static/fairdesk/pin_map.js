// The customer's pin (regions/_pin_map.html): a Leaflet map with a draggable marker that fills the form's
// hidden lat/lng (WGS-84). The map and the "use my location" button appear only with JavaScript.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("pin-map");
    if (!box || !window.L) return;
    var latInput = document.getElementById("pin-lat");
    var lngInput = document.getElementById("pin-lng");
    var status = document.getElementById("pin-status");
    var locate = document.getElementById("pin-locate");
    var help = document.querySelector("[data-pin-help]");
    var map = null;
    var marker = null;

    function record(latlng) {
      latInput.value = latlng.lat.toFixed(6);
      lngInput.value = latlng.lng.toFixed(6);
      status.textContent = status.dataset.placed;
      box.dataset.pinLat = latInput.value;
      box.dataset.pinLng = lngInput.value;
    }

    function show(lat, lng, zoom) {
      box.hidden = false;
      if (help) help.hidden = false;
      if (!map) {
        map = L.map(box, { scrollWheelZoom: false }).setView([lat, lng], zoom);
        L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
        marker = L.marker([lat, lng], {
          draggable: true,
          autoPan: true,
          keyboard: true,
          alt: box.dataset.markerLabel,
          title: box.dataset.markerLabel,
        }).addTo(map);
        marker.on("dragend", function () { record(marker.getLatLng()); });
        map.on("click", function (event) { marker.setLatLng(event.latlng); record(event.latlng); });
      } else {
        map.setView([lat, lng], zoom);
        marker.setLatLng([lat, lng]);
      }
    }

    if (box.dataset.lat && box.dataset.lng) {
      show(parseFloat(box.dataset.lat), parseFloat(box.dataset.lng), parseInt(box.dataset.zoom, 10) || 15);
    } else if (help) {
      help.hidden = false;
    }
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(
          function (position) {
            show(position.coords.latitude, position.coords.longitude, 17);
            record(marker.getLatLng());
          },
          function () { status.textContent = status.dataset.locateFailed; },
          { enableHighAccuracy: true, timeout: 10000 }
        );
      });
    }
    window.fairdeskPinMap = { map: function () { return map; }, marker: function () { return marker; } };
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
