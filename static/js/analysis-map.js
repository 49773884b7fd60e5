/* The analysis map: draws the points and area outlines the page hands over as JSON (json_script).
 *
 * Tiles only when the portal is configured with a tile URL (MAP_TILE_URL); otherwise the points stand on a
 * plain background and nothing is fetched from any other server. Circles are not in the tab order: the
 * table beside the map lists the same points, and the map itself takes focus once (arrow keys pan, + and -
 * zoom) and lets Tab move on.
 */
(function () {
  "use strict";

  var OUTLINE = { color: "#1b3a5c", weight: 2, opacity: 0.8, fillOpacity: 0.04 };
  var POINT = { color: "#073763", fillColor: "#0072b2", weight: 1.5, fillOpacity: 0.55 };
  var HOT_SPOT = { color: "#7a0c12", fillColor: "#c8102e", weight: 3, fillOpacity: 0.6 };

  function escapeHtml(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  function tooltipFor(point) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = point.label;
    box.appendChild(title);
    var summary = document.createElement("div");
    summary.textContent = point.summary;
    box.appendChild(summary);
    point.categories.slice(0, 5).forEach(function (category) {
      var line = document.createElement("div");
      line.textContent = category.name + " (" + category.count + ")";
      box.appendChild(line);
    });
    return box;
  }

  function init() {
    var container = document.getElementById("analysis-map");
    var source = document.getElementById("analysis-map-data");
    if (!container || !source || typeof window.L === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var tileUrl = container.dataset.tileUrl || "";
    var attribution = container.dataset.tileAttribution || "";
    var map = window.L.map(container, {
      scrollWheelZoom: false,
      attributionControl: Boolean(tileUrl && attribution),
      zoomSnap: 0.5,
    });
    if (map.attributionControl) {
      map.attributionControl.setPrefix(false);
    }
    if (tileUrl) {
      window.L.tileLayer(tileUrl, { maxZoom: 19, attribution: escapeHtml(attribution) }).addTo(map);
    } else {
      container.classList.add("analysis-map--plain");
    }

    // Vector layers need a view before they are drawn: build them, fit the view, then add them.
    var layers = [];
    data.outlines.forEach(function (outline) {
      try {
        layers.push(window.L.geoJSON(outline.geojson, { style: OUTLINE, interactive: false }));
      } catch (error) {
        // An outline that is not valid GeoJSON is left out; the points still show.
      }
    });
    var largest = data.points.reduce(function (max, point) {
      return Math.max(max, point.count);
    }, 1);
    data.points.forEach(function (point) {
      var style = point.hotSpot ? HOT_SPOT : POINT;
      var marker = window.L.circleMarker([point.lat, point.lng], Object.assign({}, style, {
        radius: 5 + 13 * Math.sqrt(point.count / largest),
      }));
      marker.bindTooltip(tooltipFor(point));
      layers.push(marker);
    });

    var group = window.L.featureGroup(layers);
    var bounds = layers.length ? group.getBounds() : null;
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 });
    } else {
      map.setView([62, 15], 4);
    }
    group.addTo(map);
    // Leaflet puts every layer with a tooltip in the tab order; with hundreds of circles the keyboard would be
    // held in the map. The table beside it lists the same points, so the circles stay out of the tab order.
    group.eachLayer(function (layer) {
      var element = layer.getElement && layer.getElement();
      if (element) {
        element.setAttribute("tabindex", "-1");
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
