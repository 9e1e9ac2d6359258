/**
 * Who is here now, from the `presence` events: a count that is always visible and, behind it,
 * the names (with their groups) and how many facilitators are connected. For the facilitator,
 * also everyone who joined, each with "Remove…" (ParticipantList).
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
    this.stopped(t("presenceClosed"));
  }

  /** No more `presence` events will come (closed, or this participant removed): say why. */
  stopped(text) {
    if (this.summary) this.summary.textContent = text;
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

/**
 * The facilitator's list of everyone who joined, with "Remove…" for each: a confirm step
 * (their drawings hidden too, unless unticked), then "Let back in" for a mistake. Rows are
 * kept by participant and changed in place, so a presence event never takes away an open
 * confirm step or the keyboard's focus.
 */
export class ParticipantList {
  /**
   * @param {HTMLElement} list a <ul>
   * @param {{onRemove: (id: number, hide: boolean) => Promise<boolean>,
   *   onLetBackIn: (id: number) => Promise<boolean>}} actions each says whether it worked
   */
  constructor(list, { onRemove, onLetBackIn }) {
    this.list = list;
    this.onRemove = onRemove;
    this.onLetBackIn = onLetBackIn;
    /** @type {Map<number, any>} the participants by id, as the server said them */
    this.people = new Map();
    /** @type {Map<number, Record<string, HTMLElement>>} each one's row and its parts */
    this.rows = new Map();
    /** A closed workshop changes no more: nobody is removed or let back in. */
    this.closed = false;
  }

  /** The workshop closed (or not): the buttons follow. */
  setClosed(closed) {
    this.closed = closed;
    this.render();
  }

  /** Everyone, from `GET /participants` (the first load, and after the stream was down). */
  load(participants) {
    this.people = new Map(participants.map((p) => [Number(p.id), p]));
    this.render();
  }

  /** A `presence` event: who is connected now (someone new joins the list). */
  presence(event) {
    const here = new Map((event.participants || []).map((p) => [Number(p.id), p]));
    for (const [id, person] of this.people) person.connected = here.has(id);
    for (const [id, person] of here) {
      if (!this.people.has(id)) this.people.set(id, { ...person, removed: false, connected: true });
    }
    this.render();
  }

  /** Removed (true) or let back in (false), from an answer or another facilitator's event. */
  mark(id, removed) {
    const person = this.people.get(Number(id));
    if (!person) return;
    person.removed = removed;
    if (removed) person.connected = false;
    this.render();
  }

  /**
   * The rows, in the order people joined. Rows in place stay in place (moving one would take
   * the keyboard's focus off its buttons); an open confirm step stays as it is.
   */
  render() {
    const ids = [...this.people.keys()].sort((a, b) => a - b);
    if (!ids.length) {
      this.list.replaceChildren(el("li", "ws-participants__none", t("nobodyJoined")));
      return;
    }
    this.list.querySelector(".ws-participants__none")?.remove();
    let previous = null;
    for (const id of ids) {
      const row = this.row(id);
      const expected = previous ? previous.nextSibling : this.list.firstChild;
      if (expected !== row) this.list.insertBefore(row, expected);
      previous = row;
    }
  }

  /** One participant's row, made once and brought up to date. */
  row(id) {
    const person = this.people.get(id);
    const name = person.group ? t("personInGroup", { name: person.name, group: person.group }) : person.name;
    let parts = this.rows.get(id);
    if (!parts) {
      parts = this.makeRow(id);
      this.rows.set(id, parts);
    }
    parts.li.dataset.removed = String(Boolean(person.removed));
    parts.name.textContent = name;
    const status = person.removed ? "removedMark" : person.connected ? "connectedMark" : "notConnectedMark";
    parts.status.textContent = t(status);
    parts.question.textContent = t("removeQuestion", { name: person.name });
    parts.remove.hidden = Boolean(person.removed);
    parts.remove.setAttribute("aria-label", t("removeNamed", { name: person.name }));
    parts.back.hidden = !person.removed;
    /** @type {HTMLButtonElement} */ (parts.remove).disabled = this.closed;
    /** @type {HTMLButtonElement} */ (parts.back).disabled = this.closed;
    parts.back.setAttribute("aria-label", t("letBackInNamed", { name: person.name }));
    if (person.removed || this.closed) parts.confirm.hidden = true;
    return parts.li;
  }

  /** The elements of a row and what their buttons do. */
  makeRow(id) {
    const li = el("li", "ws-participant");
    li.dataset.participantId = String(id);
    const name = el("span", "ws-participant__name");
    const status = el("span", "ws-participant__status");
    const remove = /** @type {HTMLButtonElement} */ (el("button", "button button--small", t("removeParticipant")));
    remove.type = "button";
    remove.id = `ws-remove-${id}`;
    remove.setAttribute("aria-expanded", "false");
    const back = /** @type {HTMLButtonElement} */ (el("button", "button button--small", t("letBackIn")));
    back.type = "button";
    back.id = `ws-let-back-${id}`;
    const confirm = el("div", "ws-confirm");
    confirm.id = `ws-remove-confirm-${id}`;
    confirm.hidden = true;
    confirm.setAttribute("role", "group");
    const question = el("p");
    question.id = `ws-remove-question-${id}`;
    confirm.setAttribute("aria-labelledby", question.id);
    remove.setAttribute("aria-controls", confirm.id);
    const hide = /** @type {HTMLInputElement} */ (el("input"));
    hide.type = "checkbox";
    hide.checked = true; // they are the reason for the removal
    hide.id = `ws-remove-hide-${id}`;
    const hideLabel = el("label", "choice");
    hideLabel.append(hide, ` ${t("hideTheirDrawings")}`);
    const yes = /** @type {HTMLButtonElement} */ (el("button", "button button--primary", t("removeConfirm")));
    yes.type = "button";
    yes.id = `ws-remove-yes-${id}`;
    const no = /** @type {HTMLButtonElement} */ (el("button", "button", t("removeCancel")));
    no.type = "button";
    no.id = `ws-remove-no-${id}`;
    const buttons = el("div", "actions");
    buttons.append(yes, no);
    confirm.append(question, hideLabel, buttons);
    li.append(name, " ", status, " ", remove, back, confirm);

    const ask = (open) => {
      confirm.hidden = !open;
      remove.setAttribute("aria-expanded", String(open));
      (open ? no : remove).focus();
    };
    remove.addEventListener("click", () => ask(confirm.hidden));
    no.addEventListener("click", () => ask(false));
    confirm.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      event.preventDefault();
      event.stopPropagation();
      ask(false);
    });
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      const done = await this.onRemove(id, hide.checked);
      yes.disabled = false;
      if (!done) return;
      confirm.hidden = true;
      remove.setAttribute("aria-expanded", "false");
      back.focus(); // where the row's one button is now
    });
    back.addEventListener("click", async () => {
      back.disabled = true;
      const done = await this.onLetBackIn(id);
      back.disabled = false;
      if (done) remove.focus();
    });
    return { li, name, status, remove, back, confirm, question };
  }
}
