/**
 * The published pins on the citizen map: loaded for the current view and filters whenever the
 * map stops moving, kept by id so markers that stay in view (and their open popups) survive a
 * reload. What is drawn is built elsewhere: pin markers (markers.js), browser clusters
 * (pin-clusters.js), server clusters (server-clusters.js).
 */

import { debounce } from "umecom/lib/debounce.js";
import { errorMessage, getRetryingOnce, request } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";
import { openCard, pinMarker } from "umecom/citizen/markers.js";
import { createPinClusters, makeClustersOperable } from "umecom/citizen/pin-clusters.js";
import { ServerClusters } from "umecom/citizen/server-clusters.js";

export class PinLayer {
  /**
   * @param {any} map L.Map
   * @param {{announce: (text: string) => void,
   *   onLoaded?: (found: {total: number, truncated: boolean}) => void,
   *   onFailed?: (err: unknown) => void}} options
   * `onLoaded`: after each load, the pins the view's features count and whether it was cut
   * short; `onFailed`: a load the server refused or the network lost (the pins shown stay)
   */
  constructor(map, { announce, onLoaded = () => {}, onFailed = (err) => announce(errorMessage(err)) }) {
    this.map = map;
    this.announce = announce;
    this.onLoaded = onLoaded;
    this.onFailed = onFailed;
    /** @type {Record<string, string>} */
    this.filters = {};
    /** @type {Map<number, any>} the pin markers on the map, by pin id */
    this.markers = new Map();
    /** @type {AbortController|null} the load under way; a newer one cancels it */
    this.abort = null;
    /** loads started so far: a load's answer may predate a pin added after it began */
    this.loadsStarted = 0;
    /** @type {Map<number, number>} pins added here (created, or shown by link), by id: the
     * loads started by then; kept until a load that began after it has answered */
    this.addedAfterLoad = new Map();
    this.cluster = createPinClusters(map);
    this.serverClusters = new ServerClusters(map);
    this.reloadSoon = debounce(() => this.reload(), 250);
    map.on("moveend", this.reloadSoon);
    // A move that starts before the pause is over makes that load stale: a card's pan into
    // view stops the pan of its placeholder (a moveend), and the load timed from that moveend
    // asked for the view of a map still panning, one more load per opened card.
    map.on("movestart", this.reloadSoon.cancel);
  }

  /** Change the filter (words, kind, category, status) and reload. */
  setFilters(filters) {
    this.filters = { ...this.filters, ...filters };
    this.reload();
  }

  /** The map-pins URL for the current view and filters. */
  viewUrl() {
    const b = this.map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const bbox = [
      clamp(b.getWest(), -180, 180),
      clamp(b.getSouth(), -90, 90),
      clamp(b.getEast(), -180, 180),
      clamp(b.getNorth(), -90, 90),
    ]
      .map((v) => v.toFixed(5))
      .join(",");
    const params = new URLSearchParams({ bbox, zoom: String(this.map.getZoom()) });
    for (const [name, value] of Object.entries(this.filters)) {
      if (value) params.set(name, value);
    }
    return `${urlFor("mapPins")}?${params}`;
  }

  /** Load the pins of the current view; keep markers that stay (so open popups survive). */
  async reload() {
    if (this.abort) this.abort.abort();
    const controller = new AbortController();
    this.abort = controller;
    const load = ++this.loadsStarted;
    let collection;
    try {
      collection = await getRetryingOnce(this.viewUrl(), { signal: controller.signal });
    } catch (err) {
      if ((err && err.name === "AbortError") || this.abort !== controller) return;
      this.abort = null;
      this.onFailed(err);
      return;
    }
    if (this.abort !== controller) return;
    this.abort = null;
    const seen = new Set();
    const toAdd = [];
    const clusters = [];
    let total = 0;
    for (const feature of collection.features || []) {
      if (!feature || feature.id === undefined || feature.id === null) continue;
      total += Number(feature.properties?.count) || 1;
      if (feature.properties && feature.properties.cluster) {
        clusters.push(feature);
        continue;
      }
      seen.add(feature.id);
      if (!this.markers.has(feature.id)) {
        const marker = this.remember(feature);
        if (marker) toAdd.push(marker);
      }
    }
    const focused = this.focusedPin();
    this.serverClusters.replace(clusters);
    const toRemove = [];
    for (const [id, marker] of this.markers) {
      if (seen.has(id) || marker.isPopupOpen() || this.addedSince(id, load)) continue;
      toRemove.push(marker);
      this.markers.delete(id);
    }
    for (const [id, after] of this.addedAfterLoad) {
      if (after < load) this.addedAfterLoad.delete(id); // this answer knew of it
    }
    // in bulk: markercluster re-clusters once instead of once per marker (an open card stays
    // open meanwhile: markers.js)
    if (toRemove.length) this.cluster.removeLayers(toRemove);
    if (toAdd.length) this.cluster.addLayers(toAdd);
    this.changed();
    this.keepFocus(focused);
    if (collection.truncated) this.announce(t("pinsTruncated"));
    this.onLoaded({ total, truncated: Boolean(collection.truncated) });
  }

