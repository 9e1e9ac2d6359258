/**
 * "Place a pin where I am": a map button under the zoom buttons that asks the browser for the
 * citizen's position (once, when pressed) and opens the new-pin form there, the map zoomed in
 * to it. A citizen standing at the broken lamp should not have to find it on the map first.
 *
 * The position stays in the browser until the pin is saved; a position outside the
 * municipality, a refusal or no fix at all is said in the map's notice, with the other way
 * (choosing the place on the map).
 */

import { settings, t } from "umecom/lib/settings.js";

/** The zoom the map moves to at least: a street and its houses. */
const STREET_ZOOM = 17;

/** A crosshair: the usual sign for "my position" on a map (drawn, not a glyph of a font). */
const ICON = `<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
  <circle cx="12" cy="12" r="7" fill="none" stroke="currentColor" stroke-width="2"/>
  <circle cx="12" cy="12" r="2.5" fill="currentColor"/>
  <path d="M12 1v4M12 19v4M1 12h4M19 12h4" stroke="currentColor" stroke-width="2"/>
</svg>`;

/**
 * @param {any} map L.Map
 * @param {{openAt: (latlng: any, where: string, opener: Element, outside: string) => void,
 *   notify: (text: string) => void}} options `openAt` opens the form (`outside`: what to say
 *   if the server finds the place outside the municipality); `notify` shows and says
 */
export function addPinHereButton(map, { openAt, notify }) {
  if (!("geolocation" in navigator)) return;
  const PinHere = L.Control.extend({
    options: { position: "topright" },
    onAdd() {
      const bar = L.DomUtil.create("div", "leaflet-bar pin-here");
      const button = /** @type {HTMLButtonElement} */ (
        L.DomUtil.create("button", "pin-here__button", bar)
      );
      button.type = "button";
      button.setAttribute("aria-label", t("pinWhereIAm"));
      button.title = t("pinWhereIAm");
      button.innerHTML = ICON;
      L.DomEvent.disableClickPropagation(bar);
      button.addEventListener("click", () => locate(map, button, { openAt, notify }));
      return bar;
    },
  });
  new PinHere().addTo(map);
}

/**
 * Ask for the position once; open the form there, or say why not.
 * @param {any} map L.Map
 * @param {HTMLButtonElement} button
 * @param {{openAt: (latlng: any, where: string, opener: Element, outside: string) => void,
 *   notify: (text: string) => void}} options
 */
function locate(map, button, { openAt, notify }) {
  if (button.getAttribute("aria-busy") === "true") return;
  button.setAttribute("aria-busy", "true");
  notify(t("locating"));
  const done = () => button.removeAttribute("aria-busy");
  navigator.geolocation.getCurrentPosition(
    (position) => {
      done();
      const { latitude, longitude, accuracy } = position.coords;
      const latlng = L.latLng(latitude, longitude);
      if (!L.latLngBounds(settings.bounds).contains(latlng)) {
        notify(t("positionOutside"));
        return;
      }
      map.setView(latlng, Math.max(map.getZoom(), STREET_ZOOM), { animate: false });
      openAt(latlng, t("pinAtPosition", { m: Math.round(accuracy) }), button, t("positionOutside"));
    },
    (error) => {
      done();
      notify(error.code === error.PERMISSION_DENIED ? t("positionDenied") : t("positionUnknown"));
    },
    // a fix of the last minute will do; a phone's first fix outdoors takes seconds
    { enableHighAccuracy: true, timeout: 20_000, maximumAge: 60_000 },
  );
}
