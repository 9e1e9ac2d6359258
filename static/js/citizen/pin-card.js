/**
 * The card in a pin's popup: what the pin says, where and when, its status, the municipality's
 * answer, and a Support button (once per person; the server says whether this browser already
 * did). Fetched when the popup opens, so it is always current.
 */

import { cssSlug, el, isDisabled, setDisabled } from "umecom/lib/dom.js";
import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import {
  categoryLabel,
  kindLabel,
  settings,
  statusLabel,
  t,
  urlFor,
} from "umecom/lib/settings.js";

/**
 * Fill the popup: a placeholder now, the pin's card when it has been fetched.
 * @param {any} popup L.Popup
 * @param {number} id the pin's id
 * @param {{focusTitle: () => boolean}} options whether to move focus to the card's heading
 *   once it is there (it was opened from the keyboard)
 */
export function showPinCard(popup, id, { focusTitle }) {
  const box = el("div", "pin-card");
  box.append(el("p", "pin-card__loading", t("loading")));
  popup.setContent(box);
  fillCard(box, id).then(
    () => {
      popup.update();
      if (focusTitle()) box.querySelector("h2")?.focus();
    },
    (err) => {
      box.replaceChildren(el("p", "form-error", errorMessage(err)));
      popup.update();
    },
  );
}

/**
 * Fetch one pin and whether this browser supported it, and build the card in `box`.
 * @param {HTMLElement} box
 * @param {number} id
 */
async function fillCard(box, id) {
  const [feature, mine] = await Promise.all([
    request(urlFor("idea", { idea_id: id })),
    request(urlFor("supported", { idea_id: id })).catch(() => ({ supported: false })),
  ]);
  const p = feature.properties || {};
  const heading = el("h2", "pin-card__title", p.title);
  heading.tabIndex = -1;
  const badges = el("p", "pin-card__meta");
  badges.append(el("span", `badge badge--${cssSlug(p.kind)}`, kindLabel(p.kind)), " ");
  badges.append(el("span", "pin-card__category", categoryLabel(p.category)));
  const body = p.body ? el("p", "pin-card__body", p.body) : null;

  const facts = el("dl", "facts facts--compact");
  const fact = (term, value) => {
    facts.append(el("dt", "", term), el("dd", "", value));
    return /** @type {HTMLElement} */ (facts.lastChild);
  };
  fact(t("district"), p.district || t("unknownDistrict"));
  if (p.created_at) fact(t("date"), "").append(createdAt(p.created_at));
  fact(t("status"), statusLabel(p.status));
  const countCell = fact(t("supports"), p.support_count ?? 0);
  countCell.classList.add("pin-card__count");

  box.replaceChildren(badges, heading);
  if (body) box.append(body);
  box.append(facts);
  if (p.answer) {
    const answer = el("section", "pin-card__answer");
    answer.append(el("h3", "", t("answer")), answerText("p", p));
    box.append(answer);
  }
  if (p.duplicate_of) {
    const note = el("p", "pin-card__duplicate", `${t("duplicateOf")} `);
    const original = /** @type {HTMLAnchorElement} */ (el("a", "", p.duplicate_of_title));
    original.href = urlFor("ideaPage", { idea_id: p.duplicate_of });
    note.append(original);
    box.append(note);
  }
  const actions = el("p", "pin-card__actions");
  const button = supportButton(id, Boolean(mine && mine.supported), countCell);
  const link = /** @type {HTMLAnchorElement} */ (el("a", "pin-card__link", t("openPage")));
  link.href = urlFor("ideaPage", { idea_id: id });
  const report = /** @type {HTMLAnchorElement} */ (el("a", "pin-card__link", t("report")));
  report.href = `${urlFor("ideaPage", { idea_id: id })}?report=1#report`;
  actions.append(button.element, " ", link, " ", report);
  box.append(actions, button.note);
}

/**
 * When a pin was made, as a `<time>` in the page's language ("5 dec. 2026").
 * @param {string} instant its `created_at`, RFC 3339
 */
export function createdAt(instant) {
  const format = new Intl.DateTimeFormat(settings.locale, { dateStyle: "medium" });
  const time = /** @type {HTMLTimeElement} */ (el("time", "", format.format(new Date(instant))));
  time.dateTime = instant;
  return time;
}

/**
 * The municipality's answer to a pin in a `tag` element: in English on an English page when
 * there is one, else the Swedish, marked as Swedish.
 * @param {string} tag
 * @param {{answer: string, answer_en?: string|null}} properties
 */
export function answerText(tag, properties) {
  const english = settings.locale === "en" && properties.answer_en;
  const text = el(tag, "", english ? properties.answer_en : properties.answer);
  if (!english) text.lang = "sv";
  return text;
}

/**
 * The Support (+1) button and the live note that says how it went (also in the new-pin form's
 * similar pins, similar-pins.js).
 * @param {number} id
 * @param {boolean} alreadySupported
 * @param {HTMLElement} countCell shows the support count; updated from the server's answer
 */
export function supportButton(id, alreadySupported, countCell) {
  const button = /** @type {HTMLButtonElement} */ (
    el("button", "button button--primary support-button", t("support"))
  );
  button.type = "button";
  const note = el("p", "pin-card__note");
  note.setAttribute("role", "status");
  // Unavailable by aria-disabled, not `disabled`: the button keeps the focus of whoever pressed
  // it (a disabled one sends it to <body>), and the note beside it says how it went.
  const markSupported = () => {
    setDisabled(button, true);
    button.textContent = t("supported");
    button.setAttribute("aria-pressed", "true");
  };
  if (alreadySupported) markSupported();
  button.addEventListener("click", async () => {
    if (isDisabled(button)) return;
    setDisabled(button, true);
    button.setAttribute("aria-busy", "true");
    note.textContent = "";
    try {
      const result = await request(urlFor("support", { idea_id: id }), { method: "POST" });
      countCell.textContent = String(result.support_count);
      markSupported();
      note.textContent = t("supportSaved");
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        // supported before (from another tab or the pin's page): say so, it is no failure
        markSupported();
        note.textContent = err.message;
      } else {
        setDisabled(button, false);
        note.textContent = errorMessage(err);
      }
    } finally {
      button.removeAttribute("aria-busy");
    }
  });
  return { element: button, note, markSupported };
}
