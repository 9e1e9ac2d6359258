/**
 * The facilitator's controls: open, pause or close the workshop (closing asks first), "bring
 * everyone here" and "follow me" (while on, each stop of the facilitator's map moves
 * everyone's), and the end time (later, or none).
 */

import { localDateTime } from "umecom/lib/dates.js";
import { debounce } from "umecom/lib/debounce.js";
import { errorMessage, request } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";
import { ConfirmStep } from "umecom/workshop/confirm.js";
import { instantText } from "umecom/workshop/workshop.js";

export class FacilitatorControls {
  /**
   * @param {import("umecom/workshop/map-page.js").WorkshopPage} page
   */
  constructor(page) {
    this.page = page;
    this.id = page.id;
    this.following = Boolean(page.state.follow);
    this.error = /** @type {HTMLElement} */ (document.getElementById("ws-controls-error"));
    this.followButton = /** @type {HTMLButtonElement} */ (document.getElementById("ws-follow-me"));
    const bind = (id, handler) => document.getElementById(id)?.addEventListener("click", handler);
    bind("ws-state-open", () => this.setState("open"));
    bind("ws-state-pause", () => this.setState("paused"));
    const $ = (id) => document.getElementById(id);
    this.confirm = new ConfirmStep({
      trigger: /** @type {HTMLButtonElement} */ ($("ws-state-close")),
      panel: /** @type {HTMLElement} */ ($("ws-close-confirm")),
      yes: /** @type {HTMLButtonElement} */ ($("ws-close-yes")),
      no: /** @type {HTMLButtonElement} */ ($("ws-close-no")),
      onYes: () => this.setState("closed"),
    });
    bind("ws-bring", () => this.sendView({ announce: true }));
    bind("ws-follow-me", () => this.setFollow(!this.following));
    page.map.on(
      "moveend",
      debounce(() => {
        if (this.following) this.sendView({ announce: false });
      }, 400),
    );
    this.showState(page.state.state);
    this.showFollow();
  }

  /** What went wrong, beside the controls (and said). */
  fail(err) {
    this.error.textContent = errorMessage(err);
    this.error.hidden = false;
    this.page.announce(this.error.textContent);
  }

  /** No error to show any more. */
  clear() {
    this.error.hidden = true;
    this.error.textContent = "";
  }

  /** Open, pause or close the workshop. */
  async setState(state) {
    this.confirm.dismiss();
    try {
      await request(urlFor("state", { workshop_id: this.id }), { method: "POST", json: { state } });
      this.clear();
      if (this.page.state.state !== state) this.page.setState(state);
      // The button pressed is disabled now: the other one takes the focus, not the page.
      const next = { open: "ws-state-pause", paused: "ws-state-open" }[state];
      if (next) document.getElementById(next)?.focus();
    } catch (err) {
      this.fail(err);
    }
  }

  /** The state's buttons: the current one pressed, none after closing. */
  showState(state) {
    const now = document.getElementById("ws-state-now");
    if (now) now.textContent = t(`state_${state}`);
    for (const [id, value] of [
      ["ws-state-open", "open"],
      ["ws-state-pause", "paused"],
      ["ws-state-close", "closed"],
    ]) {
      const button = /** @type {HTMLButtonElement|null} */ (document.getElementById(id));
      if (!button) continue;
      button.setAttribute("aria-pressed", String(state === value));
      button.disabled = state === "closed" || state === value;
    }
    const closed = state === "closed";
    for (const id of ["ws-bring", "ws-follow-me"]) {
      const button = /** @type {HTMLButtonElement|null} */ (document.getElementById(id));
      if (button) button.disabled = closed;
    }
    if (closed) {
      this.following = false;
      this.showFollow();
    }
  }

  /** Bring everyone here (or, following, where the facilitator looks now). */
  async sendView({ announce }) {
    const centre = this.page.map.getCenter();
    try {
      await request(urlFor("view", { workshop_id: this.id }), {
        method: "POST",
        json: { center: [centre.lng, centre.lat], zoom: Math.round(this.page.map.getZoom()) },
      });
      this.clear();
      if (announce) this.page.announce(t("everyoneBrought"));
    } catch (err) {
      this.fail(err);
    }
  }

