/**
 * Five colour classes for the choropleths (districts, hexagons), computed from the values.
 *
 * Quantile classes, the same as the planner's report (geo/report.py::class_breaks), so the
 * workspace and the report a planner mails colour a district alike. Quantiles put about as many
 * areas in each class, which suits pin counts: they are skewed (a few central districts hold
 * most pins), and equal-width classes would leave nearly every district in the lowest one.
 * Zero (no pins) and unknown values (no population) are classes of their own.
 */

// ColorBrewer YlOrRd, 5 classes (as the report): readable in print and for most colour vision.
export const PALETTE = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
export const EMPTY_COLOUR = "#ffffff";
export const NO_DATA_COLOUR = "#bdbdbd";

/**
 * Upper bounds of up to five quantile classes of the positive values (no repeated bound).
 * @param {number[]} values
 * @returns {number[]}
 */
export function classBreaks(values) {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0).sort((a, b) => a - b);
  /** @type {number[]} */
  const breaks = [];
  if (!positive.length) return breaks;
  for (let k = 1; k <= PALETTE.length; k += 1) {
    const index = Math.min(positive.length - 1, Math.round((k * positive.length) / PALETTE.length) - 1);
    const bound = positive[Math.max(index, 0)];
    if (!breaks.length || bound > breaks[breaks.length - 1]) breaks.push(bound);
  }
  return breaks;
}

/**
 * The colour of a value: its class's, white for zero, grey for unknown (null).
 * With fewer than five classes the darker end of the palette is used, as in the report.
 * @param {number|null|undefined} value
 * @param {number[]} breaks
 */
export function colourFor(value, breaks) {
  if (value === null || value === undefined) return NO_DATA_COLOUR;
  if (value <= 0 || !breaks.length) return EMPTY_COLOUR;
  const offset = PALETTE.length - breaks.length;
  const index = breaks.findIndex((bound) => value <= bound);
  return PALETTE[index < 0 ? PALETTE.length - 1 : offset + index];
}

/**
 * The class ranges for the legend, with their colours: "1–3", "4–9" for whole numbers,
 * "0.5–1.2" otherwise (above the lower bound, up to the upper one).
 * @param {number[]} breaks
 * @param {(n: number) => string} format the number in the page language
 * @returns {{colour: string, label: string}[]}
 */
export function classRanges(breaks, format) {
  const whole = breaks.every((b) => Number.isInteger(b));
  const offset = PALETTE.length - breaks.length;
  let low = 0;
  return breaks.map((bound, index) => {
    const start = whole ? low + 1 : low;
    const label = start === bound ? format(bound) : `${format(start)}–${format(bound)}`;
    low = bound;
    return { colour: PALETTE[offset + index], label };
  });
}
