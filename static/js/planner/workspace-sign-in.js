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
 * Whether something was typed or chosen in `form` since the page loaded (its hidden values
 * and buttons are the page's own).
 * @param {HTMLFormElement} form
 */
export function edited(form) {
  return [...form.elements].some((node) => {
    if (node instanceof HTMLTextAreaElement) return node.value !== node.defaultValue;
    if (node instanceof HTMLSelectElement) {
      const options = [...node.options];
      const first = node.multiple ? -1 : Math.max(0, options.findIndex((o) => o.defaultSelected));
      return options.some((o, i) => o.selected !== (o.defaultSelected || i === first));
    }
    if (!(node instanceof HTMLInputElement) || node.type === "hidden") return false;
    if (node.type === "checkbox" || node.type === "radio") return node.checked !== node.defaultChecked;
    return node.type !== "file" && node.value !== node.defaultValue;
  });
}

/**
 * What was typed into `form`: its text fields and choices, not its hidden values.
 * @param {HTMLFormElement} form
 * @returns {Record<string, string>}
 */
function typedFields(form) {
  /** @type {Record<string, string>} */
  const fields = {};
  for (const [name, value] of new FormData(form)) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input instanceof HTMLInputElement && input.type === "hidden") continue;
    if (typeof value === "string") fields[name] = value;
  }
  return fields;
}

/**
 * Keep what was typed into `forms` (found again by their labels) for this page until it is
 * loaded again, when `takeFormDrafts` gives it back: across the sign-in a 401 asks for, or
 * the reload after another form of the page was saved. None kept: an older draft goes.
 * @param {HTMLFormElement[]} forms
 * @param {HTMLFormElement|null} [sent] the form whose sending was refused, to send again
 */
export function keepFormDrafts(forms, sent = null) {
  if (!forms.length) {
    window.sessionStorage.removeItem(FORM_DRAFT_KEY);
    return;
  }
  const drafts = forms.map((form) => ({
    form: form.getAttribute("aria-label"),
    fields: typedFields(form),
    sent: form === sent,
  }));
  const kept = { page: window.location.pathname, drafts };
  window.sessionStorage.setItem(FORM_DRAFT_KEY, JSON.stringify(kept));
}

/**
 * The drafts kept for this page by form label, once (they are removed as they are taken).
 * @returns {Map<string, {fields: Record<string, string>, sent: boolean}>}
 */
export function takeFormDrafts() {
  let kept = null;
  try {
    kept = JSON.parse(window.sessionStorage.getItem(FORM_DRAFT_KEY) || "null");
  } catch {
    kept = null;
  }
  const drafts = new Map();
  if (!kept || kept.page !== window.location.pathname || !Array.isArray(kept.drafts)) return drafts;
  window.sessionStorage.removeItem(FORM_DRAFT_KEY);
  for (const draft of kept.drafts) {
    if (!draft || typeof draft.fields !== "object") continue;
    drafts.set(String(draft.form), { fields: draft.fields, sent: Boolean(draft.sent) });
  }
  return drafts;
}

/**
 * Put a kept draft's fields back into `form`.
 * @param {HTMLFormElement} form
 * @param {Record<string, string>} fields
 */
export function restoreFormDraft(form, fields) {
  for (const [name, value] of Object.entries(fields || {})) {
    const input = form.elements.namedItem(name);
    const typed = input instanceof HTMLTextAreaElement || input instanceof HTMLSelectElement;
    const field = typed || (input instanceof HTMLInputElement && input.type !== "hidden");
    if (field && typeof value === "string") /** @type {HTMLInputElement} */ (input).value = value;
  }
}
