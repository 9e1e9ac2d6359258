// Supercluster, the usual client-side choice, on the same pins as our map (bench/http.py).
//
// Usage: node bench/supercluster.mjs <url of every pin as GeoJSON> <views.json>
// Times what a browser would do before its first clustered view: download every published
// pin from our server (and parse it, as it arrives), build the index, then ask for the first
// view; then each view of views.json ([{zoom, bbox: [w, s, e, n]}], the first is the page's
// first view) one at a time. Prints one JSON object.
import { readFileSync } from "node:fs";
import Supercluster from "supercluster";

const [url, viewsFile] = process.argv.slice(2);
const views = JSON.parse(readFileSync(viewsFile, "utf8"));
const version = JSON.parse(
  readFileSync(new URL("../node_modules/supercluster/package.json", import.meta.url), "utf8"),
).version;
// Our grid's cells are 60 pixels (geo/grid.py CELL_PX); from zoom 17 our map shows every pin.
const options = { radius: 60, maxZoom: 16 };

// Features come joined by commas; in JSON text a string cannot hold an unescaped quote, so
// `{"type": "Feature",` (the export's spacing; the map's has none) starts a feature and
// nothing else.
const MARKS = ['{"type": "Feature",', '{"type":"Feature",'];

function compact(text, points) {
  const f = JSON.parse(text);
  const p = f.properties;
  points.push({
    type: "Feature",
    geometry: { type: "Point", coordinates: f.geometry.coordinates },
    properties: { id: f.id ?? p.id, kind: p.kind, category: p.category, status: p.status, source: p.source },
  });
}

async function download() {
  const started = performance.now();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  const decoder = new TextDecoder();
  const points = [];
  let bytes = 0;
  let buffer = "";
  let MARK = null;
  for await (const chunk of response.body) {
    bytes += chunk.length;
    buffer += decoder.decode(chunk, { stream: true });
    MARK ??= MARKS.find((mark) => buffer.includes(mark)) ?? null;
    if (MARK === null) continue;
    let start = buffer.indexOf(MARK);
    if (start < 0) continue;
    let next;
    while ((next = buffer.indexOf(MARK, start + MARK.length)) >= 0) {
      compact(buffer.slice(start, next - 1), points); // drop the comma before the next
      start = next;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  if (MARK !== null && buffer.startsWith(MARK)) {
    // The last feature ends where the collection's closing `]` and its members begin.
    compact(buffer.slice(0, buffer.lastIndexOf("]")), points);
  }
  return { points, bytes, ms: performance.now() - started };
}

function percentile(values, q) {
  const ordered = [...values].sort((a, b) => a - b);
  return ordered[Math.min(ordered.length - 1, Math.floor(ordered.length * q))];
}

const got = await download();
let started = performance.now();
const index = new Supercluster(options).load(got.points);
const buildMs = performance.now() - started;
started = performance.now();
const first = index.getClusters(views[0].bbox, views[0].zoom);
const firstViewMs = performance.now() - started;

const byZoom = {};
for (const view of views.slice(1)) {
  started = performance.now();
  index.getClusters(view.bbox, view.zoom);
  (byZoom[view.zoom] ??= []).push(performance.now() - started);
}
const perZoom = {};
for (const [zoom, times] of Object.entries(byZoom)) {
  perZoom[zoom] = { n: times.length, p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}
// JSON.stringify({type: "FeatureCollection", features: got.points}), counted feature by
// feature: past about 3 million pins that one string exceeds V8's longest (RangeError).
function compactBytes(points) {
  let bytes = Buffer.byteLength('{"type":"FeatureCollection","features":[]}');
  for (const point of points) bytes += Buffer.byteLength(JSON.stringify(point));
  return bytes + Math.max(points.length - 1, 0); // the commas between features
}
console.log(
  JSON.stringify({
    version,
    node: process.versions.node,
    pins: got.points.length,
    bytes: got.bytes,
    compact_bytes: compactBytes(got.points),
    download_ms: got.ms,
    build_ms: buildMs,
    first_view_ms: firstViewMs,
    first_view_features: first.length,
    per_zoom: perZoom,
    heap_mb: process.memoryUsage().heapUsed / 1e6,
  }),
);
