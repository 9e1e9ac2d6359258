/**
 * The forms of the planner pages (templates/planner/_forms.html): their fields go as JSON to
 * the API, the same calls the workspace makes. On success the page reloads, so it shows the
 * server's state, and the form's `data-done` text is said in #notice, moved beside the form
 * that was sent, scrolled to and focused; what was typed in the page's other forms and not
 * saved yet is put back in them after the reload. On failure the server's message is shown in
 * the form and the field it names is marked and focused, or, when it names none of the form's
 * fields, the message is focused: the form's buttons were disabled while it was sent, and the
 * one that had the focus lost it to <body>.
 */

import { refocus } from "umecom/lib/dom.js";
import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import { t } from "umecom/lib/settings.js";
import {
  edited,
  keepFormDrafts,
  restoreFormDraft,
  signInLink,
  signedOut,
  takeFormDrafts,
} from "umecom/planner/workspace-sign-in.js";

const NOTICE_KEY = "umecom-planner-notice";

/**
 * Show (once) the notice the last successful form left before the page reloaded: just above
 * that form (found again by its label), scrolled into view and focused, so the planner sees
 * it and a screen reader reads it; at the top of the page when the form is gone.
 */
export function showStoredNotice() {
  const notice = document.getElementById("notice");
  const stored = readStoredNotice();
  if (!notice || !stored) return;
  const form = [...document.querySelectorAll("form.api-form")].find(
    (node) => node.getAttribute("aria-label") === stored.form,
  );
  if (form) form.before(notice);
  notice.textContent = stored.text;
  notice.hidden = false;
  notice.tabIndex = -1; // focusable by script only: it is no control
  notice.focus({ preventScroll: true });
  notice.scrollIntoView({ block: "center" });
  // Once loaded, the page is where the notice put it: later reloads keep their place again.
  const loaded = () => {
    notice.scrollIntoView({ block: "center" }); // the map and fonts may have moved it
    if ("scrollRestoration" in window.history) window.history.scrollRestoration = "auto";
  };
  if (document.readyState === "complete") loaded();
  else window.addEventListener("load", () => window.setTimeout(loaded, 0), { once: true });
}

/** The notice stored before the reload, taken out of storage; null when there is none. */
function readStoredNotice() {
  const raw = window.sessionStorage.getItem(NOTICE_KEY);
  if (!raw) return null;
  window.sessionStorage.removeItem(NOTICE_KEY);
  try {
    const stored = JSON.parse(raw);
    if (stored && typeof stored.text === "string") return { text: stored.text, form: String(stored.form || "") };
  } catch {
    // a notice stored by an older version of this page: plain text
  }
  return { text: raw, form: "" };
}

/**
 * Keep the notice for the page the reload brings, with the form it belongs beside. The
 * browser would put the reloaded page back at the old scroll position, after the notice
 * was scrolled to: the notice does the scrolling this once.
 * @param {HTMLFormElement} form
 */
function storeNotice(form) {
  const text = form.dataset.done || t("saving");
  const beside = form.dataset.noticeBeside || form.getAttribute("aria-label") || "";
  const stored = { text, form: beside };
  window.sessionStorage.setItem(NOTICE_KEY, JSON.stringify(stored));
  if ("scrollRestoration" in window.history) window.history.scrollRestoration = "manual";
}

/**
 * The form's fields (and the button that sent it) as a JSON object; undefined when it has none.
 * A field marked `data-json="int"` sends a number, or null when empty (text that is not a
 * number goes as it is, for the server to refuse by name); `data-json="bool"` sends
 * true or false.
 * @param {HTMLFormElement} form
 * @param {HTMLElement|null} submitter
 */
function formJson(form, submitter) {
  const data = new FormData(form, submitter);
  /** @type {Record<string, unknown>} */
  const body = {};
  let fields = 0;
  for (const [name, value] of data) {
    const text = String(value);
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    const submitted = submitter && submitter.getAttribute("name") === name ? submitter : input;
    if (submitted instanceof HTMLElement && submitted.dataset.json === "bool") {
      body[name] = text === "true";
    } else if (input instanceof HTMLElement && input.dataset.json === "int") {
      const trimmed = text.trim();
      body[name] = trimmed === "" ? null : /^[0-9]{1,15}$/.test(trimmed) ? Number(trimmed) : trimmed;
    } else {
      body[name] = text;
    }
    fields += 1;
  }
  return fields ? body : undefined;
}

/** Take back the notice of the last success (shown after the reload it caused). */
function hideNotice() {
  const notice = document.getElementById("notice");
  if (!notice) return;
  notice.hidden = true;
  notice.textContent = "";
}

