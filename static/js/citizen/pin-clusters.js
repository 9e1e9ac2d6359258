/**
 * Clusters drawn in the browser (leaflet.markercluster) for the pins of a view: nearby pins
 * merge into a count that zooms in when activated, by pointer or by keyboard.
 */

import { actLikeButton } from "umecom/lib/dom.js";
import { clusterIcon } from "umecom/citizen/markers.js";

/**
 * Give every cluster icon on the map a button role and Enter/Space (the plugin builds them and
 * only zooms on click). Call it after the clusters change.
 * @param {any} map L.Map
 */
export function makeClustersOperable(map) {
  map.eachLayer((layer) => {
    if (layer instanceof L.MarkerCluster) {
      actLikeButton(layer.getElement(), () => layer.zoomToBounds({ padding: [20, 20] }));
    }
  });
}

/**
 * A marker cluster group on the map, with labelled count icons.
 * @param {any} map L.Map
 * @returns {any} the L.MarkerClusterGroup
 */
export function createPinClusters(map) {
  const group = L.markerClusterGroup({
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    maxClusterRadius: 50,
    iconCreateFunction: (cluster) => clusterIcon(cluster.getChildCount()),
  });
  // zooming re-creates the cluster icons once its animation has ended
  group.on("animationend", () => makeClustersOperable(map));
  map.addLayer(group);
  return group;
}
