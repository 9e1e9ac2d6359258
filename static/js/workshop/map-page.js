/**
 * The shared map of a workshop, as a participant and as the facilitator see it: everyone's
 * drawings, live; drawing (idempotent, retried on a flaky network); editing one's own drawings
 * (only the final position of a drag is sent, with the version it was based on; from the
 * keyboard the arrow keys move a whole shape or one corner, corners.js); conflicts;
 * undo; the facilitator's pauses and closing; the end time; "bring everyone here" and
 * "follow me". A drawing made a pin is its author's no more (the server answers 409 `promoted`).
 *
 * The facilitator's page (facilitate.js) adds its controls through `hooks`.
 */

import { announcer } from "umecom/lib/dom.js";
import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import { settings, t, urlFor } from "umecom/lib/settings.js";
import { createMap } from "umecom/map/create-map.js";
import { setUpKeyboardPin } from "umecom/map/keyboard-pin.js";
import { addReferenceLayers } from "umecom/map/reference-layers.js";
import { AnnotationForm } from "umecom/workshop/annotation-form.js";
import { AnnotationList } from "umecom/workshop/annotation-list.js";
import { ConflictPanel } from "umecom/workshop/conflict.js";
import { CornerPicker } from "umecom/workshop/corners.js";
import { DetailPanel } from "umecom/workshop/detail.js";
import { DrawingTools } from "umecom/workshop/drawing.js";
import { FollowBanner } from "umecom/workshop/follow.js";
import { newClientId } from "umecom/workshop/ids.js";
import { LiveEvents } from "umecom/workshop/live.js";
import { Panels } from "umecom/workshop/panels.js";
import { PresenceView } from "umecom/workshop/presence.js";
import { AnnotationLayer, geometryOf, layerOf, shapeName } from "umecom/workshop/shapes.js";
import { claimFacilitatorKey, showEndsAt, showFocusArea } from "umecom/workshop/workshop.js";

/** Waits before retrying a new drawing that did not reach the server (ms). */
const RETRY_DELAYS = [500, 1000, 2000, 4000, 8000];
const RETRY_STATUSES = new Set([0, 502, 503, 504]);
/**
 * The end time: the page asks the server (whose clock decides) this long after it, again
 * this often while a clock running ahead says it has passed and the server not yet, and this
 * often once it has ended (the facilitator may give a later one: no event says so). A timer
 * waits at most MAX_TIMER_MS (the browser's limit is 24.8 days).
 */
const END_GRACE_MS = 1000;
const END_RECHECK_MS = 15_000;
const ENDED_POLL_MS = 30_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A line or an area moved by one press of an arrow key (px). */
const KEY_STEP_PX = 10;
const KEY_STEPS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));

/**
 * The drawings of a snapshot that are pins, as `annotation.promoted` names them.
 * @param {any[]} [features]
 */
const pinsOf = (features = []) =>
  features
    .filter((f) => f.properties && f.properties.pin_id)
    .map((f) => ({ id: f.id, pin_id: f.properties.pin_id }));

export class WorkshopPage {
  /**
   * @param {{facilitatorPage?: boolean, hooks?: {onState?: (state: string) => void,
   *   onEvent?: (event: any) => void, onReady?: (page: WorkshopPage) => void,
   *   onSelection?: () => void, onResync?: (state: any) => void}}} [options]
   *   `onState` is told every reading of the state (also the end time's), `onResync` each
   *   state read after the stream was down
   */
  constructor({ facilitatorPage = false, hooks = {} } = {}) {
    this.facilitatorPage = facilitatorPage;
    this.hooks = hooks;
    this.id = Number(settings.workshopId);
    this.announce = announcer(document.getElementById("map-status"));
    this.notice = /** @type {HTMLElement} */ (document.getElementById("ws-notice"));
    this.element = /** @type {HTMLElement} */ (document.getElementById("map"));
    /** Geometry saves waiting per drawing, and the drawings being saved now. */
    this.nextGeometry = new Map();
    this.saving = new Set();
    /** The version each drawing had when its current drag began. */
    this.editBase = new Map();
    this.reshaping = null;
    this.draft = null;
    /** The first load of the drawings failed (its message is shown until a reload works). */
    this.snapshotFailed = false;
    this.endTimer = null;
    /** A keyboard move of a line or an area waiting to be saved (its timer), or undefined. */
    this.keyTimer = undefined;
  }

