/**
 * The pins this browser placed, by id, newest first: remembered in the browser alone
 * (localStorage), so "My pins" needs no account and the server keeps nothing to link a pin
 * to a person. A browser that refuses storage (a private window) simply has no list.
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
