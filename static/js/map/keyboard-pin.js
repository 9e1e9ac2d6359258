/**
 * Placing a point without a pointer: when the map has keyboard focus a crosshair marks its
 * centre; arrow keys pan (Leaflet's keyboard handler) and Enter picks the centre.
 * An optional button ("Place a pin at the centre of the map") does the same.
 */

import { measureNow } from "umecom/map/create-map.js";

/**
 * @param {any} map L.Map
 * @param {(latlng: any, opener: Element) => void} openAt called with the centre and the element
 *   that should get focus back afterwards
 * @param {{button?: HTMLElement|null}} [options]
 */
export function setUpKeyboardPin(map, openAt, { button = null } = {}) {
  const container = map.getContainer();
  const crosshair = document.createElement("div");
  crosshair.className = "crosshair";
  crosshair.setAttribute("aria-hidden", "true");
  container.append(crosshair);

  container.addEventListener("keydown", (event) => {
    // only when the map itself has focus, not a marker or a popup inside it
    if (event.target !== container) return;
    if (event.key === "Enter" && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      measureNow(map); // the centre the crosshair marks, even a frame after a resize
      openAt(map.getCenter(), container);
    }
  });
  button?.addEventListener("click", (event) => {
    measureNow(map);
    openAt(map.getCenter(), /** @type {Element} */ (event.currentTarget));
  });
}
