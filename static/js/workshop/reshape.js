/**
 * Moving and reshaping one's drawing on the shared map (map-page.js): by pointer with
 * Geoman's handles; from the keyboard, the arrow keys move a whole line or area or its chosen
 * corner (corners.js), and "Move it to the centre of the map" moves a point. The edit bar says
 * how; each shape is saved as a drag's (geometry-saves.js).
 */

import { t } from "umecom/lib/settings.js";

/** A line or an area moved by one press of an arrow key (px). */
const KEY_STEP_PX = 10;
const KEY_STEPS = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };

export class Reshape {
  /**
   * @param {import("umecom/workshop/map-page.js").WorkshopPage} page its map, drawings, tools,
   *   panels, `corners` and `geometry`
   */
  constructor(page) {
    this.page = page;
    /** The drawing being reshaped, or null. */
    this.id = null;
    this.handlers = null;
    /** A keyboard move of a line or an area waiting to be saved (its timer), or undefined. */
    this.keyTimer = undefined;
  }

  /** Let the drawing be dragged and reshaped (Geoman's handles); the bar says how. */
  start(id) {
    const page = this.page;
    const layer = page.layer.layer(id);
    const feature = page.layer.get(id);
    if (!layer || !feature || !page.canDraw() || !page.mayChange(feature)) return;
    this.stop();
    page.detail.close({ restoreFocus: false });
    this.id = id;
    page.layer.select(id);
    page.drawing.setEnabled(false);
    const point = Boolean(layer.setLatLng);
    layer.pm.enable({ draggable: true, snappable: false, allowSelfIntersection: false });
    const base = () => page.geometry.begin(id);
    this.handlers = {
      "pm:dragstart": base,
      "pm:markerdragstart": base,
      "pm:edit": () => page.geometry.save(id),
    };
    layer.on(this.handlers);
    const bar = /** @type {HTMLElement} */ (document.getElementById("ws-editbar"));
    bar.hidden = false;
    document.getElementById("ws-tools")?.classList.add("is-editing");
    const hint = point ? t("hintMovePoint") : t("hintReshapeKeys");
    /** @type {HTMLElement} */ (document.getElementById("ws-edit-hint")).textContent = hint;
    page.corners.start(layer);
    const centre = /** @type {HTMLElement} */ (document.getElementById("ws-move-centre"));
    centre.hidden = !point;
    /** @type {HTMLElement} */ (document.getElementById("ws-edit-done")).focus();
    page.announce(point ? hint : `${hint} ${page.corners.keys}`);
  }

  /** "Move it to the centre of the map": the point being moved goes there, and is saved. */
  moveToCentre() {
    const page = this.page;
    const layer = this.id === null ? null : page.layer.layer(this.id);
    if (!layer || !layer.setLatLng) return;
    page.geometry.begin(this.id);
    layer.setLatLng(page.map.getCenter());
    page.geometry.save(this.id);
  }

  /**
   * A key while a line or an area is being reshaped (the focus on the map or the edit bar):
   * ] and [ (or Page Down and Page Up) choose a corner and Escape the whole shape again
   * (corners.js); an arrow key moves the chosen corner, or the whole shape, a few pixels. Saved
   * once the keys rest. A point has "Move it to the centre of the map" instead.
   * @param {KeyboardEvent} event
   */
  key(event) {
    if (this.id === null) return;
    const page = this.page;
    const target = /** @type {Node} */ (event.target);
    const bar = document.getElementById("ws-editbar");
    if (target !== page.element && target !== document.body && !bar?.contains(target)) return;
    const layer = page.layer.layer(this.id);
    if (!layer || layer.setLatLng) return;
    const step = KEY_STEPS[event.key];
    const moves = step && !event.altKey && !event.ctrlKey && !event.metaKey;
    if (!moves && !page.corners.key(event)) return;
    event.preventDefault();
    event.stopPropagation(); // not Leaflet's too: the map stays, the shape moves
    if (!moves) return;
    const offset = L.point(step[0] * KEY_STEP_PX, step[1] * KEY_STEP_PX);
    this.changeByKey(() =>
      page.corners.index === null ? this.moveWhole(layer, offset) : page.corners.move(offset),
    );
  }

  /** Move every corner of a line or an area by `offset` pixels (unrounded: the shape stays). */
  moveWhole(layer, offset) {
    const map = this.page.map;
    const moved = (latlngs) =>
      Array.isArray(latlngs) ? latlngs.map(moved) : map.unproject(map.project(latlngs).add(offset));
    layer.setLatLngs(moved(layer.getLatLngs()));
    return true;
  }

  /**
   * Change the shape being reshaped from the keyboard (`change` says whether it did), and
   * save it once the keys rest, based on the version shown when the presses began (as a drag).
   * @param {() => boolean} change
   */
  changeByKey(change) {
    const id = this.id;
    const layer = id === null ? null : this.page.layer.layer(id);
    if (!layer) return;
    if (this.keyTimer === undefined && !this.page.geometry.isSaving(id)) {
      this.page.geometry.begin(id); // as a drag starts
    }
    if (!change()) return;
    const options = layer.pm.options; // the corner handles, rebuilt where the corners are now
    layer.pm.disable();
    layer.pm.enable(options);
    window.clearTimeout(this.keyTimer);
    this.keyTimer = window.setTimeout(() => this.saveKeyMove(id), 400);
  }

  /** The keys rest: save where the shape is now (when it may still be changed). */
  saveKeyMove(id) {
    const page = this.page;
    window.clearTimeout(this.keyTimer);
    this.keyTimer = undefined;
    const feature = page.layer.get(id);
    if (feature && page.canDraw() && page.mayChange(feature)) page.geometry.save(id);
    else page.layer.revert(id);
  }

  /** Back from editing a shape (focus to the drawing in the list, if asked). */
  stop({ focus = false } = {}) {
    const page = this.page;
    const id = this.id;
    if (id === null) return;
    if (this.keyTimer !== undefined) this.saveKeyMove(id); // the last presses, not lost
    this.id = null;
    page.corners.stop();
    const layer = page.layer.layer(id);
    if (layer) {
      layer.off(this.handlers);
      if (layer.pm.enabled()) layer.pm.disable();
    }
    page.layer.select(null);
    /** @type {HTMLElement} */ (document.getElementById("ws-editbar")).hidden = true;
    document.getElementById("ws-tools")?.classList.remove("is-editing");
    page.drawing.setEnabled(page.canDraw());
    if (focus) document.getElementById(`ws-open-${id}`)?.focus();
  }
}