/**
 * The page's API forms with something typed or chosen in them since it loaded.
 * @returns {HTMLFormElement[]}
 */
function editedForms() {
  const forms = /** @type {HTMLFormElement[]} */ ([...document.querySelectorAll("form.api-form")]);
  return forms.filter((form) => edited(form));
}

/** @param {HTMLFormElement} form */
function clearErrors(form) {
  const box = /** @type {HTMLElement} */ (form.querySelector(".form-error"));
  box.hidden = true;
  box.textContent = "";
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
}

/**
 * @param {HTMLFormElement} form
 * @param {unknown} err
 */
function showError(form, err) {
  const box = /** @type {HTMLElement} */ (form.querySelector(".form-error"));
  box.textContent = errorMessage(err);
  box.hidden = false;
  if (signedOut(err)) {
    // Signed out meanwhile (another tab, or idle): a way back to this page, and what was
    // typed kept in this tab until then, in the other forms too (the sign-in reloads them).
    keepFormDrafts([form, ...editedForms().filter((other) => other !== form)], form);
    box.append(" ", signInLink(), " ", t("formKept"));
    box.tabIndex = -1;
    refocus(form, box);
    return;
  }
  const field = err instanceof ApiError && err.field ? err.field : null;
  const input = field ? form.querySelector(`[name="${CSS.escape(field)}"]`) : null;
  // A button or a hidden input (what the page showed, sent back) is nothing to fix by hand.
  const fixable = input instanceof HTMLElement && input.tagName !== "BUTTON" && input.getAttribute("type") !== "hidden";
  if (fixable) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  // Nothing in the form to fix: the message takes the focus the disabled button lost (a Tab
  // from <body> would start again at the top of the page), unless it went elsewhere meanwhile.
  box.tabIndex = -1; // focusable by script only: it is no control
  refocus(form, box);
}

/**
 * @param {HTMLFormElement} form
 * @param {boolean} busy
 */
function setBusy(form, busy) {
  form.querySelectorAll("button").forEach((button) => {
    button.disabled = busy;
  });
  if (busy) form.setAttribute("aria-busy", "true");
  else form.removeAttribute("aria-busy");
}

/**
 * Say, at the top of `form`, that what was typed before signing in again is back, and focus
 * the form's first field to check.
 * @param {HTMLFormElement} form
 */
function sayRestored(form) {
  const note = document.createElement("p");
  note.className = "hint";
  note.setAttribute("role", "status");
  note.textContent = t("formRestored");
  form.querySelector(".form-error")?.after(note);
  form.scrollIntoView({ block: "center" });
  const first = form.querySelector("textarea, input:not([type=hidden]), select");
  if (first instanceof HTMLElement) first.focus();
}

/**
 * Put back what was typed into `form` before the page reloaded: the form sent when the
 * session had ended is said and focused, to send again; another form says it is not saved.
 * @param {HTMLFormElement} form
 * @param {{fields: Record<string, string>, sent: boolean}|undefined} draft
 */
function restoreDraft(form, draft) {
  if (!draft) return;
  restoreFormDraft(form, draft.fields);
  if (draft.sent) sayRestored(form);
  else showKept(form, true);
}

/**
 * @param {HTMLFormElement} form
 * @param {boolean} shown
 */
function showKept(form, shown) {
  const note = form.querySelector(".api-form__kept");
  if (note instanceof HTMLElement) note.hidden = !shown;
}

/** Send every `form.api-form` of the page through the API. */
export function setUpApiForms() {
  const drafts = takeFormDrafts();
  document.querySelectorAll("form.api-form").forEach((node) => {
    const form = /** @type {HTMLFormElement} */ (node);
    form.querySelector(".api-form__body")?.removeAttribute("disabled"); // ours from now on
    restoreDraft(form, drafts.get(String(form.getAttribute("aria-label"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const submitter = /** @type {HTMLElement|null} */ (event.submitter);
      const json = formJson(form, submitter);
      clearErrors(form);
      showKept(form, false);
      hideNotice(); // the last success is not this submit's: never both at once
      setBusy(form, true);
      try {
        await request(form.action, { method: form.dataset.method || "POST", json });
        storeNotice(form);
        // The reload shows the change; what was typed in the other forms must not go with it.
        keepFormDrafts(editedForms().filter((other) => other !== form));
        window.location.reload();
      } catch (err) {
        setBusy(form, false);
        showError(form, err);
      }
    });
  });
}
