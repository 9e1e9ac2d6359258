/**
 * The tool panel over the citizen map (search, place a pin, filter: top left, the whole top on
 * a phone) and the shortest way to move the map so something clears it.
 */

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
