/**
 * The drawings as a list: every drawing reachable by keyboard and screen reader (shapes on a
 * map are not), each opening its details. The facilitator's list also has a checkbox per
 * drawing, to choose the ones that become pins. Only a drawing that may become a pin can be
 * ticked: one hidden, deleted or made a pin already (its `pin_id`, from the server, so on every
 * load and every device) loses its tick, however that happened (here, in another tab, live).
 */

import { el } from "umecom/lib/dom.js";
import { t } from "umecom/lib/settings.js";
import { describe } from "umecom/workshop/shapes.js";

export class AnnotationList {
  /**
   * @param {HTMLElement} list a <ul>
   * @param {import("umecom/workshop/shapes.js").AnnotationLayer} layer
   * @param {{onChoose: (id: number, opener: Element) => void, count?: HTMLElement|null,
   *   selectable?: boolean, onSelection?: () => void}} options
   */
  constructor(list, layer, { onChoose, count = null, selectable = false, onSelection = () => {} }) {
    this.list = list;
    this.layer = layer;
    this.onChoose = onChoose;
    this.count = count;
    this.selectable = selectable;
    this.onSelection = onSelection;
    /** @type {Set<number>} */
    this.picked = new Set();
    this.pending = false;
    layer.onChange(() => this.renderSoon());
    if (selectable) {
      // Eighty drawings at the end of a session were eighty taps (and as many to untick).
      document.getElementById("ws-pick-all")?.addEventListener("click", () => this.pickAll(true));
      document.getElementById("ws-pick-none")?.addEventListener("click", () => this.pickAll(false));
    }
    this.render();
  }

  /**
   * Tick every drawing that may be made a pin, or untick them all.
   * @param {boolean} ticked
   */
  pickAll(ticked) {
    this.picked.clear();
    if (ticked) {
      for (const feature of this.layer.features()) {
        if (this.pickable(feature)) this.picked.add(Number(feature.id));
      }
    }
    this.render();
    this.onSelection();
  }

  /** Redraw once per frame at most, however many events arrive together. */
  renderSoon() {
    if (this.pending) return;
    this.pending = true;
    window.requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  /** The list as the drawings are now (keeping focus on the same button). */
  render() {
    const features = this.layer.features();
    const dropped = this.dropUnpickable();
    const items = features.map((feature) => this.item(feature));
    const focused = document.activeElement;
    const focusKey = focused instanceof HTMLElement && this.list.contains(focused) ? focused.id : "";
    this.list.replaceChildren(...items);
    if (!items.length) this.list.append(el("li", "ws-list__empty", t("noDrawings")));
    if (focusKey) document.getElementById(focusKey)?.focus();
    if (this.count) this.count.textContent = t("drawingsCount", { n: features.length });
    if (dropped) this.onSelection();
  }

  /** Whether a drawing may be ticked: shown to everyone and not a pin yet. */
  pickable(feature) {
    const p = (feature && feature.properties) || {};
    return Boolean(feature) && !p.hidden && !p.pin_id;
  }

  /** Untick the drawings that went, were hidden or became pins; whether any was ticked. */
  dropUnpickable() {
    let dropped = false;
    for (const id of [...this.picked]) {
      if (this.pickable(this.layer.get(id))) continue;
      this.picked.delete(id);
      dropped = true;
    }
    return dropped;
  }

  /** One drawing's row: its tick box (facilitator), colour, and a button that opens it. */
  item(feature) {
    const id = Number(feature.id);
    const p = feature.properties || {};
    const li = el("li", "ws-list__item");
    if (p.hidden) li.classList.add("ws-list__item--hidden");
    const text = describe(feature);
    if (this.selectable) {
      const box = /** @type {HTMLInputElement} */ (el("input", "ws-list__pick"));
      box.type = "checkbox";
      box.id = `ws-pick-${id}`;
      box.checked = this.picked.has(id);
      box.disabled = !this.pickable(feature);
      box.addEventListener("change", () => {
        if (box.checked) this.picked.add(id);
        else this.picked.delete(id);
        this.onSelection();
      });
      const label = el("label", "visually-hidden", t("pickForPins", { drawing: text }));
      label.setAttribute("for", box.id);
      li.append(box, label);
    }
    const swatch = el("span", "ws-swatch");
    swatch.setAttribute("aria-hidden", "true");
    swatch.style.setProperty("--swatch", String(p.color || "#1565c0"));
    const open = /** @type {HTMLButtonElement} */ (el("button", "ws-list__open", text));
    open.type = "button";
    open.id = `ws-open-${id}`;
    open.addEventListener("click", () => this.onChoose(id, open));
    li.append(swatch, open);
    const marks = [];
    if (p.hidden) marks.push(t("hiddenMark"));
    if (p.pin_id) marks.push(t("promotedMark")); // a participant's own can no longer be changed
    if (marks.length) li.append(el("span", "ws-list__mark", marks.join(" · ")));
    return li;
  }

  /** The ids ticked for pins, oldest first. */
  selection() {
    return [...this.picked].sort((a, b) => a - b);
  }

  /**
   * These drawings became pins: mark them (the layer keeps the pin's id) and untick them.
   * @param {{id: number, pin_id: number}[]} pins
   */
  markPromoted(pins) {
    this.layer.promoted(pins);
    this.render(); // now, so that the button counts what is still ticked
  }
}
