/**
 * The Leaflet map: tiles, bounds, and the light reference layers (municipality outline, districts).
 */

import { request } from "./request.js";
import { settings, t, urlFor } from "./settings.js";

/**
 * Create the map in #map.
 * @param {HTMLElement} element
 * @returns {any} the L.Map
 */
export function createMap(element) {
  const bounds = L.latLngBounds(settings.bounds);
  const map = L.map(element, {
    center: settings.center,
    zoom: settings.zoom,
    minZoom: 8,
    maxBounds: bounds.pad(0.3),
    maxBoundsViscosity: 0.8,
    zoomControl: false,
    keyboard: true,
  });
  L.control.zoom({ position: "topright" }).addTo(map);
  L.tileLayer(settings.tileUrl, {
    attribution: settings.tileAttribution,
    maxZoom: 19,
    crossOrigin: true,
  }).addTo(map);
  map.attributionControl.setPrefix(false);
  element.setAttribute("aria-label", t("mapLabel"));
  element.setAttribute("role", "region");
  if (element.tabIndex < 0) element.tabIndex = 0;
  return map;
}

/** Load the municipality outline and the districts as a quiet, non-interactive background. */
export async function addReferenceLayers(map) {
  const pane = map.createPane("reference");
  pane.style.zIndex = "350";
  const [area, districts] = await Promise.allSettled([
    request(urlFor("area")),
    request(urlFor("districts")),
  ]);
  if (districts.status === "fulfilled" && districts.value) {
    L.geoJSON(districts.value, {
      pane: "reference",
      interactive: true,
      bubblingMouseEvents: true,
      style: () => ({ className: "district", weight: 1, fill: true, fillOpacity: 0 }),
      attribution: t("districtAttribution"),
      onEachFeature: (feature, layer) => {
        const name = feature.properties && feature.properties.name;
        if (name) {
          layer.bindTooltip(String(name), { sticky: true, className: "district-tooltip" });
        }
      },
    }).addTo(map);
  }
  if (area.status === "fulfilled" && area.value) {
    L.geoJSON(area.value, {
      pane: "reference",
      interactive: false,
      style: () => ({ className: "area-outline", weight: 3, fill: false }),
    }).addTo(map);
  }
}
