/**
 * Results become pins: the facilitator ticks drawings in the list, chooses idea or concern and
 * a category (or keeps each drawing's own), and gets links to the new pins, which are on the
 * public map and in the planners' layers with the workshop as their origin.
 */

import { el } from "umecom/lib/dom.js";
import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import { settings, t, urlFor } from "umecom/lib/settings.js";

export class PromoteForm {
  /**
   * @param {number} workshopId
   * @param {import("umecom/workshop/annotation-list.js").AnnotationList} list
   * @param {(text: string) => void} announce
   */
  constructor(workshopId, list, announce) {
    this.id = workshopId;
    this.list = list;
    this.announce = announce;
    this.form = /** @type {HTMLFormElement} */ (document.getElementById("ws-promote"));
    this.category = /** @type {HTMLSelectElement} */ (document.getElementById("ws-promote-category"));
    this.submitButton = /** @type {HTMLButtonElement} */ (document.getElementById("ws-promote-submit"));
    this.error = /** @type {HTMLElement} */ (document.getElementById("ws-promote-error"));
    this.result = /** @type {HTMLElement} */ (document.getElementById("ws-promote-result"));
    this.fillCategories();
    this.form.addEventListener("change", (event) => {
      if (event.target instanceof HTMLInputElement && event.target.name === "kind") this.fillCategories();
    });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.update();
  }

  /** The chosen kind: idea or concern. */
  kind() {
    const checked = /** @type {HTMLInputElement|null} */ (
      this.form.querySelector('input[name="kind"]:checked')
    );
    return checked ? checked.value : "idea";
  }

  /** The categories of the chosen kind, after "each drawing's own". */
  fillCategories() {
    const previous = this.category.value;
    const options = [new Option(t("ownCategory"), "")];
    for (const c of settings.categories || []) {
      if (c.kinds.includes(this.kind())) options.push(new Option(c.label, c.slug));
    }
    this.category.replaceChildren(...options);
    if ([...this.category.options].some((o) => o.value === previous)) this.category.value = previous;
  }

  /** How many drawings are ticked: the button says so. */
  update() {
    const n = this.list.selection().length;
    this.submitButton.textContent = t("promoteCount", { n });
    this.submitButton.disabled = n === 0;
  }

  /** Make pins of the ticked drawings; show the links, or why not. */
  async submit() {
    const ids = this.list.selection();
    if (!ids.length) return;
    this.error.hidden = true;
    this.submitButton.disabled = true;
    const body = { annotation_ids: ids, kind: this.kind() };
    if (this.category.value) body.category = this.category.value;
    try {
      const pins = await request(urlFor("promote", { workshop_id: this.id }), { method: "POST", json: body });
      const features = (pins && pins.features) || [];
      this.show(features);
      this.list.markPromoted(
        features.map((pin) => ({ id: Number(pin.properties.annotation_id), pin_id: Number(pin.id) })),
      );
      this.announce(t("pinsMade", { n: features.length }));
    } catch (err) {
      // A drawing made a pin meanwhile (another tab, another device): mark it, untick it.
      const refused = err instanceof ApiError && err.body ? err.body : null;
      if (refused && refused.pin_id && refused.annotation_id) {
        this.list.markPromoted([{ id: Number(refused.annotation_id), pin_id: Number(refused.pin_id) }]);
      }
      this.error.textContent = errorMessage(err);
      this.error.hidden = false;
      if (err instanceof ApiError && err.field === "category") this.category.focus();
      else this.error.focus();
    } finally {
      this.update();
    }
  }

  /** Links to the new pins. */
  show(features) {
    for (const feature of features) {
      const item = el("li");
      const link = /** @type {HTMLAnchorElement} */ (el("a", "", feature.properties.title));
      link.href = urlFor("ideaPage", { idea_id: feature.id });
      item.append(link);
      this.result.append(item);
    }
    this.result.closest("[hidden]")?.removeAttribute("hidden");
  }
}
