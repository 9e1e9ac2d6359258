/**
 * Clusters made by the server: when a view holds more pins than it sends one by one
 * (MAP_PIN_LIMIT), /api/map/clusters answers grid cells with a `count` and the `bbox` of the pins
 * they hold. Each is drawn as a count that zooms to that box when activated.
 */

import { clusterIcon } from "umecom/citizen/markers.js";
import { cellMarker } from "umecom/map/cell-marker.js";

export class ServerClusters {
  /** @param {any} map L.Map */
  constructor(map) {
    this.map = map;
    this.group = L.layerGroup().addTo(map);
  }

  /**
   * Show these cluster Features instead of the previous ones.
   * @param {any[]} features Features with `properties.cluster` true
   */
  replace(features) {
    this.group.clearLayers();
    for (const feature of features) {
      const marker = this.marker(feature);
      if (marker) this.group.addLayer(marker);
    }
  }

  /**
   * The marker of one server cluster, or null when the Feature is malformed.
   * @param {any} feature
   */
  marker(feature) {
    return cellMarker(this.map, feature, clusterIcon(feature.properties.count, "server-cluster"));
  }
}
