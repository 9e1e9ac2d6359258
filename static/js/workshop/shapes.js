/**
 * Everyone's drawings on the map, kept by id. Changes come from the live events and from this
 * browser's own requests, in any order, so each is applied only when it is not older than what
 * is shown (`version`), and a deleted drawing stays deleted (a tombstone with its version).
 */

import { categoryLabel, t } from "umecom/lib/settings.js";

/**
 * Leaflet lat/lngs of a GeoJSON Point, LineString or Polygon (rings without the closing point).
 * @param {any} geometry
 */
export function latLngsOf(geometry) {
  const flip = ([lon, lat]) => L.latLng(lat, lon);
  if (geometry.type === "Point") return flip(geometry.coordinates);
  if (geometry.type === "LineString") return geometry.coordinates.map(flip);
  return geometry.coordinates.map((ring) => ring.slice(0, -1).map(flip));
}

/**
 * A Leaflet layer for a geometry.
 * @param {any} geometry
 * @param {any} style path options
 */
export function layerOf(geometry, style) {
  const latlngs = latLngsOf(geometry);
  if (geometry.type === "Point") return L.circleMarker(latlngs, { radius: 10, ...style });
  if (geometry.type === "LineString") return L.polyline(latlngs, style);
  return L.polygon(latlngs, style);
}

/** The GeoJSON geometry of a layer drawn or edited on the map. */
export function geometryOf(layer) {
  return layer.toGeoJSON(6).geometry;
}

/** "Area", "Line" or "Point". */
export function shapeName(geometry) {
  return t(`shape${geometry && geometry.type}`);
}

/**
 * One line saying what a drawing is, for lists and screen readers.
 * @param {any} feature
 */
export function describe(feature) {
  const p = feature.properties || {};
  const parts = [shapeName(feature.geometry)];
  if (p.author_name) parts.push(t(p.on_behalf ? "byOnBehalf" : "by", { name: p.author_name }));
  if (p.group) parts.push(p.group);
  if (p.category) parts.push(categoryLabel(p.category));
  const note = (p.note || "").trim();
  return `${parts.join(", ")}: ${note || t("noNote")}`;
}

export class AnnotationLayer {
  /**
   * @param {any} map L.Map
   * @param {{facilitator?: boolean, onSelect?: (id: number) => void, isDrawing?: () => boolean,
   *   scale?: number}} [options] `scale`: points and lines this much larger (a wall)
   */
  constructor(map, { facilitator = false, onSelect = () => {}, isDrawing = () => false, scale = 1 } = {}) {
    this.map = map;
    this.facilitator = facilitator;
    this.scale = scale;
    this.onSelect = onSelect;
    this.isDrawing = isDrawing;
    /** @type {Map<number, {feature: any, layer: any}>} */
    this.items = new Map();
    /** @type {Map<number, number>} id -> the version it was deleted at */
    this.gone = new Map();
    this.group = L.featureGroup().addTo(map);
    this.selectedId = null;
    /** @type {Set<() => void>} */
    this.listeners = new Set();
  }

  /** Call `listener` after every change (lists, counts). */
  onChange(listener) {
    this.listeners.add(listener);
  }

  /** Tell the listeners. */
  changed() {
    for (const listener of this.listeners) listener();
  }

  /** Replace everything with a FeatureCollection's features. */
  load(features) {
    this.group.clearLayers();
    this.items.clear();
    for (const feature of features) this.put(feature);
    this.changed();
  }

  /**
   * Catch up with a new snapshot (after the live stream was down): newer versions are shown,
   * and drawings it lacks (deleted or hidden meanwhile) go. They go without a tombstone: one
   * this browser saved after the snapshot was read comes back with the events after it.
   */
  sync(features) {
    const present = new Set(features.map((feature) => Number(feature.id)));
    for (const [id, item] of [...this.items]) {
      if (present.has(id)) continue;
      this.group.removeLayer(item.layer);
      this.items.delete(id);
      if (this.selectedId === id) this.selectedId = null;
    }
    for (const feature of features) this.put(feature);
    this.changed();
  }

  /** The feature shown for `id`, or undefined. */
  get(id) {
    return this.items.get(Number(id))?.feature;
  }

  /** The map layer of `id`, or undefined. */
  layer(id) {
    return this.items.get(Number(id))?.layer;
  }

  /** All features, oldest first. */
  features() {
    return [...this.items.values()].map((item) => item.feature).sort((a, b) => a.id - b.id);
  }

  /** The path options of a drawing. */
  style(feature, selected = false) {
    const p = feature.properties || {};
    const classes = ["ws-shape", `ws-shape-${feature.id}`];
    if (p.hidden) classes.push("ws-shape--hidden");
    if (p.on_behalf) classes.push("ws-shape--paper");
    return {
      color: p.color,
      fillColor: p.color,
      weight: (selected ? 7 : 4) * this.scale,
      radius: 10 * this.scale, // points only
      opacity: p.hidden ? 0.45 : 0.95,
      fillOpacity: p.hidden ? 0.08 : 0.25,
      dashArray: p.hidden ? "3 8" : p.on_behalf ? "10 6" : null,
      className: classes.join(" "),
      bubblingMouseEvents: true,
    };
  }

