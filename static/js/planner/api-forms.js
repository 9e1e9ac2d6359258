/**
 * The forms of the planner pages (templates/planner/_forms.html): their fields go as JSON to
 * the API, the same calls the workspace makes. On success the page reloads, so it shows the
 * server's state, and the form's `data-done` text is said in #notice; on failure the server's
 * message is shown in the form and the field it names is marked.
 */

import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import { t } from "umecom/lib/settings.js";

const NOTICE_KEY = "umecom-planner-notice";

/** Show (once) the notice the last successful form left before the page reloaded. */
export function showStoredNotice() {
  const notice = document.getElementById("notice");
  const text = window.sessionStorage.getItem(NOTICE_KEY);
  if (!notice || !text) return;
  window.sessionStorage.removeItem(NOTICE_KEY);
  notice.textContent = text;
  notice.hidden = false;
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
  const field = err instanceof ApiError && err.field ? err.field : null;
  const input = field ? form.querySelector(`[name="${CSS.escape(field)}"]`) : null;
  if (input instanceof HTMLElement && input.tagName !== "BUTTON") {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
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

/** Send every `form.api-form` of the page through the API. */
export function setUpApiForms() {
  document.querySelectorAll("form.api-form").forEach((node) => {
    const form = /** @type {HTMLFormElement} */ (node);
    form.querySelector(".api-form__body")?.removeAttribute("disabled"); // ours from now on
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const submitter = /** @type {HTMLElement|null} */ (event.submitter);
      const json = formJson(form, submitter);
      clearErrors(form);
      hideNotice(); // the last success is not this submit's: never both at once
      setBusy(form, true);
      try {
        await request(form.action, { method: form.dataset.method || "POST", json });
        window.sessionStorage.setItem(NOTICE_KEY, form.dataset.done || t("saving"));
        window.location.reload();
      } catch (err) {
        setBusy(form, false);
        showError(form, err);
      }
    });
  });
}
