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
    // On a phone the tool panel covers the top of the map, where a card often opens: it makes
    // way while a card is open (app.css), as it does for the new-pin form.
    document.body.classList.add("pin-card-open");
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
