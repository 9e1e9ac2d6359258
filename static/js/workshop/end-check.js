/**
 * The end time of the shared map (map-page.js): the server's clock decides when it has passed,
 * so the page asks it when its own clock says the time has come, while it has ended (the
 * facilitator may give a later one), and when the stream is live again after a break.
 */

import { request } from "umecom/lib/request.js";
import { urlFor } from "umecom/lib/settings.js";

/**
 * The page asks the server (whose clock decides) this long after the end time, again this
 * often while a clock running ahead says it has passed and the server not yet, and this often
 * once it has ended (the facilitator may give a later one: no event says so). A timer waits at
 * most MAX_TIMER_MS (the browser's limit is 24.8 days).
 */
const END_GRACE_MS = 1000;
const END_RECHECK_MS = 15_000;
export const ENDED_POLL_MS = 30_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

export class EndCheck {
  /**
   * @param {import("umecom/workshop/map-page.js").WorkshopPage} page whose `state` is read
   *   and whose `setState` is told what the server says
   */
  constructor(page) {
    this.page = page;
    this.timer = null;
    /** The stream was down since the state was last read. */
    this.wasDown = false;
  }

  /**
   * Ask the server again when the end time comes (a page left open past it learns it has
   * ended), and while it has ended (a later end time opens it again). None once closed.
   */
  schedule() {
    window.clearTimeout(this.timer);
    this.timer = null;
    const { state, ended, ends_at: endsAt } = this.page.state;
    if (state === "closed" || (!ended && !endsAt)) return;
    let wait = ENDED_POLL_MS;
    if (!ended) {
      const until = Date.parse(endsAt) - Date.now();
      wait = until > 0 ? until + END_GRACE_MS : END_RECHECK_MS;
    }
    this.timer = window.setTimeout(() => this.check(), Math.min(wait, MAX_TIMER_MS));
  }

  /** Read the workshop's state (has the end time passed?); on failure, later again. */
  async check() {
    this.timer = null;
    try {
      const state = await request(urlFor("workshop", { workshop_id: this.page.id }));
      this.page.setState(state.state, { ended: state.ended, endsAt: state.ends_at });
    } catch {
      this.schedule(); // a blip: the next check is on its way
    }
  }

  /**
   * The stream is live again. When the browser reconnected by itself (no `resync`), the end
   * time may have passed meanwhile, unseen by a timer of a phone asleep: ask.
   */
  onReconnect() {
    const { state, ended, ends_at: endsAt } = this.page.state;
    if (this.wasDown && state !== "closed" && (ended || endsAt)) this.check();
    this.wasDown = false;
  }
}
