/**
 * Entry point of the citizen map page (templates/index.html): builds the map and wires the
 * pieces together. Leaflet and markercluster are classic scripts loaded before it.
 */

import { announcer } from "umecom/lib/dom.js";
import { keepPlaceOnLanguageSwitch } from "umecom/lib/language-links.js";
import { createMap } from "umecom/map/create-map.js";
import { setUpKeyboardPin } from "umecom/map/keyboard-pin.js";
import { setUpPlaceSearch } from "umecom/map/place-search.js";
import { addReferenceLayers } from "umecom/map/reference-layers.js";
import { setUpFilters } from "umecom/citizen/filters.js";
import { keepFocusedMarkersInView } from "umecom/citizen/focus-in-view.js";
import { PinForm, showNotice } from "umecom/citizen/pin-form.js";
import { addPinHereButton } from "umecom/citizen/pin-here.js";
import { PinLayer } from "umecom/citizen/pin-layer.js";
import { foldOnPhones } from "umecom/citizen/tool-panel.js";
import { keepViewInAddress, viewInAddress } from "umecom/citizen/view-in-address.js";

function start() {
  const element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  const announce = announcer(document.getElementById("map-status"));

  const map = createMap(element);
  const view = viewInAddress(window.location.hash, map);
  if (view) map.setView(view.center, view.zoom, { animate: false });
  keepViewInAddress(map);
  foldOnPhones(document.getElementById("map-tools"));
  keepFocusedMarkersInView(map, document.getElementById("map-tools"));
  addReferenceLayers(map);
  /** @type {ReturnType<typeof setUpFilters>|null} */
  let filters = null;
  const pins = new PinLayer(map, {
    announce,
    onLoaded: (found) => filters?.showMatches(found),
    onFailed: (err) => filters?.showFailure(err),
  });
  const form = new PinForm(map, {
    announce,
    onSaved: (feature) => pins.addFeature(feature),
  });

  // Pointer: click or tap the map. A click that only closed a popup does not open the form.
  let popupWasOpen = false;
  let popupOpen = false;
  map.on("popupopen", () => {
    popupOpen = true;
  });
  map.on("popupclose", () => {
    popupOpen = false;
  });
  map.on("preclick", () => {
    popupWasOpen = popupOpen;
  });
  map.on("click", (event) => {
    if (popupWasOpen) return;
    form.open(event.latlng, { opener: element });
  });

  setUpKeyboardPin(map, (latlng, opener) => form.open(latlng, { opener }), {
    button: document.getElementById("pin-centre"),
  });
  addPinHereButton(map, {
    openAt: (latlng, where, opener, outside) => form.open(latlng, { where, opener, outside }),
    notify: showNotice,
  });
  setUpPlaceSearch(map, {
    onPinHere: (latlng, name, opener) => form.open(latlng, { placeName: name, opener }),
  });
  filters = setUpFilters((chosen) => pins.setFilters(chosen), announce);

  // A link to one pin: /#pin=42 (from its page, the list, or shared).
  const showLinkedPin = () => {
    const match = /^#pin=(\d+)$/.exec(window.location.hash);
    if (match) pins.showPin(Number(match[1]));
  };
  window.addEventListener("hashchange", showLinkedPin);

  keepPlaceOnLanguageSwitch();
  pins.reload();
  showLinkedPin();
  element.dataset.ready = "true";
}

start();
