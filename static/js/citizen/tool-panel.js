/**
 * The tool panel over the citizen map (search, place a pin, filter: top left, the whole top on
 * a phone), folded on a phone, and the shortest way to move the map so something clears it.
 */

import { el } from "umecom/lib/dom.js";
import { t } from "umecom/lib/settings.js";

/**
 * On a phone (app.css, max-width 40rem) the place search and the filters fold away behind a
 * button, so the panel leaves the map's centre (where "place a pin at the centre" puts a pin,
 * and where a linked pin opens) in sight: unfolded, it covered 40 % of a 320 px phone's map.
 * The button is a disclosure (aria-expanded); on wider screens it is not shown and the panel
 * is always whole.
 * @param {HTMLElement|null} tools the panel (#map-tools)
 */
export function foldOnPhones(tools) {
  if (!tools) return;
  const parts = [...tools.children].filter((part) => part.matches(".place-search, .map-filters"));
  const toggle = /** @type {HTMLButtonElement} */ (
    el("button", "button map-tools__toggle", t("toolsToggle"))
  );
  toggle.type = "button";
  toggle.id = "map-tools-toggle";
  toggle.setAttribute("aria-controls", parts.map((part) => part.id).join(" "));
  const show = (/** @type {boolean} */ open) => {
    toggle.setAttribute("aria-expanded", String(open));
    tools.classList.toggle("map-tools--folded", !open);
  };
  toggle.addEventListener("click", () => show(toggle.getAttribute("aria-expanded") !== "true"));
  show(false);
  tools.prepend(toggle);
}

/**
 * The map's pan that takes `box` (a rectangle on the page; a point is one of no size) out
 * from under `panel`: down below it, or right of it when that is shorter and still leaves
 * the box on the map. Whether the box is under the panel at all is the caller's question.
 * @param {{left: number, top: number, width: number}} box
 * @param {DOMRect} panel
 * @param {DOMRect} mapBox the map's rectangle on the page
 * @param {number} margin pixels kept between the box and the panel or the map's edge
 * @returns {[number, number]} for `map.panBy`
 */
export function panOutFromUnder(box, panel, mapBox, margin) {
  const down = panel.bottom + margin - box.top;
  const right = panel.right + margin - box.left;
  const fitsRight = panel.right + margin + box.width < mapBox.right - margin;
  return fitsRight && right < down ? [-right, 0] : [0, -down];
}
