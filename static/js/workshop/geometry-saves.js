/**
 * Saving the shapes of drawings moved or reshaped on the shared map (map-page.js, reshape.js):
 * each sent with the version its drag began on, one request at a time per drawing, the latest
 * shape only. A stale version is a conflict (changes.js); another refusal puts the drawing
 * back as the server has it.
 */

import { errorMessage } from "umecom/lib/request.js";
import { t } from "umecom/lib/settings.js";
import { isStale } from "umecom/workshop/changes.js";
import { geometryOf } from "umecom/workshop/shapes.js";

export class GeometrySaves {
  /**
   * @param {import("umecom/workshop/map-page.js").WorkshopPage} page its drawings, `changes`,
   *   `reshape` and messages
   */
  constructor(page) {
    this.page = page;
    /** Geometry saves waiting per drawing, and the drawings being saved now. */
    this.next = new Map();
    this.saving = new Set();
    /** The version each drawing had when its current drag began. */
    this.base = new Map();
  }

  /** A drag (or a move like one) of a drawing begins: on the version shown now. */
  begin(id) {
    this.base.set(id, Number(this.page.layer.get(id).properties.version));
  }

  /** Whether a shape of the drawing is on its way to the server. */
  isSaving(id) {
    return this.saving.has(id);
  }

  /**
   * Send a drawing's new geometry. Only the end of a drag gets here (Geoman's `pm:edit`), and
   * while one save is on its way the next waits and sends the latest shape only.
   */
  save(id) {
    const layer = this.page.layer.layer(id);
    if (!layer) return;
    const shown = Number(this.page.layer.get(id).properties.version);
    this.next.set(id, { geometry: geometryOf(layer), version: this.base.get(id) ?? shown });
    if (!this.saving.has(id)) this.flush(id);
  }

  /** Send the waiting shapes of one drawing, one request at a time. */
  async flush(id) {
    const page = this.page;
    this.saving.add(id);
    try {
      while (this.next.has(id)) {
        const { geometry, version } = this.next.get(id);
        this.next.delete(id);
        const body = { version, geometry };
        try {
          const saved = await page.changes.change(id, body);
          // A drag that began on the version just replaced was built on this save.
          const next = Number(saved.properties.version);
          if (this.base.get(id) === version) this.base.set(id, next);
          const queued = this.next.get(id);
          if (queued && queued.version === version) queued.version = next;
          page.announce(t("shapeSaved"));
        } catch (err) {
          this.next.delete(id);
          if (isStale(err)) {
            page.reshape.stop();
            await page.changes.resolve(id, body, err);
          } else {
            page.layer.revert(id);
            page.say(errorMessage(err));
            page.learnFrom(err);
          }
          return;
        }
      }
    } finally {
      this.saving.delete(id);
    }
  }
}
