// The dispatcher board's map (dispatch/board.html): the SVG sketch is replaced by a Leaflet map with tiles
// (FAIRDESK_TILE_URL) and the same points: technicians, planned visits and open emergencies.
(function () {
  "use strict";
  var COLOURS = { tech: "#1f6feb", visit: "#1a7f37", urgent: "#d1570d" };
  function start() {
    var wrap = document.querySelector("[data-board-map]");
    if (!wrap || !window.L) return;
    var points = [];
    try { points = JSON.parse(wrap.dataset.boardMap || "[]"); } catch (e) { return; }
    if (!points.length) return;
    var box = wrap.querySelector(".board-leaflet");
    var sketch = wrap.querySelector("svg.board-map");
    box.hidden = false;
    var map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(wrap.dataset.tiles, { maxZoom: 19, attribution: wrap.dataset.attribution }).addTo(map);
    var bounds = [];
    points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lng], {
        radius: 7,
        color: "#fff",
        weight: 2,
        fillColor: COLOURS[p.kind] || "#555",
        fillOpacity: p.approximate ? 0.5 : 0.95,
        dashArray: p.approximate ? "3" : null,
      }).addTo(map);
      marker.bindTooltip(p.label);
      bounds.push([p.lat, p.lng]);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 });
    if (sketch) sketch.setAttribute("hidden", "");
    wrap.dataset.ready = "1";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
