/**
 * The clusters as a list of buttons beside the map, largest first: the keyboard's and the
 * screen reader's way to choose a cluster (the same as clicking its outline).
 */

import { el } from "umecom/lib/dom.js";
import { t } from "umecom/lib/settings.js";

export class ClusterList {
  /**
   * @param {HTMLElement} root a section holding `ul`
   * @param {(feature: any) => void} onChoose
   */
  constructor(root, onChoose) {
    this.root = root;
    this.list = /** @type {HTMLElement} */ (root.querySelector("ul"));
    this.empty = /** @type {HTMLElement} */ (root.querySelector(".pw-empty"));
    this.onChoose = onChoose;
  }

  /** @param {any[]|null} features the clusters, or null when the clusters layer is off */
  update(features) {
    this.root.hidden = features === null;
    const sorted = [...(features || [])].sort(
      (a, b) => b.properties.count - a.properties.count || a.properties.cluster_id - b.properties.cluster_id,
    );
    this.empty.hidden = sorted.length > 0;
    this.list.replaceChildren(
      ...sorted.map((feature) => {
        const button = el(
          "button",
          "pw-row-button",
          t("clusterLabel", { id: feature.properties.cluster_id, n: feature.properties.count }),
        );
        button.setAttribute("type", "button");
        button.dataset.cluster = String(feature.properties.cluster_id);
        button.addEventListener("click", () => this.onChoose(feature));
        const item = el("li");
        item.append(button);
        return item;
      }),
    );
  }

  /** @param {string|null} id the selected cluster */
  mark(id) {
    this.list.querySelectorAll("button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.cluster === id));
    });
  }
}
