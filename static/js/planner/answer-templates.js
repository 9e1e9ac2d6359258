/**
 * "Use the template for this status": fills the answer fields with the template of the status
 * chosen in the form (the templates come in the page settings).
 */

import { settings, t } from "umecom/lib/settings.js";

export function setUpTemplatePicker() {
  const button = document.getElementById("apply-template");
  const status = /** @type {HTMLSelectElement|null} */ (document.getElementById("answer-status"));
  const answer = /** @type {HTMLTextAreaElement|null} */ (document.getElementById("answer-text"));
  const english = /** @type {HTMLTextAreaElement|null} */ (document.getElementById("answer-en"));
  const note = document.getElementById("template-note");
  if (!button || !status || !answer || !english || !note) return;
  button.addEventListener("click", () => {
    const template = (settings.templates || {})[status.value];
    if (!template) {
      note.textContent = t("noTemplate");
      return;
    }
    answer.value = template.answer || "";
    english.value = template.answer_en || "";
    note.textContent = t("templateApplied");
  });
}
