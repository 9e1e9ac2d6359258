/**
 * "Import pins": a planner chooses a GeoJSON file (pins from an earlier dialogue, or paper forms
 * typed in) and where the pins come from; the file goes to POST /api/ideas/import with that
 * `source`, all or none. The result is said in the form's live region: how many were imported
 * and held, or which feature (counted from 1, as a person counts) was refused and why.
 */

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
    this.file.addEventListener("change", () => this.file.removeAttribute("aria-invalid"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
  }

  /**
   * Show and announce a result (cleared first and set a moment later, as `announcer` does, so
   * the same words twice are said twice).
   * @param {string} text
   * @param {boolean} failed
   * @param {(Node|string)[]} [more] a link and words after the text
   */
  show(text, failed, more = []) {
    this.result.classList.toggle("pw-import-result--error", failed);
    this.result.textContent = "";
    window.setTimeout(() => this.result.replaceChildren(text, ...more), 50);
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
    try {
      let json;
      try {
        json = JSON.parse(await file.text());
      } catch {
        this.show(t("importNotJson"), true);
        return;
      }
      if (json && typeof json === "object" && !Array.isArray(json)) json = { ...json, source: this.source() };
      const body = await request(urlFor("import"), { method: "POST", json });
      this.form.reset();
      this.show(importedText(body.created, body.held), false);
      this.handlers.onImported();
    } catch (err) {
      // Signed out meanwhile: a way back in, beside the words (a chosen file cannot be kept).
      const back = signedOut(err) ? [" ", signInLink(), " ", t("importAfterSignIn")] : [];
      this.show(refusedText(err), true, back);
    } finally {
      this.submit.disabled = false;
      this.form.removeAttribute("aria-busy");
    }
  }
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
  return t("importRefusedFeature", { number, field: found[2] || String(err.field), message });
}

/**
 * A size for people: "1 MB", "512 KB".
 * @param {number} bytes
 */
function byteSize(bytes) {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${mb.toLocaleString(document.documentElement.lang)} MB` : `${Math.floor(bytes / 1024)} KB`;
}