  /** Build the page; false when this browser may not see the workshop (a gate is shown). */
  async start() {
    if (this.facilitatorPage) {
      const refused = await claimFacilitatorKey(this.id);
      if (refused) this.keyError = refused;
    }
    let state;
    try {
      state = await request(urlFor("workshop", { workshop_id: this.id }));
    } catch (err) {
      this.gate(errorMessage(err));
      return false;
    }
    this.state = state;
    this.me = state.me || { participant_id: null, facilitator: false };
    if (!this.admitted()) return false;
    this.facilitator = Boolean(this.me.facilitator);

    const map = createMap(this.element);
    this.map = map;
    addReferenceLayers(map);
    this.panels = new Panels();
    this.layer = new AnnotationLayer(map, {
      facilitator: this.facilitator,
      onSelect: (id) => this.choose(id, this.element),
      isDrawing: () => this.drawing.active,
    });
    this.drawing = new DrawingTools(map, /** @type {HTMLElement} */ (document.getElementById("ws-tools")), {
      onShape: (geometry, opener) => this.newShape(geometry, opener),
      announce: this.announce,
    });
    this.form = new AnnotationForm(this.panels, {
      onSubmit: (values, context) => this.submitForm(values, context),
      onCancel: () => this.formCancelled(),
    });
    this.form.setGroups(state.groups);
    this.detail = new DetailPanel(this.panels, {
      mayChange: (feature) => this.mayChange(feature),
      onAction: (action, id, opener) => this.act(action, id, opener),
      onClose: () => this.layer.select(null),
    });
    this.conflicts = new ConflictPanel(map, this.panels);
    this.corners = new CornerPicker(map, {
      announce: this.announce,
      hint: /** @type {HTMLElement} */ (document.getElementById("ws-edit-hint")),
      edit: (change) => this.changeByKey(change),
    });
    const list = /** @type {HTMLElement} */ (document.getElementById("ws-list"));
    this.list = new AnnotationList(list, this.layer, {
      onChoose: (id, opener) => {
        this.layer.show(id);
        this.choose(id, opener);
      },
      count: document.getElementById("ws-list-count"),
      selectable: this.facilitatorPage,
      onSelection: () => this.hooks.onSelection?.(),
    });
    this.presence = new PresenceView(
      document.getElementById("ws-presence-summary"),
      document.getElementById("ws-presence-list"),
    );
    this.follow = this.facilitatorPage
      ? null
      : new FollowBanner(map, { announce: this.announce, leftKey: `umecom-left-follow-${this.id}` });
    setUpKeyboardPin(map, (latlng, opener) => this.pointAt(latlng, opener));
    this.wireButtons();
    // Where the map looks, on the element: the facilitator's moves can be seen (and tested).
    const recordView = () => {
      const centre = map.getCenter();
      this.element.dataset.view = `${centre.lat.toFixed(5)},${centre.lng.toFixed(5)},${map.getZoom()}`;
    };
    map.on("moveend", recordView);

    const focus = showFocusArea(map, state.focus_area);
    this.presence.counts(state.presence);
    const collection = await this.loadAnnotations();
    // At once, not animated: a zoom animation still running would end at its own target,
    // over the facilitator's view that follow mode sets next (a late joiner's map was left
    // at the drawings' extent under a banner saying it followed).
    const bounds = this.layer.bounds();
    if (!focus && bounds) map.fitBounds(bounds, { maxZoom: 16, padding: [30, 30], animate: false });
    this.follow?.start(state.follow, state.view);
    // The facilitator's own reload in follow mode opens where everyone is: their next move
    // would otherwise take every map from there to the municipality's overview.
    if (this.facilitatorPage && state.follow && state.view) {
      const [lon, lat] = state.view.center;
      map.setView([lat, lon], state.view.zoom, { animate: false });
    }
    this.setState(state.state, { quiet: true, ended: state.ended, endsAt: state.ends_at });

    this.live = new LiveEvents(urlFor("events", { workshop_id: this.id }), {
      onEvent: (event) => this.onEvent(event),
      onStatus: (status) => {
        this.connection(status);
        if (status === "live") this.checkEndOnReconnect();
        else this.wasDown = true;
      },
      resync: () => this.resync(),
    });
    if (state.state !== "closed") {
      // Without the drawings, a stream from now would never bring them: load them again first.
      if (collection) this.live.open(collection.last_event_id);
      else this.live.retry();
    }
    this.hooks.onReady?.(this);
    recordView();
    this.element.dataset.ready = "true";
    return true;
  }

  /** Whether this browser may be on this page; if not, say why and where to go. */
  admitted() {
    if (this.facilitatorPage && !this.me.facilitator) {
      this.gate(this.keyError || t("needFacilitatorLink"));
      return false;
    }
    if (!this.facilitatorPage && this.me.participant_id === null) {
      if (this.me.removed) {
        this.gate(t("removedNotice")); // no way back in from here: the facilitator decides
        this.watchForReturn();
      } else if (this.me.facilitator) {
        const href = urlFor("facilitatePage", { workshop_id: this.id });
        this.gate(t("youFacilitate"), href, t("openFacilitatorView"));
      } else {
        const href = document.getElementById("ws-gate-link")?.getAttribute("href") || "";
        this.gate(t("joinFirst"), href, t("joinWithCode"));
      }
      return false;
    }
    return true;
  }

