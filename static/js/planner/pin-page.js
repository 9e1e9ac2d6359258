/**
 * Entry point of a pin's staff page (templates/planner/idea.html), besides page.js: the map of
 * where the pin is, and the answer template picker.
 */

import { setUpTemplatePicker } from "umecom/planner/answer-templates.js";
import { showPinMap } from "umecom/planner/pin-map.js";

setUpTemplatePicker();
const element = document.getElementById("pin-map");
if (element && typeof L !== "undefined") showPinMap(element);
