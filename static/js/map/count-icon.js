/**
 * The round icon of a count of pins, shared by the citizen map's clusters (browser and server)
 * and the planners' workspace: its text fits its circle, its accessible name says the count.
 */

import { el } from "umecom/lib/dom.js";
import { LabelledIcon } from "umecom/map/labelled-icon.js";

// From this count on, an icon shows it short, to two figures ("28 tn", "1,2 mn"; "28K",
// "1.2M" in English): a server cell at a million pins holds up to six digits, too wide for a
// round icon that leaves its neighbours room. Its accessible name says the exact count.
const SHORT_FROM = 10000;
// Icons by the length of what they show: a wider circle for a longer text (at 0.75rem bold,
// "9999" and "28 tn" take 33-35 px of the wide one's 40, "1,2 mn" 46 of the wider one's 48).
const ICON_PX = { normal: 40, wide: 48, wider: 56 };

/**
 * A round icon showing `n`, styled by markercluster's size classes.
 * @param {number} n
 * @param {string} label its accessible name, e.g. "12 pins here. Activate to zoom in."
 * @param {string} [extraClass] e.g. "server-cluster"
 */
export function countIcon(n, label, extraClass = "") {
  const size = n < 10 ? "small" : n < 100 ? "medium" : "large";
  const shown = shownCount(n);
  const width = shown.length <= 3 ? "normal" : shown.length <= 5 ? "wide" : "wider";
  const classes = ["marker-cluster", `marker-cluster-${size}`, "pin-cluster"];
  if (width !== "normal") classes.push(`pin-cluster--${width}`);
  if (extraClass) classes.push(extraClass);
  return new LabelledIcon({
    html: el("span", "cluster-count", shown),
    className: classes.join(" "),
    iconSize: L.point(ICON_PX[width], ICON_PX[width]),
    label,
  });
}

/** @type {Intl.NumberFormat|undefined} */
let shortFormat;

/**
 * A count as its icon shows it: whole below SHORT_FROM, else short in the page's language.
 * @param {number} n
 */
function shownCount(n) {
  if (n < SHORT_FROM) return String(n);
  shortFormat ??= new Intl.NumberFormat(document.documentElement.lang || undefined, {
    notation: "compact",
    maximumSignificantDigits: 2,
  });
  return shortFormat.format(n);
}
