/**
 * Reshaping a line or an area corner by corner without a pointer (WCAG 2.1.1: Geoman's corner
 * handles need a mouse or a finger). While the page reshapes one, ] and [ (or Page Down and
 * Page Up: brackets need AltGr on a Swedish keyboard) or the bar's buttons choose a corner. It
 * is ringed on the map, big enough for a projector, and named in the bar and aloud ("Corner 3
 * of 5"); the page's arrow keys then move that corner instead of the whole shape, and Escape
 * goes back to the whole shape. A corner can be added after the chosen one, or the chosen one
 * removed (a line keeps 2, an area 3).
 *
 * A change that would make an area cross itself is refused here, as Geoman refuses such a
 * drag and the server such a shape; the page saves every other change as a drag's.
 *
 * The markup (templates/workshop/_tools.html), hidden for a point: the keys' hint
 * `#ws-corner-hint`, and `#ws-corners` with `#ws-corner-label` and the buttons `#ws-corner-prev`,
 * `#ws-corner-next`, `#ws-corner-add` and `#ws-corner-remove` (the last two once a corner is
 * chosen).
 */

import { isDisabled, setDisabled } from "umecom/lib/dom.js";
import { t } from "umecom/lib/settings.js";

/** The fewest corners a line and an area keep (the server's minimum too). */
const MIN_CORNERS = { line: 2, area: 3 };
/** How far beyond a line's end its new last corner goes (px). */
const EXTEND_PX = 40;
/** How far inside the map's edges a chosen corner is kept (px). */
const REVEAL_PX = 48;
/** The keys that choose the next or the previous corner. */
const NEXT_KEYS = new Set(["]", "PageDown"]);
const PREVIOUS_KEYS = new Set(["[", "PageUp"]);

/** Whether a layer is an area (L.Polygon extends L.Polyline). */
const isArea = (layer) => layer instanceof L.Polygon;

/** The corners of a line, or of an area's outer ring (not closed). */
function cornersOf(layer) {
  const latlngs = layer.getLatLngs();
  return isArea(layer) ? latlngs[0] : latlngs;
}

/** Give a line or an area's outer ring these corners (an area's holes stay). */
function setCorners(layer, corners) {
  layer.setLatLngs(isArea(layer) ? [corners, ...layer.getLatLngs().slice(1)] : corners);
}

export class CornerPicker {
  /**
   * @param {any} map L.Map
   * @param {{announce: (text: string) => void, hint: HTMLElement,
   *   edit: (change: () => boolean) => void}} options `edit` runs a change of the shape being
   *   reshaped (true when it changed it) and saves it as the arrow keys' moves are saved
   */
  constructor(map, { announce, hint, edit }) {
    this.map = map;
    this.announce = announce;
    this.hint = hint;
    this.edit = edit;
    /** The line or area being reshaped, or null. */
    this.layer = null;
    /** The chosen corner's index, or null for the whole shape. */
    this.index = null;
    /** The hint a refusal replaced (back at the next change), or null. */
    this.hintBefore = null;
    this.group = /** @type {HTMLElement} */ (document.getElementById("ws-corners"));
    this.keysHint = /** @type {HTMLElement} */ (document.getElementById("ws-corner-hint"));
    this.label = /** @type {HTMLElement} */ (document.getElementById("ws-corner-label"));
    this.addButton = /** @type {HTMLElement} */ (document.getElementById("ws-corner-add"));
    this.removeButton = /** @type {HTMLElement} */ (document.getElementById("ws-corner-remove"));
    document.getElementById("ws-corner-prev")?.addEventListener("click", () => this.step(-1));
    document.getElementById("ws-corner-next")?.addEventListener("click", () => this.step(1));
    this.addButton.addEventListener("click", () => this.press(this.addButton, () => this.add()));
    this.removeButton.addEventListener("click", () => this.press(this.removeButton, () => this.remove()));
    // Two rings: white under dark, seen on any shape and background, and from the back row.
    this.mark = L.featureGroup([
      L.circleMarker([0, 0], { radius: 18, weight: 10, color: "#fff", fill: false, interactive: false }),
      L.circleMarker([0, 0], {
        radius: 18,
        weight: 5,
        color: "#111",
        fill: false,
        interactive: false,
        className: "ws-corner-mark",
      }),
    ]);
    this.follow = () => this.refresh();
  }

