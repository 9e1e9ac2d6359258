/**
 * Drawing tools made for fingers: a button per shape, and while a line or an area is drawn a
 * bar with a big "Finish" (tapping the first corner exactly is nearly impossible on a phone),
 * "Remove the last point" and "Cancel". Leaflet-Geoman draws; its own toolbar and tooltips are
 * not used (they are hard to hit and not translated), and no popup opens while drawing, so no
 * tap is swallowed. A point is one tap (or "Place at the centre", for keyboards); a corner of a
 * line or an area is a tap, or Enter at the keyboard's crosshair (`addCorner`). A corner that
 * would make the shape cross itself is refused by Geoman, and the hint says so.
 *
 * The markup lives inside `root`: buttons with `data-draw="Point|LineString|Polygon"`, and a
 * bar `[data-draw-bar]` with `[data-draw-hint]` and buttons `data-action="finish"`,
 * `"remove-last"`, `"cancel"`, `"point-centre"`.
 */

import { t } from "umecom/lib/settings.js";

const GEOMAN_SHAPE = { LineString: "Line", Polygon: "Polygon" };

// Geoman's corner handles are Leaflet markers, which Leaflet makes focusable buttons without
// a name. They are for fingers and mice; keyboards have the buttons and the list instead.
L.Marker.mergeOptions({ keyboard: false });
const MIN_POINTS = { LineString: 2, Polygon: 3 };

