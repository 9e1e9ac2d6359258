/**
 * When a planner's session has ended (signed out in another tab, or idle too long), a write
 * is answered 401. The workspace then says so with a link to sign in again that comes back to
 * the same view; what was typed is kept meanwhile in this tab's sessionStorage.
 */

import { ApiError } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";

const DRAFT_KEY = "umecom-workspace-draft";

/**
 * Whether `err` says no planner is signed in any more.
 * @param {unknown} err
 */
export function signedOut(err) {
  return err instanceof ApiError && err.status === 401;
}

/** A link to the sign-in form that returns to this very view (its URL holds the view). */
export function signInLink() {
  const link = document.createElement("a");
  const back = window.location.pathname + window.location.search;
  link.href = `${urlFor("login")}?${new URLSearchParams({ next: back })}`;
  link.textContent = t("signIn");
  return link;
}

/**
 * Keep what was typed until the planner is back.
 * @param {{selection: string, fields: Record<string, string>}} draft
 */
export function keepDraft(draft) {
  window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
}

/**
 * The draft kept for `selection`, once (it is removed as it is taken), or null.
 * @param {string} selection
 * @returns {Record<string, string>|null}
 */
export function takeDraft(selection) {
  let draft = null;
  try {
    draft = JSON.parse(window.sessionStorage.getItem(DRAFT_KEY) || "null");
  } catch {
    draft = null;
  }
  if (!draft || draft.selection !== selection || typeof draft.fields !== "object") return null;
  window.sessionStorage.removeItem(DRAFT_KEY);
  return draft.fields;
}

const FORM_DRAFT_KEY = "umecom-form-draft";

/**
 * Keep what was typed into `form` (its text fields and choices, not its hidden values) for
 * this page, until the planner is back: `takeFormDraft` puts it back after the reload.
 * @param {HTMLFormElement} form
 */
export function keepFormDraft(form) {
  /** @type {Record<string, string>} */
  const fields = {};
  for (const [name, value] of new FormData(form)) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input instanceof HTMLInputElement && input.type === "hidden") continue;
    if (typeof value === "string") fields[name] = value;
  }
  const draft = { page: window.location.pathname, form: form.getAttribute("aria-label"), fields };
  window.sessionStorage.setItem(FORM_DRAFT_KEY, JSON.stringify(draft));
}

/**
 * Put back the draft kept for `form` on this page, once (it is removed as it is taken).
 * @param {HTMLFormElement} form
 * @returns {boolean} whether there was one
 */
export function takeFormDraft(form) {
  let draft = null;
  try {
    draft = JSON.parse(window.sessionStorage.getItem(FORM_DRAFT_KEY) || "null");
  } catch {
    draft = null;
  }
  if (!draft || draft.page !== window.location.pathname || draft.form !== form.getAttribute("aria-label")) {
    return false;
  }
  window.sessionStorage.removeItem(FORM_DRAFT_KEY);
  for (const [name, value] of Object.entries(draft.fields || {})) {
    const input = form.elements.namedItem(name);
    const typed = input instanceof HTMLTextAreaElement || input instanceof HTMLSelectElement;
    const field = typed || (input instanceof HTMLInputElement && input.type !== "hidden");
    if (field && typeof value === "string") /** @type {HTMLInputElement} */ (input).value = value;
  }
  return true;
}
