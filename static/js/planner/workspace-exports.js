/**
 * The download menu: every export of the current view (its filters and layer parameters) in
 * each format, in WGS 84 or SWEREF 99 TM where the format allows (GeoJSON is always WGS 84),
 * and the report of the same view.
 */

import { urlFor } from "umecom/lib/settings.js";
import { layerQuery } from "umecom/planner/workspace-state.js";

/** The report draws the layer on the map (the pins layer: its default, districts and clusters). */
const REPORT_LAYERS = { clusters: "clusters", districts: "districts", hexgrid: "hexgrid" };

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
}
