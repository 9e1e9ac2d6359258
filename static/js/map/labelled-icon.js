/**
 * A Leaflet DivIcon whose element carries an accessible name, so a screen reader can say what a
 * marker is. The name is set as attributes, never as markup.
 */

export const LabelledIcon = L.DivIcon.extend({
  /** @param {HTMLElement|undefined} oldIcon */
  createIcon(oldIcon) {
    const div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
    if (this.options.label) {
      div.setAttribute("aria-label", this.options.label);
      div.title = this.options.label;
    }
    return div;
  },
});
