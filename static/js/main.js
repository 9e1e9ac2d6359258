/**
 * Entry point of the map page: builds the map and wires the pieces together.
 */

import { addReferenceLayers, createMap } from "./map.js";
import { setUpFilters } from "./filters.js";
import { setUpKeyboardPin } from "./keyboard-pin.js";
import { PinForm } from "./pin-form.js";
import { PinLayer } from "./pins.js";
import { setUpPlaceSearch } from "./place-search.js";

function start() {
  const element = document.getElementById("map");
  if (!element || typeof L === "undefined") return;
  const status = document.getElementById("map-status");
  /** Say something politely to screen readers (and show nothing). */
  const announce = (text) => {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(() => {
      status.textContent = text;
    }, 50);
  };

  const map = createMap(element);
  addReferenceLayers(map);
  const pins = new PinLayer(map, { announce });
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

  setUpKeyboardPin(map, (latlng, opener) => form.open(latlng, { opener }));
  setUpPlaceSearch(map, {
    onPinHere: (latlng, name, opener) => form.open(latlng, { placeName: name, opener }),
  });
  setUpFilters((filters) => pins.setFilters(filters), announce);

  // A link to one pin: /#pin=42 (from its page, the list, or shared).
  const showLinkedPin = () => {
    const match = /^#pin=(\d+)$/.exec(window.location.hash);
    if (match) pins.showPin(Number(match[1]));
  };
  window.addEventListener("hashchange", showLinkedPin);

  pins.reload();
  showLinkedPin();
  element.dataset.ready = "true";
}

start();
