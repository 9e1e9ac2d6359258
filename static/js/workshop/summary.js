/**
 * Entry point of the summary page (templates/workshop/summary.html): the counts are on the
 * page; this draws the results on the map (visible drawings only, as the counts).
 */

import { errorMessage, request } from "umecom/lib/request.js";
import { settings, urlFor } from "umecom/lib/settings.js";
import { createMap } from "umecom/map/create-map.js";
import { addReferenceLayers } from "umecom/map/reference-layers.js";
import { AnnotationLayer } from "umecom/workshop/shapes.js";
import { showFocusArea } from "umecom/workshop/workshop.js";

async function start() {
  const element = document.getElementById("map");
  if (!element || !settings.member) return;
  const map = createMap(element);
  addReferenceLayers(map);
  const layer = new AnnotationLayer(map, { facilitator: false });
  const id = Number(settings.workshopId);
  try {
    const [state, collection] = await Promise.all([
      request(urlFor("workshop", { workshop_id: id })),
      request(urlFor("annotations", { workshop_id: id })),
    ]);
    const focus = showFocusArea(map, state.focus_area);
    layer.load(collection.features || []);
    const bounds = layer.bounds();
    if (bounds) map.fitBounds(bounds, { maxZoom: 16, padding: [30, 30] });
    else if (!focus) map.setView(settings.center, settings.zoom);
  } catch (err) {
    const status = document.getElementById("map-status");
    if (status) status.textContent = errorMessage(err);
  }
  element.dataset.ready = "true";
}

if (typeof L !== "undefined") start();
