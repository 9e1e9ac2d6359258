/**
 * Dates as form fields hold them, in the browser's own time zone.
 */

/** @param {number} n */
const two = (n) => String(Math.abs(n)).padStart(2, "0");

/**
 * A calendar date as a date field holds it ("2026-12-05"), in the browser's time zone.
 * @param {Date} day
 */
export function localDate(day) {
  return `${day.getFullYear()}-${two(day.getMonth() + 1)}-${two(day.getDate())}`;
}

/**
 * An instant as RFC 3339 in the browser's time zone, with its offset
 * ("2026-05-01T18:00:00+02:00").
 * @param {Date} date
 */
export function localDateTime(date) {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${localDate(date)}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}` +
    `${sign}${two(Math.trunc(offset / 60))}:${two(offset % 60)}`
  );
}
