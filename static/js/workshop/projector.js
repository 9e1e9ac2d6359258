/**
 * Entry point of the projector view (templates/workshop/projector.html): a full-screen map of
 * everyone's drawings, live, with the join code and QR code large, no controls; it follows the
 * facilitator's views ("bring everyone here" and "follow me").
 */

import { announcer } from "umecom/lib/dom.js";
import { errorMessage, request } from "umecom/lib/request.js";
import { settings, t, urlFor } from "umecom/lib/settings.js";
import { createMap } from "umecom/map/create-map.js";
import { addReferenceLayers } from "umecom/map/reference-layers.js";
import { FollowBanner } from "umecom/workshop/follow.js";
import { LiveEvents } from "umecom/workshop/live.js";
import { AnnotationLayer } from "umecom/workshop/shapes.js";
import { showFocusArea, showJoin } from "umecom/workshop/workshop.js";

async function start() {
  const element = /** @type {HTMLElement} */ (document.getElementById("map"));
  const id = Number(settings.workshopId);
  const announce = announcer(document.getElementById("map-status"));
  const status = /** @type {HTMLElement} */ (document.getElementById("ws-projector-status"));
  let state;
  try {
    state = await request(urlFor("workshop", { workshop_id: id }));
  } catch (err) {
    status.textContent = errorMessage(err);
    return;
  }
  if (!state.me) {
    status.textContent = t("needFacilitatorLink");
    element.dataset.ready = "gate";
    return;
  }
  const map = createMap(element, { zoomControl: false });
  addReferenceLayers(map);
  // The wall shows what participants see: hidden drawings stay off it.
  const layer = new AnnotationLayer(map, { facilitator: false });
  const follow = new FollowBanner(map, { announce, always: true });
  showJoin(state.join);
  const focus = showFocusArea(map, state.focus_area);
  const collection = await request(urlFor("annotations", { workshop_id: id }));
  layer.load(collection.features || []);
  if (!focus && layer.bounds()) map.fitBounds(layer.bounds(), { maxZoom: 16, padding: [30, 30], animate: false });
  follow.start(state.follow, state.view);
  const show = (workshopState) => {
    status.textContent = workshopState === "open" ? "" : t(`state_${workshopState}`);
  };
  show(state.state);
  const live = new LiveEvents(urlFor("events", { workshop_id: id }), {
    display: true, // the wall is not a second facilitator in the room
    onEvent: (event) => {
      switch (event.type) {
        case "annotation.created":
        case "annotation.updated":
          layer.apply(event.feature);
          break;
        case "annotation.deleted":
          layer.remove(event.id, event.version);
          break;
        case "annotation.hidden":
          layer.hide(event.id, event.version);
          break;
        case "view":
          follow.onView(event);
          break;
        case "state":
        case "closed":
          show(event.state || "closed");
          break;
        default:
      }
    },
  });
  if (state.state !== "closed") live.open(collection.last_event_id);
  element.dataset.ready = "true";
}

if (typeof L !== "undefined") start();
