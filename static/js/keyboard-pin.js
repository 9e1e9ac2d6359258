/**
 * Placing a pin without a pointer: when the map has keyboard focus a crosshair marks its centre;
 * arrow keys pan (Leaflet's keyboard handler) and Enter opens the pin form there.
 * The "Place a pin at the centre of the map" button does the same.
 */

/**
 * @param {any} map L.Map
 * @param {(latlng: any, opener: Element) => void} openAt
 */
export function setUpKeyboardPin(map, openAt) {
  const container = map.getContainer();
  const crosshair = document.createElement("div");
  crosshair.className = "crosshair";
  crosshair.setAttribute("aria-hidden", "true");
  container.append(crosshair);

  container.addEventListener("keydown", (event) => {
    if (event.target !== container) return;
    if (event.key === "Enter" && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      openAt(map.getCenter(), container);
    }
  });
  document.getElementById("pin-centre")?.addEventListener("click", (event) => {
    openAt(map.getCenter(), /** @type {Element} */ (event.currentTarget));
  });
}
