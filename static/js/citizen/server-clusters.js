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
    /** @type {Map<string, any>} the cells drawn, by what they show (see `key`) */
    this.drawn = new Map();
  }

  /**
   * Show these cluster Features instead of the previous ones. A cell that comes back unchanged
   * keeps its marker: every pan reloads the view (a marker focused by Tab is panned into view),
   * and a marker rebuilt under the keyboard's focus would send the focus to <body>.
   * @param {any[]} features Features with `properties.cluster` true
   */
  replace(features) {
    const wanted = new Map(features.map((feature) => [key(feature), feature]));
    const focused = this.focusedId();
    for (const [k, marker] of this.drawn) {
      if (wanted.has(k)) continue;
      this.group.removeLayer(marker);
      this.drawn.delete(k);
    }
    for (const [k, feature] of wanted) {
      if (this.drawn.has(k)) continue;
      const marker = this.marker(feature);
      if (!marker) continue;
      marker.cellId = feature.id;
      this.group.addLayer(marker);
      this.drawn.set(k, marker);
    }
    if (focused !== null) this.refocus(focused);
  }

  /** The id of the cell whose marker has the focus, or null. */
  focusedId() {
    const active = document.activeElement;
    for (const marker of this.drawn.values()) {
      if (marker.getElement() === active) return marker.cellId;
    }
    return null;
  }

  /**
   * The focused cell's count changed, so its marker was rebuilt: focus the new one, or the map
   * when the cell has gone, never <body> (the next Tab would start at the top of the page).
   * @param {string} id
   */
  refocus(id) {
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    for (const marker of this.drawn.values()) {
      if (marker.cellId === id) {
        marker.getElement()?.focus({ preventScroll: true });
        return;
      }
    }
    this.map.getContainer().focus({ preventScroll: true });
  }

  /**
   * The marker of one server cluster, or null when the Feature is malformed.
   * @param {any} feature
   */
  marker(feature) {
    return cellMarker(this.map, feature, clusterIcon(feature.properties.count, "server-cluster"));
  }
}

/**
 * What a cell's marker shows: its id (zoom and grid position), count and place.
 * @param {any} feature
 */
function key(feature) {
  const p = feature.properties || {};
  return JSON.stringify([feature.id, p.count, feature.geometry?.coordinates, p.bbox]);
}