  /** Show the gate instead of the map. */
  gate(text, href = "", linkText = "") {
    const gate = document.getElementById("ws-gate");
    const message = document.getElementById("ws-gate-text");
    const link = /** @type {HTMLAnchorElement|null} */ (document.getElementById("ws-gate-link"));
    if (!gate || !message) return;
    message.textContent = text;
    if (link) {
      link.hidden = !href;
      if (href) {
        link.href = href;
        link.textContent = linkText;
      }
    }
    document.getElementById("ws-page")?.setAttribute("hidden", "");
    gate.hidden = false;
    document.body.classList.add("ws-gated");
    this.element.dataset.ready = "gate";
  }

  /** The buttons outside the panels: undo, done editing, move to the centre, the list. */
  wireButtons() {
    document.getElementById("ws-undo")?.addEventListener("click", () => this.undo());
    const done = document.getElementById("ws-edit-done");
    done?.addEventListener("click", () => this.stopReshape({ focus: true }));
    document.getElementById("ws-move-centre")?.addEventListener("click", () => {
      const layer = this.reshaping === null ? null : this.layer.layer(this.reshaping);
      if (!layer || !layer.setLatLng) return;
      this.editBase.set(this.reshaping, Number(this.layer.get(this.reshaping).properties.version));
      layer.setLatLng(this.map.getCenter());
      this.saveGeometry(this.reshaping);
    });
    // Capturing: the map's own arrow keys (Leaflet pans) must not see a press that moved a shape.
    document.addEventListener("keydown", (event) => this.reshapeKey(event), true);
    const toggle = document.getElementById("ws-list-toggle");
    toggle?.addEventListener("click", () => {
      if (this.panels.isOpen("ws-list-panel")) this.panels.close("ws-list-panel");
      else this.panels.open("ws-list-panel", { opener: toggle });
      toggle.setAttribute("aria-expanded", String(this.panels.isOpen("ws-list-panel")));
    });
    document.getElementById("ws-list-close")?.addEventListener("click", () => {
      this.panels.close("ws-list-panel");
      toggle?.setAttribute("aria-expanded", "false");
    });
    this.panels.onReplaced("ws-list-panel", () => toggle?.setAttribute("aria-expanded", "false"));
  }

  /** The drawings now, and the event id to stream from. */
  async loadAnnotations() {
    try {
      const collection = await request(urlFor("annotations", { workshop_id: this.id }));
      this.layer.load(collection.features || []);
      return collection;
    } catch (err) {
      this.snapshotFailed = true;
      this.say(errorMessage(err));
      return null;
    }
  }

  // ---- state -------------------------------------------------------------------------------

  /**
   * Whether this browser may draw and change drawings now: a participant while it is open and
   * its end time has not passed, the facilitator until it closes.
   */
  canDraw() {
    const state = this.state.state;
    if (this.removedHere) return false;
    if (this.facilitator) return state !== "closed";
    return state === "open" && !this.state.ended;
  }

  /** The notice for the workshop as it is now, or "". */
  noticeText() {
    const { state, ended } = this.state;
    if (this.removedHere) return t("removedNotice");
    if (state === "closed") return t("closedNotice");
    if (ended) return this.facilitator ? t("endedFacilitator") : t("endedNotice");
    if (state === "paused") return this.facilitator ? t("pausedFacilitator") : t("pausedNotice");
    return "";
  }

  /**
   * The workshop is open, paused or closed, and its end time passed or not: tools, notice and
   * what may be changed follow. Said aloud only when something changed (the answer to the
   * facilitator's request and the event both tell).
   * @param {string} state
   * @param {{quiet?: boolean, ended?: boolean, endsAt?: string|null}} [options] `ended` and
   *   `endsAt` as the server said them (unchanged when not given)
   */
  setState(state, { quiet = false, ended = this.state.ended, endsAt = this.state.ends_at } = {}) {
    const changed = state !== this.state.state || Boolean(ended) !== Boolean(this.state.ended);
    this.state.state = state;
    this.state.ended = Boolean(ended);
    this.state.ends_at = endsAt ?? null;
    showEndsAt(this.state.ends_at);
    this.scheduleEndCheck();
    this.hooks.onState?.(state);
    if (!quiet && !changed) return;
    this.showWritable({ quiet });
  }

  /** The notice, the tools and what may be changed, as the state and `canDraw()` say now. */
  showWritable({ quiet = false } = {}) {
    const { state } = this.state;
    const text = this.noticeText();
    this.notice.textContent = text;
    this.notice.hidden = !text;
    document.body.dataset.workshopState = state;
    document.body.dataset.workshopEnded = String(this.state.ended);
    const writable = this.canDraw();
    this.drawing.setEnabled(writable && !this.form.isOpen);
    const undo = /** @type {HTMLButtonElement|null} */ (document.getElementById("ws-undo"));
    if (undo) undo.disabled = !writable;
    this.detail.setWritable(writable);
    if (this.detail.isOpen && this.detail.id !== null) this.detail.refresh(this.layer.get(this.detail.id));
    if (!writable) this.stopReshape();
    if (state === "closed" && this.form.isOpen) {
      this.form.close();
      this.formCancelled();
    }
    if (state === "closed") this.presence.closed();
    if (!quiet && text) this.announce(text);
    if (!quiet && !text && state === "open") this.announce(t("openAgain"));
  }

