/**
 * Clusters drawn in the browser (leaflet.markercluster) for the pins of a view: nearby pins
 * merge into a count that zooms in when activated, by pointer or by keyboard.
 */

import { actLikeButton } from "umecom/lib/dom.js";
import { clusterIcon } from "umecom/citizen/markers.js";
import { prefersStillness } from "umecom/map/create-map.js";

/**
 * Give every cluster icon on the map a button role and Enter/Space (the plugin builds them and
 * only answers clicks). Call it after the clusters change.
 * @param {any} map L.Map
 * @param {any} group the L.MarkerClusterGroup the clusters belong to
 */
export function makeClustersOperable(map, group) {
  map.eachLayer((layer) => {
    if (layer instanceof L.MarkerCluster) {
      actLikeButton(layer.getElement(), () => openByKeyboard(map, group, layer));
    }
  });
}

/**
 * Do what a click does, by the plugin's own rule: zoom in, or, where the pins cannot be told
 * apart at the deepest zoom (the same place), spread them out around it. Focus then goes to
 * the first pin spread out, or to the map once the zoom has removed the cluster's icon, never
 * back to the top of the page.
 * @param {any} map L.Map
 * @param {any} group L.MarkerClusterGroup
 * @param {any} cluster L.MarkerCluster
 */
function openByKeyboard(map, group, cluster) {
  const focusFirstPin = (/** @type {any} */ event) => {
    if (event.cluster === cluster) event.markers[0]?.getElement()?.focus();
  };
  const keepFocus = () => {
    group.off("spiderfied", focusFirstPin);
    const active = document.activeElement;
    if (!active || active === document.body) map.getContainer().focus();
  };
  group.once("spiderfied", focusFirstPin);
  map.once("zoomend", keepFocus);
  cluster.fire("click", { latlng: cluster.getLatLng() }, true);
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
    animate: !prefersStillness(),
    iconCreateFunction: (cluster) => clusterIcon(cluster.getChildCount()),
  });
  // zooming re-creates the cluster icons once its animation has ended
  group.on("animationend", () => makeClustersOperable(map, group));
  map.addLayer(group);
  return group;
}
