/**
 * Call `fn` once calls have stopped for `wait` ms (map moves, typing): one request per pause,
 * not one per event. `cancel()` drops a call still waiting.
 * @template {any[]} A
 * @param {(...args: A) => void} fn
 * @param {number} wait milliseconds
 * @returns {((...args: A) => void) & {cancel: () => void}}
 */
export function debounce(fn, wait) {
  let timer = 0;
  const later = (/** @type {A} */ ...args) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => fn(...args), wait);
  };
  later.cancel = () => window.clearTimeout(timer);
  return later;
}