  // ---- the end time --------------------------------------------------------------------------

  /**
   * Ask the server again when the end time comes (a page left open past it learns it has
   * ended), and while it has ended (a later end time opens it again). None once closed.
   */
  scheduleEndCheck() {
    window.clearTimeout(this.endTimer);
    this.endTimer = null;
    const { state, ended, ends_at: endsAt } = this.state;
    if (state === "closed" || (!ended && !endsAt)) return;
    let wait = ENDED_POLL_MS;
    if (!ended) {
      const until = Date.parse(endsAt) - Date.now();
      wait = until > 0 ? until + END_GRACE_MS : END_RECHECK_MS;
    }
    this.endTimer = window.setTimeout(() => this.checkEnd(), Math.min(wait, MAX_TIMER_MS));
  }

  /** Read the workshop's state (has the end time passed?); on failure, later again. */
  async checkEnd() {
    this.endTimer = null;
    try {
      const state = await request(urlFor("workshop", { workshop_id: this.id }));
      this.setState(state.state, { ended: state.ended, endsAt: state.ends_at });
    } catch {
      this.scheduleEndCheck(); // a blip: the next check is on its way
    }
  }

  /**
   * The stream is live again. When the browser reconnected by itself (no `resync`), the end
   * time may have passed meanwhile, unseen by a timer of a phone asleep: ask.
   */
  checkEndOnReconnect() {
    const { state, ended, ends_at: endsAt } = this.state;
    if (this.wasDown && state !== "closed" && (ended || endsAt)) this.checkEnd();
    this.wasDown = false;
  }

  /**
   * What a refusal says about the page: the end time passed (before this page's timer said
   * so, on a clock running late), or the drawing was made a pin (the event not here yet).
   */
  learnFrom(err) {
    if (!(err instanceof ApiError)) return;
    if (err.code === "removed") this.removedFromWorkshop();
    else if (err.code === "workshop_ended") this.setState(this.state.state, { ended: true });
    else if (err.code === "promoted") this.refreshPins();
  }

  /** The stream's health, in the bar; said aloud when the map is live again after a break. */
  connection(status) {
    const node = document.getElementById("ws-connection");
    if (!node) return;
    const key = { live: "live", reconnecting: "reconnecting" }[status] || "notLive";
    if (status === "live" && node.dataset.status && node.dataset.status !== "live") this.announce(t("live"));
    node.textContent = t(key);
    node.dataset.status = status;
  }

  /**
   * The stream gave up (an HTTP error on reconnecting, or the 204 of a closed workshop): read
   * the workshop again as the first load did. The event id to stream from, or null once it is
   * closed. Failures reach LiveEvents, which tries again later.
   */
  async resync() {
    const state = await request(urlFor("workshop", { workshop_id: this.id }));
    this.wasDown = false; // read just now: no need to ask again once live
    this.setState(state.state, { ended: state.ended, endsAt: state.ends_at });
    this.hooks.onResync?.(state);
    if (state.state === "closed") return null;
    this.presence.counts(state.presence);
    this.follow?.start(state.follow, state.view);
    const collection = await request(urlFor("annotations", { workshop_id: this.id }));
    this.layer.sync(collection.features || []);
    // Made pins while the stream was down: a promotion leaves the version as it was.
    this.layer.promoted(pinsOf(collection.features));
    this.afterChange();
    if (this.snapshotFailed) this.say(""); // the first load's error is no longer true
    this.snapshotFailed = false;
    return Number(collection.last_event_id);
  }

  /** A visible message that stays until the next one, also said to screen readers. */
  say(text) {
    const node = document.getElementById("ws-message");
    if (node) {
      node.textContent = text;
      node.hidden = !text;
    }
    if (text) this.announce(text);
  }

  // ---- live events ---------------------------------------------------------------------------

