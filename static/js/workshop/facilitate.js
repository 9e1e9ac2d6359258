/**
 * Entry point of the facilitator's view (templates/workshop/facilitate.html): the shared map
 * with every drawing editable, and the controls, results and links beside it.
 */

import { EndTimeControl, FacilitatorControls } from "umecom/workshop/controls.js";
import { WorkshopPage } from "umecom/workshop/map-page.js";
import { PromoteForm } from "umecom/workshop/promote.js";
import { showJoin } from "umecom/workshop/workshop.js";

function start() {
  let controls = null;
  let endTime = null;
  let promote = null;
  const page = new WorkshopPage({
    facilitatorPage: true,
    hooks: {
      onReady: (ready) => {
        controls = new FacilitatorControls(ready);
        endTime = new EndTimeControl(ready);
        promote = new PromoteForm(ready.id, ready.list, ready.announce);
        showJoin(ready.state.join);
      },
      onState: (state) => {
        controls?.showState(state);
        endTime?.show();
      },
      onResync: (state) => controls?.sync(state),
      onEvent: (event) => controls?.onEvent(event),
      onSelection: () => promote?.update(),
    },
  });
  page.start();
}

if (typeof L !== "undefined") start();
