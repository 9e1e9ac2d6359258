/**
 * The selection panel: the pins of the chosen district or cluster (each title opens the pin's
 * staff page, with its history), and "Answer all N pins": one status and answer for every pin
 * of the selection through POST /api/ideas/answer, all or none.
 */

import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import { cssSlug, el, refocus } from "umecom/lib/dom.js";
import { categoryLabel, kindLabel, settings, statusLabel, t, urlFor } from "umecom/lib/settings.js";
import { keepDraft, signInLink, signedOut, takeDraft } from "umecom/planner/workspace-sign-in.js";

/** How many pins the panel lists; "answer all" still takes every pin of the selection. */
const LISTED = 100;
/** Pins per page when collecting a district's ids (the most /api/ideas gives at once). */
const PAGE = 1000;
/** The answer's fields, kept while the planner signs in again. */
const DRAFT_FIELDS = ["status", "answer", "answer_en"];

/**
 * @typedef {{type: "district"|"cluster", id: string, title: string, count: number,
 *            ids?: number[], query?: URLSearchParams}} Chosen
 *   a cluster brings its pins' ids; a district its filter query (district code included)
 */

export class SelectionPanel {
  /**
   * @param {HTMLElement} root
   * @param {{onAnswered: () => Promise<void>, onClose: () => void,
   *          announce: (text: string) => void}} handlers
   */
  constructor(root, handlers) {
    this.root = root;
    this.handlers = handlers;
    this.title = /** @type {HTMLElement} */ (root.querySelector("#pw-sel-title"));
    this.summary = /** @type {HTMLElement} */ (root.querySelector("#pw-sel-summary"));
    this.list = /** @type {HTMLElement} */ (root.querySelector("#pw-sel-pins"));
    this.form = /** @type {HTMLFormElement} */ (root.querySelector("#pw-answer"));
    this.submit = /** @type {HTMLButtonElement} */ (root.querySelector("#pw-answer-submit"));
    this.limitNote = /** @type {HTMLElement} */ (root.querySelector("#pw-answer-limit"));
    this.error = /** @type {HTMLElement} */ (this.form.querySelector(".form-error"));
    this.templateNote = /** @type {HTMLElement} */ (root.querySelector("#pw-template-note"));
    // Said beside the button that was pressed, not at the top of the scrolled panel.
    this.done = /** @type {HTMLElement} */ (root.querySelector("#pw-answer-done"));
    /** @type {Chosen|null} */
    this.chosen = null;
    /** @type {AbortController|null} */
    this.loading = null;
    /** @type {Promise<any[]>|null} */
    this.templates = null;
    root.querySelector("#pw-sel-close")?.addEventListener("click", () => this.handlers.onClose());
    root.querySelector("#pw-template")?.addEventListener("click", () => this.applyTemplate());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.answerAll();
    });
  }

  /** @param {Chosen} chosen */
  async show(chosen) {
    this.chosen = chosen;
    this.root.hidden = false;
    this.title.textContent = chosen.title;
    this.summary.textContent = t("selectionCount", { n: chosen.count });
    this.clearErrors();
    this.done.textContent = "";
    this.templateNote.textContent = "";
    this.restoreDraft();
    const tooMany = chosen.count > settings.bulkMax;
    this.submit.textContent = t("answer", { n: chosen.count });
    this.submit.disabled = tooMany || chosen.count === 0;
    this.limitNote.hidden = !tooMany;
    this.limitNote.textContent = tooMany ? t("tooManyToAnswer", { n: chosen.count, max: settings.bulkMax }) : "";
    await this.listPins();
  }

  hide() {
    this.loading?.abort();
    this.chosen = null;
    this.root.hidden = true;
    this.list.replaceChildren();
  }

  /** The URL of the first pins of the selection. */
  pinsUrl() {
    const chosen = /** @type {Chosen} */ (this.chosen);
    const query = chosen.ids
      ? new URLSearchParams({ ids: chosen.ids.slice(0, LISTED).join(",") })
      : new URLSearchParams(chosen.query);
    query.set("limit", String(LISTED));
    return `${urlFor("ideas")}?${query}`;
  }

  async listPins() {
    this.loading?.abort();
    const loading = new AbortController();
    this.loading = loading;
    this.list.setAttribute("aria-busy", "true");
    try {
      const body = await request(this.pinsUrl(), { signal: loading.signal });
      this.list.replaceChildren(...body.features.map((feature) => pinItem(feature)));
      const chosen = /** @type {Chosen} */ (this.chosen);
      if (chosen.count > LISTED) {
        this.list.append(el("li", "hint", t("firstPinsListed", { n: LISTED, total: chosen.count })));
      }
    } catch (err) {
      if (err && err.name === "AbortError") return;
      this.list.replaceChildren(el("li", "field-error", errorMessage(err)));
    } finally {
      if (this.loading === loading) this.list.removeAttribute("aria-busy");
    }
  }

  /** Every pin id of the selection: a cluster's are known, a district's are read page by page. */
  async allIds() {
    const chosen = /** @type {Chosen} */ (this.chosen);
    if (chosen.ids) return chosen.ids;
    /** @type {number[]} */
    const ids = [];
    const query = new URLSearchParams(chosen.query);
    query.set("limit", String(PAGE));
    for (;;) {
      const body = await request(`${urlFor("ideas")}?${query}`);
      ids.push(...body.features.map((f) => Number(f.id)));
      if (!body.next_cursor || ids.length > settings.bulkMax) return ids;
      query.set("cursor", body.next_cursor);
    }
  }

  /** "Use the template": the template of the chosen status into the answer fields. */
  async applyTemplate() {
    const note = /** @type {HTMLElement} */ (this.root.querySelector("#pw-template-note"));
    this.templates ||= request(urlFor("templates")).catch((err) => {
      this.templates = null;
      throw err;
    });
    try {
      const templates = await this.templates;
      const status = this.field("status").value;
      const found = templates.find((tpl) => tpl.status === status && tpl.answer);
      if (!found) {
        note.textContent = t("noTemplate");
        return;
      }
      this.field("answer").value = found.answer;
      this.field("answer_en").value = found.answer_en || "";
      note.textContent = t("templateApplied");
    } catch (err) {
      note.textContent = errorMessage(err);
    }
  }

  /** The selection as the draft and the URL name it: "district:0123", "cluster:4". */
  selectionKey() {
    return this.chosen ? `${this.chosen.type}:${this.chosen.id}` : "";
  }

  /** Put back what was typed before the planner had to sign in again. */
  restoreDraft() {
    const fields = takeDraft(this.selectionKey());
    if (!fields) return;
    for (const name of DRAFT_FIELDS) {
      if (typeof fields[name] === "string") this.field(name).value = fields[name];
    }
    this.templateNote.textContent = t("draftRestored");
  }

  /** @param {string} name */
  field(name) {
    return /** @type {HTMLInputElement} */ (this.form.elements.namedItem(name));
  }

  clearErrors() {
    this.error.hidden = true;
    this.error.textContent = "";
    this.form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  }

  /** @param {unknown} err */
  showError(err) {
    const gone = err instanceof ApiError && err.status === 404;
    this.error.textContent = gone ? `${t("answerGone")} ${errorMessage(err)}` : errorMessage(err);
    this.error.hidden = false;
    if (signedOut(err)) {
      // Signed out meanwhile: the answer waits in this tab until the planner is back.
      const fields = Object.fromEntries(DRAFT_FIELDS.map((name) => [name, this.field(name).value]));
      keepDraft({ selection: this.selectionKey(), fields });
      this.error.append(" ", signInLink(), " ", t("draftKept"));
      return;
    }
    const name = err instanceof ApiError ? err.field : null;
    const input = name && name !== "ids" ? this.form.elements.namedItem(name) : null;
    if (input instanceof HTMLElement) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    } else {
      refocus(this.form, this.error); // the button, disabled while sending, lost the focus
    }
  }

  /**
   * "12 pins answered." beside the button, in view; the page's notice when the selection
   * has gone with the reload (a cluster that no longer forms).
   * @param {string} text
   */
  sayAnswered(text) {
    if (this.root.hidden) {
      this.handlers.announce(text);
      return;
    }
    this.done.textContent = text;
    this.done.scrollIntoView({ block: "nearest" });
    refocus(this.form, this.done); // the button, disabled while sending, lost the focus
  }

  async answerAll() {
    if (!this.chosen || this.submit.disabled) return;
    this.clearErrors();
    this.submit.disabled = true;
    this.form.setAttribute("aria-busy", "true");
    try {
      const ids = await this.allIds();
      if (ids.length > settings.bulkMax) {
        throw new ApiError(422, "too_many", t("tooManyToAnswer", { n: ids.length, max: settings.bulkMax }), "ids");
      }
      const json = { ids, status: this.field("status").value, answer: this.field("answer").value };
      const english = this.field("answer_en").value;
      if (english.trim()) json.answer_en = english;
      const body = await request(urlFor("answer"), { method: "POST", json });
      this.field("answer").value = "";
      this.field("answer_en").value = "";
      this.templateNote.textContent = "";
      await this.handlers.onAnswered();
      this.sayAnswered(t("answered", { n: body.updated }));
    } catch (err) {
      this.showError(err);
    } finally {
      this.form.removeAttribute("aria-busy");
      if (this.chosen) this.submit.disabled = this.chosen.count > settings.bulkMax || this.chosen.count === 0;
    }
  }
}

/**
 * One pin of the list: its title as a link to its staff page, its status, kind and category.
 * @param {any} feature
 */
function pinItem(feature) {
  const props = feature.properties;
  const item = el("li", "pw-pin-item");
  const link = /** @type {HTMLAnchorElement} */ (el("a", "", props.title));
  link.href = urlFor("ideaPage", { idea_id: feature.id });
  const status = el("span", `pw-status-badge pw-status-badge--${cssSlug(props.status)}`, statusLabel(props.status));
  item.append(
    link,
    " ",
    status,
    el("span", "meta", `${kindLabel(props.kind)} · ${categoryLabel(props.category)} · #${feature.id}`),
  );
  return item;
}
