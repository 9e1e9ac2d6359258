/**
 * The map page's side panels (a bottom sheet on phones): the drawing form, a drawing's details,
 * a conflict, the list. One is open at a time; closing one gives focus back to what opened it.
 * A panel hidden because another opened tells its owner (`onReplaced`), so that the owner can
 * end what it was doing (a draft, a selection) instead of waiting for a close that never comes.
 * A panel opened from inside another (a drawing chosen in the list, a sheet of its own on a
 * phone) gives the focus, when it closes, to what stands for that other panel (the list's
 * toggle: `focusInstead`), since what opened it is hidden with it.
 */

export class Panels {
  constructor() {
    /** @type {HTMLElement|null} */
    this.current = null;
    /** @type {Element|null} */
    this.opener = null;
    /** @type {Map<string, () => void>} */
    this.replacedHandlers = new Map();
    /** @type {Map<string, HTMLElement>} */
    this.standIns = new Map();
    /** The panel the opener was in, when another panel's opening hid it with the opener. */
    /** @type {string|null} */
    this.openerPanel = null;
  }

  /**
   * When what opened a panel was in the panel with this id, hidden since, `element` takes the
   * focus at the close instead (the focus would otherwise fall to the page).
   * @param {string} id
   * @param {HTMLElement} element
   */
  focusInstead(id, element) {
    this.standIns.set(id, element);
  }

  /**
   * Call `handler` when the panel with this id is hidden because another panel opened.
   * @param {string} id
   * @param {() => void} handler
   */
  onReplaced(id, handler) {
    this.replacedHandlers.set(id, handler);
  }

  /**
   * Open the panel with this id (closing any other) and focus `focus` in it.
   * @param {string} id
   * @param {{opener?: Element|null, focus?: HTMLElement|null}} [options]
   * @returns {HTMLElement}
   */
  open(id, { opener = null, focus = null } = {}) {
    const panel = /** @type {HTMLElement} */ (document.getElementById(id));
    const replaced = this.current && this.current !== panel && !this.current.hidden ? this.current : null;
    if (this.current && this.current !== panel) this.current.hidden = true;
    if (this.current !== panel) {
      this.opener = opener || document.activeElement;
      this.openerPanel = replaced && replaced.contains(this.opener) ? replaced.id : null;
    }
    this.current = panel;
    panel.hidden = false;
    document.body.classList.add("ws-panel-open");
    // Told after the new panel is the open one, so the owner's own close() leaves it alone.
    if (replaced) this.replacedHandlers.get(replaced.id)?.();
    (focus || panel.querySelector("h2"))?.focus();
    return panel;
  }

  /** Whether the panel with this id is the open one. */
  isOpen(id) {
    return this.current !== null && this.current.id === id && !this.current.hidden;
  }

  /**
   * Close the panel with this id (if it is the open one).
   * @param {string} id
   * @param {{restoreFocus?: boolean}} [options]
   */
  close(id, { restoreFocus = true } = {}) {
    if (!this.isOpen(id)) return;
    const panel = /** @type {HTMLElement} */ (this.current);
    // Focus was in the panel, or nowhere (a button that was disabled while saving drops it).
    const active = document.activeElement;
    const hadFocus = !active || active === document.body || panel.contains(active);
    panel.hidden = true;
    this.current = null;
    document.body.classList.remove("ws-panel-open");
    const opener = this.opener;
    const hiddenWith = this.openerPanel === null ? undefined : this.standIns.get(this.openerPanel);
    this.opener = null;
    this.openerPanel = null;
    if (!restoreFocus || !hadFocus) return;
    if (hiddenWith) hiddenWith.focus();
    else if (opener instanceof HTMLElement && document.contains(opener)) opener.focus();
  }
}