  /** Reshaping `layer` begins: the whole shape first (a point has no corners). */
  start(layer) {
    this.stop();
    if (layer.setLatLng) return;
    this.layer = layer;
    this.index = null;
    // Put back after a refused save, changed live or dragged by a pointer: follow it.
    layer.on("ws:reshaped pm:edit", this.follow);
    this.group.hidden = false;
    this.keysHint.hidden = false;
    this.show();
  }

  /** What the keys do, as the bar says it ("" for a point). */
  get keys() {
    return this.layer ? this.keysHint.textContent || "" : "";
  }

  /** Reshaping ended. */
  stop() {
    this.unrefuse();
    this.layer?.off("ws:reshaped pm:edit", this.follow);
    this.layer = null;
    this.index = null;
    this.mark.remove();
    this.group.hidden = true;
    this.keysHint.hidden = true;
  }

  /** The number of corners of the shape being reshaped. */
  get count() {
    return this.layer ? cornersOf(this.layer).length : 0;
  }

  /**
   * A key that chooses: ] and Page Down the next corner, [ and Page Up the previous one,
   * Escape the whole shape again. Whether it was one of them (and done).
   * @param {KeyboardEvent} event
   */
  key(event) {
    if (!this.layer || event.metaKey) return false;
    const bare = !event.altKey && !event.ctrlKey && !event.shiftKey; // Ctrl+Page Up: the tabs
    const bracket = event.key === "[" || event.key === "]"; // with AltGr, or Option, as typed
    if (!bracket && !bare) return false;
    if (NEXT_KEYS.has(event.key)) this.step(1);
    else if (PREVIOUS_KEYS.has(event.key)) this.step(-1);
    else if (event.key === "Escape" && this.index !== null) this.whole();
    else return false;
    return true;
  }

  /** The next (1) or previous (-1) corner; from the whole shape, the first or the last. */
  step(delta) {
    const n = this.count;
    if (!n) return;
    if (this.index === null) this.index = delta > 0 ? 0 : n - 1;
    else this.index = (this.index + delta + n) % n;
    this.unrefuse();
    this.show({ reveal: true });
    this.announce(this.label.textContent || "");
  }

  /** Back to moving the whole shape. */
  whole() {
    // Add and Remove go: not the focus with them (it would fall to the page's start).
    const focus = document.activeElement;
    if (focus === this.addButton || focus === this.removeButton) document.getElementById("ws-corner-next")?.focus();
    this.index = null;
    this.unrefuse();
    this.show();
    this.announce(t("wholeShapeAgain"));
  }

  /**
   * Move the chosen corner by `offset` pixels (unrounded: it lands where the keys say).
   * @param {any} offset L.Point
   * @returns {boolean} whether it moved (not when the area would cross itself)
   */
  move(offset) {
    const corners = [...cornersOf(this.layer)];
    const i = Number(this.index);
    corners[i] = this.map.unproject(this.map.project(corners[i]).add(offset));
    return this.replace(corners, i);
  }

  /** A corner after the chosen one: halfway to the next, or beyond a line's end. */
  add() {
    const corners = [...cornersOf(this.layer)];
    const i = Number(this.index);
    const next = corners[(i + 1) % corners.length];
    const here = this.map.project(corners[i]);
    let at;
    if (i + 1 < corners.length || isArea(this.layer)) {
      at = here.add(this.map.project(next)).divideBy(2);
    } else {
      const back = here.subtract(this.map.project(corners[i - 1]));
      const length = back.distanceTo(L.point(0, 0));
      at = length ? here.add(back.multiplyBy(EXTEND_PX / length)) : here.add(L.point(EXTEND_PX, 0));
    }
    corners.splice(i + 1, 0, this.map.unproject(at));
    if (!this.replace(corners, i + 1)) return false;
    this.announce(t("cornerAdded", { number: i + 2, count: corners.length }));
    return true;
  }

