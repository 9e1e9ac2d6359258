/**
 * Entry point of the projector view (templates/workshop/projector.html): a full-screen map of
 * everyone's drawings, live, with the join code and QR code large, no controls but one button
 * to hide the code; it follows the facilitator's views ("bring everyone here" and "follow me").
 * When the live stream breaks it says so, large, and comes back by itself (live.js). Whether
 * drawing is paused or the workshop closed stays on the wall when the card is hidden.
 */

import { announcer } from "umecom/lib/dom.js";
import { errorMessage, request } from "umecom/lib/request.js";
import { settings, t, urlFor } from "umecom/lib/settings.js";
import { createMap } from "umecom/map/create-map.js";
import { addReferenceLayers } from "umecom/map/reference-layers.js";
import { EndCheck } from "umecom/workshop/end-check.js";
import { FollowBanner } from "umecom/workshop/follow.js";
import { LiveEvents } from "umecom/workshop/live.js";
import { AnnotationLayer } from "umecom/workshop/shapes.js";
import { showFocusArea, showJoin } from "umecom/workshop/workshop.js";

/** Air around the drawings (px). */
const MARGIN = 30;
/** Drawings on the wall are seen from across a room: points and lines this much larger. */
const WALL_SCALE = 1.6;
/** The least map (px) fitBounds may be left with beside or above the card. */
const LEAST_ROOM = 120;

/**
 * Put an element of the page on the map as a Leaflet control (placed by Leaflet's own styles).
 * @param {any} map L.Map
 * @param {HTMLElement} element
 * @param {string} position "topleft", "topright", …
 */
function placeOnMap(map, element, position) {
  const Control = L.Control.extend({
    onAdd: () => {
      L.DomEvent.disableClickPropagation(element);
      return element;
    },
  });
  new Control({ position }).addTo(map);
}

/**
 * fitBounds options that keep `bounds` clear of the join card (at the bottom left) and of the
 * button at the top: the drawings go beside the card or above it, whichever shows them larger.
 * @param {any} map L.Map
 * @param {HTMLElement} card
 * @param {HTMLElement} button
 * @param {any} bounds L.LatLngBounds
 */
function clearOfCard(map, card, button, bounds) {
  const plain = { maxZoom: 16, padding: [MARGIN, MARGIN], animate: false };
  const mapBox = map.getContainer().getBoundingClientRect();
  const top = Math.max(MARGIN, button.getBoundingClientRect().bottom - mapBox.top + MARGIN / 3);
  if (card.hidden) return { ...plain, paddingTopLeft: [MARGIN, top] };
  const box = card.getBoundingClientRect();
  const options = [
    { paddingTopLeft: [box.right - mapBox.left + MARGIN, top], paddingBottomRight: [MARGIN, MARGIN] },
    { paddingTopLeft: [MARGIN, top], paddingBottomRight: [MARGIN, mapBox.bottom - box.top + MARGIN] },
  ].filter(({ paddingTopLeft: [left, upper], paddingBottomRight: [right, lower] }) => {
    return mapBox.width - left - right >= LEAST_ROOM && mapBox.height - upper - lower >= LEAST_ROOM;
  });
  if (!options.length) return plain; // a small screen: the card covers too much to avoid
  const zoom = (o) => map.getBoundsZoom(bounds, false, L.point(o.paddingTopLeft).add(o.paddingBottomRight));
  const best = options.reduce((a, b) => (zoom(b) > zoom(a) ? b : a));
  return { ...plain, ...best };
}

/**
 * The facilitator hides the join card once everyone is in, and shows it again (a button, so by
 * mouse and keyboard alike). Shown again, it would cover what the map shows: `onShown` fits
 * the map clear of it.
 * @param {HTMLElement} card
 * @param {HTMLButtonElement} button
 * @param {() => void} onShown
 */
function setUpCardToggle(card, button, onShown) {
  button.hidden = false;
  button.addEventListener("click", () => {
    card.hidden = !card.hidden;
    nameToggle(card, button);
    if (!card.hidden) onShown();
  });
}

/**
 * The toggle's label: whether it hides or shows the card, and what the card holds (the join
 * code, or the notice that nobody new can join).
 * @param {HTMLElement} card
 * @param {HTMLButtonElement} button
 */
function nameToggle(card, button) {
  const when = card.hidden ? "hidden" : "shown";
  const door = card.dataset.door || "open";
  for (const label of button.querySelectorAll("[data-when]")) {
    const fits = label.getAttribute("data-when") === when && label.getAttribute("data-door") === door;
    /** @type {HTMLElement} */ (label).hidden = !fits;
  }
}

/**
 * The join card as the workshop lets people in: the code and QR code while new people may
 * join, and otherwise a sentence instead (the door stopped, the workshop closed or past its end
 * time): a code on the wall that only refuses would waste the room's time.
 * @param {{join: {code: string, url: string, qr_svg: string, open: boolean}|null,
 *   state: string, ended: boolean}} workshop
 */
