/**
 * Entry point of the planners' workspace (/planner): the layers on a map, their controls and
 * filters, the district table, the selection with "answer all", and the downloads. The whole
 * view lives in the URL (workspace-state.js); every change reloads the layers without
 * reloading the page, a newer request cancelling an older one.
 */

import { ApiError, errorMessage, getRetryingOnce, request } from "umecom/lib/request.js";
import { announcer } from "umecom/lib/dom.js";
import { debounce } from "umecom/lib/debounce.js";
import { keepPlaceOnLanguageSwitch } from "umecom/lib/language-links.js";
import { t, urlFor } from "umecom/lib/settings.js";
import { createMap } from "umecom/map/create-map.js";
import { addReferenceLayers } from "umecom/map/reference-layers.js";
import { ClusterList } from "umecom/planner/workspace-cluster-list.js";
import { ExportMenu } from "umecom/planner/workspace-exports.js";
import { ControlForm, pageMessage } from "umecom/planner/workspace-form.js";
import { ImportForm } from "umecom/planner/workspace-import.js";
import { LayerView } from "umecom/planner/workspace-layers.js";
import { Legend } from "umecom/planner/workspace-legend.js";
import { SelectionPanel } from "umecom/planner/workspace-selection.js";
import { filterQuery, readState, writeState } from "umecom/planner/workspace-state.js";
import { DistrictTable } from "umecom/planner/workspace-table.js";

const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const mapElement = byId("pw-map");
const statusLine = byId("pw-status");
const map = createMap(mapElement);
// The municipality and district outlines under every layer, so clusters, hexagons and pins
// are read against the districts even where no base map tiles load.
addReferenceLayers(map);
let state = readState(window.location.search);
if (state.view) map.setView([state.view.lat, state.view.lon], state.view.zoom);

const announce = announcer(byId("pw-notice"));
const legend = new Legend(byId("pw-legend"));
const exports = new ExportMenu(byId("pw-downloads"));
const layers = new LayerView(map, {
  onDistrict: (feature) => selectDistrict(feature.properties.code, { zoom: false, focus: true }),
  onCluster: (feature) => selectCluster(feature, { zoom: false, focus: true }),
});
const table = new DistrictTable(
  /** @type {HTMLTableElement} */ (byId("pw-district-table")),
  (code) => selectDistrict(code, { zoom: true, focus: true }),
);
const clusterList = new ClusterList(byId("pw-clusters"), (feature) =>
  selectCluster(feature, { zoom: true, focus: true }),
);
const panel = new SelectionPanel(byId("pw-selection"), {
  onAnswered: () => refresh(),
  onClose: () => clearSelection(),
  announce,
});
// Imported pins are on the map at once: the layers reload.
new ImportForm(/** @type {HTMLFormElement} */ (byId("pw-import-form")), { onImported: () => refresh() });
const form = new ControlForm(/** @type {HTMLFormElement} */ (byId("pw-form")), (changes) => {
  state = { ...state, ...changes };
  refresh();
});
// A link from before (or from another city) may ask for a metric this page cannot draw.
if (!form.offers("metric", state.metric)) state = { ...state, metric: "count" };

/** @type {any[]} */
let districts = [];
/** @type {any[]} */
let clusters = [];
/** @type {AbortController|null} */
let loading = null;
/** @type {AbortController|null} */
let pinLoading = null;

/**
 * The loading, done or error line above the map (role="status", so it is announced).
 * @param {"loading"|"ready"|"error"} phase
 * @param {string} text
 */
function setStatus(phase, text) {
  statusLine.dataset.state = phase;
  statusLine.textContent = text;
  statusLine.classList.toggle("pw-status--error", phase === "error");
  mapElement.setAttribute("aria-busy", String(phase === "loading"));
}

/** @param {unknown} err a failed layer request: beside its field when it names one */
function showFailure(err) {
  const refused = err instanceof ApiError && err.status === 422;
  const suggested = refused && err.field ? err.body?.suggested?.[err.field] : undefined;
  const message = refused ? pageMessage(err, suggested) : errorMessage(err);
  const placed = refused && form.showError(err.field, message, suggested);
  if (placed) exports.refuse(/** @type {string} */ (err.field));
  setStatus("error", t(placed ? "layerRefusedField" : "layerFailed", { message }));
}

/** The view's centre and zoom into the state (and so the URL). */
function rememberView() {
  const centre = map.getCenter();
  state.view = { lat: centre.lat, lon: centre.lng, zoom: map.getZoom() };
}

/** The query of the chosen layer: the filters and that layer's own parameters. */
function layerUrl() {
  const query = filterQuery(state);
  if (state.layer === "clusters") {
    query.set("eps", String(state.eps));
    query.set("min_points", String(state.min_points));
    return `${urlFor("clusters")}?${query}`;
  }
  query.set("size", String(state.size));
  return `${urlFor("hexgrid")}?${query}`;
}

