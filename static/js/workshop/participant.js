/**
 * Entry point of a participant's map (templates/workshop/map.html). Leaflet and Leaflet-Geoman
 * are classic scripts loaded before it.
 */

import { WorkshopPage } from "umecom/workshop/map-page.js";

if (typeof L !== "undefined") new WorkshopPage().start();
