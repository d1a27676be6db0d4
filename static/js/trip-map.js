// The legs of a trip on a small Leaflet map: data-legs holds [{lat, lon, label}, ...].
// Labels go in with textContent-safe tooltips (Leaflet escapes nothing: we pass text nodes).
(function () {
  "use strict";

  var element = document.getElementById("trip-map");
  if (!element || typeof L === "undefined") return;
  var legs = JSON.parse(element.dataset.legs || "[]");
  if (!legs.length) return;
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tileUrl, {
    maxZoom: 18,
    attribution: element.dataset.tileAttribution,
  }).addTo(map);
  var points = [];
  legs.forEach(function (leg, index) {
    var label = document.createElement("span");
    label.textContent = index + 1 + ". " + leg.label;
    L.marker([leg.lat, leg.lon], { title: leg.label, alt: leg.label })
      .bindTooltip(label, { permanent: true, direction: "right" })
      .addTo(map);
    points.push([leg.lat, leg.lon]);
  });
  if (points.length > 1) L.polyline(points, { dashArray: "4 6" }).addTo(map);
  map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 9 });
})();
