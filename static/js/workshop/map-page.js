/**
 * The shared map of a workshop, as a participant and as the facilitator see it: everyone's
 * drawings, live; drawing (idempotent, retried on a flaky network: form-save.js); editing one's
 * own drawings (only the final position of a drag is sent, with the version it was based on:
 * geometry-saves.js; from the keyboard the arrow keys move a whole shape or one corner,
 * reshape.js and corners.js); conflicts (changes.js); undo; the facilitator's pauses and
 * closing; the end time (end-check.js); "bring everyone here" and "follow me". A drawing made
 * a pin is its author's no more (the server answers 409 `promoted`).
 *
 * This class coordinates: it gates the page (gate.js), keeps the workshop's state, dispatches
 * the live events and chooses what a drawing's buttons do; the modules above do the rest.
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
import { Changes } from "umecom/workshop/changes.js";
import { ConflictPanel } from "umecom/workshop/conflict.js";
import { CornerPicker } from "umecom/workshop/corners.js";
import { DetailPanel } from "umecom/workshop/detail.js";
import { Draft } from "umecom/workshop/draft.js";
import { DrawingTools } from "umecom/workshop/drawing.js";
import { EndCheck } from "umecom/workshop/end-check.js";
import { FollowBanner } from "umecom/workshop/follow.js";
import { FormSave } from "umecom/workshop/form-save.js";
import { showGate, watchForReturn } from "umecom/workshop/gate.js";
import { GeometrySaves } from "umecom/workshop/geometry-saves.js";
import { LiveEvents } from "umecom/workshop/live.js";
import { Panels } from "umecom/workshop/panels.js";
import { PresenceView } from "umecom/workshop/presence.js";
import { Reshape } from "umecom/workshop/reshape.js";
import { AnnotationLayer } from "umecom/workshop/shapes.js";
import { claimFacilitatorKey, showEndsAt, showFocusArea } from "umecom/workshop/workshop.js";

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
    /** The first load of the drawings failed (its message is shown until a reload works). */
    this.snapshotFailed = false;
    this.ends = new EndCheck(this);
    this.changes = new Changes(this);
    this.formSave = new FormSave(this);
    this.geometry = new GeometrySaves(this);
    this.reshape = new Reshape(this);
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
    this.draft = new Draft(map, this.element);
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
      onSubmit: (values, context) => this.formSave.submit(values, context),
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
      edit: (change) => this.reshape.changeByKey(change),
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
        if (status === "live") this.ends.onReconnect();
        else this.ends.wasDown = true;
      },
      resync: () => this.resync(),
      departUrl: (presenceId) => urlFor("presence", { workshop_id: this.id, presence_id: presenceId }),
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
    showGate(this.element, text, href, linkText);
  }

  /** The buttons outside the panels: undo, done editing, move to the centre, the list. */
  wireButtons() {
    document.getElementById("ws-undo")?.addEventListener("click", () => this.changes.undo());
    const done = document.getElementById("ws-edit-done");
    done?.addEventListener("click", () => this.reshape.stop({ focus: true }));
    document.getElementById("ws-move-centre")?.addEventListener("click", () => this.reshape.moveToCentre());
    // Capturing: the map's own arrow keys (Leaflet pans) must not see a press that moved a shape.
    document.addEventListener("keydown", (event) => this.reshape.key(event), true);
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
    if (toggle) this.panels.focusInstead("ws-list-panel", toggle);
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
    this.ends.schedule();
    this.hooks.onState?.(state);
    if (state === "closed") this.connection(document.getElementById("ws-connection")?.dataset.status || "ended");
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
    if (!writable) this.reshape.stop();
    if (state === "closed" && this.form.isOpen) {
      this.form.close();
      this.formCancelled();
    }
    if (state === "closed") this.presence.closed();
    if (!quiet && text) this.announce(text);
    if (!quiet && !text && state === "open") this.announce(t("openAgain"));
  }

  // ---- refusals, the stream, messages --------------------------------------------------------

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
    // Closed, the stream ends for good: "Not live" would read as a broken connection.
    const closed = this.state.state === "closed";
    const key = closed ? "state_closed" : { live: "live", reconnecting: "reconnecting" }[status] || "notLive";
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
    this.ends.wasDown = false; // read just now: no need to ask again once live
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
      case "annotation.hidden": {
        const own = this.layer.get(event.id)?.properties;
        this.layer.hide(event.id, event.version);
        // It goes from the author's map too: say why, or it looks lost.
        if (!this.facilitator && own && Number(own.author_id) === Number(this.me.participant_id)) {
          this.say(t("yourDrawingHidden"));
        }
        break;
      }
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
      case "ends_at": // a later end time, or none: open again now, ask again when it comes
        this.setState(this.state.state, { ended: false, endsAt: event.ends_at ?? null });
        break;
      case "join.changed":
        break; // the facilitator's page reads the join block again (door.js, by the hook)
      default:
        return;
    }
    if (event.type.startsWith("annotation.")) this.afterChange();
    this.hooks.onEvent?.(event);
  }

  /**
   * The facilitator removed this participant: nothing here can be changed any more, the
   * stream is over (the server ends it too), and the notice says so plainly. A form being
   * filled in goes: it could not be saved. So do the drawings, as on a reload.
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
    // Nothing reaches this map any more, their own drawings are likely hidden by now, and a
    // removed participant may not read the drawings (403): shown, they would only go stale.
    this.layer.sync([]);
    this.afterChange();
    this.presence.stopped(t("presenceRemoved")); // its counts would go on as they last were
    this.watchForReturn();
  }

  /** While removed, look now and then whether the facilitator let this browser back in. */
  watchForReturn() {
    window.clearInterval(this.returnTimer);
    this.returnTimer = watchForReturn(this.id);
  }

  /** A drawing changed or went: keep the open panel and the edit handles honest. */
  afterChange() {
    if (this.detail.isOpen && this.detail.id !== null) this.detail.refresh(this.layer.get(this.detail.id));
    if (this.reshape.id === null) return;
    const feature = this.layer.get(this.reshape.id);
    if (feature && this.mayChange(feature)) return;
    this.reshape.stop();
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
    if (!feature || this.reshape.id !== null || this.form.isOpen || this.conflicts.isOpen) return;
    this.layer.select(id);
    this.detail.open(feature, opener);
  }

  /** A button of a drawing's details: edit, reshape, delete or hide. */
  act(action, id, opener) {
    const feature = this.layer.get(id);
    if (!feature) return;
    if (action === "edit") this.form.openEdit(feature, opener);
    else if (action === "reshape") this.reshape.start(id);
    else if (action === "delete") this.changes.remove(id);
    else if (action === "hide") this.changes.setHidden(id, !feature.properties.hidden);
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
    if (this.form.isOpen || this.reshape.id !== null) return;
    if (this.drawing.geomanDraw()) {
      this.drawing.addCorner(latlng);
      return;
    }
    this.drawing.cancel({ quiet: true });
    this.newShape({ type: "Point", coordinates: [latlng.lng, latlng.lat] }, opener);
  }

  /** A shape was drawn: show it as a draft and open the form. */
  newShape(geometry, opener) {
    this.draft.show(geometry);
    this.drawing.setEnabled(false);
    this.form.openNew(geometry, opener || this.element);
    this.draft.keepVisible();
  }

  /** The form closed without saving: no draft, drawing allowed again. */
  formCancelled() {
    this.draft.clear();
    this.drawing.setEnabled(this.canDraw());
  }
}
