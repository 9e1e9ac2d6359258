/**
 * The facilitator's door ("Let people in"): stop new joins once everyone is in, or let new
 * people join again; make a new join code (asks first: the old code, link and QR code stop
 * working at once). Another facilitator's tab follows by the stream's `join.changed`.
 */

import { errorMessage, request } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";
import { showJoin } from "umecom/workshop/workshop.js";

const $ = (id) => document.getElementById(id);

export class JoinControls {
  /**
   * @param {import("umecom/workshop/map-page.js").WorkshopPage} page
   */
  constructor(page) {
    this.page = page;
    this.id = page.id;
    this.join = page.state.join;
    this.toggle = /** @type {HTMLButtonElement} */ ($("ws-joins-toggle"));
    this.newCode = /** @type {HTMLButtonElement} */ ($("ws-code-new"));
    this.confirm = /** @type {HTMLElement} */ ($("ws-code-confirm"));
    this.error = /** @type {HTMLElement} */ ($("ws-joins-error"));
    this.toggle.addEventListener("click", () => this.setOpen(!this.join.open));
    this.newCode.addEventListener("click", () => {
      this.confirm.hidden = false;
      $("ws-code-no")?.focus(); // the safe answer first, as closing the workshop asks
    });
    $("ws-code-yes")?.addEventListener("click", () => this.makeNewCode());
    $("ws-code-no")?.addEventListener("click", () => {
      this.confirm.hidden = true;
      this.newCode.focus();
    });
    this.show(this.join);
    this.setClosed(page.state.state === "closed");
  }

  /** The code, link and QR code, and whether the door is open, as `join` says. */
  show(join) {
    if (!join) return;
    this.join = join;
    showJoin(join);
    /** @type {HTMLElement} */ ($("ws-joins-now")).textContent = t(join.open ? "joinsOpenNow" : "joinsStoppedNow");
    this.toggle.textContent = t(join.open ? "stopJoins" : "letJoinsIn");
  }

  /** A closed workshop lets nobody in and keeps its code. */
  setClosed(closed) {
    this.toggle.disabled = closed;
    this.newCode.disabled = closed;
    if (closed) this.confirm.hidden = true;
  }

  /** What went wrong, beside the buttons (and said). */
  fail(err) {
    this.error.textContent = errorMessage(err);
    this.error.hidden = false;
    this.page.announce(this.error.textContent);
  }

  async setOpen(open) {
    this.error.hidden = true;
    try {
      const url = urlFor("joins", { workshop_id: this.id });
      this.show(await request(url, { method: "POST", json: { open } }));
      this.page.announce(t(open ? "joinsOpenNow" : "joinsStoppedNow"));
    } catch (err) {
      this.fail(err);
    }
  }

  async makeNewCode() {
    this.error.hidden = true;
    this.confirm.hidden = true;
    try {
      const url = urlFor("joinCode", { workshop_id: this.id });
      const join = await request(url, { method: "POST" });
      this.show(join);
      this.page.announce(t("newCodeMade", { code: join.code }));
    } catch (err) {
      this.fail(err);
    }
    this.newCode.focus();
  }

  /** Another facilitator changed the door or the code: read the join block again. */
  async onEvent(event) {
    if (event.type !== "join.changed") return;
    try {
      const state = await request(urlFor("workshop", { workshop_id: this.id }));
      this.show(state.join);
    } catch {
      // a blip: the next resync reads it
    }
  }

  /** The workshop read again after the stream was down: a `join.changed` may have been missed. */
  sync(state) {
    this.show(state.join);
  }
}
