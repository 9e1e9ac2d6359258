/**
 * The map's view in the page's address, `#map=zoom/lat/lon` as OpenStreetMap writes it: a
 * reload, a language switch or a shared link shows the same place. A link to one pin
 * (`#pin=42`) is left as it is while it is there: it says more than a view.
 */

const VIEW = /^#map=(\d{1,2})\/(-?\d{1,2}(?:\.\d{1,7})?)\/(-?\d{1,3}(?:\.\d{1,7})?)$/;

/**
 * The view an address names, if it names one the map can show.
 * @param {string} hash `window.location.hash`
 * @param {any} map L.Map (its zoom range and the bounds it may be moved in)
 * @returns {{center: any, zoom: number}|null}
 */
export function viewInAddress(hash, map) {
  const match = VIEW.exec(hash);
  if (!match) return null;
  const zoom = Number(match[1]);
  const center = L.latLng(Number(match[2]), Number(match[3]));
  const bounds = map.options.maxBounds;
  if (zoom < map.getMinZoom() || zoom > map.getMaxZoom()) return null;
  if (bounds && !bounds.contains(center)) return null;
  return { center, zoom };
}

/**
 * Write the view into the address whenever the map stops moving (replacing the history
 * entry: moving the map is not a step the Back button should take one by one).
 * @param {any} map L.Map
 */
export function keepViewInAddress(map) {
  map.on("moveend", () => {
    const { pathname, search, hash } = window.location;
    if (hash && !VIEW.test(hash)) return; // a pin's link, or another page's fragment
    const { lat, lng } = map.getCenter();
    const view = `#map=${map.getZoom()}/${lat.toFixed(5)}/${lng.toFixed(5)}`;
    window.history.replaceState(window.history.state, "", `${pathname}${search}${view}`);
  });
}
