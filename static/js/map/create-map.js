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
  const moving = !prefersStillness();
  const map = L.map(element, {
    center: settings.center,
    zoom: settings.zoom,
    minZoom: 8,
    maxBounds: bounds.pad(0.3),
    maxBoundsViscosity: 0.8,
    zoomControl: false,
    keyboard: true,
    zoomAnimation: moving,
    fadeAnimation: moving,
    markerZoomAnimation: moving,
    inertia: moving,
  });
  // Leaflet has no option for its flights: every flyTo on this map jumps instead (Leaflet's
  // own flyTo does with `animate: false`), so no caller has to remember to ask.
  if (!moving) {
    const fly = map.flyTo.bind(map);
    map.flyTo = (latlng, zoom, options = {}) => fly(latlng, zoom, { ...options, animate: false });
  }
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
  followSize(map, element);
  element.setAttribute("aria-label", t("mapLabel"));
  element.setAttribute("role", "region");
  if (element.tabIndex < 0) element.tabIndex = 0;
  return map;
}

/**
 * Whether the person has asked their system for less motion. The map then jumps where it
 * would glide (zooms, flights, fades, a drag's momentum), as the page's CSS already stops its
 * transitions: large moving scenes are what WCAG 2.3.3 warns of for vestibular disorders.
 * @returns {boolean}
 */
export function prefersStillness() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/**
 * Tell Leaflet when its container changes size. Leaflet measures it only when the window is
 * resized; a bar shown below a workshop's map shrinks it too, and the centre the keyboard's
 * crosshair marks was then Leaflet's old one: a corner placed with Enter landed 61 px below
 * the crosshair on a 375 px phone. A bar below: what is on screen stays put (a hint that grows
 * by a line must not shift the shape being edited). A banner above: the centre stays the
 * place it was (follow mode shares it).
 * @param {any} map L.Map
 * @param {HTMLElement} element
 */
function followSize(map, element) {
  const top = () => element.getBoundingClientRect().top + window.scrollY;
  let before = top();
  const measure = () => {
    const now = top();
    map.invalidateSize({ pan: now !== before });
    before = now;
  };
  measuring.set(map, measure);
  new ResizeObserver(measure).observe(element);
}

/** Each map's `measure` from `followSize`. */
const measuring = new WeakMap();

/**
 * Measure the map's container now, as its ResizeObserver will. The observer reports a change
 * at the next frame: Enter pressed in the same frame as a bar appeared put a workshop corner
 * 24 px below the crosshair on a phone (one `make test` run in many). Leaflet returns at once
 * when the size has not changed.
 * @param {any} map L.Map
 */
export function measureNow(map) {
  measuring.get(map)?.();
}
