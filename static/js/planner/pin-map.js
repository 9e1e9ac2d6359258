/**
 * The small map on a pin's staff page: where the pin is, drawn like on the citizen map.
 * Leaflet is a classic script loaded before this module.
 */

import { cssSlug } from "umecom/lib/dom.js";
import { settings } from "umecom/lib/settings.js";
import { createMap } from "umecom/map/create-map.js";
import { LabelledIcon } from "umecom/map/labelled-icon.js";

/** @param {HTMLElement} element */
export function showPinMap(element) {
  const map = createMap(element);
  const pin = settings.pin || {};
  const icon = new LabelledIcon({
    className: `pin pin--${cssSlug(pin.kind)} pin--cat-${cssSlug(pin.category)}`,
    iconSize: L.point(28, 28),
    iconAnchor: L.point(14, 28),
    label: pin.title,
  });
  const marker = L.marker(settings.center, { icon, keyboard: false }).addTo(map);
  marker.getElement()?.setAttribute("role", "img");
  element.dataset.ready = "true";
}
