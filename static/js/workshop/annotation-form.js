/**
 * The small form that opens after a shape is drawn (never while drawing): a note, a colour from
 * the palette and an optional category; for the facilitator also whose paper drawing it is.
 * The same form edits a drawing's note, colour and category. It shows the server's errors
 * beside their fields; the page does the sending.
 */

import { limit, settings, t } from "umecom/lib/settings.js";
import { shapeName } from "umecom/workshop/shapes.js";

/** The form's fields by the names the server uses in `error.field`. */
const FIELD_IDS = {
  note: "ws-note",
  color: "ws-color",
  category: "ws-category",
  on_behalf_of: "ws-behalf",
  group: "ws-behalf-group",
};
const PANEL = "ws-form-panel";

/**
 * The #rrggbb of a palette colour's name ("" for none).
 * @param {string} name
 */
const paletteColor = (name) => (settings.palette || []).find((c) => c.name === name)?.color || "";

export class AnnotationForm {
  /**
   * @param {import("umecom/workshop/panels.js").Panels} panels
   * @param {{onSubmit: (values: any, context: any) => void, onCancel: (context: any) => void}} handlers
   */
  constructor(panels, { onSubmit, onCancel }) {
    this.panels = panels;
    this.onSubmit = onSubmit;
    this.onCancel = onCancel;
    this.form = /** @type {HTMLFormElement} */ (document.getElementById("ws-form"));
    this.title = /** @type {HTMLElement} */ (document.getElementById("ws-form-title"));
    this.formError = /** @type {HTMLElement} */ (document.getElementById("ws-form-error"));
    this.note = /** @type {HTMLTextAreaElement} */ (document.getElementById("ws-note"));
    this.category = /** @type {HTMLSelectElement} */ (document.getElementById("ws-category"));
    this.behalf = /** @type {HTMLInputElement|null} */ (document.getElementById("ws-behalf"));
    this.behalfGroup = /** @type {HTMLSelectElement|null} */ (document.getElementById("ws-behalf-group"));
    this.save = /** @type {HTMLButtonElement} */ (document.getElementById("ws-save"));
    /** The drawing being made or edited: `{mode: "new"|"edit", geometry?, feature?}`. */
    this.context = null;
    this.lastColor = "";

    const options = [new Option(t("noCategory"), "")];
    for (const c of settings.categories || []) options.push(new Option(c.label, c.slug));
    this.category.replaceChildren(...options);

    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    const cancel = () => this.cancel();
    document.getElementById("ws-form-cancel")?.addEventListener("click", cancel);
    document.getElementById("ws-form-close")?.addEventListener("click", cancel);
    document.getElementById(PANEL)?.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        cancel();
      }
    });
    // Another panel took its place: cancelled, so the page drops the draft and frees the tools.
    panels.onReplaced(PANEL, cancel);
  }

  get isOpen() {
    return this.panels.isOpen(PANEL);
  }

  /** The groups the facilitator can draw for (from the workshop's state). */
  setGroups(groups) {
    if (!this.behalfGroup) return;
    const options = [new Option(t("noGroup"), "")];
    for (const g of groups || []) options.push(new Option(g.name, String(g.id)));
    this.behalfGroup.replaceChildren(...options);
    document.getElementById("ws-behalf-group-field")?.toggleAttribute("hidden", !(groups && groups.length));
  }

  /**
   * The form for a new drawing.
   * @param {any} geometry
   * @param {Element|null} opener
   */
  openNew(geometry, opener) {
    this.context = { mode: "new", geometry };
    this.title.textContent = t("newDrawing", { shape: shapeName(geometry) });
    this.form.reset();
    this.check("color", this.lastColor);
    this.open(opener);
  }

  /**
   * The form for a drawing's note, colour and category.
   * @param {any} feature
   * @param {Element|null} opener
   */
  openEdit(feature, opener) {
    const p = feature.properties;
    this.context = { mode: "edit", feature, version: Number(p.version) };
    this.title.textContent = t("editDrawing", { shape: shapeName(feature.geometry) });
    this.form.reset();
    this.note.value = p.note || "";
    const named = (settings.palette || []).find((c) => c.color === String(p.color).toLowerCase());
    this.check("color", named ? named.name : ""); // so the drawing's own colour is the one checked
    this.category.value = p.category || "";
    this.open(opener);
  }

  /** Show the form (the fields for a paper drawing only for new ones). */
  open(opener) {
    this.clearErrors();
    this.busy(false);
    document.getElementById("ws-behalf-fields")?.toggleAttribute("hidden", this.context.mode !== "new");
    const automatic = document.getElementById("ws-color-auto-label");
    if (automatic) automatic.textContent = t(this.context.mode === "new" ? "colorGroup" : "colorKeep");
    const first = this.context.mode === "new" && this.behalf ? this.behalf : this.note;
    this.panels.open(PANEL, { opener, focus: first });
  }

  /** Check the radio button of `name` with `value` (none when no such value). */
  check(name, value) {
    for (const node of this.form.querySelectorAll(`input[name="${name}"]`)) {
      const input = /** @type {HTMLInputElement} */ (node);
      input.checked = input.value === value;
    }
  }

  /** The values as the API takes them (unchanged ones left out when editing). */
  values() {
    const data = new FormData(this.form);
    const values = {
      note: String(data.get("note") || "").trim(),
      color: String(data.get("color") || "") || null,
      category: String(data.get("category") || "") || null,
    };
    if (this.context.mode === "new" && this.behalf) {
      values.on_behalf_of = String(data.get("on_behalf_of") || "").trim();
      const group = String(data.get("group") || "");
      values.group = group ? Number(group) : null;
    }
    if (this.context.mode === "edit") {
      const p = this.context.feature.properties;
      if (values.note === (p.note || "")) delete values.note;
      // The radio of its own colour is checked: sending it would undo someone's newer colour.
      if (!values.color || paletteColor(values.color) === String(p.color).toLowerCase()) delete values.color;
      if (values.category === (p.category || null)) delete values.category;
    }
    return values;
  }

  /** Light checks with the server's limits; the server has the last word. */
  problems(values) {
    const found = [];
    const noteMax = limit("note").max;
    if (values.note && values.note.length > noteMax) found.push(["note", t("tooLong", { n: noteMax })]);
    if (this.context.mode === "new" && this.behalf && !values.on_behalf_of) {
      found.push(["on_behalf_of", t("behalfRequired")]);
    }
    return found;
  }

  /** Check lightly, then hand the values to the page. */
  submit() {
    if (!this.context || this.save.disabled) return;
    this.clearErrors();
    const values = this.values();
    const problems = this.problems(values);
    if (problems.length) {
      problems.map(([field, message]) => this.showError(field, message))[0].focus();
      return;
    }
    if (values.color) this.lastColor = values.color;
    this.onSubmit(values, this.context);
  }

  /** Close without saving; the page drops the draft. */
  cancel() {
    const context = this.context;
    this.close();
    if (context) this.onCancel(context);
  }

  /** Close the form (after saving, or cancelled). */
  close() {
    this.context = null;
    this.panels.close(PANEL);
  }

  /** While sending: Save cannot be pressed twice. */
  busy(on) {
    this.save.disabled = on;
    this.save.toggleAttribute("aria-busy", on);
  }

  /** Remove every error message and mark. */
  clearErrors() {
    this.formError.hidden = true;
    this.formError.textContent = "";
    for (const id of Object.values(FIELD_IDS)) {
      document.getElementById(id)?.removeAttribute("aria-invalid");
      const message = document.getElementById(`${id}-error`);
      if (message) {
        message.hidden = true;
        message.textContent = "";
      }
    }
  }

  /**
   * Show an error beside its field, or for the whole form.
   * @returns {HTMLElement} what should get focus
   */
  showError(field, message) {
    const id = FIELD_IDS[field];
    const node = id ? document.getElementById(id) : null;
    if (!node) {
      this.formError.textContent = message;
      this.formError.hidden = false;
      return this.title;
    }
    const messageNode = /** @type {HTMLElement} */ (document.getElementById(`${id}-error`));
    messageNode.textContent = message;
    messageNode.hidden = false;
    node.setAttribute("aria-invalid", "true");
    return field === "color" ? /** @type {HTMLElement} */ (node.querySelector("input")) : node;
  }
}
