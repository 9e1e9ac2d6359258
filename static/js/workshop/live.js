/**
 * The workshop's live events (Server-Sent Events). The first connection starts after the
 * snapshot the page loaded (`?last_event_id=`); after a drop the browser reconnects by itself
 * and sends `Last-Event-ID`, so it gets exactly what it missed. Every event is JSON with a
 * `type` (app/workshops/payloads.py); `closed` ends the stream for good.
 *
 * The browser gives up for good when a reconnect gets an HTTP error (the app's 503 during a
 * database blip, a proxy's 502 during a deploy) or a 204 (a closed workshop). Then the page
 * re-reads the workshop (`resync`: the snapshot and the event id it is at) and the stream
 * opens again from there, after 1, 2, 4 … 30 s, or later when the server asked for it.
 *
 * A stream learns that its page has gone only when a write fails, a heartbeat or two later
 * (a closed phone stayed "here" for half a minute). So a page that hides says goodbye with
 * the presence id its stream began with (`event: presence`), and reconnects if the browser
 * brings it back from its back-forward cache.
 */

import { ApiError, request } from "umecom/lib/request.js";

/** Waits before each attempt to come back after the stream gave up (ms); the last repeats. */
const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000];
/** Answers that will not change by asking again: this browser may not read the workshop. */
const FINAL_STATUSES = new Set([400, 401, 403, 404, 410]);

export class LiveEvents {
  /**
   * @param {string} url the events URL of the workshop
   * @param {{onEvent: (event: any) => void,
   *   onStatus?: (status: "live"|"reconnecting"|"down"|"ended") => void,
   *   resync?: () => Promise<number|null>, display?: boolean,
   *   departUrl?: (presenceId: string) => string}} handlers
   *   `onStatus`: "reconnecting" while the browser retries by itself, "down" while waiting to
   *   come back, "ended" for good. `resync`: re-read the workshop and give the event id to
   *   stream from, or null when it is closed (nothing more to stream); without it the stream
   *   reopens after the last event seen. `display`: a wall or projector, which the server
   *   does not count as someone present. `departUrl`: where a hiding page says goodbye
   */
  constructor(url, { onEvent, onStatus = () => {}, resync = null, display = false, departUrl = null }) {
    this.url = url;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.resync = resync;
    this.display = display;
    /** @type {EventSource|null} */
    this.source = null;
    this.lastEventId = 0;
    this.attempt = 0;
    this.timer = null;
    this.stopped = false;
    this.departUrl = departUrl;
    /** The id the last stream counts this page by, once it has said so. */
    this.presenceId = null;
    // Back online: no reason to sit out the rest of a long wait.
    window.addEventListener("online", () => {
      if (this.timer !== null) this.comeBackNow();
    });
    window.addEventListener("pagehide", () => this.depart());
    window.addEventListener("pageshow", (event) => {
      if (event.persisted && !this.stopped) this.comeBackNow();
    });
  }

  /**
   * Open the stream after event `lastEventId` (what the page has already).
   * @param {number} lastEventId
   */
  open(lastEventId) {
    this.stopped = false;
    this.connect(lastEventId);
  }

  /** The page could not load its snapshot: come back the way a failed stream does. */
  retry() {
    this.stopped = false;
    this.comeBack();
  }

  /** A new EventSource after `lastEventId` (replacing any other). */
  connect(lastEventId) {
    this.drop();
    this.presenceId = null; // the new stream sends its own
    this.lastEventId = lastEventId;
    const query = new URLSearchParams({ last_event_id: String(lastEventId) });
    if (this.display) query.set("display", "true");
    const source = new EventSource(`${this.url}?${query}`);
    this.source = source;
    source.onopen = () => {
      this.attempt = 0;
      this.onStatus("live");
    };
    source.onerror = () => {
      if (source !== this.source) return;
      if (source.readyState !== EventSource.CLOSED) {
        this.onStatus("reconnecting");
        return;
      }
      this.drop();
      this.comeBack();
    };
    source.onmessage = (message) => this.receive(message);
    source.addEventListener("presence", (message) => {
      if (source !== this.source) return;
      try {
        this.presenceId = JSON.parse(message.data).id;
      } catch {
        this.presenceId = null;
      }
    });
  }

  /** The page is hiding: close the stream and say goodbye, so it stops being counted now. */
  depart() {
    // Kept after the stream broke: a page that navigates away sees its stream fail first.
    const id = this.presenceId;
    this.presenceId = null;
    this.drop();
    if (!id || !this.departUrl) return;
    // keepalive: sent even as the page goes. Nobody is left to hear of a failure: the row
    // then goes when the server notices the closed stream.
    request(this.departUrl(id), { method: "DELETE", keepalive: true }).catch(() => {});
  }

  /** One message: JSON with a `type`, or not ours. */
  receive(message) {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return; // not ours: nothing to do with it
    }
    if (!event || typeof event.type !== "string") return;
    const id = Number(message.lastEventId);
    if (Number.isSafeInteger(id) && id > this.lastEventId) this.lastEventId = id;
    try {
      this.onEvent(event); // first: the page knows it closed when "ended" comes
    } finally {
      if (event.type === "closed") this.close(); // the server ends the stream; do not reconnect
    }
  }

  /** The browser gave up: wait (longer each time, or as long as the server asked), then try. */
  comeBack(retryAfterMs = null) {
    if (this.stopped) return;
    this.onStatus("down");
    const backoff = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    // A little spread, so that a room of phones does not come back in the same instant.
    const wait = Math.max(backoff * (0.8 + 0.4 * Math.random()), retryAfterMs ?? 0);
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.comeBackNow(), wait);
  }

  /** Re-read the workshop and stream from where that leaves the page. */
  async comeBackNow() {
    window.clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped) return;
    let from = this.lastEventId;
    try {
      if (this.resync) from = await this.resync();
    } catch (err) {
      if (err instanceof ApiError && FINAL_STATUSES.has(err.status)) this.close();
      else this.comeBack(err instanceof ApiError ? err.retryAfterMs : null);
      return;
    }
    if (this.stopped) return;
    if (from === null) this.close();
    else this.connect(from);
  }

  /** Close the EventSource, if any, without a word: more is coming. */
  drop() {
    if (!this.source) return;
    this.source.close();
    this.source = null;
  }

  /** Stop listening (and reconnecting) for good. */
  close() {
    const wasOn = !this.stopped;
    this.stopped = true;
    window.clearTimeout(this.timer);
    this.timer = null;
    this.drop();
    if (wasOn) this.onStatus("ended");
  }
}
