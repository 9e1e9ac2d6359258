/**
 * The workshop's live events (Server-Sent Events). The first connection starts after the
 * snapshot the page loaded (`?last_event_id=`); after a drop the browser reconnects by itself
 * and sends `Last-Event-ID`, so it gets exactly what it missed. Every event is JSON with a
 * `type` (app/workshops/payloads.py); `closed` ends the stream for good.
 */

export class LiveEvents {
  /**
   * @param {string} url the events URL of the workshop
   * @param {{onEvent: (event: any) => void,
   *   onStatus?: (status: "live"|"reconnecting"|"ended") => void, display?: boolean}} handlers
   *   `display`: a wall or projector, which the server does not count as someone present
   */
  constructor(url, { onEvent, onStatus = () => {}, display = false }) {
    this.url = url;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.display = display;
    /** @type {EventSource|null} */
    this.source = null;
  }

  /**
   * Open the stream after event `lastEventId` (what the page has already).
   * @param {number} lastEventId
   */
  open(lastEventId) {
    this.close();
    const query = new URLSearchParams({ last_event_id: String(lastEventId) });
    if (this.display) query.set("display", "true");
    const source = new EventSource(`${this.url}?${query}`);
    this.source = source;
    source.onopen = () => this.onStatus("live");
    source.onerror = () => {
      this.onStatus(source.readyState === EventSource.CLOSED ? "ended" : "reconnecting");
    };
    source.onmessage = (message) => {
      let event;
      try {
        event = JSON.parse(message.data);
      } catch {
        return; // not ours: nothing to do with it
      }
      if (!event || typeof event.type !== "string") return;
      if (event.type === "closed") this.close(); // the server ends the stream; do not reconnect
      this.onEvent(event);
    };
  }

  /** Stop listening (and reconnecting). */
  close() {
    if (!this.source) return;
    this.source.close();
    this.source = null;
    this.onStatus("ended");
  }
}
