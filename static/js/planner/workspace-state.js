/**
 * The workspace's view as a query string: filters, layer, metric, layer parameters, the
 * selected district or cluster and the map's centre and zoom. The page keeps its URL up to
 * date (history.replaceState), so a copied link opens the same view for a colleague.
 *
 * What is read from a URL is checked against the page settings: a value that is not one the
 * page offers is ignored (the default is used), so a mangled link still opens the page.
 */

import { settings } from "umecom/lib/settings.js";

export const LAYERS = ["pins", "clusters", "districts", "hexgrid"];
export const METRICS = ["count", "per_1000"];
/** Filters that take a comma-separated list of choices. */
export const LIST_FILTERS = ["kind", "category", "status", "source"];
/** Filters that take one text value. */
export const TEXT_FILTERS = ["district", "since", "until", "q"];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DISTRICT_CODE = /^[0-9A-Za-z_.-]{1,40}$/;
const CLUSTER_ID = /^[1-9]\d{0,8}$/;

/**
 * @typedef {{type: "district"|"cluster", id: string}} Selection
 * @typedef {{lat: number, lon: number, zoom: number}} MapView
 * @typedef {{
 *   layer: string, metric: string, eps: number, min_points: number, size: number,
 *   filters: Record<string, string[]|string>, selection: Selection|null, view: MapView|null
 * }} State
 */

/** The values each list filter may take. */
function choices() {
  return {
    kind: Object.keys(settings.kinds || {}),
    category: (settings.categories || []).map((c) => c.slug),
    status: Object.keys(settings.statuses || {}),
    source: settings.sources || [],
  };
}

/**
 * A number from the URL within [min, max], whole when `whole`; else the default.
 * @param {string|null} raw
 * @param {{default: number, min: number, max: number}} bounds
 * @param {boolean} whole
 */
function bounded(raw, bounds, whole) {
  if (raw === null || !/^\d{1,6}(\.\d{1,3})?$/.test(raw)) return bounds.default;
  const value = Number(raw);
  if (whole && !Number.isInteger(value)) return bounds.default;
  return value >= bounds.min && value <= bounds.max ? value : bounds.default;
}

/** @returns {State} the default view */
export function defaultState() {
  const layers = settings.layers;
  return {
    layer: "districts",
    metric: "count",
    eps: layers.eps.default,
    min_points: layers.min_points.default,
    size: layers.size.default,
    filters: {
      kind: [], category: [], status: [], source: [], district: "", since: "", until: "", q: "",
    },
    selection: null,
    view: null,
  };
}

/**
 * The state a query string describes; what is not valid is left at its default.
 * @param {string} search e.g. location.search
 * @returns {State}
 */
export function readState(search) {
  const args = new URLSearchParams(search);
  const state = defaultState();
  const layer = args.get("layer");
  if (layer && LAYERS.includes(layer)) state.layer = layer;
  const metric = args.get("metric");
  if (metric && METRICS.includes(metric)) state.metric = metric;
  state.eps = bounded(args.get("eps"), settings.layers.eps, false);
  state.min_points = bounded(args.get("min_points"), settings.layers.min_points, true);
  state.size = bounded(args.get("size"), settings.layers.size, true);
  const allowed = choices();
  for (const name of LIST_FILTERS) {
    const values = (args.get(name) || "").split(",");
    state.filters[name] = [...new Set(values.filter((v) => allowed[name].includes(v)))];
  }
  const districts = (args.get("district") || "").split(",").filter((c) => DISTRICT_CODE.test(c));
  state.filters.district = districts.join(",");
  for (const name of ["since", "until"]) {
    const value = args.get(name) || "";
    if (DATE.test(value) && !Number.isNaN(Date.parse(value))) state.filters[name] = value;
  }
  // Words as typed, as long as the server takes them (it checks what is in them).
  const words = (args.get("q") || "").trim();
  if (words.length <= (settings.wordsMax || 100)) state.filters.q = words;
  state.selection = readSelection(args.get("sel"));
  state.view = readView(args);
  return state;
}

/**
 * `sel=d:<district code>` or `sel=c:<cluster id>`.
 * @param {string|null} raw
 * @returns {Selection|null}
 */
function readSelection(raw) {
  if (!raw) return null;
  const [kind, id] = [raw.slice(0, 2), raw.slice(2)];
  if (kind === "d:" && DISTRICT_CODE.test(id)) return { type: "district", id };
  if (kind === "c:" && CLUSTER_ID.test(id)) return { type: "cluster", id };
  return null;
}

/**
 * `lat`, `lon` and `z`, when all three are there and inside the map's bounds (padded).
 * @param {URLSearchParams} args
 * @returns {MapView|null}
 */
function readView(args) {
  const number = /^-?\d{1,3}(\.\d{1,8})?$/;
  const [lat, lon, zoom] = ["lat", "lon", "z"].map((name) => args.get(name) || "");
  if (!number.test(lat) || !number.test(lon) || !/^\d{1,2}$/.test(zoom)) return null;
  const [[south, west], [north, east]] = settings.bounds;
  const view = { lat: Number(lat), lon: Number(lon), zoom: Number(zoom) };
  const inside =
    view.lat >= south - 1 && view.lat <= north + 1 && view.lon >= west - 1 && view.lon <= east + 1;
  return inside && view.zoom >= 8 && view.zoom <= 19 ? view : null;
}

/**
 * The filters as query parameters, as every layer, export and /api/ideas takes them.
 * @param {State} state
 * @param {{withoutDistrict?: boolean}} [options]
 */
export function filterQuery(state, { withoutDistrict = false } = {}) {
  const query = new URLSearchParams();
  for (const name of LIST_FILTERS) {
    const values = /** @type {string[]} */ (state.filters[name]);
    if (values.length) query.set(name, values.join(","));
  }
  for (const name of TEXT_FILTERS) {
    if (withoutDistrict && name === "district") continue;
    const value = /** @type {string} */ (state.filters[name]);
    if (value) query.set(name, value);
  }
  return query;
}

/**
 * The filters and the layer parameters: what an export or the report of this view needs.
 * @param {State} state
 */
export function layerQuery(state) {
  const query = filterQuery(state);
  query.set("eps", String(state.eps));
  query.set("min_points", String(state.min_points));
  query.set("size", String(state.size));
  return query;
}

/**
 * Put the state in the address bar without a new history entry.
 * @param {State} state
 */
export function writeState(state) {
  const query = layerQuery(state);
  query.set("layer", state.layer);
  query.set("metric", state.metric);
  if (state.selection) {
    query.set("sel", `${state.selection.type === "district" ? "d" : "c"}:${state.selection.id}`);
  }
  if (state.view) {
    query.set("lat", state.view.lat.toFixed(5));
    query.set("lon", state.view.lon.toFixed(5));
    query.set("z", String(state.view.zoom));
  }
  const url = `${window.location.pathname}?${query.toString()}`;
  window.history.replaceState(null, "", url);
}
