// An event's place on a small Leaflet map: data-marker holds {lat, lon, label}.
// The label goes in as a text node (Leaflet escapes nothing).
(function () {
  "use strict";

  var element = document.getElementById("event-map");
  if (!element || typeof L === "undefined") return;
  var marker = JSON.parse(element.dataset.marker || "null");
  if (!marker) return;
  var map = L.map(element, { scrollWheelZoom: false }).setView([marker.lat, marker.lon], 13);
  L.tileLayer(element.dataset.tileUrl, {
    maxZoom: 18,
    attribution: element.dataset.tileAttribution,
  }).addTo(map);
  var label = document.createElement("span");
  label.textContent = marker.label;
  L.marker([marker.lat, marker.lon], { title: marker.label, alt: marker.label })
    .bindTooltip(label, { permanent: true, direction: "right" })
    .addTo(map);
})();
