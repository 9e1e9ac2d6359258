/**
 * Clusters made by the server: when a view holds more pins than it sends one by one
 * (MAP_PIN_LIMIT), /api/map/clusters answers grid cells with a `count` and the `bbox` of the pins
 * they hold. Each is drawn as a count that zooms to that box when activated.
 */

import { actLikeButton } from "umecom/lib/dom.js";
import { countIcon } from "umecom/citizen/markers.js";

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
    const coords = feature.geometry && feature.geometry.coordinates;
    const { count, bbox } = feature.properties;
    if (!Array.isArray(coords) || !Array.isArray(bbox) || bbox.length !== 4) return null;
    const marker = L.marker([coords[1], coords[0]], {
      icon: countIcon(count, "server-cluster"),
      keyboard: true,
    });
    const zoomIn = () =>
      this.map.fitBounds(
        [
          [bbox[1], bbox[0]],
          [bbox[3], bbox[2]],
        ],
        { padding: [40, 40], maxZoom: 18 },
      );
    marker.on("click", zoomIn);
    marker.on("add", () => actLikeButton(marker.getElement(), zoomIn));
    return marker;
  }
}
