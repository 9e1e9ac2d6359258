/**
 * What every workshop page needs besides the map: the facilitator's secret link, the focus
 * area, the join code with its QR code, and the end time as the pages write it.
 */

import { localDate } from "umecom/lib/dates.js";
import { errorMessage, request } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";
import { showQr } from "umecom/workshop/qr.js";

/**
 * The secret facilitator link carries the key in its fragment (`#key=…`), which no server or
 * log sees: swap it for the facilitator cookie, then take it out of the address bar.
 * @param {number} workshopId
 * @returns {Promise<string|null>} the refusal's message, or null
 */
export async function claimFacilitatorKey(workshopId) {
  const match = /(?:^#|&)key=([^&]+)/.exec(window.location.hash);
  if (!match) return null;
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
  try {
    await request(urlFor("facilitatorSession", { workshop_id: workshopId }), {
      method: "POST",
      json: { key: decodeURIComponent(match[1]) },
    });
    return null;
  } catch (err) {
    return errorMessage(err);
  }
}

/**
 * Outline the workshop's focus area (drawn, or a district) and open the map on it.
 * @param {any} map L.Map
 * @param {any} area a GeoJSON (Multi)Polygon, or null
 * @param {(bounds: any) => any} [fitOptions] fitBounds options for its bounds (the projector
 *   keeps it clear of its join card)
 * @returns {boolean} whether there was one
 */
export function showFocusArea(map, area, fitOptions = () => ({ padding: [20, 20], animate: false })) {
  if (!area) return false;
  const layer = L.geoJSON(area, {
    interactive: false,
    style: () => ({ className: "ws-focus-area", weight: 3, fill: false, dashArray: "10 6" }),
  }).addTo(map);
  map.fitBounds(layer.getBounds(), fitOptions(layer.getBounds())); // not animated: see map-page.js
  return true;
}

/**
 * Show the join code, link and QR code of a workshop in elements with these ids (when present):
 * `ws-join-code`, `ws-join-url` (a link), `ws-join-qr` (a container).
 * @param {{code: string, url: string, qr_svg: string}|null} join
 */
export function showJoin(join) {
  if (!join) return;
  const code = document.getElementById("ws-join-code");
  if (code) code.textContent = join.code;
  const link = /** @type {HTMLAnchorElement|null} */ (document.getElementById("ws-join-url"));
  if (link) {
    link.href = join.url;
    link.textContent = join.url;
  }
  showQr(document.getElementById("ws-join-qr"), join.qr_svg, t("qrLabel"));
}

/** @param {number} n */
const two = (n) => String(n).padStart(2, "0");

/**
 * An instant as the pages write times, "2026-12-05 18:00" (in the browser's time zone, which
 * is the one a datetime-local field holds).
 * @param {string} value RFC 3339
 */
export function instantText(value) {
  const date = new Date(value);
  return `${localDate(date)} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/**
 * The end time in "About the workshop": set or changed (the line and the block show), or none
 * (the line goes, and the block too when the workshop has no description).
 * @param {string|null} endsAt
 */
export function showEndsAt(endsAt) {
  const line = document.getElementById("ws-about-ends");
  const time = document.getElementById("ws-about-ends-at");
  if (!line || !time) return;
  line.hidden = !endsAt;
  const about = document.getElementById("ws-about");
  if (about) about.hidden = !endsAt && !about.querySelector(".body");
  if (!endsAt || time.getAttribute("datetime") === endsAt) return;
  time.setAttribute("datetime", endsAt);
  time.textContent = instantText(endsAt);
}
