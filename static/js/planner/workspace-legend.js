/**
 * The legend of the layer on the map: a heading, and one row per class with its swatch.
 * Swatch colours are set through the CSSOM (the CSP allows no inline style attributes).
 */

import { el } from "umecom/lib/dom.js";
import { formatNumber, t } from "umecom/lib/settings.js";
import { EMPTY_COLOUR, NO_DATA_COLOUR, classRanges } from "umecom/planner/workspace-classes.js";

/**
 * @param {string} colour
 * @param {string} shape "fill", "outline", "hatched" or "marker"
 */
function swatch(colour, shape) {
  const node = el("span", `pw-swatch pw-swatch--${shape}`);
  node.setAttribute("aria-hidden", "true");
  if (shape === "fill") node.style.backgroundColor = colour;
  return node;
}

export class Legend {
  /** @param {HTMLElement} element */
  constructor(element) {
    this.element = element;
  }

  /**
   * @param {string} title
   * @param {{colour: string, shape: string, label: string}[]} rows
   */
  show(title, rows) {
    const list = el("ul", "pw-legend__rows");
    for (const row of rows) {
      const item = el("li", "pw-legend__row");
      item.append(swatch(row.colour, row.shape), el("span", "", row.label));
      list.append(item);
    }
    this.element.replaceChildren(el("h2", "pw-legend__title", title), list);
  }

  /**
   * Classes of a choropleth, then "no pins" where the layer draws areas without pins (the
   * districts: hexagons come only where pins are), and "no data" when some values are unknown.
   * @param {string} title
   * @param {number[]} breaks
   * @param {{withEmpty: boolean, withNoData: boolean}} rowsFor
   */
  showClasses(title, breaks, { withEmpty, withNoData }) {
    const rows = classRanges(breaks, formatNumber).map((r) => ({ ...r, shape: "fill" }));
    if (withEmpty) rows.push({ colour: EMPTY_COLOUR, shape: "fill", label: t("legendNone") });
    if (withNoData) rows.push({ colour: NO_DATA_COLOUR, shape: "hatched", label: t("legendNoData") });
    this.show(title, rows);
  }
}
