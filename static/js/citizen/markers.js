/**
 * The markers of the citizen map: one pin (its icon says kind and category by shape, glyph and
 * colour; its accessible name says them in words) with its popup card, and the count icon that
 * both kinds of cluster (browser and server) share (umecom/map/count-icon.js, named here).
 */

import { actLikeButton, cssSlug, el } from "umecom/lib/dom.js";
import { categoryLabel, kindLabel, t } from "umecom/lib/settings.js";
import { countIcon } from "umecom/map/count-icon.js";
import { LabelledIcon } from "umecom/map/labelled-icon.js";
import { showPinCard } from "umecom/citizen/pin-card.js";

/**
 * The count icon of a cluster ("12 pins here. Activate to zoom in.").
 * @param {number} n
 * @param {string} [extraClass] e.g. "server-cluster"
 */
export function clusterIcon(n, extraClass = "") {
  return countIcon(n, t("clusterLabel", { n }), extraClass);
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
 * Name the card's close button in the page's language (Leaflet names it "Close popup").
 * @param {HTMLElement|undefined} container the popup's element
 */
function labelCloseButton(container) {
  const button = container?.querySelector(".leaflet-popup-close-button");
  if (!button) return;
  button.setAttribute("aria-label", t("closeCard"));
  button.setAttribute("title", t("closeCard"));
}

/** Pixels between a card and the map's edges. */
const CARD_MARGIN = 12;
/** Right of a card: the zoom and position buttons down the map's right edge, and a margin. */
const CARD_RIGHT = 64;
/** Left of a card on a wide screen: the tool panel down the map's left side. */
const CARD_LEFT_WIDE = 390;
/** Below the card's content: its tip, the pin under it and a margin (`pinIcon`). */
const CARD_BELOW = 64;
/** Around the card's content: its padding and border (app.css, .pin-popup). */
const CARD_FRAME = 40;

/**
 * Size and place a card for the map as it is now: no wider and no taller than the map leaves
 * room for, its content scrolling past that. Leaflet pans the map to bring a card into view,
 * and a card taller than the map (an answer, a long text on a phone or at 200 % zoom) was
 * panned until its pin had left the map. Clear of the buttons on the right, and of the tool
 * panel on the left where it stays while a card is open (wide screens; app.css).
 * @param {any} popup L.Popup
 * @param {any} map L.Map
 */
function fitCard(popup, map) {
  if (!map) return;
  const size = map.getSize();
  const left = size.x > 640 ? CARD_LEFT_WIDE : CARD_MARGIN;
  const room = size.x - left - CARD_RIGHT - CARD_FRAME;
  Object.assign(popup.options, {
    maxWidth: Math.max(160, Math.min(320, room)),
    minWidth: Math.max(160, Math.min(220, room)),
    maxHeight: Math.max(120, size.y - 2 * CARD_MARGIN - CARD_BELOW - CARD_FRAME),
    autoPanPaddingTopLeft: L.point(left, CARD_MARGIN),
    autoPanPaddingBottomRight: L.point(CARD_RIGHT, CARD_MARGIN),
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
  /** @type {any} the map the card opened on */
  let map = null;
  marker.bindPopup(el("div", "pin-card"), { className: "pin-popup" });
  // markercluster takes a marker off the map and puts it back whenever the clusters change (a
  // pan, a load that brings a neighbour), and Leaflet closes a marker's card when it leaves the
  // map: the card a person opened would vanish. It closes when they close it, or open another.
  marker.off("remove", marker.closePopup, marker);
  marker.on("click", (event) => {
    marker.openedByKeyboard = Boolean(event.keyboard);
  });
  marker.on("popupopen", (event) => {
    // On a phone the tool panel covers the top of the map, where a card often opens: it makes
    // way while a card is open (app.css), as it does for the new-pin form.
    document.body.classList.add("pin-card-open");
    map = event.popup._map;
    fitCard(event.popup, map);
    labelCloseButton(event.popup.getElement());
    closeOnEscape(marker, event.popup.getElement());
    showPinCard(event.popup, marker.pinId, { focusTitle: () => marker.openedByKeyboard });
  });
  marker.on("popupclose", (event) => {
    document.body.classList.remove("pin-card-open");
    // Give focus back to the marker, unless the person has moved it elsewhere meanwhile.
    const container = event.popup.getElement();
    const active = document.activeElement;
    const lost = !active || active === document.body || (container && container.contains(active));
    const node = marker.getElement();
    if (marker.openedByKeyboard && lost) {
      // the pin may sit in a cluster now (a load brought a neighbour): focus what shows it
      (node && document.contains(node) ? node : map?.getContainer())?.focus();
    }
    marker.openedByKeyboard = false;
  });
  marker.on("add", () => {
    actLikeButton(marker.getElement(), () =>
      marker.fire("click", { latlng: marker.getLatLng(), keyboard: true }),
    );
  });
  return marker;
}

/**
 * Open a pin's card at its place, whether its marker is drawn or sits in a cluster (a link to
 * a pin among neighbours): Leaflet's openPopup does nothing while the marker is off the map.
 * @param {any} marker a marker from `pinMarker`
 * @param {any} map L.Map
 */
export function openCard(marker, map) {
  if (marker.isPopupOpen()) return;
  if (marker._map) marker.openPopup();
  else marker.getPopup().setLatLng(marker.getLatLng()).openOn(map);
}
