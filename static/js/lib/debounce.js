/**
 * Call `fn` once calls have stopped for `wait` ms (map moves, typing): one request per pause,
 * not one per event.
 * @template {any[]} A
 * @param {(...args: A) => void} fn
 * @param {number} wait milliseconds
 * @returns {(...args: A) => void}
 */
export function debounce(fn, wait) {
  let timer = 0;
  return (...args) => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => fn(...args), wait);
  };
}
