/**
 * Entry point of a pin's staff page (templates/planner/idea.html), besides page.js: the map of
 * where the pin is, the answer template picker, and the possible duplicates' "Use this
 * number" buttons.
 */

import { setUpTemplatePicker } from "umecom/planner/answer-templates.js";
import { showPinMap } from "umecom/planner/pin-map.js";

setUpTemplatePicker();
const element = document.getElementById("pin-map");
if (element && typeof L !== "undefined") showPinMap(element);

// A possible duplicate's button puts its number in the duplicate form, to check and save.
const duplicateOf = /** @type {HTMLInputElement|null} */ (document.getElementById("duplicate-of"));
for (const button of document.querySelectorAll("[data-duplicate-of]")) {
  button.addEventListener("click", () => {
    if (!duplicateOf) return;
    duplicateOf.value = /** @type {HTMLElement} */ (button).dataset.duplicateOf || "";
    duplicateOf.focus();
  });
}
