/**
 * Entry point of "Start a workshop" (templates/workshop/new.html): title, description, a focus
 * area (none, a district, or drawn on a small map), an end time and groups with colours. On
 * success the page shows the join code large, the join link and its QR code, and the secret
 * facilitator link to keep; this browser is the facilitator already.
 */

import { localDateTime } from "umecom/lib/dates.js";
import { announcer, el } from "umecom/lib/dom.js";
import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import { limit, settings, t, urlFor } from "umecom/lib/settings.js";
import { createMap } from "umecom/map/create-map.js";
import { addReferenceLayers } from "umecom/map/reference-layers.js";
import { DrawingTools } from "umecom/workshop/drawing.js";
import { layerOf } from "umecom/workshop/shapes.js";
import { showJoin } from "umecom/workshop/workshop.js";

const $ = (id) => document.getElementById(id);
const announce = announcer($("ws-new-status"));

/**
 * A datetime-local value ("2026-05-01T18:00") as RFC 3339 with this browser's offset.
 * @param {string} local
 */
function withOffset(local) {
  const date = new Date(local);
  if (!local || Number.isNaN(date.getTime())) return null;
  return localDateTime(date);
}

/** The groups: rows of a name and a colour, added and removed by buttons. */
class GroupRows {
  constructor() {
    this.list = /** @type {HTMLOListElement} */ ($("ws-groups"));
    this.add = /** @type {HTMLButtonElement} */ ($("ws-add-group"));
    this.serial = 0;
    this.add.addEventListener("click", () => this.addRow(true));
  }

  /** The group rows, in order. */
  rows() {
    return /** @type {HTMLElement[]} */ ([...this.list.querySelectorAll(".ws-group-row")]);
  }

  /** A new row with a name and a colour (the next one of the palette). */
  addRow(focus) {
    const index = this.rows().length;
    if (index >= settings.maxGroups) return;
    this.serial += 1;
    const key = `ws-group-${this.serial}`;
    const row = el("li", "ws-group-row");
    const nameField = el("div", "field");
    const nameLabel = el("label", "", "");
    nameLabel.setAttribute("for", `${key}-name`);
    const name = /** @type {HTMLInputElement} */ (el("input"));
    name.type = "text";
    name.id = `${key}-name`;
    name.maxLength = limit("group_name").max;
    name.autocomplete = "off";
    name.setAttribute("aria-describedby", `${key}-name-error`);
    const error = el("p", "field-error");
    error.id = `${key}-name-error`;
    error.hidden = true;
    nameField.append(nameLabel, name, error);
    const colorField = el("div", "field");
    const colorLabel = el("label", "", t("groupColor"));
    colorLabel.setAttribute("for", `${key}-color`);
    const color = /** @type {HTMLSelectElement} */ (el("select"));
    color.id = `${key}-color`;
    color.append(...settings.palette.map((c) => new Option(c.label, c.name)));
    color.value = settings.palette[index % settings.palette.length].name;
    colorField.append(colorLabel, color);
    const remove = /** @type {HTMLButtonElement} */ (el("button", "button ws-group-row__remove"));
    remove.type = "button";
    remove.addEventListener("click", () => {
      const rows = this.rows();
      const at = rows.indexOf(row);
      row.remove();
      this.renumber();
      const next = this.rows()[Math.min(at, this.rows().length - 1)];
      (next ? next.querySelector("input") : this.add)?.focus();
    });
    row.append(nameField, colorField, remove);
    this.list.append(row);
    this.renumber();
    if (focus) name.focus();
  }

  /** Labels say the group's number, so each field's name stays unique and in order. */
  renumber() {
    this.rows().forEach((row, i) => {
      const n = i + 1;
      /** @type {HTMLElement} */ (row.querySelector("label")).textContent = t("groupName", { n });
      const remove = /** @type {HTMLElement} */ (row.querySelector(".ws-group-row__remove"));
      remove.textContent = t("removeGroup", { n });
    });
    this.add.disabled = this.rows().length >= settings.maxGroups;
  }