  /**
   * Show a feature from the server, unless what is shown is as new or it was deleted since.
   * @returns {boolean} whether it was applied
   */
  apply(feature) {
    const applied = this.put(feature);
    if (applied) this.changed();
    return applied;
  }

  /** Add or update a drawing's layer (no listeners told); whether it was applied. */
  put(feature) {
    const id = Number(feature.id);
    const version = Number(feature.properties?.version || 0);
    if ((this.gone.get(id) ?? 0) >= version) return false;
    if (feature.properties?.hidden && !this.facilitator) return this.drop(id, version);
    const item = this.items.get(id);
    // Every change raises the version: the same version again is an echo of what is shown.
    if (item && Number(item.feature.properties.version) >= version) return false;
    if (item && item.feature.geometry.type === feature.geometry.type) {
      this.reshape(item.layer, feature.geometry);
      item.feature = feature;
      this.restyle(id);
      return true;
    }
    if (item) this.group.removeLayer(item.layer);
    const layer = layerOf(feature.geometry, this.style(feature, this.selectedId === id));
    layer.on("click", (event) => {
      if (this.isDrawing()) return; // the tap adds a point of the new shape: let the map have it
      L.DomEvent.stopPropagation(event);
      this.onSelect(id);
    });
    this.group.addLayer(layer);
    this.items.set(id, { feature, layer });
    return true;
  }

  /**
   * Move a layer's points (also while it is being edited: its handles are rebuilt, and
   * `ws:reshaped` tells the keyboard's chosen corner, corners.js).
   */
  reshape(layer, geometry) {
    const latlngs = latLngsOf(geometry);
    if (geometry.type === "Point") layer.setLatLng(latlngs);
    else layer.setLatLngs(latlngs);
    if (layer.pm && layer.pm.enabled()) {
      const options = layer.pm.options;
      layer.pm.disable();
      layer.pm.enable(options);
    }
    layer.fire("ws:reshaped");
  }

  /** A drawing was deleted (or hidden from participants) at `version`. */
  remove(id, version) {
    if (this.drop(Number(id), Number(version))) this.changed();
  }

  /** Remove a drawing's layer and remember the version it went at; whether it was shown. */
  drop(id, version) {
    this.gone.set(id, Math.max(version || 0, this.gone.get(id) ?? 0));
    const item = this.items.get(id);
    if (!item) return false;
    this.group.removeLayer(item.layer);
    this.items.delete(id);
    if (this.selectedId === id) this.selectedId = null;
    return true;
  }

  /**
   * The facilitator hid a drawing: participants lose it, the facilitator sees it greyed.
   * Showing it again comes as an `annotation.updated` with the whole feature.
   */
  hide(id, version) {
    id = Number(id);
    if (!this.facilitator) {
      this.remove(id, version); // shown again later comes with a higher version, and passes
      return;
    }
    const item = this.items.get(id);
    if (!item || Number(item.feature.properties.version) > Number(version)) return;
    item.feature = {
      ...item.feature,
      properties: { ...item.feature.properties, hidden: true, version: Number(version) },
    };
    this.restyle(id);
    this.changed();
  }

  /**
   * Drawings became pins (`annotation.promoted`, or this browser's own promotion): each keeps
   * its pin's id. Not a change of the drawing, so its version stays.
   * @param {{id: number, pin_id: number}[]} pins
   */
  promoted(pins) {
    let any = false;
    for (const { id, pin_id: pinId } of pins) {
      const item = this.items.get(Number(id));
      if (!item || item.feature.properties.pin_id === pinId) continue;
      item.feature = { ...item.feature, properties: { ...item.feature.properties, pin_id: pinId } };
      any = true;
    }
    if (any) this.changed();
  }

  /** Put a layer back where the server has it (after a refused or failed edit). */
  revert(id) {
    const item = this.items.get(Number(id));
    if (item) this.reshape(item.layer, item.feature.geometry);
  }

  /** Highlight one drawing (or none). */
  select(id) {
    const before = this.selectedId;
    this.selectedId = id === null ? null : Number(id);
    for (const key of [before, this.selectedId]) {
      if (key !== null) this.restyle(key);
    }
  }

  /** Style a drawing's layer as its feature says (setStyle leaves the classes alone). */
  restyle(id) {
    const item = this.items.get(id);
    if (!item) return;
    const style = this.style(item.feature, this.selectedId === id);
    item.layer.setStyle(style);
    const element = item.layer.getElement ? item.layer.getElement() : null;
    if (element) element.setAttribute("class", `${style.className} leaflet-interactive`);
  }

  /** Bring a drawing into view. */
  show(id) {
    const layer = this.layer(id);
    if (!layer) return;
    if (layer.getLatLng) this.map.panTo(layer.getLatLng());
    else this.map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [40, 40] });
  }

  /** The bounds of all drawings, or null when there are none. */
  bounds() {
    return this.items.size ? this.group.getBounds() : null;
  }
}
