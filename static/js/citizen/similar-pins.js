/**
 * Pins like the one being written, near its place: shown in the new-pin form under the title,
 * each with its Support button, so a citizen whose idea is already on the map can support it
 * rather than pin it again (and the planners get one pin with many supports, not many pins).
 *
 * Asked of the public pins (`GET /api/ideas`) with any of the title's words (`q`, stemmed as
 * Swedish by the server) near the place; the form asks once typing pauses. How near and how
 * many words are the server's (app/ideas/similar.py, which a planner's page of a pin uses
 * for its possible duplicates), handed over in the page settings.
 */

import { cssSlug, el } from "umecom/lib/dom.js";
import { request } from "umecom/lib/request.js";
import { kindLabel, settings, t, urlFor } from "umecom/lib/settings.js";
import { supportButton } from "umecom/citizen/pin-card.js";

/** At most this many are shown: the form must still fit a phone. */
const SHOWN = 3;
const METRES_PER_DEGREE = 111_320;

export class SimilarPins {
  /**
   * @param {{announce: (text: string) => void}} options
   */
  constructor({ announce }) {
    this.announce = announce;
    this.box = document.getElementById("pin-similar");
    this.list = document.getElementById("pin-similar-list");
    /** @type {AbortController|null} */
    this.abort = null;
    /** the question last answered (or asked): the same one is not asked again */
    this.asked = "";
    /** the ids shown, so the same answer is not announced again */
    this.shownIds = "";
  }

  /** Forget what was shown and stop asking (the form closed or was saved). */
  clear() {
    this.abort?.abort();
    this.abort = null;
    this.asked = "";
    this.show([]);
  }

  /**
   * Show the pins near `latlng` that share a word with `title`.
   * @param {string} title
   * @param {any} latlng L.LatLng
   */
  async look(title, latlng) {
    if (!this.box || !this.list || !latlng) return;
    const words = titleWords(title);
    const url = words.length ? questionUrl(words, latlng) : "";
    if (url === this.asked) return;
    this.asked = url;
    this.abort?.abort();
    this.abort = null;
    if (!url) {
      this.show([]);
      return;
    }
    const controller = new AbortController();
    this.abort = controller;
    let found;
    try {
      found = await request(url, { signal: controller.signal });
    } catch {
      // a hint, not a step: without an answer the form is as it was
      if (this.abort === controller) this.asked = "";
      return;
    }
    if (this.abort !== controller) return;
    this.abort = null;
    const features = (found.features || []).slice(0, SHOWN);
    const before = this.shownIds;
    this.show(features);
    if (features.length && this.shownIds !== before) {
      this.announce(t("similarFound", { n: features.length }));
    }
  }

  /**
   * Replace the list with these pins; the box is hidden when there are none.
   * @param {any[]} features
   */
  show(features) {
    if (!this.box || !this.list) return;
    this.shownIds = features.map((f) => f.id).join(",");
    this.list.replaceChildren(...features.map(similarItem));
    this.box.hidden = features.length === 0;
  }
}

/**
 * One similar pin: its title (a link to its page), kind and supports, and Support (+1).
 * @param {any} feature
 */
function similarItem(feature) {
  const p = feature.properties || {};
  const item = el("li", "pin-similar__item");
  const link = /** @type {HTMLAnchorElement} */ (el("a", "pin-similar__title", p.title));
  link.href = urlFor("ideaPage", { idea_id: feature.id });
  link.id = `pin-similar-${cssSlug(feature.id)}`;
  const count = el("span", "pin-similar__count", p.support_count ?? 0);
  const meta = el("span", "pin-similar__meta", `${kindLabel(p.kind)} · ${t("supports")}: `);
  meta.append(count);
  const button = supportButton(feature.id, false, count);
  button.element.classList.remove("button--primary");
  button.element.setAttribute("aria-describedby", link.id); // which pin: the buttons look alike
  item.append(link, meta, button.element, button.note);
  return item;
}

/**
 * The title's distinct words of three letters or more: at most `similar.words`, and no more
 * than fit the server's limit for `q` once joined by " or " (as `words_query` picks them).
 * @param {string} title
 */
export function titleWords(title) {
  const most = settings.wordsMax || 100;
  const words = [];
  let length = 0;
  for (const word of new Set(title.toLocaleLowerCase().match(/[\p{L}\p{N}]{3,}/gu) || [])) {
    const added = length ? length + " or ".length + word.length : word.length;
    if (words.length === (settings.similar?.words || 6) || added > most) break;
    words.push(word);
    length = added;
  }
  return words;
}

/**
 * The public pins near `latlng` (a box of `similar.nearM` each way) with any of `words`,
 * newest first.
 * @param {string[]} words
 * @param {any} latlng L.LatLng
 */
function questionUrl(words, latlng) {
  const near = settings.similar?.nearM || 400;
  const dLat = near / METRES_PER_DEGREE;
  const dLon = near / (METRES_PER_DEGREE * Math.cos((latlng.lat * Math.PI) / 180));
  const bbox = [latlng.lng - dLon, latlng.lat - dLat, latlng.lng + dLon, latlng.lat + dLat]
    .map((v) => v.toFixed(5))
    .join(",");
  const q = words.join(" or ");
  const params = new URLSearchParams({ bbox, q, limit: String(SHOWN) });
  return `${urlFor("ideas")}?${params}`;
}
