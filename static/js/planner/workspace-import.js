/**
 * "Import pins": a planner chooses a GeoJSON file (pins from an earlier dialogue, or paper forms
 * typed in) and where the pins come from; the file goes to POST /api/ideas/import with that
 * `source`, all or none. The result is said in the form's live region: how many were imported
 * and held, or which feature (counted from 1, as a person counts) was refused and why. The
 * focus goes to the result (the button had it, and was disabled meanwhile), or, when the file's
 * pins are stored already, to "Import anyway", which sends the same file with
 * `import_duplicates`.
 */

import { refocus } from "umecom/lib/dom.js";
import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import { settings, t, urlFor } from "umecom/lib/settings.js";
import { signInLink, signedOut } from "umecom/planner/workspace-sign-in.js";

/** The server names a refused feature's field `features[<index from 0>].<field>`. */
const FEATURE_FIELD = /^features\[(\d+)\](?:\.(.+))?$/;

export class ImportForm {
  /**
   * @param {HTMLFormElement} form
   * @param {{onImported: () => void}} handlers
   */
  constructor(form, handlers) {
    this.form = form;
    this.handlers = handlers;
    this.file = /** @type {HTMLInputElement} */ (form.querySelector("#pw-import-file"));
    this.submit = /** @type {HTMLButtonElement} */ (form.querySelector("#pw-import-submit"));
    this.result = /** @type {HTMLElement} */ (form.querySelector("#pw-import-result"));
    this.anywayField = /** @type {HTMLElement} */ (form.querySelector("#pw-import-anyway"));
    this.anyway = /** @type {HTMLInputElement} */ (form.querySelector("#pw-import-duplicates"));
    this.file.addEventListener("change", () => {
      this.file.removeAttribute("aria-invalid");
      this.offerAnyway(false); // another file: its pins are not known to be stored
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
  }

  /**
   * Show and announce a result (cleared first and set a moment later, as `announcer` does, so
   * the same words twice are said twice); with `focus`, then focus the result (an empty one
   * is not shown, so cannot have the focus before).
   * @param {string} text
   * @param {boolean} failed
   * @param {(Node|string)[]} [more] a link and words after the text
   * @param {boolean} [focus]
   */
  show(text, failed, more = [], focus = false) {
    this.result.classList.toggle("pw-import-result--error", failed);
    this.result.textContent = "";
    window.setTimeout(() => {
      this.result.replaceChildren(text, ...more);
      if (focus) refocus(this.form, this.result);
    }, 50);
  }

  /**
   * Show "Import anyway" (after a refusal for pins stored already), or hide and clear it.
   * @param {boolean} shown
   */
  offerAnyway(shown) {
    this.anywayField.hidden = !shown;
    if (!shown) this.anyway.checked = false;
  }

  /** The chosen source: "paper" or "import". */
  source() {
    const chosen = /** @type {HTMLInputElement|null} */ (this.form.querySelector("input[name=source]:checked"));
    return chosen ? chosen.value : "import";
  }

  async send() {
    const file = this.file.files && this.file.files[0];
    if (!file) {
      this.file.setAttribute("aria-invalid", "true");
      this.file.focus();
      this.show(t("importChooseFile"), true);
      return;
    }
    if (file.size > settings.importMaxBytes) {
      this.show(t("importTooLarge", { size: byteSize(settings.importMaxBytes) }), true);
      return;
    }
    this.submit.disabled = true;
    this.form.setAttribute("aria-busy", "true");
    this.show(t("importing"), false);
    let anyway = false; // refused for pins stored already: the focus goes to "Import anyway"
    try {
      let json;
      try {
        json = JSON.parse(await file.text());
      } catch {
        this.show(t("importNotJson"), true, [], true);
        return;
      }
      if (json && typeof json === "object" && !Array.isArray(json)) {
        json = { ...json, source: this.source(), import_duplicates: this.anyway.checked };
      }
      const body = await request(urlFor("import"), { method: "POST", json });
      this.form.reset();
      this.offerAnyway(false);
      this.show(importedText(body.created, body.held), false, [], true);
      this.handlers.onImported();
    } catch (err) {
      anyway = err instanceof ApiError && err.code === "duplicate_pins";
      if (anyway) this.offerAnyway(true);
      this.show(refusedText(err), true, refusalLinks(err), !anyway);
    } finally {
      this.submit.disabled = false;
      this.form.removeAttribute("aria-busy");
      if (anyway) refocus(this.form, this.anyway);
    }
  }
}

/**
 * What follows a refusal's words: signed out meanwhile, a way back in (a chosen file cannot
 * be kept); pins stored already, the first one's page.
 * @param {unknown} err
 * @returns {(Node|string)[]}
 */
function refusalLinks(err) {
  if (signedOut(err)) return [" ", signInLink(), " ", t("importAfterSignIn")];
  const duplicates = err instanceof ApiError && err.code === "duplicate_pins";
  const stored = duplicates && err.body ? err.body.duplicate_of : null;
  if (typeof stored !== "number") return [];
  const link = document.createElement("a");
  link.href = urlFor("ideaPage", { idea_id: stored });
  link.textContent = t("importOpenPin", { id: stored });
  return [" ", link];
}

/**
 * "300 pins imported, 2 held for moderation."
 * @param {number} created
 * @param {number} held
 */
function importedText(created, held) {
  return t(held ? "importedHeld" : "imported", { n: created, held });
}

/**
 * Why nothing was imported, naming the feature (from 1) and its field when the server did.
 * @param {unknown} err
 */
function refusedText(err) {
  const message = errorMessage(err);
  const found = err instanceof ApiError && err.field ? FEATURE_FIELD.exec(err.field) : null;
  if (!found) return t("importRefused", { message });
  const number = Number(found[1]) + 1;
  if (!found[2]) return t("importRefusedFeatureWhole", { number, message }); // the whole feature
  return t("importRefusedFeature", { number, field: found[2], message });
}

/**
 * A size for people: "1 MB", "512 KB".
 * @param {number} bytes
 */
function byteSize(bytes) {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${mb.toLocaleString(document.documentElement.lang)} MB` : `${Math.floor(bytes / 1024)} KB`;
}
