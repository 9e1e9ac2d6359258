/**
 * The published pins: loaded for the current view, drawn with marker clustering, each with
 * an accessible label and a popup that shows the pin and lets people support it.
 */

import { ApiError, debounce, request } from "./request.js";
import {
  categoryLabel,
  kindLabel,
  settings,
  statusLabel,
  t,
  urlFor,
} from "./settings.js";

/** A DivIcon whose element carries an accessible name (set as attributes, never as markup). */
const LabelledIcon = L.DivIcon.extend({
  createIcon(oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    if (this.options.label) {
      div.setAttribute("aria-label", this.options.label);
      div.title = this.options.label;
    }
    return div;
  },
});

/** CSS-safe class suffix for a slug from the server. */
function cssSlug(value) {
  return String(value || "").replace(/[^a-z0-9-]/gi, "");
}

/** An element with a class and text. */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/**
 * Let a map element act like a button: role, and Enter/Space calling `activate` (once wired).
 * @param {HTMLElement|undefined} node
 * @param {() => void} activate
 */
function actLikeButton(node, activate) {
  if (!node || node.dataset.keys) return;
  node.dataset.keys = "1";
  node.setAttribute("role", "button");
  node.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      event.stopPropagation();
      activate();
    }
  });
}

/** Make a marker's element act on Enter and Space like a button. */
function keyboardActivate(marker) {
  marker.on("add", () => {
    actLikeButton(marker.getElement(), () =>
      marker.fire("click", { latlng: marker.getLatLng(), keyboard: true }),
    );
  });
}