export class DrawingTools {
  /**
   * @param {any} map L.Map (with Leaflet-Geoman loaded)
   * @param {HTMLElement} root
   * @param {{onShape: (geometry: any, opener: Element|null) => void,
   *   announce: (text: string) => void, color?: () => string}} options
   */
  constructor(map, root, { onShape, announce, color = () => "#1565c0" }) {
    this.map = map;
    this.root = root;
    this.onShape = onShape;
    this.announce = announce;
    this.color = color;
    /** @type {string|null} */
    this.mode = null;
    this.points = 0;
    /** Whether the hint says a corner was refused (kept until the count changes). */
    this.refused = false;
    this.enabled = true;
    this.opener = null;
    this.buttons = /** @type {HTMLButtonElement[]} */ ([...root.querySelectorAll("[data-draw]")]);
    this.bar = /** @type {HTMLElement} */ (root.querySelector("[data-draw-bar]"));
    this.hint = /** @type {HTMLElement} */ (root.querySelector("[data-draw-hint]"));
    this.finishButton = /** @type {HTMLButtonElement} */ (root.querySelector('[data-action="finish"]'));
    this.removeButton = /** @type {HTMLButtonElement} */ (root.querySelector('[data-action="remove-last"]'));
    this.centreButton = /** @type {HTMLButtonElement|null} */ (
      root.querySelector('[data-action="point-centre"]')
    );

    for (const button of this.buttons) {
      button.addEventListener("click", () => {
        if (this.mode === button.dataset.draw) this.cancel();
        else this.start(String(button.dataset.draw), button);
      });
    }
    this.finishButton?.addEventListener("click", () => this.finish());
    this.removeButton?.addEventListener("click", () => this.removeLast());
    root.querySelector('[data-action="cancel"]')?.addEventListener("click", () => this.cancel());
    this.centreButton?.addEventListener("click", () => this.pointAt(this.map.getCenter()));

    map.pm.setGlobalOptions({ tooltips: false });
    map.on("click", (event) => {
      if (this.mode === "Point") this.pointAt(event.latlng);
      else if (this.mode) this.watchCorner();
    });
    map.on("pm:drawstart", ({ workingLayer }) => {
      // pm:change also fires as the pointer moves, with the point under it (not placed yet)
      // at the end of its list: count the corners the line really has.
      workingLayer.on("pm:change", () => this.counted(workingLayer.getLatLngs().length));
    });
    map.on("pm:create", (event) => {
      const geometry = event.layer.toGeoJSON(6).geometry;
      event.layer.remove(); // the page shows the drawing once the server has it
      this.done({ stopGeoman: false }); // Geoman stops by itself right after this event
      this.onShape(geometry, this.opener);
    });
    map.on("pm:drawend", () => {
      if (this.mode && this.mode !== "Point") this.done(); // ended by Geoman itself
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.mode) {
        event.preventDefault();
        this.cancel();
      }
    });
  }

  /** Whether a shape is being drawn (taps belong to it, not to the drawings under them). */
  get active() {
    return this.mode !== null;
  }

  /**
   * Start drawing a Point, LineString or Polygon.
   * @param {string} kind
   * @param {Element|null} [opener] what gets focus back afterwards
   */
  start(kind, opener = null) {
    if (!this.enabled) return;
    if (this.mode) this.cancel({ quiet: true });
    this.mode = kind;
    this.opener = opener;
    this.points = 0;
    this.refused = false;
    for (const button of this.buttons) {
      button.setAttribute("aria-pressed", String(button.dataset.draw === kind));
    }
    this.bar.hidden = false;
    this.root.classList.add("is-drawing");
    this.map.getContainer().classList.add("ws-map--drawing");
    this.map.doubleClickZoom.disable(); // two quick taps are two points, not a zoom
    const point = kind === "Point";
    this.finishButton.hidden = point;
    this.removeButton.hidden = point;
    if (this.centreButton) this.centreButton.hidden = !point;
    if (!point) {
      const color = this.color();
      this.map.pm.enableDraw(GEOMAN_SHAPE[kind], {
        tooltips: false,
        snappable: true,
        snapDistance: 15,
        allowSelfIntersection: false,
        continueDrawing: false,
        finishOn: null,
        templineStyle: { color, weight: 4 },
        hintlineStyle: { color, weight: 3, dashArray: [6, 6] },
        pathOptions: { color, fillColor: color },
      });
    }
    this.counted(0);
    this.announce(this.hint.textContent || "");
  }

  /** The number of points so far: the hint and whether Finish can be pressed. */
  counted(points) {
    const same = points === this.points;
    this.points = points;
    if (!this.mode || (same && this.refused)) return; // the refusal stays until a change
    this.refused = false;
    if (this.mode === "Point") {
      this.hint.textContent = t("hintPoint");
      return;
    }
    const needed = MIN_POINTS[this.mode];
    this.hint.textContent =
      points === 0
        ? t(this.mode === "Polygon" ? "hintAreaStart" : "hintLineStart")
        : t("hintPoints", { n: points, needed });
    this.finishButton.disabled = points < needed;
    this.removeButton.disabled = points === 0;
  }

  /** Finish the line or area with the points placed so far. */
  finish() {
    const kind = this.mode;
    if (!kind || kind === "Point") return;
    if (this.points < MIN_POINTS[kind]) {
      this.announce(t("hintPoints", { n: this.points, needed: MIN_POINTS[kind] }));
      return;
    }
    this.map.pm.Draw[GEOMAN_SHAPE[kind]]._finishShape();
    if (this.mode === kind) {
      // Geoman refused: the area would cross itself.
      this.refused = true;
      this.hint.textContent = t("crossesItself");
      this.announce(t("crossesItself"));
    }
  }

  /** Geoman's drawing of the line or area being drawn (null for a point or no tool). */
  geomanDraw() {
    const shape = this.mode ? GEOMAN_SHAPE[this.mode] : null;
    return shape ? this.map.pm.Draw[shape] : null;
  }

  /**
   * A tap while a line or an area is drawn. Geoman adds the corner in its own handler of the
   * same click, after this one, or silently refuses a corner that would cross the shape:
   * look once the click has been handled.
   */
  watchCorner() {
    const before = this.points;
    queueMicrotask(() => this.checkCorner(before));
  }

  /**
   * A corner at `latlng` (the keyboard's crosshair), as a tap there would add it.
   * @param {any} latlng L.LatLng
   */
  addCorner(latlng) {
    const draw = this.geomanDraw();
    if (!draw) return;
    const before = this.points;
    draw._createVertex({ latlng }); // the same corner twice finishes, as a tap would
    if (this.mode && !this.checkCorner(before)) this.announce(this.hint.textContent || "");
  }

  /**
   * Say so when Geoman refused the corner just tried (no new corner, and it crosses).
   * @param {number} before the count before the corner
   * @returns {boolean} whether it was refused
   */
  checkCorner(before) {
    const draw = this.geomanDraw();
    if (!draw || this.points !== before || !draw._doesSelfIntersect) return false;
    this.refused = true;
    this.hint.textContent = t("cornerRefused");
    this.announce(t("cornerRefused"));
    return true;
  }

  /** Take back the last point placed. */
  removeLast() {
    const kind = this.mode;
    if (!kind || kind === "Point" || this.points === 0) return;
    if (this.points === 1) {
      this.start(kind, this.opener); // Geoman would stop drawing: start afresh instead
      return;
    }
    this.map.pm.Draw[GEOMAN_SHAPE[kind]]._removeLastVertex();
  }

  /** A point at `latlng`. */
  pointAt(latlng) {
    if (this.mode !== "Point") return;
    this.done();
    this.onShape({ type: "Point", coordinates: [latlng.lng, latlng.lat] }, this.opener);
  }

  /** Stop drawing without a shape. */
  cancel({ quiet = false } = {}) {
    if (!this.mode) return;
    const opener = this.opener;
    this.done();
    if (!quiet) {
      this.announce(t("drawingCancelled"));
      if (opener instanceof HTMLElement) opener.focus();
    }
  }

  /** Back to no tool. */
  done({ stopGeoman = true } = {}) {
    const wasDrawing = this.mode && this.mode !== "Point";
    this.mode = null;
    if (stopGeoman && wasDrawing && this.map.pm.globalDrawModeEnabled()) this.map.pm.disableDraw();
    for (const button of this.buttons) button.setAttribute("aria-pressed", "false");
    this.bar.hidden = true;
    this.root.classList.remove("is-drawing");
    this.map.getContainer().classList.remove("ws-map--drawing");
    this.map.doubleClickZoom.enable();
  }

  /** Allow drawing or not (paused, closed, a form open). */
  setEnabled(enabled) {
    this.enabled = enabled;
    if (!enabled) this.cancel({ quiet: true });
    for (const button of this.buttons) button.disabled = !enabled;
  }
}
