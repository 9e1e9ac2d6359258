/**
 * Entry point of the facilitator's view (templates/workshop/facilitate.html): the shared map
 * with every drawing editable, and the controls, results and links beside it.
 */

import { errorMessage, request } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";
import { EndTimeControl, FacilitatorControls } from "umecom/workshop/controls.js";
import { JoinControls } from "umecom/workshop/door.js";
import { WorkshopPage } from "umecom/workshop/map-page.js";
import { ParticipantList } from "umecom/workshop/presence.js";
import { PromoteForm } from "umecom/workshop/promote.js";

/**
 * Everyone who joined, with "Remove…" and "Let back in": the list, kept up to date by the
 * stream's `presence` and `participant.*` events.
 * @param {WorkshopPage} page
 */
function participantList(page) {
  const node = document.getElementById("ws-participants");
  const error = document.getElementById("ws-participants-error");
  if (!node) return null;
  const fail = (err) => {
    if (error) {
      error.textContent = errorMessage(err);
      error.hidden = false;
    }
    page.announce(errorMessage(err));
    return false;
  };
  const send = async (id, body) => {
    if (error) error.hidden = true;
    const url = urlFor("participantRemoved", { workshop_id: page.id, participant_id: id });
    const answer = await request(url, { method: "POST", json: body });
    list.mark(id, answer.removed);
    return answer;
  };
  const list = new ParticipantList(node, {
    onRemove: async (id, hide) => {
      try {
        const answer = await send(id, { removed: true, hide_drawings: hide });
        page.announce(t(hide ? "removedAndHidden" : "removedOnly", { name: answer.name }));
        return true;
      } catch (err) {
        return fail(err);
      }
    },
    onLetBackIn: async (id) => {
      try {
        const answer = await send(id, { removed: false });
        page.announce(t("letBackInDone", { name: answer.name }));
        return true;
      } catch (err) {
        return fail(err);
      }
    },
  });
  list.refresh = async () => {
    try {
      const answer = await request(urlFor("participants", { workshop_id: page.id }));
      list.load(answer.participants || []);
    } catch (err) {
      fail(err);
    }
  };
  list.closed = page.state.state === "closed";
  list.refresh();
  return list;
}

/** What the stream says about the participants, for the list. */
function onParticipantEvent(list, event) {
  if (!list) return;
  if (event.type === "presence") list.presence(event);
  else if (event.type === "participant.removed") list.mark(event.participant_id, true);
  else if (event.type === "participant.let_back_in") list.mark(event.participant_id, false);
}

function start() {
  let controls = null;
  let endTime = null;
  let promote = null;
  let participants = null;
  let door = null;
  const page = new WorkshopPage({
    facilitatorPage: true,
    hooks: {
      onReady: (ready) => {
        controls = new FacilitatorControls(ready);
        endTime = new EndTimeControl(ready);
        promote = new PromoteForm(ready.id, ready.list, ready.announce);
        participants = participantList(ready);
        door = new JoinControls(ready);
      },
      onState: (state) => {
        controls?.showState(state);
        endTime?.show();
        participants?.setClosed(state === "closed");
        door?.show(null); // closed or ended: nobody can join, whatever the door says
      },
      onResync: (state) => {
        controls?.sync(state);
        door?.sync(state);
        if (state.state !== "closed") participants?.refresh();
      },
      onEvent: (event) => {
        controls?.onEvent(event);
        onParticipantEvent(participants, event);
        door?.onEvent(event);
      },
      onSelection: () => promote?.update(),
    },
  });
  page.start();
}

if (typeof L !== "undefined") start();