export class PinLayer {
  /**
   * @param {any} map L.Map
   * @param {{announce: (text: string) => void}} options
   */
  constructor(map, { announce }) {
    this.map = map;
    this.announce = announce;
    /** @type {Record<string, string>} */
    this.filters = {};
    /** @type {Map<number, any>} */
    this.markers = new Map();
    this.abort = null;
    this.cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      maxClusterRadius: 50,
      iconCreateFunction: (cluster) => {
        const n = cluster.getChildCount();
        const size = n < 10 ? "small" : n < 100 ? "medium" : "large";
        const count = el("span", "cluster-count", n);
        return new LabelledIcon({
          html: count,
          className: `marker-cluster marker-cluster-${size} pin-cluster`,
          iconSize: L.point(40, 40),
          label: t("clusterLabel", { n }),
        });
      },
    });
    this.cluster.on("animationend", () => this.labelClusters());
    map.addLayer(this.cluster);
    /* Clusters made by the server when a view holds too many pins to send one by one. */
    this.serverClusters = L.layerGroup().addTo(map);
    this.reloadSoon = debounce(() => this.reload(), 250);
    map.on("moveend", this.reloadSoon);
  }

  /** Make cluster icons keyboard operable (markercluster zooms on click). */
  labelClusters() {
    /* cluster markers are built by the plugin; give them a button role and Enter/Space. */
    this.map.eachLayer((layer) => {
      if (layer instanceof L.MarkerCluster) {
        actLikeButton(layer.getElement(), () => layer.zoomToBounds({ padding: [20, 20] }));
      }
    });
  }

  /** Change the filter (kind, category, status) and reload. */
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
    let collection;
    try {
      collection = await request(this.viewUrl(), { signal: controller.signal });
    } catch (err) {
      if (err && err.name === "AbortError") return;
      this.announce(err instanceof ApiError ? err.message : t("serverError"));
      return;
    }
    if (this.abort !== controller) return;
    this.abort = null;
    const seen = new Set();
    const toAdd = [];
    this.serverClusters.clearLayers();
    for (const feature of collection.features || []) {
      if (!feature || feature.id === undefined || feature.id === null) continue;
      if (feature.properties && feature.properties.cluster) {
        const cluster = this.makeServerCluster(feature);
        if (cluster) this.serverClusters.addLayer(cluster);
        continue;
      }
      seen.add(feature.id);
      if (!this.markers.has(feature.id)) {
        const marker = this.makeMarker(feature);
        if (marker) toAdd.push(marker);
      }
    }
    const toRemove = [];
    for (const [id, marker] of this.markers) {
      if (!seen.has(id) && !marker.isPopupOpen()) {
        toRemove.push(marker);
        this.markers.delete(id);
      }
    }
    if (toRemove.length) this.cluster.removeLayers(toRemove);
    if (toAdd.length) this.cluster.addLayers(toAdd);
    this.labelClusters();
    document.getElementById("map")?.setAttribute("data-pins-loaded", String(this.markers.size));
    if (collection.truncated) this.announce(t("pinsTruncated"));
  }

  /** A server cluster: its count, and activating it zooms to the pins it holds. */
  makeServerCluster(feature) {
    const coords = feature.geometry && feature.geometry.coordinates;
    const { count, bbox } = feature.properties;
    if (!Array.isArray(coords) || !Array.isArray(bbox) || bbox.length !== 4) return null;
    const size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    const icon = new LabelledIcon({
      html: el("span", "cluster-count", count),
      className: `marker-cluster marker-cluster-${size} pin-cluster server-cluster`,
      iconSize: L.point(40, 40),
      label: t("clusterLabel", { n: count }),
    });
    const marker = L.marker([coords[1], coords[0]], { icon, keyboard: true });
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

  /** A marker for one pin Feature (and remember it by id). */
  makeMarker(feature) {
    const props = feature.properties || {};
    const coords = feature.geometry && feature.geometry.coordinates;
    if (!Array.isArray(coords) || coords.length < 2) return null;
    const label = t("pinLabel", {
      kind: kindLabel(props.kind),
      category: categoryLabel(props.category),
      title: props.title || "",
    });
    const icon = new LabelledIcon({
      className: `pin pin--${cssSlug(props.kind)} pin--cat-${cssSlug(props.category)}`,
      iconSize: L.point(28, 28),
      iconAnchor: L.point(14, 28),
      popupAnchor: L.point(0, -26),
      label,
    });
    const marker = L.marker([coords[1], coords[0]], { icon, keyboard: true, riseOnHover: true });
    marker.pinId = feature.id;
    marker.bindPopup(el("div", "pin-card"), {
      maxWidth: 320,
      minWidth: 220,
      autoPanPadding: L.point(20, 20),
      // keep the card clear of the tool panel in the top left corner on wide screens
      autoPanPaddingTopLeft: window.innerWidth > 640 ? L.point(390, 20) : L.point(10, 10),
      className: "pin-popup",
    });
    marker.on("click", (event) => {
      marker.openedByKeyboard = Boolean(event.keyboard);
    });
    marker.on("popupopen", (event) => {
      const container = event.popup.getElement();
      if (container && !container.dataset.keys) {
        container.dataset.keys = "1";
        // Leaflet only listens for Escape while the map itself has focus.
        container.addEventListener("keydown", (keyEvent) => {
          if (keyEvent.key === "Escape") {
            keyEvent.preventDefault();
            keyEvent.stopPropagation();
            marker.closePopup();
          }
        });
      }
      this.showCard(event.popup, marker.pinId, marker);
    });
    marker.on("popupclose", (event) => {
      const container = event.popup.getElement();
      const active = document.activeElement;
      const lost = !active || active === document.body || (container && container.contains(active));
      const node = marker.getElement();
      if (marker.openedByKeyboard && lost && node && document.contains(node)) node.focus();
      marker.openedByKeyboard = false;
    });
    keyboardActivate(marker);
    this.markers.set(feature.id, marker);
    return marker;
  }

  /** Add a Feature just created (no reload needed) and show where it is. */
  addFeature(feature) {
    if (this.markers.has(feature.id)) return this.markers.get(feature.id);
    const marker = this.makeMarker(feature);
    if (!marker) return null;
    this.cluster.addLayer(marker);
    this.labelClusters();
    document.getElementById("map")?.setAttribute("data-pins-loaded", String(this.markers.size));
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
      this.announce(err instanceof ApiError ? err.message : t("serverError"));
      return;
    }
    const [lon, lat] = feature.geometry.coordinates;
    this.map.setView([lat, lon], Math.max(this.map.getZoom(), 16));
    const marker = this.addFeature(feature);
    if (marker) this.cluster.zoomToShowLayer(marker, () => marker.openPopup());
  }

  /** Fill the popup: a placeholder now, the pin's card when it has been fetched. */
  showCard(popup, id, marker) {
    const box = el("div", "pin-card");
    box.append(el("p", "pin-card__loading", t("loading")));
    popup.setContent(box);
    this.fillPopup(box, id).then(
      () => {
        popup.update();
        if (marker.openedByKeyboard) box.querySelector("h2")?.focus();
      },
      (err) => {
        box.replaceChildren(
          el("p", "form-error", err instanceof ApiError ? err.message : t("serverError")),
        );
        popup.update();
      },
    );
  }

  /** Fetch one pin and whether this browser supported it, and build the card. */
  async fillPopup(box, id) {
    const [feature, mine] = await Promise.all([
      request(urlFor("idea", { idea_id: id })),
      request(urlFor("supported", { idea_id: id })).catch(() => ({ supported: false })),
    ]);
    const p = feature.properties || {};
    const heading = el("h2", "pin-card__title", p.title);
    heading.tabIndex = -1;
    const badges = el("p", "pin-card__meta");
    badges.append(el("span", `badge badge--${cssSlug(p.kind)}`, kindLabel(p.kind)), " ");
    badges.append(el("span", "pin-card__category", categoryLabel(p.category)));
    const body = p.body ? el("p", "pin-card__body", p.body) : null;

    const facts = el("dl", "facts facts--compact");
    const fact = (term, value) => {
      facts.append(el("dt", "", term), el("dd", "", value));
      return facts.lastChild;
    };
    fact(t("district"), p.district || t("unknownDistrict"));
    if (p.created_at) {
      const when = new Date(p.created_at);
      const time = el("time", "", new Intl.DateTimeFormat(settings.locale, { dateStyle: "medium" }).format(when));
      time.dateTime = p.created_at;
      const dd = fact(t("date"), "");
      dd.append(time);
    }
    fact(t("status"), statusLabel(p.status));
    const countCell = fact(t("supports"), p.support_count ?? 0);
    countCell.classList.add("pin-card__count");

    box.replaceChildren(badges, heading);
    if (body) box.append(body);
    box.append(facts);
    if (p.answer) {
      const answer = el("section", "pin-card__answer");
      answer.append(el("h3", "", t("answer")), el("p", "", p.answer));
      box.append(answer);
    }
    const actions = el("p", "pin-card__actions");
    const button = el("button", "button button--primary support-button", t("support"));
    button.type = "button";
    const link = el("a", "pin-card__link", t("openPage"));
    link.href = urlFor("ideaPage", { idea_id: id });
    actions.append(button, " ", link);
    const note = el("p", "pin-card__note");
    note.setAttribute("role", "status");
    box.append(actions, note);

    const markSupported = () => {
      button.disabled = true;
      button.textContent = t("supported");
      button.setAttribute("aria-pressed", "true");
    };
    if (mine && mine.supported) markSupported();
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const result = await request(urlFor("support", { idea_id: id }), { method: "POST" });
        countCell.textContent = String(result.support_count);
        markSupported();
        note.textContent = t("supportSaved");
      } catch (err) {
        if (err instanceof ApiError && err.status === 409) {
          markSupported();
          note.textContent = err.message;
        } else {
          button.disabled = false;
          note.textContent = err instanceof ApiError ? err.message : t("serverError");
        }
      }
    });
  }
}
