// The contact map: Leaflet + Leaflet.markercluster, markers from /places/map.json
// ([[lat, lon, id, name], ...]). Popups are built with textContent: names are user data.
(function () {
  "use strict";

  var element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  var status = document.getElementById("map-status");
  var contactBase = element.dataset.contactUrl;

  var map = L.map(element, { worldCopyJump: true }).setView([51.2, 10.4], 6);
  L.tileLayer(element.dataset.tileUrl, {
    maxZoom: 18,
    attribution: element.dataset.tileAttribution,
  }).addTo(map);

  function popup(id, name) {
    return function () {
      var link = document.createElement("a");
      link.href = contactBase + encodeURIComponent(id);
      link.textContent = name;
      return link;
    };
  }

  function show(markers) {
    var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
    var layers = new Array(markers.length);
    for (var i = 0; i < markers.length; i++) {
      var m = markers[i];
      var marker = L.marker([m[0], m[1]], { title: m[3], alt: m[3] });
      marker.bindPopup(popup(m[2], m[3]));
      layers[i] = marker;
    }
    cluster.addLayers(layers);
    map.addLayer(cluster);
    if (markers.length) {
      map.fitBounds(cluster.getBounds(), { padding: [20, 20], maxZoom: 12 });
      status.textContent = "";
    } else {
      status.textContent = element.dataset.emptyText;
    }
    element.dataset.markers = String(markers.length);
  }

  fetch(element.dataset.markersUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  })
    .then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    })
    .then(show)
    .catch(function () { status.textContent = element.dataset.errorText; });
})();