/** Reload the districts (table, choropleth) and the chosen layer for the current state. */
async function refresh() {
  loading?.abort();
  pinLoading?.abort();
  const controller = new AbortController();
  loading = controller;
  form.fill(state);
  form.clearErrors();
  exports.update(state);
  writeState(state);
  setStatus("loading", t("loading"));
  try {
    const signal = controller.signal;
    const own = state.layer === "clusters" || state.layer === "hexgrid";
    const [districtAnswer, layerAnswer] = await Promise.allSettled([
      request(`${urlFor("districtLayer")}?${filterQuery(state)}`, { signal }),
      own ? request(layerUrl(), { signal }) : Promise.resolve(null),
    ]);
    if (signal.aborted) return; // a newer refresh has taken over
    // The districts' table stays useful while a refused layer's parameters are put right
    // (DBSCAN's min_points too small for a million pins, say).
    if (districtAnswer.status === "fulfilled") {
      districts = districtAnswer.value.features;
      table.update(districts);
    } else if (!districts.length) {
      // Nothing counted yet (a link with refused filters): say why the table is empty.
      table.showEmpty(t("districtsRefused"));
    }
    if (districtAnswer.status === "rejected") throw districtAnswer.reason;
    if (layerAnswer.status === "rejected") throw layerAnswer.reason;
    const districtLayer = districtAnswer.value;
    const layer = layerAnswer.value;
    clusters = state.layer === "clusters" ? layer.features : [];
    clusterList.update(state.layer === "clusters" ? clusters : null);
    draw(districtLayer, layer);
    restoreSelection();
    if (state.layer === "pins") await loadPins();
  } catch (err) {
    if (err && err.name === "AbortError") return;
    showFailure(err);
  } finally {
    mapElement.dataset.ready = "true";
  }
}

/**
 * Draw the chosen layer, its legend, and say what is shown.
 * @param {any} districtLayer
 * @param {any} layer the clusters or hexagons, else null
 */
function draw(districtLayer, layer) {
  if (state.layer === "districts") {
    const breaks = layers.drawDistricts(districtLayer, state.metric);
    const unknown = districts.some((f) => f.properties[state.metric] == null);
    const title = t(state.metric === "count" ? "legendCount" : "legendRate");
    legend.showClasses(title, breaks, { withEmpty: true, withNoData: unknown });
    setStatus("ready", t("districtsShown", { n: districts.length }));
  } else if (state.layer === "clusters") {
    layers.drawClusters(layer);
    legend.show(t("legendClusters", { eps: state.eps, n: state.min_points }), [
      { colour: "", shape: "outline", label: t("legendCluster") },
    ]);
    setStatus("ready", t("clustersShown", { n: clusters.length }));
  } else if (state.layer === "hexgrid") {
    const breaks = layers.drawHexagons(layer);
    const title = t("legendHexagons", { size: state.size });
    legend.showClasses(title, breaks, { withEmpty: false, withNoData: false });
    setStatus("ready", t("hexagonsShown", { n: layer.features.length }));
  } else {
    legend.show(t("legendPins"), [
      { colour: "", shape: "marker", label: t("legendPin") },
      { colour: "", shape: "count", label: t("legendCell") },
    ]);
  }
}

/** The pins layer for the map's view (it follows the map as it moves). */
async function loadPins() {
  pinLoading?.abort();
  const controller = new AbortController();
  pinLoading = controller;
  const b = map.getBounds();
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v)).toFixed(5);
  const query = filterQuery(state);
  query.set("bbox", [
    clamp(b.getWest(), -180, 180),
    clamp(b.getSouth(), -90, 90),
    clamp(b.getEast(), -180, 180),
    clamp(b.getNorth(), -90, 90),
  ].join(","));
  query.set("zoom", String(map.getZoom()));
  setStatus("loading", t("loading"));
  try {
    const url = `${urlFor("mapPins")}?${query}`;
    const body = await getRetryingOnce(url, { signal: controller.signal });
    layers.drawPins(body);
    const n = body.features.reduce((sum, f) => sum + Number(f.properties.count || 1), 0);
    setStatus("ready", t("pinsShown", { n }));
  } catch (err) {
    if (err && err.name === "AbortError") return;
    showFailure(err);
  }
}

/**
 * @param {string} code
 * @param {{zoom: boolean, focus: boolean}} options zoom to it; move focus to the panel
 */
function selectDistrict(code, { zoom, focus }) {
  const feature = districts.find((f) => String(f.properties.code) === code);
  if (!feature) return clearSelection();
  state.selection = { type: "district", id: code };
  writeState(state);
  table.mark(code);
  clusterList.mark(null);
  layers.select(feature, { zoom });
  const query = filterQuery(state, { withoutDistrict: true });
  query.set("district", code);
  const title = t("districtTitle", { name: feature.properties.name });
  panel.show({ type: "district", id: code, title, count: feature.properties.count, query });
  if (focus) byId("pw-sel-title").focus();
}

/**
 * @param {any} feature a cluster
 * @param {{zoom: boolean, focus: boolean}} options
 */
function selectCluster(feature, { zoom, focus }) {
  const id = String(feature.properties.cluster_id);
  state.selection = { type: "cluster", id };
  writeState(state);
  table.mark(null);
  clusterList.mark(id);
  layers.select(feature, { zoom });
  const ids = (feature.properties.idea_ids || []).map(Number);
  panel.show({ type: "cluster", id, title: t("clusterTitle", { id }), count: ids.length, ids });
  if (focus) byId("pw-sel-title").focus();
}

function clearSelection() {
  state.selection = null;
  writeState(state);
  table.mark(null);
  clusterList.mark(null);
  layers.select(null);
  panel.hide();
}

/** After a reload, select again what the URL (or the planner) had selected, if it is still there. */
function restoreSelection() {
  const chosen = state.selection;
  if (chosen && chosen.type === "district") {
    selectDistrict(chosen.id, { zoom: false, focus: false });
  } else if (chosen && chosen.type === "cluster") {
    const feature = clusters.find((f) => String(f.properties.cluster_id) === chosen.id);
    if (feature) selectCluster(feature, { zoom: false, focus: false });
    else clearSelection();
  }
}

map.on(
  "moveend",
  debounce(() => {
    rememberView();
    writeState(state);
    if (state.layer === "pins") loadPins();
  }, 250),
);
keepPlaceOnLanguageSwitch(); // the view, layer and selection the URL holds
refresh(); // fills the form at once, before its requests
form.openFiltersWhenFiltered(); // a filtered link shows its filters, not only their effect
