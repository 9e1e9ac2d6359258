/**
 * The facilitator's door ("Let people in"): stop new joins once everyone is in, or let new
 * people join again; make a new join code (asks first: the old code, link and QR code stop
 * working at once). Another facilitator's tab follows by the stream's `join.changed`.
 */

import { errorMessage, request } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";
import { ConfirmStep } from "umecom/workshop/confirm.js";
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
    this.busy = false;
    this.toggle = /** @type {HTMLButtonElement} */ ($("ws-joins-toggle"));
    this.newCode = /** @type {HTMLButtonElement} */ ($("ws-code-new"));
    this.error = /** @type {HTMLElement} */ ($("ws-joins-error"));
    this.toggle.addEventListener("click", () => this.setOpen(!this.join.open));
    this.confirm = new ConfirmStep({
      trigger: this.newCode,
      panel: /** @type {HTMLElement} */ ($("ws-code-confirm")),
      yes: /** @type {HTMLButtonElement} */ ($("ws-code-yes")),
      no: /** @type {HTMLButtonElement} */ ($("ws-code-no")),
      onYes: () => this.makeNewCode(),
    });
    this.show(this.join);
  }

  /** The code, link and QR code, and whether anyone can join now, as `join` and the page say. */
  show(join) {
    if (join) {
      this.join = join;
      showJoin(join);
    }
    const { state, ended } = this.page.state;
    const closed = state === "closed";
    /** @type {HTMLElement} */ ($("ws-joins-now")).textContent = t(this.sentence(closed, Boolean(ended)));
    this.toggle.textContent = t(this.join.open ? "stopJoins" : "letJoinsIn");
    this.toggle.disabled = closed || this.busy;
    this.newCode.disabled = closed || this.busy;
    if (closed) this.confirm.dismiss();
  }

  /** Which sentence says who can join: a closed or ended workshop takes nobody, door or not. */
  sentence(closed, ended) {
    if (closed) return "joinsClosedWorkshop";
    if (ended) return "joinsEndedWorkshop";
    return this.join.open ? "joinsOpenNow" : "joinsStoppedNow";
  }

  /** What went wrong, beside the buttons (and said). */
  fail(err) {
    this.error.textContent = errorMessage(err);
    this.error.hidden = false;
    this.page.announce(this.error.textContent);
  }

  /** One request at a time: a second press while the first is on its way would undo it. */
  async send(name, options) {
    this.error.hidden = true;
    this.busy = true;
    this.show(null);
    try {
      return await request(urlFor(name, { workshop_id: this.id }), { method: "POST", ...options });
    } finally {
      this.busy = false;
      this.show(null);
    }
  }

  async setOpen(open) {
    try {
      this.show(await this.send("joins", { json: { open } }));
      this.page.announce(t(open ? "joinsOpenNow" : "joinsStoppedNow"));
    } catch (err) {
      this.fail(err);
    }
    this.toggle.focus();
  }

  async makeNewCode() {
    try {
      const join = await this.send("joinCode", {});
      this.show(join);
      this.page.announce(t("newCodeMade", { code: join.code }));
    } catch (err) {
      this.fail(err);
    }
    this.newCode.focus();
  }

  /**
   * Another facilitator changed the door or the code: read the join block again, and say
   * what changed (this page's own change was said already, and reads the same).
   */
  async onEvent(event) {
    if (event.type !== "join.changed") return;
    const before = this.join;
    try {
      const state = await request(urlFor("workshop", { workshop_id: this.id }));
      this.show(state.join);
    } catch {
      return; // a blip: the next resync reads it
    }
    if (this.join.code !== before.code) this.page.announce(t("newCodeMade", { code: this.join.code }));
    else if (this.join.open !== before.open) this.page.announce(t(this.join.open ? "joinsOpenNow" : "joinsStoppedNow"));
  }

  /** The workshop read again after the stream was down: a `join.changed` may have been missed. */
  sync(state) {
    this.show(state.join);
  }
}
