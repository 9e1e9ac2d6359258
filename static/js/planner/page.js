/**
 * Entry point of every planner page: the API forms and the notice of the last action.
 */

import { setUpApiForms, showStoredNotice } from "umecom/planner/api-forms.js";

showStoredNotice();
setUpApiForms();
document.body.dataset.ready = "true";
