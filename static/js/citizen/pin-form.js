/**
 * The form for a new pin: a panel (a bottom sheet on phones) that opens for a point on the map,
 * checks lightly, posts a GeoJSON Feature and shows the server's errors beside their fields.
 *
 * What is typed is kept in this tab as it is typed (my-pins-store.js), with the last point the
 * server accepted: a language switch, a reload or Back and Forward open the form again with
 * it, and say so. Saving or cancelling forgets it.
 */

import { el } from "umecom/lib/dom.js";
import { ApiError, request } from "umecom/lib/request.js";
import { limit, settings, t, urlFor } from "umecom/lib/settings.js";
import { debounce } from "umecom/lib/debounce.js";
import {
  forgetPinDraft,
  keepPinDraft,
  pinDraft,
  rememberMyPin,
} from "umecom/citizen/my-pins-store.js";
import { SimilarPins } from "umecom/citizen/similar-pins.js";
import { panOutFromUnder } from "umecom/citizen/tool-panel.js";

/** The form's fields by the names the server uses in `error.field`. */
const FIELD_IDS = {
  kind: "pin-kind",
  category: "pin-category",
  title: "pin-title",
  body: "pin-body",
  author_name: "pin-author",
};

export class PinForm {
  /**
   * @param {any} map L.Map
   * @param {{onSaved: (feature: any) => void, announce: (text: string) => void}} options
   */
  constructor(map, { onSaved, announce }) {
    this.map = map;
    this.onSaved = onSaved;
    this.announce = announce;
    this.panel = /** @type {HTMLElement} */ (document.getElementById("pin-panel"));
    this.form = /** @type {HTMLFormElement} */ (document.getElementById("pin-form"));
    this.where = /** @type {HTMLElement} */ (document.getElementById("pin-where"));
    this.district = /** @type {HTMLElement} */ (document.getElementById("pin-district"));
    this.formError = /** @type {HTMLElement} */ (document.getElementById("pin-form-error"));
    this.category = /** @type {HTMLSelectElement} */ (document.getElementById("pin-category"));
    this.submitButton = /** @type {HTMLButtonElement} */ (document.getElementById("pin-submit"));
    this.latlng = null;
    this.opener = null;
    this.busy = false;
    /** @type {AbortController|null} the question whether the chosen place may have a pin */
    this.placeCheck = null;
    /** @type {{latlng: any, name: string}|null} the last place not refused: a kept draft's */
    this.accepted = null;
    /** @type {HTMLElement|null} the note that a kept draft is back, with its Discard button */
    this.restoredNote = null;
    // The new pin's place is drawn above every pin and numbered cell (whose stacking grows
    // with their counts, cell-marker.js) and below the cards (Leaflet's popup pane is 700).
    if (!map.getPane("draft")) map.createPane("draft").style.zIndex = "680";
    this.draft = L.marker(settings.center, {
      pane: "draft",
      icon: L.divIcon({
        className: "pin pin--draft",
        iconSize: L.point(32, 32),
        iconAnchor: L.point(16, 32),
      }),
      keyboard: false,
      interactive: false,
    });

    this.similar = new SimilarPins({ announce });
    this.title = /** @type {HTMLInputElement} */ (document.getElementById("pin-title"));
    // Once typing pauses, the pins near the place that share a word with the title. The form
    // may have closed by then: then nothing is asked.
    this.lookSoon = debounce(() => {
      if (this.isOpen && this.latlng) this.similar.look(this.title.value, this.latlng);
    }, 400);
    this.title.addEventListener("input", () => this.lookSoon());

    this.fillCategories();
    this.form.addEventListener("change", (event) => {
      if (event.target instanceof HTMLInputElement && event.target.name === "kind") {
        this.fillCategories();
      }
      this.keepDraft();
    });
    this.form.addEventListener("input", () => this.keepDraft());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    // Cancel forgets what was typed; × and Escape only put the form away, its text kept in it
    // for the next pin (as before drafts were kept), but not across a reload.
    document.getElementById("pin-cancel")?.addEventListener("click", () => this.cancel());
    document.getElementById("pin-close")?.addEventListener("click", () => this.putAway());
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        this.putAway();
      }
    });
    this.restoreDraft();
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  /** The chosen kind. */
  kind() {
    const checked = this.form.querySelector('input[name="kind"]:checked');
    return checked ? /** @type {HTMLInputElement} */ (checked).value : "";
  }

  /** Options of the category select: only the categories that apply to the chosen kind. */
  fillCategories() {
    const kind = this.kind();
    const previous = this.category.value;
    const options = [new Option(t("chooseCategory"), "")];
    for (const c of settings.categories || []) {
      if (!kind || c.kinds.includes(kind)) options.push(new Option(c.label, c.slug));
    }
    this.category.replaceChildren(...options);
    if ([...this.category.options].some((o) => o.value === previous)) this.category.value = previous;
  }

  /**
   * Open the form for a point.
   * @param {any} latlng L.LatLng
   * @param {{placeName?: string, where?: string, opener?: Element|null,
   *   outside?: string, place?: any, said?: string}} [options] `where`: the line that says
   *   where the pin is, when neither the place's name nor its coordinates; `outside`: what to
   *   say when the place is outside the municipality (the server's own words otherwise);
   *   `place`: the server's answer for this point already (null: it could not say), so it is
   *   not asked again; `said`: what screen readers are told as the form opens
   */
  open(latlng, { placeName, where, opener, outside, place, said } = {}) {
    this.latlng = L.latLng(latlng);
    if (!this.isOpen) {
      this.opener = opener || document.activeElement;
      this.accepted = null;
    }
    this.where.textContent =
      where ||
      (placeName
        ? t("pinNear", { name: placeName })
        : t("pinAt", { lat: this.latlng.lat.toFixed(5), lon: this.latlng.lng.toFixed(5) }));
    if (place === undefined) {
      this.checkPlace(this.latlng, { fresh: !this.isOpen, outside, name: placeName || "" });
    } else {
      this.accept(this.latlng, place, placeName || "");
    }
    this.draft.setLatLng(this.latlng);
    if (!this.map.hasLayer(this.draft)) this.draft.addTo(this.map);
    this.lookSoon(); // the pins like it near this place, once typing pauses
    const wasOpen = this.isOpen;
    this.panel.hidden = false;
    document.body.classList.add("pin-form-open");
    this.keepDraftVisible();
    if (!wasOpen) {
      this.clearErrors();
      const notice = document.getElementById("map-notice");
      if (notice) notice.hidden = true;
      this.announce(said || t("formOpened"));
      const first = this.form.querySelector('input[name="kind"]:checked') || this.form.querySelector("input");
      /** @type {HTMLElement} */ (first).focus();
    }
  }

  /**
   * Ask the server whether a pin may go at `latlng` and in which district, before anything is
   * written: the district is said under the line that says where; a place outside the municipality
   * closes a form just opened (with the notice why), or is said in a form already being
   * written, whose text stays. Any other failure is left to the pin's own POST.
   * @param {any} latlng L.LatLng
   * @param {{fresh: boolean, outside?: string, name: string}} options `fresh`: the form has
   *   just opened; `name`: the place's name, kept with a draft
   */
  async checkPlace(latlng, { fresh, outside, name }) {
    this.placeCheck?.abort();
    const controller = new AbortController();
    this.placeCheck = controller;
    this.district.hidden = true;
    let place;
    try {
      place = await askPlace(latlng, controller.signal);
    } catch (err) {
      if (this.placeCheck !== controller || !this.isOpen) return;
      this.placeCheck = null;
      if (!isOutside(err)) {
        this.accept(latlng, null, name); // the server could not say: its POST will
        return;
      }
      const message = outside || err.message;
      if (fresh) {
        this.close({ announce: false });
        showNotice(message);
      } else {
        this.showError("", message);
      }
      return;
    }
    if (this.placeCheck !== controller || !this.isOpen) return;
    this.placeCheck = null;
    this.accept(latlng, place, name);
  }

  /**
   * A place not refused: a draft is kept there from now on, and its district is said.
   * @param {any} latlng L.LatLng
   * @param {any} place the server's answer, null when it could not say
   * @param {string} name
   */
  accept(latlng, place, name) {
    this.placeCheck?.abort();
    this.placeCheck = null;
    this.accepted = { latlng, name };
    this.keepDraft();
    this.district.hidden = !place?.district;
    if (place?.district) {
      this.district.textContent = t("pinDistrict", { district: place.district.name });
    }
  }

  /** The form's fields as the server names them. */
  values() {
    const data = new FormData(this.form);
    return {
      kind: String(data.get("kind") || ""),
      category: String(data.get("category") || ""),
      title: String(data.get("title") || ""),
      body: String(data.get("body") || ""),
      author_name: String(data.get("author_name") || ""),
    };
  }

  /**
   * Keep what is typed, at the last place not refused, in this tab; an empty form (the kind
   * is chosen from the start) keeps nothing. A place still being asked about waits its answer.
   */
  keepDraft() {
    if (!this.isOpen || !this.accepted) return;
    const values = this.values();
    const typed = [values.category, values.title, values.body, values.author_name];
    if (!typed.some((text) => text.trim())) {
      forgetPinDraft();
      return;
    }
    const { latlng, name } = this.accepted;
    keepPinDraft({ ...values, placeName: name, lat: latlng.lat, lng: latlng.lng });
  }

  /**
   * Open the form again with the draft kept in this tab, unless its place is one the form
   * would refuse now (outside the map's area or the municipality): then it is forgotten.
   */
  async restoreDraft() {
    const draft = pinDraft();
    if (!draft) return;
    const latlng = L.latLng(draft.lat, draft.lng);
    if (!L.latLngBounds(settings.bounds).contains(latlng)) {
      forgetPinDraft();
      return;
    }
    let place = null;
    try {
      place = await askPlace(latlng);
    } catch (err) {
      if (isOutside(err)) {
        forgetPinDraft();
        return;
      }
    }
    if (this.isOpen) return; // a pin begun meanwhile: what is typed there is kept instead
    this.fill(draft);
    if (!this.map.getBounds().contains(latlng)) this.map.panTo(latlng, { animate: false });
    this.open(latlng, { placeName: draft.placeName, place, said: t("draftRestored") });
    this.sayRestored();
  }

  /**
   * Put a kept draft's values in the fields: a kind or category the form no longer offers is
   * left unchosen, a text cut to the field's limit.
   * @param {import("umecom/citizen/my-pins-store.js").PinDraft} draft
   */
  fill(draft) {
    for (const radio of this.form.querySelectorAll('input[name="kind"]')) {
      const input = /** @type {HTMLInputElement} */ (radio);
      if (input.value === draft.kind) input.checked = true;
    }
    this.fillCategories();
    if ([...this.category.options].some((o) => o.value === draft.category)) {
      this.category.value = draft.category;
    }
    for (const field of ["title", "body", "author_name"]) {
      const input = /** @type {HTMLInputElement} */ (document.getElementById(FIELD_IDS[field]));
      input.value = draft[field].slice(0, limit(field).max);
    }
  }

  /** Say at the top of the form that the draft is back, with a button to discard it. */
  sayRestored() {
    const note = el("p", "notice notice--info pin-form__restored", t("draftRestored"));
    const discard = /** @type {HTMLButtonElement} */ (
      el("button", "button button--small", t("discardDraft"))
    );
    discard.type = "button";
    discard.addEventListener("click", () => this.cancel(t("draftDiscarded")));
    note.append(" ", discard);
    this.formError.after(note);
    this.restoredNote = note;
  }

  /** Pan the map a little when the panel (side or bottom sheet) covers the new pin's place. */
  keepDraftVisible() {
    const mapBox = this.map.getContainer().getBoundingClientRect();
    const panelBox = this.panel.getBoundingClientRect();
    const point = this.map.latLngToContainerPoint(this.latlng);
    const x = point.x + mapBox.left;
    const y = point.y + mapBox.top;
    const margin = 48;
    if (panelBox.top > mapBox.top + 20 && y > panelBox.top - margin) {
      this.map.panBy([0, y - (panelBox.top - margin) + 8]);
    } else if (panelBox.left > mapBox.left + 20 && x > panelBox.left - margin) {
      this.map.panBy([x - (panelBox.left - margin) + 8, 0]);
    }
  }

  /**
   * Pan the map a little when the tool panel (top left; the whole top on a phone) covers
   * `latlng`: down below it, or right of it when that is the shorter way.
   * @param {any} latlng L.LatLng
   */
  keepClearOfTools(latlng) {
    const tools = document.getElementById("map-tools");
    if (!tools || !tools.offsetHeight) return;
    const mapBox = this.map.getContainer().getBoundingClientRect();
    const toolsBox = tools.getBoundingClientRect();
    const point = this.map.latLngToContainerPoint(latlng);
    const x = point.x + mapBox.left;
    const y = point.y + mapBox.top;
    const margin = 48;
    if (y >= toolsBox.bottom + margin || x >= toolsBox.right + margin) return; // not under it
    this.map.panBy(panOutFromUnder({ left: x, top: y, width: 0 }, toolsBox, mapBox, margin));
  }

  /**
   * The citizen gives the pin up (Cancel, ×, Escape, Discard): the form closes empty and the
   * draft kept in this tab is forgotten.
   * @param {string} [said] what screen readers are told
   */
  cancel(said = t("formClosed")) {
    if (!this.isOpen) return;
    forgetPinDraft();
    this.close({ announce: false });
    this.form.reset();
    this.fillCategories();
    this.announce(said);
  }

  /** Close the form, its fields as they are, and forget the draft kept in this tab. */
  putAway() {
    forgetPinDraft();
    this.close();
  }

  /**
   * Close the form and give focus back to whatever opened it.
   * @param {{announce?: boolean}} [options] `announce: false`: the caller says why instead
   *   (the notice over the map, itself a live region, or its own words), so the status region
   *   is emptied: left as it was, it went on saying the form was open or what it listed
   */
  close({ announce = true } = {}) {
    if (!this.isOpen) return;
    this.placeCheck?.abort();
    this.placeCheck = null;
    this.accepted = null;
    this.restoredNote?.remove();
    this.restoredNote = null;
    this.panel.hidden = true;
    document.body.classList.remove("pin-form-open");
    this.map.removeLayer(this.draft);
    this.similar.clear();
    this.announce(announce ? t("formClosed") : "");
    const opener = this.opener;
    this.opener = null;
    if (opener && opener instanceof HTMLElement && document.contains(opener)) {
      opener.focus();
    } else {
      this.map.getContainer().focus();
    }
  }

  /** Remove all error messages and states. */
  clearErrors() {
    this.formError.hidden = true;
    this.formError.textContent = "";
    for (const id of Object.values(FIELD_IDS)) {
      const node = document.getElementById(id);
      const message = document.getElementById(`${id}-error`);
      if (node) node.removeAttribute("aria-invalid");
      if (id === "pin-kind") {
        this.form.querySelectorAll('input[name="kind"]').forEach((r) => r.removeAttribute("aria-invalid"));
      }
      if (message) {
        message.hidden = true;
        message.textContent = "";
      }
    }
  }

  /**
   * Show an error beside a field (or for the whole form when the field is not one of ours).
   * @returns {HTMLElement} what should get focus: the field, or the form's message itself
   *   (tabindex="-1"), which a keyboard would otherwise have to look for
   */
  showError(field, message) {
    const id = FIELD_IDS[field];
    if (!id) {
      this.formError.textContent = message;
      this.formError.hidden = false;
      return this.formError;
    }
    const messageNode = /** @type {HTMLElement} */ (document.getElementById(`${id}-error`));
    messageNode.textContent = message;
    messageNode.hidden = false;
    if (field === "kind") {
      const radios = this.form.querySelectorAll('input[name="kind"]');
      radios.forEach((r) => {
        r.setAttribute("aria-invalid", "true");
        r.setAttribute("aria-describedby", `${id}-error`);
      });
      return /** @type {HTMLElement} */ (this.form.querySelector('input[name="kind"]:checked') || radios[0]);
    }
    const node = /** @type {HTMLElement} */ (document.getElementById(id));
    node.setAttribute("aria-invalid", "true");
    return node;
  }

  /**
   * Light checks before sending, with the server's own limits (settings.limits); the server
   * has the last word. Returns [field, message] pairs.
   */
  check(values) {
    const errors = [];
    if (!values.kind) errors.push(["kind", t("required")]);
    if (!values.category) errors.push(["category", t("required")]);
    const title = values.title.trim();
    const { min, max } = limit("title");
    if (!title) errors.push(["title", t("required")]);
    else if (title.length < min) errors.push(["title", t("tooShort", { n: min })]);
    else if (title.length > max) errors.push(["title", t("tooLong", { n: max })]);
    const bodyMax = limit("body").max;
    if (values.body.length > bodyMax) errors.push(["body", t("tooLong", { n: bodyMax })]);
    // the name is optional: only its length is checked
    const authorMax = limit("author_name").max;
    if (values.author_name.length > authorMax) {
      errors.push(["author_name", t("tooLong", { n: authorMax })]);
    }
    return errors;
  }

  /** Validate, post, and either add the pin to the map or show what the server said. */
  async submit() {
    if (this.busy || !this.latlng) return;
    this.clearErrors();
    const values = this.values();
    const problems = this.check(values);
    if (problems.length) {
      const targets = problems.map(([field, message]) => this.showError(field, message));
      targets[0].focus();
      return;
    }
    const properties = {
      kind: values.kind,
      category: values.category,
      title: values.title.trim(),
      body: values.body.trim(),
    };
    if (values.author_name.trim()) properties.author_name = values.author_name.trim();
    const feature = {
      type: "Feature",
      geometry: { type: "Point", coordinates: [this.latlng.lng, this.latlng.lat] },
      properties,
    };
    this.busy = true;
    const label = this.submitButton.textContent;
    this.submitButton.disabled = true;
    this.submitButton.setAttribute("aria-busy", "true");
    this.submitButton.textContent = t("saving");
    try {
      const saved = await request(urlFor("ideas"), { method: "POST", json: feature });
      rememberMyPin(Number(saved.id));
      forgetPinDraft();
      this.form.reset();
      this.fillCategories();
      this.close({ announce: false });
      if (saved.held) {
        // kept for a moderator (the word list): not on the map yet; the server says so
        showNotice(saved.message, { linkToMyPins: true });
        return;
      }
      this.onSaved(saved);
      // Shown, not only spoken: on a phone the new pin often joins a numbered cell, and the
      // closed form was the only other sign that anything was stored.
      showNotice(t("pinSaved", { title: (saved.properties && saved.properties.title) || "" }), {
        linkToMyPins: true,
      });
      // The tools are back now the form is closed: the notice says the pin is on the map,
      // so it must not sit under them.
      this.keepClearOfTools(L.latLng(feature.geometry.coordinates[1], feature.geometry.coordinates[0]));
    } catch (err) {
      const field = err instanceof ApiError ? err.field : null;
      const message = err instanceof ApiError ? err.message : t("serverError");
      this.showError(field && FIELD_IDS[field] ? field : "", message).focus();
    } finally {
      this.busy = false;
      this.submitButton.disabled = false;
      this.submitButton.removeAttribute("aria-busy");
      this.submitButton.textContent = label;
    }
  }
}

/**
 * Ask the server whether a pin may go at `latlng`, and in which district.
 * @param {any} latlng L.LatLng
 * @param {AbortSignal} [signal]
 */
function askPlace(latlng, signal) {
  const at = `${latlng.lng.toFixed(6)},${latlng.lat.toFixed(6)}`;
  return request(`${urlFor("placeAt")}?${new URLSearchParams({ at })}`, { signal });
}

/**
 * Whether the server refused a place as outside the municipality.
 * @param {unknown} err
 */
function isOutside(err) {
  return err instanceof ApiError && err.code === "outside_area";
}

/**
 * Say `text` in the notice above the map (a status region: screen readers hear it too). It
 * stays until the form opens again.
 * @param {string} text
 * @param {{linkToMyPins?: boolean}} [options] a saved pin: where to follow it ("My pins")
 */
export function showNotice(text, { linkToMyPins = false } = {}) {
  const notice = document.getElementById("map-notice");
  if (!notice) return;
  notice.textContent = text;
  if (linkToMyPins) {
    const link = /** @type {HTMLAnchorElement} */ (el("a", "", t("myPins")));
    link.href = urlFor("myPins");
    notice.append(" ", link);
  }
  notice.hidden = false;
}