  /** `[{name, color}]` for the rows with a name. */
  values() {
    return this.rows()
      .map((row) => ({
        name: /** @type {HTMLInputElement} */ (row.querySelector("input")).value.trim(),
        color: /** @type {HTMLSelectElement} */ (row.querySelector("select")).value,
      }))
      .filter((g) => g.name);
  }

  /** The name input of the n-th group sent (`groups[n]` in an error). */
  input(n) {
    const named = this.rows().filter((row) => row.querySelector("input")?.value.trim());
    return named[n] ? /** @type {HTMLInputElement} */ (named[n].querySelector("input")) : null;
  }
}

/** The focus area: nothing, a district from the list, or a polygon drawn on a small map. */
class FocusArea {
  constructor() {
    this.choice = () =>
      /** @type {HTMLInputElement} */ (document.querySelector('input[name="focus"]:checked')).value;
    this.district = /** @type {HTMLSelectElement} */ ($("ws-district"));
    this.drawn = null;
    this.layer = null;
    this.map = null;
    for (const radio of document.querySelectorAll('input[name="focus"]')) {
      radio.addEventListener("change", () => this.show());
    }
    $("ws-focus-clear")?.addEventListener("click", () => this.clear());
    this.show();
  }

  /** Show the field of the chosen kind of focus area. */
  show() {
    const choice = this.choice();
    /** @type {HTMLElement} */ ($("ws-district-field")).hidden = choice !== "district";
    /** @type {HTMLElement} */ ($("ws-focus-draw")).hidden = choice !== "draw";
    if (choice === "district") this.loadDistricts();
    if (choice === "draw") this.openMap();
  }

  /** Fill the district list once, when it is first needed. */
  async loadDistricts() {
    if (this.district.options.length > 1) return;
    try {
      const collection = await request(urlFor("districts"));
      const options = collection.features.map((f) => new Option(f.properties.name, String(f.id)));
      this.district.append(...options);
    } catch (err) {
      showFieldError("district_id", errorMessage(err));
    }
  }

  /** Make the small map for drawing the area when it is first shown. */
  openMap() {
    if (this.map) {
      this.map.invalidateSize();
      return;
    }
    const element = /** @type {HTMLElement} */ ($("ws-focus-map"));
    this.map = createMap(element);
    element.setAttribute("aria-label", t("focusMapLabel"));
    addReferenceLayers(this.map);
    new DrawingTools(this.map, /** @type {HTMLElement} */ ($("ws-focus-tools")), {
      announce,
      onShape: (geometry) => this.drawnArea(geometry),
    });
  }

  /** An area was drawn: keep it, show it, say so. */
  drawnArea(geometry) {
    this.clear({ quiet: true });
    this.drawn = geometry;
    const style = { color: "#12355b", weight: 3, dashArray: "10 6", interactive: false };
    this.layer = layerOf(geometry, style).addTo(this.map);
    /** @type {HTMLElement} */ ($("ws-focus-state")).textContent = t("focusDrawn");
    /** @type {HTMLButtonElement} */ ($("ws-focus-clear")).hidden = false;
    announce(t("focusDrawn"));
  }

  /** No area any more. */
  clear({ quiet = false } = {}) {
    this.drawn = null;
    this.layer?.remove();
    this.layer = null;
    /** @type {HTMLElement} */ ($("ws-focus-state")).textContent = t("focusNone");
    /** @type {HTMLButtonElement} */ ($("ws-focus-clear")).hidden = true;
    if (!quiet) announce(t("focusCleared"));
  }

  /** The settings' members for the focus: `focus_area` or `district_id` (or nothing). */
  values() {
    const choice = this.choice();
    if (choice === "district" && this.district.value) return { district_id: Number(this.district.value) };
    if (choice === "draw" && this.drawn) return { focus_area: this.drawn };
    return {};
  }
}

