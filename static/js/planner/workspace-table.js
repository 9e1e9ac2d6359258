/**
 * The table of districts beside the map: name, pins and pins per 1,000 residents (where the
 * page has that column: some district's population is known), sortable by each column (the
 * headers are buttons; aria-sort says the order). Choosing a district's name selects it
 * (highlighted and zoomed to on the map, its pins listed); a district chosen on the map is
 * marked here.
 */

import { el } from "umecom/lib/dom.js";
import { formatNumber, t } from "umecom/lib/settings.js";


export class DistrictTable {
  /**
   * @param {HTMLTableElement} table with a thead of `th[data-sort]` holding buttons
   * @param {(code: string) => void} onChoose
   */
  constructor(table, onChoose) {
    this.table = table;
    this.body = /** @type {HTMLElement} */ (table.tBodies[0]);
    this.onChoose = onChoose;
    this.rates = table.querySelector('th[data-sort="per_1000"]') !== null;
    /** @type {any[]} */
    this.features = [];
    this.sortKey = "count";
    this.descending = true;
    /** @type {string|null} */
    this.selected = null;
    table.querySelectorAll("th[data-sort] button").forEach((button) => {
      button.addEventListener("click", () => {
        const key = /** @type {HTMLElement} */ (button.closest("th")).dataset.sort || "count";
        this.descending = key === this.sortKey ? !this.descending : key !== "name";
        this.sortKey = key;
        this.render();
      });
    });
  }

  /** @param {any[]} features the districts layer's Features */
  update(features) {
    this.features = features;
    this.render();
  }

  /**
   * No rows, and why, in one cell across the table.
   * @param {string} text
   */
  showEmpty(text) {
    const cell = el("td", "hint", text);
    cell.setAttribute("colspan", String(this.table.querySelectorAll("thead th").length));
    const row = el("tr");
    row.append(cell);
    this.body.replaceChildren(row);
  }

  /** @param {string|null} code the selected district, or none */
  mark(code) {
    this.selected = code;
    for (const row of this.body.rows) {
      if (row.dataset.code === code) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    }
  }

  /** The rows in the chosen order; districts without a value sort last either way. */
  sorted() {
    const key = this.sortKey;
    const direction = this.descending ? -1 : 1;
    const locale = document.documentElement.lang || undefined;
    return [...this.features].sort((a, b) => {
      const [x, y] = [a.properties[key], b.properties[key]];
      if (key === "name") return direction * String(x).localeCompare(String(y), locale);
      if (x === null || x === undefined) return y === null || y === undefined ? 0 : 1;
      if (y === null || y === undefined) return -1;
      return direction * (Number(x) - Number(y)) || String(a.properties.name).localeCompare(b.properties.name, locale);
    });
  }

  render() {
    for (const th of this.table.querySelectorAll("th[data-sort]")) {
      const key = /** @type {HTMLElement} */ (th).dataset.sort;
      if (key === this.sortKey) th.setAttribute("aria-sort", this.descending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
    const rows = this.sorted().map((feature) => {
      const props = feature.properties;
      const row = el("tr");
      row.dataset.code = String(props.code);
      const name = el("th");
      name.setAttribute("scope", "row");
      const button = el("button", "pw-row-button", props.name);
      button.setAttribute("type", "button");
      button.addEventListener("click", () => this.onChoose(String(props.code)));
      name.append(button);
      row.append(name, el("td", "num", formatNumber(props.count)));
      if (this.rates) {
        const unknown = props.per_1000 === null || props.per_1000 === undefined;
        row.append(el("td", "num", unknown ? t("noData") : formatNumber(props.per_1000)));
      }
      return row;
    });
    this.body.replaceChildren(...rows);
    this.mark(this.selected);
  }
}

