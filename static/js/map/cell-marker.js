/**
 * A grid cell of pins from /api/map/clusters as a marker that zooms to the cell's pins when
 * clicked or activated by keyboard: the citizen map and the planners' workspace draw them alike.
 */

import { actLikeButton } from "umecom/lib/dom.js";

/**
 * The marker of one cell with `icon`, or null when the Feature is malformed.
 * @param {any} map L.Map
 * @param {any} feature a Feature with `properties.count` and `properties.bbox`
 * @param {any} icon L.Icon showing the count
 */
export function cellMarker(map, feature, icon) {
  const coords = feature.geometry && feature.geometry.coordinates;
  const { bbox } = feature.properties;
  if (!Array.isArray(coords) || !Array.isArray(bbox) || bbox.length !== 4) return null;
  // Two cells' icons can overlap where a crowd straddles a cell's edge (each sits at the mean
  // of its pins): the larger count is drawn on top, whole, rather than the more southern one.
  // Leaflet stacks a marker by its pixel row plus this offset, so the offset must outweigh any
  // row (a thousand per pin); a million pins and more stack alike, within CSS's z-index range.
  const zIndexOffset = Math.min(Number(feature.properties.count) || 0, 1e6) * 1000;
  const marker = L.marker([coords[1], coords[0]], { icon, keyboard: true, zIndexOffset });
  const zoomIn = () =>
    map.fitBounds(
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