  /** "Follow me" on or off; when on, everyone starts where the facilitator is. */
  async setFollow(on) {
    try {
      await request(urlFor("follow", { workshop_id: this.id }), { method: "POST", json: { on } });
      this.clear();
      this.following = on;
      this.showFollow();
      this.page.announce(on ? t("followMeOn") : t("followMeOff"));
      if (on) this.sendView({ announce: false });
    } catch (err) {
      this.fail(err);
    }
  }

  /** The "Follow me" button says whether it is on. */
  showFollow() {
    this.followButton?.setAttribute("aria-pressed", String(this.following));
  }

  /** Events from the stream that concern the controls (another facilitator's tab, say). */
  onEvent(event) {
    if (event.type === "follow") {
      this.following = Boolean(event.on);
      this.showFollow();
    }
  }

  /** The workshop read again after the stream was down: a `follow` event may have been missed. */
  sync(state) {
    this.following = state.state !== "closed" && Boolean(state.follow);
    this.showFollow();
  }
}

/**
 * The end time: what it is now, and a field to give a later one (or none). After it nobody
 * joins and participants only look; the facilitator can go on, and extend it.
 */
export class EndTimeControl {
  /**
   * @param {import("umecom/workshop/map-page.js").WorkshopPage} page
   */
  constructor(page) {
    this.page = page;
    this.form = /** @type {HTMLFormElement} */ (document.getElementById("ws-end-form"));
    this.input = /** @type {HTMLInputElement} */ (document.getElementById("ws-end-at"));
    this.error = /** @type {HTMLElement} */ (document.getElementById("ws-end-error"));
    this.now = /** @type {HTMLElement} */ (document.getElementById("ws-end-now"));
    this.removeButton = /** @type {HTMLButtonElement} */ (document.getElementById("ws-end-remove"));
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = withOffset(this.input.value);
      if (value === null) this.fail(t("required"));
      else this.save(value);
    });
    this.removeButton.addEventListener("click", () => this.save(null));
    this.fillField();
    this.show();
  }

  /** The field holds the end time now (or nothing), as a datetime-local field writes it. */
  fillField() {
    const endsAt = this.page.state.ends_at;
    this.input.value = endsAt ? instantText(endsAt).replace(" ", "T") : "";
  }

  /** What the end time is now; nothing to change once the workshop is closed. */
  show() {
    const { ends_at: endsAt, ended, state } = this.page.state;
    this.now.textContent = endsAt
      ? t(ended ? "endsAtPast" : "endsAtFuture", { time: instantText(endsAt) })
      : t("endsAtNone");
    const closed = state === "closed";
    for (const control of this.form.querySelectorAll("input, button")) {
      /** @type {HTMLInputElement|HTMLButtonElement} */ (control).disabled = closed;
    }
    this.removeButton.disabled = closed || !endsAt;
  }

  /** Send a later end time, or none (null); the server's refusal goes beside the field. */
  async save(endsAt) {
    this.clear();
    try {
      const saved = await request(urlFor("endsAt", { workshop_id: this.page.id }), {
        method: "POST",
        json: { ends_at: endsAt },
      });
      // The server takes no time that has passed: after this, the workshop has not ended.
      this.page.setState(this.page.state.state, { ended: false, endsAt: saved.ends_at });
      this.fillField();
      this.page.announce(
        saved.ends_at ? t("endsAtSaved", { time: instantText(saved.ends_at) }) : t("endsAtRemoved"),
      );
      // "Remove the end time" is disabled now that there is none: the field, not the page.
      if (!saved.ends_at) this.input.focus();
    } catch (err) {
      this.fail(errorMessage(err));
    }
  }

  /** A refusal beside the field (and said); the focus goes to the field. */
  fail(message) {
    this.error.textContent = message;
    this.error.hidden = false;
    this.input.setAttribute("aria-invalid", "true");
    this.input.focus();
    this.page.announce(message);
  }

  /** No refusal to show. */
  clear() {
    this.error.hidden = true;
    this.error.textContent = "";
    this.input.removeAttribute("aria-invalid");
  }
}

/**
 * A datetime-local value ("2026-05-01T18:00") as RFC 3339 with this browser's offset, or null.
 * @param {string} local
 */
function withOffset(local) {
  const date = new Date(local);
  if (!local || Number.isNaN(date.getTime())) return null;
  return localDateTime(date);
}