  /**
   * The pin the keyboard is on: its marker, or the first pin of the browser cluster whose icon
   * has the focus; null when the focus is elsewhere.
   */
  focusedPin() {
    const active = document.activeElement;
    if (!active || !active.classList.contains("leaflet-marker-icon")) return null;
    for (const marker of this.markers.values()) if (marker.getElement() === active) return marker;
    let found = null;
    this.map.eachLayer((layer) => {
      if (layer instanceof L.MarkerCluster && layer.getElement() === active) {
        found = layer.getAllChildMarkers()[0] || null;
      }
    });
    return found;
  }

  /**
   * After the pins changed: markercluster rebuilds an icon when a pin joins or leaves its
   * cluster, and a focused icon taken away sends the focus to <body> (the next Tab would start
   * at the top of the page). The focus goes to what now shows that pin, or to the map.
   * @param {any} pin the marker `focusedPin` found before the change
   */
  keepFocus(pin) {
    const active = document.activeElement;
    if (!pin || (active && active !== document.body && document.contains(active))) return;
    const shown = this.markers.has(pin.pinId) ? this.cluster.getVisibleParent(pin) : null;
    const node = shown?.getElement() || this.map.getContainer();
    node.focus({ preventScroll: true });
  }

  /**
   * Build the marker of a Feature and remember it by id.
   * @returns {any|null} the marker, or null when the Feature cannot be drawn
   */
  remember(feature) {
    const marker = pinMarker(feature);
    if (marker) this.markers.set(feature.id, marker);
    return marker;
  }

  /**
   * Was this pin added here after load number `load` began? The server answers every view
   * with every pin stored before it (bench/README.md, freshness), so a load that began after
   * the pin was added and does not list it means the pin has left the view or the filters.
   * An older load's answer cannot know of it: a citizen who saves a pin while the map is still
   * loading the view it was panned to must not see the pin vanish.
   */
  addedSince(id, load) {
    const after = this.addedAfterLoad.get(id);
    return after !== undefined && after >= load;
  }

  /** After markers came or went: clusters operable by keyboard, and the count for tests. */
  changed() {
    makeClustersOperable(this.map, this.cluster);
    this.map.getContainer().setAttribute("data-pins-loaded", String(this.markers.size));
  }

  /** Add a Feature just created (no reload needed) and return its marker. */
  addFeature(feature) {
    if (this.markers.has(feature.id)) return this.markers.get(feature.id);
    const marker = this.remember(feature);
    if (!marker) return null;
    this.addedAfterLoad.set(feature.id, this.loadsStarted);
    this.cluster.addLayer(marker);
    this.changed();
    return marker;
  }

  /**
   * Show one pin by id (a shared link, "Show on the map"): centre on it and open its card.
   * @param {number} id
   */
  async showPin(id) {
    let feature;
    try {
      feature = await request(urlFor("idea", { idea_id: id }));
    } catch (err) {
      this.announce(errorMessage(err));
      return;
    }
    const [lon, lat] = feature.geometry.coordinates;
    const marker = this.addFeature(feature);
    // The card opens once the map has stopped: its pan into view must come after every move,
    // or a zoom still under way puts it back over the top edge (on a phone, out of sight).
    // setView always ends with a moveend, even when the map was there already.
    if (marker) {
      this.map.once("moveend", () => this.whenClustersSettle(() => openCard(marker, this.map)));
    }
    this.map.setView([lat, lon], Math.max(this.map.getZoom(), 16));
  }

  /**
   * Call `then` once markercluster has finished the zoom it animates: moving the map again
   * inside it (zoomToShowLayer did, from the moveend of a jump too far to animate) left the
   * map with no markers at all until the next move.
   * @param {() => void} then
   */
  whenClustersSettle(then) {
    if (!this.cluster._inZoomAnimation) then(); // the plugin's own count of its animations
    else this.cluster.once("animationend", () => this.whenClustersSettle(then));
  }
}