  /** Remove the chosen corner (not below a line's 2 or an area's 3); the previous is chosen. */
  remove() {
    const corners = [...cornersOf(this.layer)];
    const i = Number(this.index);
    const least = MIN_CORNERS[isArea(this.layer) ? "area" : "line"];
    if (corners.length <= least) {
      this.announce(t(isArea(this.layer) ? "areaCornersLeast" : "lineCornersLeast", { n: least }));
      return false;
    }
    corners.splice(i, 1);
    const chosen = Math.max(i - 1, 0);
    if (!this.replace(corners, chosen)) return false;
    this.announce(t("cornerRemoved", { number: chosen + 1, count: corners.length }));
    return true;
  }

  /** The add or remove button (shown once a corner is chosen), when it is available. */
  press(button, change) {
    if (!this.layer || this.index === null) return;
    if (isDisabled(button)) {
      change(); // says why (remove's minimum)
      return;
    }
    this.edit(change);
  }

  /**
   * Give the shape these corners, with `index` chosen, unless an area would cross itself:
   * Geoman's own test, the one that refuses such a drag. The server checks every shape too
   * (a ring that only touches itself is its 422, said and put back as a drag's).
   */
  replace(corners, index) {
    const before = [...cornersOf(this.layer)];
    setCorners(this.layer, corners);
    if (isArea(this.layer) && this.layer.pm?.hasSelfIntersection()) {
      setCorners(this.layer, before);
      this.refuse(t("cornerCrosses"));
      return false;
    }
    this.unrefuse();
    this.index = index;
    this.show({ reveal: true });
    return true;
  }

  /** Say in the bar and aloud why a change was not made (until the next one). */
  refuse(text) {
    if (this.hintBefore === null) this.hintBefore = this.hint.textContent || "";
    this.hint.textContent = text;
    this.announce(text);
  }

  /** The bar's hint as it was before a refusal. */
  unrefuse() {
    if (this.hintBefore === null) return;
    this.hint.textContent = this.hintBefore;
    this.hintBefore = null;
  }

  /** The shape changed from elsewhere: keep the chosen corner within its corners. */
  refresh() {
    if (!this.layer) return;
    if (this.index !== null) this.index = Math.min(this.index, this.count - 1);
    this.show();
  }

  /**
   * The label, the buttons and the ring as the choice is now.
   * @param {{reveal?: boolean}} [options] `reveal`: pan the map to the corner when it is off it
   */
  show({ reveal = false } = {}) {
    const n = this.count;
    const chosen = this.index !== null;
    this.label.textContent = chosen ? t("cornerOf", { number: Number(this.index) + 1, count: n }) : t("wholeShape");
    const least = MIN_CORNERS[isArea(this.layer) ? "area" : "line"];
    this.addButton.hidden = !chosen;
    this.removeButton.hidden = !chosen;
    setDisabled(this.removeButton, n <= least);
    if (!chosen) {
      this.mark.remove();
      return;
    }
    const latlng = cornersOf(this.layer)[Number(this.index)];
    this.mark.eachLayer((ring) => ring.setLatLng(latlng));
    if (!this.map.hasLayer(this.mark)) this.mark.addTo(this.map);
    if (reveal) this.reveal(latlng);
  }

  /**
   * Pan the map, at once, until `latlng` is well inside the part of it that is seen. Measured
   * on the element: Leaflet's size is from before the bar below the map grew.
   */
  reveal(latlng) {
    const container = this.map.getContainer();
    const at = this.map.latLngToContainerPoint(latlng);
    const by = (value, size) => Math.min(value - REVEAL_PX, 0) + Math.max(value - (size - REVEAL_PX), 0);
    const dx = by(at.x, container.clientWidth);
    const dy = by(at.y, container.clientHeight);
    if (dx || dy) this.map.panBy([dx, dy], { animate: false });
  }
}
