/**
 * The markers of the citizen map: one pin (its icon says kind and category by shape, glyph and
 * colour; its accessible name says them in words) with its popup card, and the count icon that
 * both kinds of cluster (browser and server) share.
 */

import { actLikeButton, cssSlug, el } from "umecom/lib/dom.js";
import { categoryLabel, kindLabel, settings, t } from "umecom/lib/settings.js";
import { LabelledIcon } from "umecom/map/labelled-icon.js";
import { showPinCard } from "umecom/citizen/pin-card.js";

// From this count on, a cluster's icon shows it short, to two figures ("28 tn", "1,2 mn";
// "28K", "1.2M" in English): a server cell at a million pins holds up to six digits, too wide
// for a round icon that leaves its neighbours room. Its accessible name says the exact count.
const SHORT_FROM = 10000;
// Icons by the length of what they show: a wider circle for a longer text (at 0.75rem bold,
// "9999" and "28 tn" take 33-35 px of the wide one's 40, "1,2 mn" 46 of the wider one's 48).
const ICON_PX = { normal: 40, wide: 48, wider: 56 };

/**
 * A round icon with a count ("12 pins here. Activate to zoom in."), styled by
 * markercluster's size classes.
 * @param {number} n
 * @param {string} [extraClass] e.g. "server-cluster"
 */
export function countIcon(n, extraClass = "") {
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
    label: t("clusterLabel", { n }),
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
  shortFormat ??= new Intl.NumberFormat(settings.locale, {
    notation: "compact",
    maximumSignificantDigits: 2,
  });
  return shortFormat.format(n);
}

/**
 * The icon of one pin: shape by kind, glyph and colour by category (see app.css).
 * @param {{kind?: string, category?: string, title?: string}} props the Feature's properties
 */
function pinIcon(props) {
  return new LabelledIcon({
    className: `pin pin--${cssSlug(props.kind)} pin--cat-${cssSlug(props.category)}`,
    iconSize: L.point(28, 28),
    iconAnchor: L.point(14, 28),
    popupAnchor: L.point(0, -26),
    label: t("pinLabel", {
      kind: kindLabel(props.kind),
      category: categoryLabel(props.category),
      title: props.title || "",
    }),
  });
}

/**
 * Escape closes the popup even when focus is inside it: Leaflet only listens for Escape while
 * the map itself has focus.
 * @param {any} marker L.Marker
 * @param {HTMLElement|undefined} container the popup's element
 */
function closeOnEscape(marker, container) {
  if (!container || container.dataset.keys) return;
  container.dataset.keys = "1";
  container.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      marker.closePopup();
    }
  });
}

/**
 * A marker for one pin Feature; opening it shows the pin's card. Keyboard users get the same as
 * pointer users: Enter/Space opens it, focus moves into the card and comes back when it closes.
 * @param {any} feature a GeoJSON Point Feature with an id
 * @returns {any|null} the L.Marker (with `pinId`), or null for a Feature without coordinates
 */
export function pinMarker(feature) {
  const coords = feature.geometry && feature.geometry.coordinates;
  if (!Array.isArray(coords) || coords.length < 2) return null;
  const marker = L.marker([coords[1], coords[0]], {
    icon: pinIcon(feature.properties || {}),
    keyboard: true,
    riseOnHover: true,
  });
  marker.pinId = feature.id;
  marker.bindPopup(el("div", "pin-card"), {
    maxWidth: 320,
    minWidth: 220,
    autoPanPadding: L.point(20, 20),
    // keep the card clear of the tool panel in the top left corner on wide screens
    autoPanPaddingTopLeft: window.innerWidth > 640 ? L.point(390, 20) : L.point(10, 10),
    className: "pin-popup",
  });
  marker.on("click", (event) => {
    marker.openedByKeyboard = Boolean(event.keyboard);
  });
  marker.on("popupopen", (event) => {
    closeOnEscape(marker, event.popup.getElement());
    showPinCard(event.popup, marker.pinId, { focusTitle: () => marker.openedByKeyboard });
  });
  marker.on("popupclose", (event) => {
    // Give focus back to the marker, unless the person has moved it elsewhere meanwhile.
    const container = event.popup.getElement();
    const active = document.activeElement;
    const lost = !active || active === document.body || (container && container.contains(active));
    const node = marker.getElement();
    if (marker.openedByKeyboard && lost && node && document.contains(node)) node.focus();
    marker.openedByKeyboard = false;
  });
  marker.on("add", () => {
    actLikeButton(marker.getElement(), () =>
      marker.fire("click", { latlng: marker.getLatLng(), keyboard: true }),
    );
  });
  return marker;
}
