/**
 * Pins like the one being written, near its place: shown in the new-pin form under the title,
 * each with its Support button, so a citizen whose idea is already on the map can support it
 * rather than pin it again (and the planners get one pin with many supports, not many pins).
 *
 * Asked of `GET /api/ideas/similar` with the title and the place once typing pauses: which
 * words count and how near is near are the server's (app/ideas/similar.py, which a planner's
 * page of a pin uses for its possible duplicates too).
 */

import { cssSlug, el } from "umecom/lib/dom.js";
import { request } from "umecom/lib/request.js";
import { kindLabel, settings, t, urlFor } from "umecom/lib/settings.js";
import { supportButton } from "umecom/citizen/pin-card.js";

/** At most this many are shown: the form must still fit a phone. */
const SHOWN = 3;

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
    const url = questionUrl(title, latlng);
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
 * One similar pin: its title (a link to its page), kind and supports, and Support (+1), said
 * as done when this browser supported it before.
 * @param {any} feature
 */
function similarItem(feature) {
  const p = feature.properties || {};
  const item = el("li", "pin-similar__item");
  const link = /** @type {HTMLAnchorElement} */ (el("a", "pin-similar__title"));
  link.href = urlFor("ideaPage", { idea_id: feature.id });
  // in a new tab: the form being written stays as it is in this one
  link.target = "_blank";
  link.rel = "noopener";
  const name = el("span", "", p.title);
  name.id = `pin-similar-${cssSlug(feature.id)}`;
  link.append(name, el("span", "visually-hidden", ` (${t("opensInNewTab")})`));
  const count = el("span", "pin-similar__count", p.support_count ?? 0);
  const meta = el("span", "pin-similar__meta", `${kindLabel(p.kind)} · ${t("supports")}: `);
  meta.append(count);
  const button = supportButton(feature.id, false, count);
  request(urlFor("supported", { idea_id: feature.id })).then(
    (mine) => mine?.supported && button.markSupported(),
    () => {}, // unknown: the button stays, and the server answers a second support with 409
  );
  button.element.classList.remove("button--primary");
  button.element.setAttribute("aria-describedby", name.id); // which pin: the buttons look alike
  item.append(link, meta, button.element, button.note);
  return item;
}

/**
 * The question for the pins like `title` near `latlng`; "" for a title too short to be one.
 * @param {string} title
 * @param {any} latlng L.LatLng
 */
function questionUrl(title, latlng) {
  const trimmed = title.trim();
  if (trimmed.length < (settings.limits?.title?.min ?? 3)) return "";
  const at = `${latlng.lng.toFixed(6)},${latlng.lat.toFixed(6)}`;
  const params = new URLSearchParams({ at, title: trimmed, limit: String(SHOWN) });
  return `${urlFor("similarIdeas")}?${params}`;
}
