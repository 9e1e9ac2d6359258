/**
 * The pins this browser placed, by id, newest first: remembered in the browser alone
 * (localStorage), so "My pins" needs no account and the server keeps nothing to link a pin
 * to a person. A browser that refuses storage (a private window) simply has no list.
 *
 * And the pin being written, until it is saved or cancelled: kept in this tab alone
 * (sessionStorage), so a language switch, a reload or Back and Forward do not lose it.
 */

const KEY = "umecom-map.my-pins";
/** Enough for anyone's pins; well within what one `ids` filter takes (500). */
const KEPT = 100;

/** @returns {number[]} the ids kept, newest first (at most KEPT, whatever the storage holds) */
export function myPinIds() {
  try {
    const ids = JSON.parse(window.localStorage.getItem(KEY) || "[]");
    if (!Array.isArray(ids)) return [];
    const valid = ids.filter((id) => Number.isSafeInteger(id) && id > 0);
    return [...new Set(valid)].slice(0, KEPT);
  } catch {
    return [];
  }
}

/**
 * Remember a pin just placed here.
 * @param {number} id
 */
export function rememberMyPin(id) {
  if (!Number.isSafeInteger(id) || id <= 0) return;
  const ids = [id, ...myPinIds().filter((known) => known !== id)].slice(0, KEPT);
  try {
    window.localStorage.setItem(KEY, JSON.stringify(ids));
  } catch {
    // storage refused or full: the pin is saved all the same, only not listed
  }
}

/** Forget every pin of this browser (a shared computer, say). */
export function forgetMyPins() {
  try {
    window.localStorage.removeItem(KEY);
  } catch {
    // nothing was stored
  }
}

const DRAFT_KEY = "umecom-map.pin-draft";
const DRAFT_TEXTS = ["kind", "category", "title", "body", "author_name", "placeName"];

/**
 * @typedef {{kind: string, category: string, title: string, body: string, author_name: string,
 *   placeName: string, lat: number, lng: number}} PinDraft the form's fields and its point
 */

/**
 * Keep the pin being written in this tab.
 * @param {PinDraft} draft
 */
export function keepPinDraft(draft) {
  try {
    window.sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    // storage refused or full: the form works all the same, only a reload loses it
  }
}

/** @returns {PinDraft|null} the pin kept in this tab, when it has the shape it was kept in */
export function pinDraft() {
  let draft;
  try {
    draft = JSON.parse(window.sessionStorage.getItem(DRAFT_KEY) || "null");
  } catch {
    return null;
  }
  if (!draft || typeof draft !== "object") return null;
  if (!Number.isFinite(draft.lat) || !Number.isFinite(draft.lng)) return null;
  if (!DRAFT_TEXTS.every((name) => typeof draft[name] === "string")) return null;
  return draft;
}

/** Forget the pin being written (saved, cancelled, or its place refused). */
export function forgetPinDraft() {
  try {
    window.sessionStorage.removeItem(DRAFT_KEY);
  } catch {
    // nothing was kept
  }
}
