/**
 * The download menu: every export of the current view (its filters and layer parameters) in
 * each format, in WGS 84 or SWEREF 99 TM where the format allows (GeoJSON is always WGS 84),
 * and the report of the same view.
 */

import { t, urlFor } from "umecom/lib/settings.js";
import { layerQuery } from "umecom/planner/workspace-state.js";

/** The report draws the layer on the map (the pins layer: its default, districts and clusters). */
const REPORT_LAYERS = { clusters: "clusters", districts: "districts", hexgrid: "hexgrid" };
/** A layer's own parameters; any other field is a filter, which every file takes. */
const LAYER_OF_FIELD = { eps: "clusters", min_points: "clusters", size: "hexgrid" };

export class ExportMenu {
  /** @param {HTMLElement} root */
  constructor(root) {
    this.root = root;
    /** @type {import("umecom/planner/workspace-state.js").State|null} */
    this.state = null;
    root.addEventListener("change", () => this.state && this.update(this.state));
  }

  /** The CRS chosen in the menu. */
  crs() {
    const chosen = /** @type {HTMLInputElement|null} */ (this.root.querySelector("input[name=crs]:checked"));
    return chosen ? chosen.value : "4326";
  }

  /** @param {import("umecom/planner/workspace-state.js").State} state */
  update(state) {
    this.state = state;
    this.refusedNote().hidden = true;
    const crs = this.crs();
    this.root.querySelectorAll("a[data-export]").forEach((node) => {
      const link = /** @type {HTMLAnchorElement} */ (node);
      const fmt = link.dataset.format || "geojson";
      const query = layerQuery(state);
      if (fmt !== "geojson" && crs !== "4326") query.set("crs", crs);
      link.href = `${urlFor("export", { name: link.dataset.export || "ideas", fmt })}?${query}`;
    });
    const report = /** @type {HTMLAnchorElement|null} */ (this.root.querySelector("a[data-report]"));
    if (report) {
      const query = layerQuery(state);
      if (state.layer in REPORT_LAYERS) query.set("layers", REPORT_LAYERS[state.layer]);
      query.set("metric", state.metric);
      report.href = `${urlFor("report")}?${query}`;
    }
  }

  /**
   * A value the server refused for the layer shown: the files it is a parameter of, and the
   * report, would be refused too. Their links go (a link to a refusal would leave the page for
   * a JSON error) until the next `update`, with the reason beside them.
   * @param {string} field the refused parameter: a layer's own (eps, min_points, size) or a filter
   */
  refuse(field) {
    const layer = LAYER_OF_FIELD[field];
    const links = [...this.root.querySelectorAll(layer ? `a[data-export="${layer}"]` : "a[data-export]")];
    const report = this.root.querySelector("a[data-report]");
    if (report) links.push(report);
    for (const link of links) link.removeAttribute("href");
    const note = this.refusedNote();
    note.textContent = t("exportsRefused");
    note.hidden = false;
  }

  refusedNote() {
    return /** @type {HTMLElement} */ (this.root.querySelector("#pw-exports-refused"));
  }
}
