/**
 * A marker that gets keyboard focus under the tool panel (top left; the whole top on a phone)
 * or past the map's edge is brought into view: the focus ring must be seen to be followed.
 */

import { panOutFromUnder } from "umecom/citizen/tool-panel.js";

/** Pixels kept between a focused marker and the panel or the map's edge. */
const MARGIN = 16;

/**
 * @param {any} map L.Map
 * @param {HTMLElement|null} tools the panel over the map
 */
export function keepFocusedMarkersInView(map, tools) {
  map.getContainer().addEventListener("focusin", (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    if (!target.classList || !target.classList.contains("leaflet-marker-icon")) return;
    const mapBox = map.getContainer().getBoundingClientRect();
    const box = target.getBoundingClientRect();
    let dx = 0;
    let dy = 0;
    if (box.left < mapBox.left + MARGIN) dx = box.left - mapBox.left - MARGIN;
    else if (box.right > mapBox.right - MARGIN) dx = box.right - mapBox.right + MARGIN;
    if (box.top < mapBox.top + MARGIN) dy = box.top - mapBox.top - MARGIN;
    else if (box.bottom > mapBox.bottom - MARGIN) dy = box.bottom - mapBox.bottom + MARGIN;
    const panel = tools && tools.offsetHeight ? tools.getBoundingClientRect() : null;
    if (!dx && !dy && panel && overlaps(box, panel)) {
      [dx, dy] = panOutFromUnder(box, panel, mapBox, MARGIN);
    }
    if (dx || dy) map.panBy([dx, dy], { animate: false });
  });
}

/**
 * Whether two boxes share any area.
 * @param {DOMRect} a
 * @param {DOMRect} b
 */
function overlaps(a, b) {
  return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
}
