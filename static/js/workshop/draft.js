/**
 * The draft of a new drawing on the shared map (map-page.js): the shape just drawn, dashed,
 * while its form is open, kept in sight beside the form.
 */

import { layerOf } from "umecom/workshop/shapes.js";

export class Draft {
  /**
   * @param {any} map L.Map
   * @param {HTMLElement} mapElement the map's element, which the form may cover
   */
  constructor(map, mapElement) {
    this.map = map;
    this.element = mapElement;
    /** The draft's layer, or null. */
    this.layer = null;
  }

  /** Show a shape just drawn as the draft (instead of any other). */
  show(geometry) {
    this.clear();
    this.layer = layerOf(geometry, {
      color: "#12355b",
      weight: 4,
      dashArray: "8 6",
      fillOpacity: 0.15,
      interactive: false,
      className: "ws-draft",
    }).addTo(this.map);
  }

  /** Take the draft of a new drawing off the map. */
  clear() {
    if (this.layer) this.layer.remove();
    this.layer = null;
  }

  /**
   * The form covers part of the map: a sheet over its lower part on a phone, a panel over its
   * right side on a wide screen. Move the map so that the draft stays in sight (as far as it
   * fits), so one can see what the note is about.
   */
  keepVisible() {
    const panel = document.getElementById("ws-form-panel");
    if (!this.layer || !panel) return;
    const mapBox = this.element.getBoundingClientRect();
    const panelBox = panel.getBoundingClientRect();
    const covers = panelBox.left < mapBox.right && panelBox.right > mapBox.left;
    if (!covers || panelBox.top >= mapBox.bottom) return;
    const bounds = this.layer.getBounds ? this.layer.getBounds() : L.latLngBounds([this.layer.getLatLng()]);
    const northWest = this.map.latLngToContainerPoint(bounds.getNorthWest());
    const southEast = this.map.latLngToContainerPoint(bounds.getSouthEast());
    const margin = 24; // a point's circle, and some air
    if (panelBox.top > mapBox.top + 20) {
      // a sheet: up until the lowest point clears it, but never the top off the map
      const shift = Math.min(southEast.y - (panelBox.top - mapBox.top - margin), northWest.y - margin);
      if (shift > 0) this.map.panBy([0, shift]);
    } else if (panelBox.left > mapBox.left + 20) {
      // a panel on the right: left until the rightmost point clears it, the left edge kept
      const shift = Math.min(southEast.x - (panelBox.left - mapBox.left - margin), northWest.x - margin);
      if (shift > 0) this.map.panBy([shift, 0]);
    }
  }
}
