/**
 * What the workspace draws on its map: one of four layers (pins, DBSCAN clusters, the district
 * choropleth, hexagons) and the outline of the selected district or cluster on top.
 *
 * Districts and clusters are selectable by pointer and by keyboard: their outlines are
 * buttons with a name (Enter or Space selects), and the same choice is offered by the
 * district table and the cluster list beside the map. The outlines are one Tab stop (121
 * districts were 121 stops before the legend and the table): arrow keys go from one to the
 * next, in the order of their names, and the map moves to show the one focused.
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
 * What names a district's or a cluster's outline among both (a code and an id can be equal).
 * @param {any} feature
 */
function outlineId(feature) {
  const props = feature.properties;
  return "cluster_id" in props ? `c:${props.cluster_id}` : `d:${props.code}`;
}

// Keys that move the focus among the outlines: by one, or to the first or the last.
const STEPS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };

/**
 * The drawn outlines of a layer as one Tab stop (a roving tabindex): the one that has it is
 * the last one focused or selected, and after a redraw the selected one, else the first (by
 * name) in view.
 */
class OutlineRing {
  /** @param {any} map L.Map */
  constructor(map) {
    this.map = map;
    /** @type {{layer: any, name: string, id: string}[]} */
    this.outlines = [];
    this.current = -1;
  }

  clear() {
    this.outlines = [];
    this.current = -1;
  }

  /**
   * Make a drawn outline a button with a name, in this ring; Enter or Space selects it.
   * @param {any} layer an L.Path
   * @param {{label: string, name: string, id: string}} about its name for screen readers,
   *   the name it is ordered by, and its id (outlineId)
   * @param {() => void} select
   */
  add(layer, { label, name, id }, select) {
    layer.on("click", select);
    layer.on("add", () => {
      const path = layer.getElement();
      if (!path) return;
      path.setAttribute("tabindex", "-1");
      path.setAttribute("aria-label", label);
      path.setAttribute("aria-describedby", "pw-map-keys");
      actLikeButton(path, select);
      path.addEventListener("keydown", (event) => this.onKey(event, layer));
      path.addEventListener("focus", () => this.onFocus(layer));
    });
    this.outlines.push({ layer, name, id });
  }

  /**
   * All outlines are added: order them by name and give the Tab stop to the selected one.
   * @param {string|null} selected its outline's id (outlineId)
   */
  ready(selected) {
    const locale = document.documentElement.lang || undefined;
    this.outlines.sort((a, b) => a.name.localeCompare(b.name, locale, { numeric: true }));
    const view = this.map.getBounds();
    const chosen = this.outlines.findIndex((o) => o.id === selected);
    const inView = this.outlines.findIndex((o) => view.intersects(o.layer.getBounds()));
    this.setCurrent(chosen >= 0 ? chosen : Math.max(inView, 0));
  }

  /** @param {string} id the outline (outlineId) selected, which takes the Tab stop */
  mark(id) {
    const index = this.outlines.findIndex((o) => o.id === id);
    if (index >= 0) this.setCurrent(index);
  }

  /** @param {number} index */
  setCurrent(index) {
    this.outlines.forEach((outline, i) => {
      outline.layer.getElement()?.setAttribute("tabindex", i === index ? "0" : "-1");
    });
    this.current = index;
  }

  /**
   * @param {KeyboardEvent} event
   * @param {any} layer the focused outline
   */
  onKey(event, layer) {
    const at = this.outlines.findIndex((o) => o.layer === layer);
    const last = this.outlines.length - 1;
    let next = -1;
    if (event.key in STEPS) next = (at + STEPS[event.key] + last + 1) % (last + 1);
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = last;
    if (next < 0 || at < 0) return;
    event.preventDefault(); // no scrolling of the page
    event.stopPropagation();
    this.outlines[next].layer.getElement()?.focus({ preventScroll: true });
  }

  /**
   * The focused outline keeps the Tab stop and is moved into view: outside it (or clipped
   * to nothing by Leaflet there) its focus ring could not be seen.
   * @param {any} layer
   */
  onFocus(layer) {
    const index = this.outlines.findIndex((o) => o.layer === layer);
    if (index >= 0 && index !== this.current) this.setCurrent(index);
    const bounds = layer.getBounds();
    if (this.map.getBounds().contains(bounds)) return;
    // At the zoom the planner chose, unless the outline is larger than the view; at once, as
    // the focus moves (keys held down would queue animations behind it).
    this.map.fitBounds(bounds, { padding: [30, 30], maxZoom: this.map.getZoom(), animate: false });
  }
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
    this.ring = new OutlineRing(map);
    map.createPane("selection").style.zIndex = "450"; // above the layers, below popups
    this.highlight = L.layerGroup().addTo(map);
    /** @type {string|null} the code or id of the selected district or cluster */
    this.selected = null;
  }

  /** Remove what the previous layer drew. */
  clear() {
    this.group.clearLayers();
    this.ring.clear();
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
        const { name, code } = feature.properties;
        const about = { label, name: String(name), id: outlineId(feature) };
        this.ring.add(path, about, () => this.handlers.onDistrict(feature));
      },
    });
    this.group.addLayer(layer);
    this.ring.ready(this.selected);
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
        const about = { label, name: String(feature.properties.cluster_id), id: outlineId(feature) };
        this.ring.add(path, about, () => this.handlers.onCluster(feature));
      },
    });
    this.group.addLayer(layer);
    this.ring.ready(this.selected);
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
    this.selected = feature ? outlineId(feature) : null;
    if (this.selected) this.ring.mark(this.selected);
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