const FIELD_IDS = {
  title: "ws-title",
  description: "ws-description",
  district_id: "ws-district",
  focus_area: "ws-focus-map",
  ends_at: "ws-ends-at",
};

/** Show an error beside its field; returns what should get focus. */
function showFieldError(field, message, groups = null) {
  let input = null;
  let messageNode = null;
  const group = /^groups\[(\d+)\]/.exec(field || "");
  if (group && groups) {
    input = groups.input(Number(group[1]));
    messageNode = input ? $(`${input.id}-error`) : null;
  } else {
    const key = (field || "").startsWith("focus_area") ? "focus_area" : field;
    const id = FIELD_IDS[key];
    input = id ? $(id) : null;
    messageNode = id ? $(`${id}-error`) : null;
  }
  if (!messageNode) {
    messageNode = $("ws-new-error");
    input = null;
  }
  if (!messageNode) return null;
  messageNode.textContent = message;
  messageNode.hidden = false;
  input?.setAttribute("aria-invalid", "true");
  return input || messageNode;
}

function clearErrors() {
  for (const node of document.querySelectorAll("#ws-new .field-error, #ws-new-error")) {
    /** @type {HTMLElement} */ (node).hidden = true;
    node.textContent = "";
  }
  for (const node of document.querySelectorAll('#ws-new [aria-invalid="true"]')) {
    node.removeAttribute("aria-invalid");
  }
}

/** The workshop was made: show its code, links and QR code. */
function showCreated(created) {
  /** @type {HTMLElement} */ ($("ws-new")).hidden = true;
  const section = /** @type {HTMLElement} */ ($("ws-created"));
  section.hidden = false;
  showJoin({ code: created.join_code, url: created.join_url, qr_svg: created.qr_svg });
  const secret = /** @type {HTMLInputElement} */ ($("ws-facilitator-url"));
  secret.value = created.facilitator_url;
  const open = /** @type {HTMLAnchorElement} */ ($("ws-open-facilitator"));
  open.href = urlFor("facilitatePage", { workshop_id: created.id });
  /** @type {HTMLElement} */ ($("ws-created-title")).focus();
  announce(t("workshopStarted", { code: created.join_code }));
}

/** Copy the text of an input; where the clipboard is not allowed, select it for the person. */
async function copy(input) {
  try {
    await navigator.clipboard.writeText(input.value);
    announce(t("copied"));
  } catch {
    input.focus();
    input.select();
    announce(t("copyYourself"));
  }
}

function start() {
  const form = /** @type {HTMLFormElement} */ ($("ws-new"));
  const groups = new GroupRows();
  const focus = new FocusArea();
  $("ws-copy-facilitator")?.addEventListener("click", () => copy($("ws-facilitator-url")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors();
    const title = /** @type {HTMLInputElement} */ ($("ws-title")).value.trim();
    const { min, max } = limit("title");
    if (title.length < min || title.length > max) {
      showFieldError("title", title ? t("titleLength", { min, max }) : t("required"))?.focus();
      return;
    }
    const body = {
      title,
      description: /** @type {HTMLTextAreaElement} */ ($("ws-description")).value.trim(),
      ...focus.values(),
    };
    const endsAt = withOffset(/** @type {HTMLInputElement} */ ($("ws-ends-at")).value);
    if (endsAt) body.ends_at = endsAt;
    const named = groups.values();
    if (named.length) body.groups = named;
    const submit = /** @type {HTMLButtonElement} */ ($("ws-new-submit"));
    submit.disabled = true;
    try {
      showCreated(await request(urlFor("workshops"), { method: "POST", json: body }));
    } catch (err) {
      const field = err instanceof ApiError ? err.field : null;
      showFieldError(field || "", errorMessage(err), groups)?.focus();
    } finally {
      submit.disabled = false;
    }
  });
  form.dataset.ready = "true";
}

if (typeof L !== "undefined") start();
