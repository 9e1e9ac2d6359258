/**
 * Who is here now, from the `presence` events: a count that is always visible and, behind it,
 * the names (with their groups) and how many facilitators are connected.
 */

import { el } from "umecom/lib/dom.js";
import { t } from "umecom/lib/settings.js";

export class PresenceView {
  /**
   * @param {HTMLElement|null} summary where the count goes
   * @param {HTMLElement|null} list a <ul> for the names
   */
  constructor(summary, list) {
    this.summary = summary;
    this.list = list;
  }

  /** Counts only (from the workshop's state, before the first event). */
  counts({ participants = 0, facilitators = 0 } = {}) {
    if (this.summary) this.summary.textContent = this.text(participants, facilitators);
  }

  /** The counts in words. */
  text(participants, facilitators) {
    const people = t("presentCount", { n: participants });
    return facilitators ? `${people} · ${t("facilitatorsPresent", { n: facilitators })}` : people;
  }

  /**
   * The workshop closed: every stream has ended and no more `presence` events come, so the
   * last counts would go on claiming people who have gone.
   */
  closed() {
    if (this.summary) this.summary.textContent = t("presenceClosed");
    this.list?.replaceChildren();
  }

  /** A `presence` event. */
  update(event) {
    const people = Array.isArray(event.participants) ? event.participants : [];
    this.counts({ participants: people.length, facilitators: Number(event.facilitators) || 0 });
    if (!this.list) return;
    const items = people.map((person) => {
      const { name, group } = person;
      return el("li", "", group ? t("personInGroup", { name, group }) : name);
    });
    if (!items.length) items.push(el("li", "", t("nobodyYet")));
    this.list.replaceChildren(...items);
  }
}
