/**
 * The facilitator's controls: open, pause or close the workshop (closing asks first), "bring
 * everyone here" and "follow me" (while on, each stop of the facilitator's map moves
 * everyone's).
 */

import { debounce } from "umecom/lib/debounce.js";
import { errorMessage, request } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";

export class FacilitatorControls {
  /**
   * @param {import("umecom/workshop/map-page.js").WorkshopPage} page
   */
  constructor(page) {
    this.page = page;
    this.id = page.id;
    this.following = Boolean(page.state.follow);
    this.error = /** @type {HTMLElement} */ (document.getElementById("ws-controls-error"));
    this.confirm = /** @type {HTMLElement} */ (document.getElementById("ws-close-confirm"));
    this.followButton = /** @type {HTMLButtonElement} */ (document.getElementById("ws-follow-me"));
    const bind = (id, handler) => document.getElementById(id)?.addEventListener("click", handler);
    bind("ws-state-open", () => this.setState("open"));
    bind("ws-state-pause", () => this.setState("paused"));
    bind("ws-state-close", () => {
      this.confirm.hidden = false;
      document.getElementById("ws-close-no")?.focus();
    });
    bind("ws-close-yes", () => this.setState("closed"));
    bind("ws-close-no", () => {
      this.confirm.hidden = true;
      document.getElementById("ws-state-close")?.focus();
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
    this.confirm.hidden = true;
    try {
      await request(urlFor("state", { workshop_id: this.id }), { method: "POST", json: { state } });
      this.clear();
      if (this.page.state.state !== state) this.page.setState(state);
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
}