  /** One live event (app/workshops/payloads.py): every type is handled. */
  onEvent(event) {
    switch (event.type) {
      case "annotation.created":
      case "annotation.updated":
        this.layer.apply(event.feature);
        break;
      case "annotation.deleted":
        this.layer.remove(event.id, event.version);
        break;
      case "annotation.hidden":
        this.layer.hide(event.id, event.version);
        break;
      case "annotation.promoted":
        this.layer.promoted(event.pins || []);
        break;
      case "presence":
        this.presence.update(event);
        break;
      case "state":
        this.setState(event.state);
        break;
      case "view":
        this.follow?.onView(event);
        break;
      case "follow":
        this.follow?.setFollow(event.on);
        break;
      case "closed":
        this.setState("closed");
        break;
      case "participant.removed":
        if (!this.facilitator) this.removedFromWorkshop(); // a participant is sent only their own
        break;
      case "participant.let_back_in":
        if (!this.facilitator) window.location.reload(); // back as the page first loads
        break;
      default:
        return;
    }
    if (event.type.startsWith("annotation.")) this.afterChange();
    this.hooks.onEvent?.(event);
  }

  /**
   * The facilitator removed this participant: nothing here can be changed any more, the
   * stream is over (the server ends it too), and the notice says so plainly. A form being
   * filled in goes: it could not be saved.
   */
  removedFromWorkshop() {
    if (this.removedHere) return;
    this.removedHere = true;
    this.live?.close();
    if (this.form.isOpen) {
      this.form.close();
      this.formCancelled();
    }
    this.showWritable(); // tools, undo and details follow canDraw(); the notice said aloud
    this.watchForReturn();
  }

  /** While removed, look now and then whether the facilitator let this browser back in. */
  watchForReturn() {
    window.clearInterval(this.returnTimer);
    this.returnTimer = window.setInterval(async () => {
      try {
        const state = await request(urlFor("workshop", { workshop_id: this.id }));
        if (state.me && state.me.participant_id !== null) window.location.reload();
      } catch {
        // a blip: the next look is on its way
      }
    }, ENDED_POLL_MS);
  }

  /** A drawing changed or went: keep the open panel and the edit handles honest. */
  afterChange() {
    if (this.detail.isOpen && this.detail.id !== null) this.detail.refresh(this.layer.get(this.detail.id));
    if (this.reshaping === null) return;
    const feature = this.layer.get(this.reshaping);
    if (feature && this.mayChange(feature)) return;
    this.stopReshape();
    if (feature) this.say(t("promotedWhileEditing"));
  }

  /** Read the drawings again for their pins (a 409 `promoted` came before its event). */
  async refreshPins() {
    try {
      const collection = await request(urlFor("annotations", { workshop_id: this.id }));
      this.layer.promoted(pinsOf(collection.features));
      this.afterChange();
    } catch {
      // the refusal's message is shown already; the event or the next resync brings the pin
    }
  }

  // ---- choosing and acting on a drawing -------------------------------------------------------

  /**
   * Whether this browser may change a drawing: the facilitator any; a participant their own
   * until it is made a pin (then the facilitator and the planners look after it).
   */
  mayChange(feature) {
    if (this.facilitator) return true;
    const p = feature.properties;
    return Number(p.author_id) === Number(this.me.participant_id) && !p.pin_id;
  }

  /**
   * Open a drawing's details; not while the form or a conflict waits for an answer (a tap
   * beside a new drawing's draft would otherwise put away its unsaved form).
   */
  choose(id, opener) {
    const feature = this.layer.get(id);
    if (!feature || this.reshaping !== null || this.form.isOpen || this.conflicts.isOpen) return;
    this.layer.select(id);
    this.detail.open(feature, opener);
  }

  /** A button of a drawing's details: edit, reshape, delete or hide. */
  act(action, id, opener) {
    const feature = this.layer.get(id);
    if (!feature) return;
    if (action === "edit") this.form.openEdit(feature, opener);
    else if (action === "reshape") this.startReshape(id);
    else if (action === "delete") this.remove(id);
    else if (action === "hide") this.setHidden(id, !feature.properties.hidden);
  }

  // ---- new drawings --------------------------------------------------------------------------

  /**
   * The keyboard's way to draw: Enter on the map, at its centre. A point; or, while a line or
   * an area is being drawn, its next corner (Finish ends it).
   */
  pointAt(latlng, opener) {
    if (!this.canDraw()) {
      this.announce(this.notice.textContent || t("cannotDraw"));
      return;
    }
    if (this.form.isOpen || this.reshaping !== null) return;
    if (this.drawing.geomanDraw()) {
      this.drawing.addCorner(latlng);
      return;
    }
    this.drawing.cancel({ quiet: true });
    this.newShape({ type: "Point", coordinates: [latlng.lng, latlng.lat] }, opener);
  }

  /** A shape was drawn: show it as a draft and open the form. */
  newShape(geometry, opener) {
    this.clearDraft();
    this.draft = layerOf(geometry, {
      color: "#12355b",
      weight: 4,
      dashArray: "8 6",
      fillOpacity: 0.15,
      interactive: false,
      className: "ws-draft",
    }).addTo(this.map);
    this.drawing.setEnabled(false);
    this.form.openNew(geometry, opener || this.element);
    this.keepDraftVisible();
  }

