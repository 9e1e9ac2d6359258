/**
 * A drawing's details, opened by tapping it on the map or choosing it in the list: what it is,
 * who drew it, its note, and what the viewer may do with it (edit, move or reshape, delete; the
 * facilitator also hide or show). Others' drawings are read-only for a participant, and so is
 * a drawing made a pin: the panel says it is on the public map and links to the pin's page.
 */

import { categoryLabel, t, urlFor } from "umecom/lib/settings.js";
import { shapeName } from "umecom/workshop/shapes.js";

const PANEL = "ws-detail-panel";

export class DetailPanel {
  /**
   * @param {import("umecom/workshop/panels.js").Panels} panels
   * @param {{mayChange: (feature: any) => boolean, onClose: () => void,
   *   onAction: (action: string, id: number, opener: Element) => void}} handlers
   */
  constructor(panels, { mayChange, onAction, onClose }) {
    this.panels = panels;
    this.mayChange = mayChange;
    this.onAction = onAction;
    this.onClose = onClose;
    this.id = null;
    this.title = /** @type {HTMLElement} */ (document.getElementById("ws-detail-title"));
    this.meta = /** @type {HTMLElement} */ (document.getElementById("ws-detail-meta"));
    this.note = /** @type {HTMLElement} */ (document.getElementById("ws-detail-note"));
    this.readonly = /** @type {HTMLElement} */ (document.getElementById("ws-detail-readonly"));
    this.pin = /** @type {HTMLElement|null} */ (document.getElementById("ws-detail-pin"));
    this.pinLink = /** @type {HTMLAnchorElement|null} */ (document.getElementById("ws-detail-pin-link"));
    this.hide = /** @type {HTMLButtonElement|null} */ (document.getElementById("ws-detail-hide"));
    for (const [action, id] of [
      ["edit", "ws-detail-edit"],
      ["reshape", "ws-detail-reshape"],
      ["delete", "ws-detail-delete"],
      ["hide", "ws-detail-hide"],
    ]) {
      document.getElementById(id)?.addEventListener("click", (event) => {
        if (this.id !== null) this.onAction(action, this.id, /** @type {Element} */ (event.currentTarget));
      });
    }
    document.getElementById("ws-detail-close")?.addEventListener("click", () => this.close());
    // Another panel took its place (an edit, the list): the drawing is no longer being shown.
    panels.onReplaced(PANEL, () => {
      this.id = null;
      this.onClose();
    });
    document.getElementById(PANEL)?.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      }
    });
  }

  get isOpen() {
    return this.panels.isOpen(PANEL);
  }

  /**
   * Show a drawing.
   * @param {any} feature
   * @param {Element|null} opener
   */
  open(feature, opener) {
    this.id = Number(feature.id);
    this.fill(feature);
    this.panels.open(PANEL, { opener });
  }

  /** Show the drawing as it is now (it changed live), or close when it is gone. */
  refresh(feature) {
    if (!this.isOpen) return;
    if (!feature) this.close({ restoreFocus: false });
    else this.fill(feature);
  }

  /** Whether a change is allowed now (drawing open, or the facilitator): set by the page. */
  setWritable(writable) {
    this.writable = writable;
  }

  /** Write the drawing into the panel and show what the viewer may do with it. */
  fill(feature) {
    const p = feature.properties || {};
    this.title.textContent = shapeName(feature.geometry);
    const meta = [];
    if (p.author_name) meta.push(t(p.on_behalf ? "byOnBehalf" : "by", { name: p.author_name }));
    if (p.group) meta.push(t("groupNamed", { name: p.group }));
    meta.push(p.category ? categoryLabel(p.category) : t("noCategory"));
    if (p.hidden) meta.push(t("hiddenMark"));
    this.meta.textContent = meta.join(" · ");
    this.note.textContent = p.note || t("noNote");
    const mine = this.mayChange(feature);
    const allowed = mine && this.writable !== false;
    for (const id of ["ws-detail-edit", "ws-detail-reshape", "ws-detail-delete"]) {
      const button = /** @type {HTMLButtonElement} */ (document.getElementById(id));
      button.hidden = !mine;
      button.disabled = !allowed;
    }
    this.readonly.hidden = mine || Boolean(p.pin_id); // a pin says why itself
    this.showPin(p.pin_id);
    if (this.hide) {
      this.hide.textContent = p.hidden ? t("showAgain") : t("hideIt");
      this.hide.disabled = this.writable === false;
    }
  }

  /** "Now a pin on the public map", with a link to the pin's page; nothing for no pin. */
  showPin(pinId) {
    if (!this.pin) return;
    this.pin.hidden = !pinId;
    if (pinId && this.pinLink) this.pinLink.href = urlFor("ideaPage", { idea_id: pinId });
  }

  /** Close the panel (focus back to what opened it). */
  close({ restoreFocus = true } = {}) {
    if (!this.isOpen) return;
    this.id = null;
    this.panels.close(PANEL, { restoreFocus });
    this.onClose();
  }
}
