/**
 * The Leaflet map every map page starts from: tiles, the area it may be moved in, zoom control,
 * and an accessible name and keyboard focus for the map region.
 * Leaflet itself is a classic script (global `L`) loaded before the page's modules.
 */

import { settings, t } from "umecom/lib/settings.js";

/**
 * Create the map in `element`, from the page settings: `center`, `zoom`, `bounds`, `tileUrl`,
 * `tileAttribution` and the string `mapLabel`.
 * @param {HTMLElement} element
 * @param {{zoomControl?: boolean}} [options] `zoomControl: false` for a wall display with no controls
 * @returns {any} the L.Map
 */
export function createMap(element, { zoomControl = true } = {}) {
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
  if (zoomControl) {
    L.control
      .zoom({ position: "topright", zoomInTitle: t("zoomIn"), zoomOutTitle: t("zoomOut") })
      .addTo(map);
  }
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
