/**
 * The gate of the shared map (map-page.js): shown instead of the map to a browser that may not
 * see the workshop, saying why and where to go; and, for a removed participant, a look now and
 * then whether the facilitator let them back in.
 */

import { request } from "umecom/lib/request.js";
import { urlFor } from "umecom/lib/settings.js";
import { ENDED_POLL_MS } from "umecom/workshop/end-check.js";

/**
 * Show the gate instead of the map.
 * @param {HTMLElement} mapElement told that the page is ready as a gate
 * @param {string} text
 * @param {string} [href] where the gate's link goes (no link when empty)
 * @param {string} [linkText]
 */
export function showGate(mapElement, text, href = "", linkText = "") {
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
  mapElement.dataset.ready = "gate";
}

/**
 * While removed, look now and then whether the facilitator let this browser back in (then the
 * page loads again, as it first does).
 * @param {number} workshopId
 * @returns {number} the interval, to clear before watching again
 */
export function watchForReturn(workshopId) {
  return window.setInterval(async () => {
    try {
      const state = await request(urlFor("workshop", { workshop_id: workshopId }));
      if (state.me && state.me.participant_id !== null) window.location.reload();
    } catch {
      // a blip: the next look is on its way
    }
  }, ENDED_POLL_MS);
}
