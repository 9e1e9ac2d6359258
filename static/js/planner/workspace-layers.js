/**
 * What the workspace draws on its map: one of four layers (pins, DBSCAN clusters, the district
 * choropleth, hexagons) and the outline of the selected district or cluster on top.
 *
 * Districts and clusters are selectable by pointer and by keyboard: their outlines are
 * focusable buttons with a name (Enter or Space selects), and the same choice is offered by the
 * district table and the cluster list beside the map.
 */

import { actLikeButton, cssSlug, el } from "umecom/lib/dom.js";
import {
  categoryLabel,
  formatNumber,
  kindLabel,
  statusLabel,
  t,
  urlFor,
} from "umecom/lib/settings.js";
import { cellMarker } from "umecom/map/cell-marker.js";
import { countIcon } from "umecom/map/count-icon.js";
import { LabelledIcon } from "umecom/map/labelled-icon.js";
import { classBreaks, colourFor } from "umecom/planner/workspace-classes.js";

const OUTLINE = "#333333";
const CLUSTER_COLOUR = "#5b2a86";

/**
 * The metric's value of a district: its count, or per 1,000 (null when the population is
 * unknown).
 * @param {any} feature
 * @param {string} metric
 * @returns {number|null}
 */
export function districtValue(feature, metric) {
  const value = feature.properties[metric];
  return value === null || value === undefined ? null : Number(value);
}

/**
 * Make a drawn outline a focusable button with a name; Enter or Space selects it.
 * @param {any} layer an L.Path
 * @param {string} label
 * @param {() => void} select
 */
function selectable(layer, label, select) {
  layer.on("click", select);
  layer.on("add", () => {
    const path = layer.getElement();
    if (!path) return;
    path.setAttribute("tabindex", "0");
    path.setAttribute("aria-label", label);
    actLikeButton(path, select);
  });
}

export class LayerView {
  /**
   * @param {any} map L.Map
   * @param {{onDistrict: (feature: any) => void, onCluster: (feature: any) => void}} handlers
   */
  constructor(map, handlers) {
    this.map = map;
    this.handlers = handlers;
    this.group = L.layerGroup().addTo(map);
    map.createPane("selection").style.zIndex = "450"; // above the layers, below popups
    this.highlight = L.layerGroup().addTo(map);
  }

  /** Remove what the previous layer drew. */
  clear() {
    this.group.clearLayers();
  }

  /**
   * The district choropleth by `metric`; returns the class breaks (for the legend).
   * @param {any} collection the districts layer's FeatureCollection
   * @param {string} metric "count" or "per_1000"
   */
  drawDistricts(collection, metric) {
    this.clear();
    const values = collection.features.map((f) => districtValue(f, metric));
    const breaks = classBreaks(values.filter((v) => v !== null));
    const layer = L.geoJSON(collection, {
      style: (feature) => {
        const value = districtValue(feature, metric);
        const unknown = value === null;
        return {
          className: `pw-district${unknown ? " pw-district--no-data" : ""}`,
          color: OUTLINE,
          weight: 1,
          fillColor: colourFor(value, breaks),
          fillOpacity: 0.75,
          dashArray: unknown ? "4 3" : undefined,
        };
      },
      onEachFeature: (feature, path) => {
        const value = districtValue(feature, metric);
        const shown = value === null ? t("noData") : formatNumber(value);
        const label = t(metric === "count" ? "districtCountLabel" : "districtRateLabel", {
          name: feature.properties.name,
          value: shown,
          n: metric === "count" ? value : undefined, // t() says 1 pin in the singular
        });
        path.bindTooltip(label, { sticky: true });
        selectable(path, label, () => this.handlers.onDistrict(feature));
      },
    });
    this.group.addLayer(layer);
    return breaks;
  }

  /**
   * The DBSCAN clusters' outlines, each selectable.
   * @param {any} collection
   */
  drawClusters(collection) {
    this.clear();
    const layer = L.geoJSON(collection, {
      style: () => ({
        className: "pw-cluster",
        color: CLUSTER_COLOUR,
        weight: 2,
        fillColor: CLUSTER_COLOUR,
        fillOpacity: 0.25,
      }),
      onEachFeature: (feature, path) => {
        const label = t("clusterLabel", {
          id: feature.properties.cluster_id,
          n: feature.properties.count,
        });
        path.bindTooltip(label, { sticky: true });
        selectable(path, label, () => this.handlers.onCluster(feature));
      },
    });
    this.group.addLayer(layer);
  }

  /**
   * The hexagons coloured by count; returns the class breaks.
   * @param {any} collection
   */
  drawHexagons(collection) {
    this.clear();
    const breaks = classBreaks(collection.features.map((f) => Number(f.properties.count)));
    const layer = L.geoJSON(collection, {
      style: (feature) => ({
        className: "pw-hex",
        color: OUTLINE,
        weight: 0.5,
        fillColor: colourFor(Number(feature.properties.count), breaks),
        fillOpacity: 0.8,
      }),
      onEachFeature: (feature, path) => {
        path.bindTooltip(t("hexLabel", { n: feature.properties.count }), { sticky: true });
      },
    });
    this.group.addLayer(layer);
    return breaks;
  }

  /**
   * The pins of the view (from /api/map/clusters): each pin a marker whose popup links to its
   * page; where there are too many, the server's counts, which zoom in when activated.
   * @param {any} collection
   */
  drawPins(collection) {
    this.clear();
    for (const feature of collection.features) {
      const coords = feature.geometry && feature.geometry.coordinates;
      if (!Array.isArray(coords)) continue;
      const marker = feature.properties.cluster ? this.countMarker(feature) : this.pinMarker(feature);
      if (marker) this.group.addLayer(marker);
    }
  }

  /** @param {any} feature one pin */
  pinMarker(feature) {
    const props = feature.properties;
    const [lon, lat] = feature.geometry.coordinates;
    const label = t("pinLabel", {
      kind: kindLabel(props.kind),
      category: categoryLabel(props.category),
      title: props.title || "",
    });
    const marker = L.marker([lat, lon], {
      icon: new LabelledIcon({
        className: `pin pw-pin pin--${cssSlug(props.kind)} pin--cat-${cssSlug(props.category)}`,
        iconSize: L.point(28, 28),
        iconAnchor: L.point(14, 28),
        popupAnchor: L.point(0, -26),
        label,
      }),
      keyboard: true,
    });
    const card = el("div", "pw-pin-card");
    const link = /** @type {HTMLAnchorElement} */ (el("a", "", props.title || `#${feature.id}`));
    link.href = urlFor("ideaPage", { idea_id: feature.id });
    card.append(link, el("p", "meta", statusLabel(props.status)));
    marker.bindPopup(card);
    marker.on("add", () => actLikeButton(marker.getElement(), () => marker.openPopup()));
    return marker;
  }

  /** @param {any} feature a server cell of several pins */
  countMarker(feature) {
    const { count } = feature.properties;
    return cellMarker(this.map, feature, countIcon(count, t("cellLabel", { n: count })));
  }

  /**
   * Outline the selected district or cluster on top of everything, and show it.
   * @param {any|null} feature
   * @param {{zoom?: boolean}} [options] zoom the map to it
   */
  select(feature, { zoom = false } = {}) {
    this.highlight.clearLayers();
    if (!feature) return;
    const outline = L.geoJSON(feature, {
      pane: "selection",
      interactive: false,
      style: () => ({ className: "pw-highlight", color: "#000000", weight: 4, fill: false }),
    });
    this.highlight.addLayer(outline);
    if (zoom) this.map.fitBounds(outline.getBounds(), { padding: [30, 30], maxZoom: 16 });
  }
}
