/**
 * Place search: districts and localities by name. Results are a list of buttons; choosing one
 * flies the map there and offers "Put the pin here".
 * Its markup is templates/_place_search.html; the parts are found by their ids. A page that uses
 * it names the URL `places` in its settings.
 */

import { debounce } from "umecom/lib/debounce.js";
import { errorMessage, request } from "umecom/lib/request.js";
import { settings, t, urlFor } from "umecom/lib/settings.js";

/**
 * @param {any} map L.Map
 * @param {{onPinHere: (latlng: any, name: string, opener: Element) => void}} options
 *   `onPinHere` is called when "Put the pin here" is chosen for the place
 */
export function setUpPlaceSearch(map, { onPinHere }) {
  const form = /** @type {HTMLFormElement} */ (document.getElementById("place-search"));
  const input = /** @type {HTMLInputElement} */ (document.getElementById("place-q"));
  const list = /** @type {HTMLUListElement} */ (document.getElementById("place-results"));
  const summary = /** @type {HTMLElement} */ (document.getElementById("place-summary"));
  const pinHere = /** @type {HTMLButtonElement} */ (document.getElementById("pin-here"));
  if (!form || !input || !list) return;
  let chosen = null;
  let lastQuery = null;
  let controller = null;
  let flying = false;

  const typeLabel = (type) => {
    const key = "placeType" + String(type).charAt(0).toUpperCase() + String(type).slice(1);
    return settings.strings && settings.strings[key] ? t(key) : String(type);
  };

  const choose = (place) => {
    chosen = place;
    const latlng = L.latLng(place.lat, place.lon);
    flying = true;
    map.once("moveend", () => {
      flying = false;
    });
    map.flyTo(latlng, place.type === "tatort" && (place.population || 0) > 20000 ? 13 : 15, {
      duration: 0.8,
    });
    list.replaceChildren();
    list.hidden = true;
    summary.textContent = t("placeChosen", { name: place.name });
    pinHere.hidden = false;
    pinHere.focus();
  };

  const show = (places) => {
    list.replaceChildren();
    for (const place of places) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "place-result";
      const name = document.createElement("span");
      name.className = "place-result__name";
      name.textContent = place.name;
      const type = document.createElement("span");
      type.className = "place-result__type";
      type.textContent = typeLabel(place.type);
      button.append(name, " ", type);
      button.addEventListener("click", () => choose(place));
      item.append(button);
      list.append(item);
    }
    list.hidden = places.length === 0;
    summary.textContent = places.length ? t("placesFound", { n: places.length }) : t("noPlaces");
  };

  const search = async (query) => {
    query = query.trim();
    if (query === lastQuery) return;
    lastQuery = query;
    if (controller) controller.abort();
    if (!query) {
      list.replaceChildren();
      list.hidden = true;
      summary.textContent = "";
      return;
    }
    controller = new AbortController();
    try {
      const places = await request(`${urlFor("places")}?${new URLSearchParams({ q: query })}`, {
        signal: controller.signal,
      });
      show(Array.isArray(places) ? places : []);
    } catch (err) {
      if (err && err.name === "AbortError") return;
      lastQuery = null;
      summary.textContent = errorMessage(err);
    }
  };

  const searchSoon = debounce(() => search(input.value), 300);
  input.addEventListener("input", () => {
    pinHere.hidden = true;
    chosen = null;
    if (input.value.trim().length >= 2 || !input.value.trim()) searchSoon();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && !list.hidden) {
      event.preventDefault();
      list.querySelector("button")?.focus();
    }
  });
  list.addEventListener("keydown", (event) => {
    const buttons = [...list.querySelectorAll("button")];
    const at = buttons.indexOf(/** @type {HTMLButtonElement} */ (document.activeElement));
    if (at < 0) return;
    if (event.key === "ArrowDown" && at < buttons.length - 1) {
      event.preventDefault();
      buttons[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      (at > 0 ? buttons[at - 1] : input).focus();
    } else if (event.key === "Escape") {
      // Closes the list (a second Escape, in the field, empties it as a search field does);
      // the count described the list, and the next search runs even for the same words.
      // A search still to come (the typing's, 300 ms on) or under way would open it again.
      event.preventDefault();
      searchSoon.cancel();
      if (controller) controller.abort();
      list.replaceChildren();
      list.hidden = true;
      summary.textContent = "";
      lastQuery = null;
      input.focus();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    searchSoon.cancel(); // the search is now, not once the typing has paused
    lastQuery = null;
    search(input.value);
  });
  pinHere.addEventListener("click", () => {
    if (!chosen) return;
    const place = chosen;
    const go = () => onPinHere(L.latLng(place.lat, place.lon), place.name, pinHere);
    // Let the flight end first, so the form can keep the new pin in view.
    if (flying) map.once("moveend", go);
    else go();
  });
}
