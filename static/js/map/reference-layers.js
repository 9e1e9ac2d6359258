/**
 * The light reference layers under everything else: the municipality outline (where pins are
 * accepted) and the districts (named on hover, where a pointer hovers). Either may fail to
 * load; the map works without. A page that uses it names the URLs `area` and `districts` in its
 * settings.
 */

import { request } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";

/**
 * Load the outline and the districts into their own pane, below the markers.
 * @param {any} map L.Map
 */
export async function addReferenceLayers(map) {
  const pane = map.createPane("reference");
  pane.style.zIndex = "350";
  const [area, districts] = await Promise.allSettled([
    request(urlFor("area")),
    request(urlFor("districts")),
  ]);
  if (districts.status === "fulfilled" && districts.value) {
    // Leaflet opens a tooltip on a click too, for touch: on a phone every tap that placed a
    // pin or a workshop drawing's corner left its district's name beside the tap, over what
    // was drawn there, until the next tap. Where nothing hovers, names are not bound; the
    // new-pin form names the district, and the place search finds one.
    const canHover = !window.matchMedia("(hover: none)").matches;
    const outlines = L.geoJSON(districts.value, {
      pane: "reference",
      // interactive for the name tooltips; clicks still reach the map (to place a pin)
      interactive: true,
      bubblingMouseEvents: true,
      style: () => ({ className: "district", weight: 1, fill: true, fillOpacity: 0 }),
      attribution: t("districtAttribution"),
      onEachFeature: (feature, layer) => {
        const name = feature.properties && feature.properties.name;
        if (name && canHover) {
          layer.bindTooltip(String(name), { sticky: true, className: "district-tooltip" });
        }
      },
    }).addTo(map);
    // The tooltip's focus listeners make Chromium put every outline in the Tab order: over a
    // hundred stops with no name before the map's controls. The names are a pointer's help;
    // the place search finds a district by keyboard.
    outlines.eachLayer((layer) => layer.getElement()?.setAttribute("tabindex", "-1"));
  }
  if (area.status === "fulfilled" && area.value) {
    L.geoJSON(area.value, {
      pane: "reference",
      interactive: false,
      style: () => ({ className: "area-outline", weight: 3, fill: false }),
    }).addTo(map);
  }
}