function showDoor(workshop) {
  if (!workshop.join) return;
  showJoin(workshop.join);
  const open = workshop.join.open && workshop.state !== "closed" && !workshop.ended;
  for (const id of ["ws-join-how", "ws-join-code", "ws-join-qr"]) {
    /** @type {HTMLElement} */ (document.getElementById(id)).hidden = !open;
  }
  /** @type {HTMLElement} */ (document.getElementById("ws-joins-stopped")).hidden = open;
  const card = /** @type {HTMLElement} */ (document.getElementById("ws-join-card"));
  card.dataset.door = open ? "open" : "shut";
  nameToggle(card, /** @type {HTMLButtonElement} */ (document.getElementById("ws-join-toggle")));
}

/**
 * The stream's health, large on the wall while it is not live (the room sees a map that may
 * be behind); nothing once the workshop has closed.
 * @param {HTMLElement} node
 * @param {string} status
 * @param {boolean} closed
 */
function showConnection(node, status, closed) {
  node.dataset.status = status;
  node.hidden = status === "live" || closed;
  node.textContent = status === "reconnecting" ? t("reconnecting") : t("notLive");
}

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
    /** @type {HTMLElement} */ (document.getElementById("ws-join-how")).hidden = true; // no code follows
    status.textContent = t("needFacilitatorLink");
    element.dataset.ready = "gate";
    return;
  }
  const map = createMap(element, { zoomControl: false });
  addReferenceLayers(map);
  const card = /** @type {HTMLElement} */ (document.getElementById("ws-join-card"));
  const button = /** @type {HTMLButtonElement} */ (document.getElementById("ws-join-toggle"));
  const connection = /** @type {HTMLElement} */ (document.getElementById("ws-projector-live"));
  placeOnMap(map, connection, "topleft");
  placeOnMap(map, status, "topleft"); // out of the card: seen when the card is hidden
  placeOnMap(map, button, "topright");
  /** What the wall means to show: the drawings (or the focus area), or the facilitator's view. */
  let shown = null;
  setUpCardToggle(card, button, () => {
    if (shown) map.fitBounds(shown, clearOfCard(map, card, button, shown));
  });
  // The wall shows what participants see: hidden drawings stay off it.
  const layer = new AnnotationLayer(map, { facilitator: false, scale: WALL_SCALE });
  const follow = new FollowBanner(map, { announce, always: true });
  /**
   * The workshop as the wall last read it, whose join card follows it; the end time is asked
   * about as the shared map asks (EndCheck): at it, and while it has passed.
   */
  const wall = {
    id,
    state,
    setState(now, { ended = wall.state.ended, endsAt = wall.state.ends_at } = {}) {
      wall.state = { ...wall.state, state: now, ended, ends_at: endsAt };
      showDoor(wall.state);
      ends.schedule();
    },
  };
  const ends = new EndCheck(wall);
  /** Read the workshop again (the door, the code) and show its card. */
  const readDoor = async () => {
    try {
      const now = await request(urlFor("workshop", { workshop_id: id }));
      wall.state = now;
      wall.setState(now.state, { ended: now.ended, endsAt: now.ends_at });
    } catch {
      // a blip: the next resync shows the door as it is
    }
  };
  wall.setState(state.state);
  const fit = (bounds) => {
    shown = bounds;
    return clearOfCard(map, card, button, bounds);
  };
  /** The map was moved to the facilitator's view: the wall's until the next. */
  const followed = () => {
    shown = map.getBounds();
  };
  const focus = showFocusArea(map, state.focus_area, fit);
  let workshopState = state.state;
  const show = (now) => {
    workshopState = now;
    status.textContent = now === "open" ? "" : t(`state_${now}`);
  };
  show(state.state);

  /** The drawings now, and the event id to stream from; null once the workshop is closed. */
  const resync = async () => {
    const now = await request(urlFor("workshop", { workshop_id: id }));
    show(now.state);
    wall.state = now;
    wall.setState(now.state);
    if (now.state === "closed") return null;
    follow.start(now.follow, now.view);
    if (now.follow && now.view) followed();
    const collection = await request(urlFor("annotations", { workshop_id: id }));
    layer.sync(collection.features || []);
    return Number(collection.last_event_id);
  };
  const live = new LiveEvents(urlFor("events", { workshop_id: id }), {
    display: true, // the wall is not a second facilitator in the room
    resync,
    onStatus: (now) => showConnection(connection, now, workshopState === "closed"),
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
          followed();
          break;
        case "state":
        case "closed":
          show(event.state || "closed");
          wall.setState(event.state || "closed");
          break;
        case "join.changed":
          readDoor();
          break;
        case "ends_at":
          wall.setState(wall.state.state, { ended: false, endsAt: event.ends_at ?? null });
          break;
        default:
      }
    },
  });

  let collection = null;
  try {
    collection = await request(urlFor("annotations", { workshop_id: id }));
    layer.load(collection.features || []);
  } catch {
    // a database blip as the wall came up: the stream's way back loads them (below)
  }
  if (!focus && layer.bounds()) map.fitBounds(layer.bounds(), fit(layer.bounds()));
  follow.start(state.follow, state.view);
  if (state.follow && state.view) followed();
  if (state.state !== "closed") {
    if (collection) live.open(collection.last_event_id);
    else live.retry();
  }
  element.dataset.ready = "true";
}

if (typeof L !== "undefined") start();