  /**
   * The form covers part of the map: a sheet over its lower part on a phone, a panel over its
   * right side on a wide screen. Move the map so that the draft stays in sight (as far as it
   * fits), so one can see what the note is about.
   */
  keepDraftVisible() {
    const panel = document.getElementById("ws-form-panel");
    if (!this.draft || !panel) return;
    const mapBox = this.element.getBoundingClientRect();
    const panelBox = panel.getBoundingClientRect();
    const covers = panelBox.left < mapBox.right && panelBox.right > mapBox.left;
    if (!covers || panelBox.top >= mapBox.bottom) return;
    const bounds = this.draft.getBounds ? this.draft.getBounds() : L.latLngBounds([this.draft.getLatLng()]);
    const northWest = this.map.latLngToContainerPoint(bounds.getNorthWest());
    const southEast = this.map.latLngToContainerPoint(bounds.getSouthEast());
    const margin = 24; // a point's circle, and some air
    if (panelBox.top > mapBox.top + 20) {
      // a sheet: up until the lowest point clears it, but never the top off the map
      const shift = Math.min(southEast.y - (panelBox.top - mapBox.top - margin), northWest.y - margin);
      if (shift > 0) this.map.panBy([0, shift]);
    } else if (panelBox.left > mapBox.left + 20) {
      // a panel on the right: left until the rightmost point clears it, the left edge kept
      const shift = Math.min(southEast.x - (panelBox.left - mapBox.left - margin), northWest.x - margin);
      if (shift > 0) this.map.panBy([shift, 0]);
    }
  }

  /** Take the draft of a new drawing off the map. */
  clearDraft() {
    if (this.draft) this.draft.remove();
    this.draft = null;
  }

  /** The form closed without saving: no draft, drawing allowed again. */
  formCancelled() {
    this.clearDraft();
    this.drawing.setEnabled(this.canDraw());
  }

  /** The form was sent: create or edit, and show what went wrong beside its field. */
  async submitForm(values, context) {
    this.form.busy(true);
    try {
      if (context.mode === "new") await this.create(values, context);
      else await this.edit(values, context);
    } catch (err) {
      this.form.busy(false);
      const field = err instanceof ApiError ? err.field : null;
      this.form.showError(field || "", errorMessage(err)).focus();
      this.learnFrom(err);
    }
  }

  /** Create the drawing (idempotent by its client id) and show it. */
  async create(values, context) {
    context.clientId = context.clientId || newClientId(); // the same id for every retry
    const properties = { note: values.note, client_id: context.clientId };
    if (values.color) properties.color = values.color;
    if (values.category) properties.category = values.category;
    if ("on_behalf_of" in values) {
      properties.on_behalf_of = values.on_behalf_of;
      if (values.group) properties.group = values.group;
    }
    const saved = await this.withRetries(() =>
      request(urlFor("annotations", { workshop_id: this.id }), {
        method: "POST",
        json: { type: "Feature", geometry: context.geometry, properties },
      }),
    );
    this.layer.apply(saved);
    this.clearDraft();
    this.form.close();
    this.drawing.setEnabled(this.canDraw());
    this.say("");
    this.announce(t("drawingSaved", { shape: shapeName(saved.geometry) }));
  }

