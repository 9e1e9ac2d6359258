/**
 * A stale edit: someone changed the drawing after this browser last saw it, and the server
 * refused the change (409 with the drawing as it is now). Nothing is overwritten silently: the
 * person sees the current drawing (its note here, its shape outlined on the map) and chooses to
 * keep theirs or to apply their own change on top of it.
 */

import { categoryLabel, t } from "umecom/lib/settings.js";
import { layerOf } from "umecom/workshop/shapes.js";

const PANEL = "ws-conflict-panel";

export class ConflictPanel {
  /**
   * @param {any} map L.Map
   * @param {import("umecom/workshop/panels.js").Panels} panels
   */
  constructor(map, panels) {
    this.map = map;
    this.panels = panels;
    this.outline = null;
    this.choice = null;
    this.message = /** @type {HTMLElement} */ (document.getElementById("ws-conflict-message"));
    this.current = /** @type {HTMLElement} */ (document.getElementById("ws-conflict-current"));
    this.mine = /** @type {HTMLElement} */ (document.getElementById("ws-conflict-mine"));
    document.getElementById("ws-conflict-theirs")?.addEventListener("click", () => this.decide("theirs"));
    document.getElementById("ws-conflict-reapply")?.addEventListener("click", () => this.decide("mine"));
    // Put away unanswered: nothing is overwritten, as if their version was kept.
    panels.onReplaced(PANEL, () => this.decide("theirs"));
  }

  get isOpen() {
    return this.panels.isOpen(PANEL);
  }

  /**
   * Show the conflict and wait for the choice.
   * @param {{message: string, current: any, mine: any}} conflict `mine` as it would be sent
   * @returns {Promise<"theirs"|"mine">}
   */
  ask({ message, current, mine }) {
    this.message.textContent = message;
    const p = current.properties || {};
    const now = [p.note || t("noNote")];
    if (p.category) now.push(categoryLabel(p.category));
    this.current.textContent = now.join(" · ");
    this.mine.textContent = this.describeMine(mine);
    this.clearOutline();
    this.outline = layerOf(current.geometry, {
      color: "#000000",
      weight: 3,
      dashArray: "6 6",
      fill: false,
      interactive: false,
      className: "ws-conflict-outline",
    }).addTo(this.map);
    this.panels.open(PANEL, {
      focus: /** @type {HTMLElement} */ (document.getElementById("ws-conflict-title")),
    });
    return new Promise((resolve) => {
      this.choice = resolve;
    });
  }

  /** The change this browser wanted, in words. */
  describeMine(mine) {
    if (mine.delete) return t("mineDelete");
    const parts = [];
    if (mine.geometry) parts.push(t("mineShape"));
    const p = mine.properties || {};
    if ("note" in p) parts.push(t("mineNote", { note: p.note || t("noNote") }));
    if ("color" in p) parts.push(t("mineColor"));
    if ("category" in p) parts.push(p.category ? categoryLabel(p.category) : t("noCategory"));
    return parts.join(" · ");
  }

  /** The person chose: close the panel and answer the question. */
  decide(choice) {
    const resolve = this.choice;
    this.choice = null;
    this.clearOutline();
    this.panels.close(PANEL);
    if (resolve) resolve(choice);
  }

  /** Take the current drawing's outline off the map. */
  clearOutline() {
    if (this.outline) this.outline.remove();
    this.outline = null;
  }
}