  /** Run `send` again after a network failure (the client id makes it safe), then give up. */
  async withRetries(send) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await send();
      } catch (err) {
        if (!(err instanceof ApiError) || !RETRY_STATUSES.has(err.status) || attempt >= RETRY_DELAYS.length) {
          if (attempt > 0) this.say(""); // no longer trying: the form says what went wrong
          throw err;
        }
        this.say(t("retrying"));
        await sleep(RETRY_DELAYS[attempt]);
      }
    }
  }

  /** Change a drawing's note, colour or category with the version the form was opened on. */
  async edit(values, context) {
    const id = Number(context.feature.id);
    if (!Object.keys(values).length) {
      this.form.close();
      return;
    }
    const body = { version: context.version, properties: values };
    try {
      await this.change(id, body);
    } catch (err) {
      if (!this.isStale(err)) throw err;
      this.form.close();
      await this.resolve(id, body, err);
      return;
    }
    this.form.close();
    this.announce(t("drawingChanged"));
  }

  // ---- changes with versions -----------------------------------------------------------------

  /** Whether a refusal is a stale version that carries the drawing as it is now. */
  isStale(err) {
    return err instanceof ApiError && err.status === 409 && Boolean(err.body && err.body.current);
  }

  /** PATCH a drawing with the version the change was based on; shows the result. */
  async change(id, body) {
    const feature = await request(urlFor("annotation", { workshop_id: this.id, annotation_id: id }), {
      method: "PATCH",
      json: body,
    });
    this.layer.apply(feature);
    return feature;
  }

  /**
   * Someone changed the drawing first: show it as it is now, and keep it or apply this
   * browser's change on top of it (which may meet a newer change again).
   */
  async resolve(id, body, err) {
    const current = err.body.current;
    const { version: _stale, ...mine } = body;
    const choice = await this.conflicts.ask({ message: err.message, current, mine });
    if (choice === "theirs") {
      this.layer.apply(current);
      this.layer.revert(id);
      this.announce(t("keptTheirs"));
      return;
    }
    const again = { ...mine, version: Number(current.properties.version) };
    try {
      if (mine.delete) await this.sendDelete(id, again.version);
      else await this.change(id, again);
      this.announce(t("reappliedMine"));
    } catch (next) {
      if (this.isStale(next)) await this.resolve(id, again, next);
      else {
        this.layer.revert(id);
        this.say(errorMessage(next));
        this.learnFrom(next);
      }
    }
  }

  // ---- moving and reshaping ------------------------------------------------------------------

  /** Let the drawing be dragged and reshaped (Geoman's handles); the bar says how. */
  startReshape(id) {
    const layer = this.layer.layer(id);
    const feature = this.layer.get(id);
    if (!layer || !feature || !this.canDraw() || !this.mayChange(feature)) return;
    this.stopReshape();
    this.detail.close({ restoreFocus: false });
    this.reshaping = id;
    this.layer.select(id);
    this.drawing.setEnabled(false);
    const point = Boolean(layer.setLatLng);
    layer.pm.enable({ draggable: true, snappable: false, allowSelfIntersection: false });
    const base = () => this.editBase.set(id, Number(this.layer.get(id).properties.version));
    this.reshapeHandlers = {
      "pm:dragstart": base,
      "pm:markerdragstart": base,
      "pm:edit": () => this.saveGeometry(id),
    };
    layer.on(this.reshapeHandlers);
    const bar = /** @type {HTMLElement} */ (document.getElementById("ws-editbar"));
    bar.hidden = false;
    document.getElementById("ws-tools")?.classList.add("is-editing");
    const hint = point ? t("hintMovePoint") : t("hintReshapeKeys");
    /** @type {HTMLElement} */ (document.getElementById("ws-edit-hint")).textContent = hint;
    this.corners.start(layer);
    const centre = /** @type {HTMLElement} */ (document.getElementById("ws-move-centre"));
    centre.hidden = !point;
    /** @type {HTMLElement} */ (document.getElementById("ws-edit-done")).focus();
    this.announce(point ? hint : `${hint} ${this.corners.keys}`);
  }

  /**
   * A key while a line or an area is being reshaped (the focus on the map or the edit bar):
   * ] and [ (or Page Down and Page Up) choose a corner and Escape the whole shape again
   * (corners.js); an arrow key moves the chosen corner, or the whole shape, a few pixels. Saved
   * once the keys rest. A point has "Move it to the centre of the map" instead.
   * @param {KeyboardEvent} event
   */
  reshapeKey(event) {
    if (this.reshaping === null) return;
    const target = /** @type {Node} */ (event.target);
    const bar = document.getElementById("ws-editbar");
    if (target !== this.element && target !== document.body && !bar?.contains(target)) return;
    const layer = this.layer.layer(this.reshaping);
    if (!layer || layer.setLatLng) return;
    const step = KEY_STEPS[event.key];
    const moves = step && !event.altKey && !event.ctrlKey && !event.metaKey;
    if (!moves && !this.corners.key(event)) return;
    event.preventDefault();
    event.stopPropagation(); // not Leaflet's too: the map stays, the shape moves
    if (!moves) return;
    const offset = L.point(step[0] * KEY_STEP_PX, step[1] * KEY_STEP_PX);
    this.changeByKey(() =>
      this.corners.index === null ? this.moveWhole(layer, offset) : this.corners.move(offset),
    );
  }

  /** Move every corner of a line or an area by `offset` pixels (unrounded: the shape stays). */
  moveWhole(layer, offset) {
    const moved = (latlngs) =>
      Array.isArray(latlngs) ? latlngs.map(moved) : this.map.unproject(this.map.project(latlngs).add(offset));
    layer.setLatLngs(moved(layer.getLatLngs()));
    return true;
  }

  /**
   * Change the shape being reshaped from the keyboard (`change` says whether it did), and
   * save it once the keys rest, based on the version shown when the presses began (as a drag).
   * @param {() => boolean} change
   */
  changeByKey(change) {
    const id = this.reshaping;
    const layer = id === null ? null : this.layer.layer(id);
    if (!layer) return;
    if (this.keyTimer === undefined && !this.saving.has(id)) {
      this.editBase.set(id, Number(this.layer.get(id).properties.version)); // as a drag starts
    }
    if (!change()) return;
    const options = layer.pm.options; // the corner handles, rebuilt where the corners are now
    layer.pm.disable();
    layer.pm.enable(options);
    window.clearTimeout(this.keyTimer);
    this.keyTimer = window.setTimeout(() => this.saveKeyMove(id), 400);
  }

  /** The keys rest: save where the shape is now (when it may still be changed). */
  saveKeyMove(id) {
    window.clearTimeout(this.keyTimer);
    this.keyTimer = undefined;
    const feature = this.layer.get(id);
    if (feature && this.canDraw() && this.mayChange(feature)) this.saveGeometry(id);
    else this.layer.revert(id);
  }

  /** Back from editing a shape (focus to the drawing in the list, if asked). */
  stopReshape({ focus = false } = {}) {
    const id = this.reshaping;
    if (id === null) return;
    if (this.keyTimer !== undefined) this.saveKeyMove(id); // the last presses, not lost
    this.reshaping = null;
    this.corners.stop();
    const layer = this.layer.layer(id);
    if (layer) {
      layer.off(this.reshapeHandlers);
      if (layer.pm.enabled()) layer.pm.disable();
    }
    this.layer.select(null);
    /** @type {HTMLElement} */ (document.getElementById("ws-editbar")).hidden = true;
    document.getElementById("ws-tools")?.classList.remove("is-editing");
    this.drawing.setEnabled(this.canDraw());
    if (focus) document.getElementById(`ws-open-${id}`)?.focus();
  }

  /**
   * Send a drawing's new geometry. Only the end of a drag gets here (Geoman's `pm:edit`), and
   * while one save is on its way the next waits and sends the latest shape only.
   */
  saveGeometry(id) {
    const layer = this.layer.layer(id);
    if (!layer) return;
    const shown = Number(this.layer.get(id).properties.version);
    this.nextGeometry.set(id, { geometry: geometryOf(layer), version: this.editBase.get(id) ?? shown });
    if (!this.saving.has(id)) this.flushGeometry(id);
  }

  /** Send the waiting shapes of one drawing, one request at a time. */
  async flushGeometry(id) {
    this.saving.add(id);
    try {
      while (this.nextGeometry.has(id)) {
        const { geometry, version } = this.nextGeometry.get(id);
        this.nextGeometry.delete(id);
        const body = { version, geometry };
        try {
          const saved = await this.change(id, body);
          // A drag that began on the version just replaced was built on this save.
          const next = Number(saved.properties.version);
          if (this.editBase.get(id) === version) this.editBase.set(id, next);
          const queued = this.nextGeometry.get(id);
          if (queued && queued.version === version) queued.version = next;
          this.announce(t("shapeSaved"));
        } catch (err) {
          this.nextGeometry.delete(id);
          if (this.isStale(err)) {
            this.stopReshape();
            await this.resolve(id, body, err);
          } else {
            this.layer.revert(id);
            this.say(errorMessage(err));
            this.learnFrom(err);
          }
          return;
        }
      }
    } finally {
      this.saving.delete(id);
    }
  }

  // ---- deleting, hiding, undo ----------------------------------------------------------------

  /** Delete a drawing, with the version shown (someone's change first is a conflict). */
  async remove(id) {
    const feature = this.layer.get(id);
    if (!feature) return;
    const version = Number(feature.properties.version);
    try {
      await this.sendDelete(id, version);
      this.announce(t("drawingDeleted"));
    } catch (err) {
      if (this.isStale(err)) await this.resolve(id, { delete: true, version }, err);
      else {
        this.say(errorMessage(err));
        this.learnFrom(err);
      }
    }
  }

  /** DELETE with a version, then take the drawing off the map. */
  async sendDelete(id, version) {
    const url = urlFor("annotation", { workshop_id: this.id, annotation_id: id });
    await request(`${url}?${new URLSearchParams({ version: String(version) })}`, { method: "DELETE" });
    this.detail.close({ restoreFocus: false });
    this.layer.remove(id, version + 1);
    this.afterChange();
    document.getElementById("ws-undo")?.focus();
  }

  /** The facilitator hides a drawing from participants, or shows it again. */
  async setHidden(id, hidden) {
    try {
      const feature = await request(urlFor("hidden", { workshop_id: this.id, annotation_id: id }), {
        method: "POST",
        json: { hidden },
      });
      if (hidden) this.layer.hide(id, feature.properties.version);
      else this.layer.apply(feature);
      this.afterChange();
      this.announce(hidden ? t("drawingHidden") : t("drawingShown"));
    } catch (err) {
      this.say(errorMessage(err));
    }
  }

  /** Undo this browser's own last change (the server knows which). */
  async undo() {
    try {
      const result = await request(urlFor("undo", { workshop_id: this.id }), { method: "POST" });
      if (result.deleted) {
        const shown = this.layer.get(result.annotation_id);
        this.layer.remove(result.annotation_id, shown ? Number(shown.properties.version) + 1 : 0);
      } else {
        this.layer.apply(result.feature);
      }
      this.afterChange();
      this.say("");
      this.announce(t("undone"));
    } catch (err) {
      this.say(errorMessage(err));
      this.learnFrom(err);
    }
  }
}
