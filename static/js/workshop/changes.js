/**
 * This browser's changes to drawings on the shared map (map-page.js), sent with the version
 * shown: a change or a deletion based on a version someone else replaced first is a conflict
 * (conflict.js asks whose to keep); and the facilitator's hiding, and undo.
 */

import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";

/** Whether a refusal is a stale version that carries the drawing as it is now. */
export function isStale(err) {
  return err instanceof ApiError && err.status === 409 && Boolean(err.body && err.body.current);
}

export class Changes {
  /**
   * @param {import("umecom/workshop/map-page.js").WorkshopPage} page its drawings, panels,
   *   messages and `afterChange`
   */
  constructor(page) {
    this.page = page;
  }

  /** The URL of one drawing. */
  url(id) {
    return urlFor("annotation", { workshop_id: this.page.id, annotation_id: id });
  }

  /** PATCH a drawing with the version the change was based on; shows the result. */
  async change(id, body) {
    const feature = await request(this.url(id), { method: "PATCH", json: body });
    this.page.layer.apply(feature);
    return feature;
  }

  /**
   * Someone changed the drawing first: show it as it is now, and keep it or apply this
   * browser's change on top of it (which may meet a newer change again).
   */
  async resolve(id, body, err) {
    const page = this.page;
    const current = err.body.current;
    const { version: _stale, ...mine } = body;
    const choice = await page.conflicts.ask({ message: err.message, current, mine });
    if (choice === "theirs") {
      page.layer.apply(current);
      page.layer.revert(id);
      page.announce(t("keptTheirs"));
      return;
    }
    const again = { ...mine, version: Number(current.properties.version) };
    try {
      if (mine.delete) await this.sendDelete(id, again.version);
      else await this.change(id, again);
      page.announce(t("reappliedMine"));
    } catch (next) {
      if (isStale(next)) await this.resolve(id, again, next);
      else {
        page.layer.revert(id);
        page.say(errorMessage(next));
        page.learnFrom(next);
      }
    }
  }

  /** Delete a drawing, with the version shown (someone's change first is a conflict). */
  async remove(id) {
    const page = this.page;
    const feature = page.layer.get(id);
    if (!feature) return;
    const version = Number(feature.properties.version);
    try {
      await this.sendDelete(id, version);
      page.announce(t("drawingDeleted"));
    } catch (err) {
      if (isStale(err)) await this.resolve(id, { delete: true, version }, err);
      else {
        page.say(errorMessage(err));
        page.learnFrom(err);
      }
    }
  }

  /** DELETE with a version, then take the drawing off the map. */
  async sendDelete(id, version) {
    const page = this.page;
    const query = new URLSearchParams({ version: String(version) });
    await request(`${this.url(id)}?${query}`, { method: "DELETE" });
    page.detail.close({ restoreFocus: false });
    page.layer.remove(id, version + 1);
    page.afterChange();
    document.getElementById("ws-undo")?.focus();
  }

  /** The facilitator hides a drawing from participants, or shows it again. */
  async setHidden(id, hidden) {
    const page = this.page;
    try {
      const feature = await request(urlFor("hidden", { workshop_id: page.id, annotation_id: id }), {
        method: "POST",
        json: { hidden },
      });
      if (hidden) page.layer.hide(id, feature.properties.version);
      else page.layer.apply(feature);
      page.afterChange();
      page.announce(hidden ? t("drawingHidden") : t("drawingShown"));
    } catch (err) {
      page.say(errorMessage(err));
    }
  }

  /** Undo this browser's own last change (the server knows which). */
  async undo() {
    const page = this.page;
    try {
      const result = await request(urlFor("undo", { workshop_id: page.id }), { method: "POST" });
      if (result.deleted) {
        const shown = page.layer.get(result.annotation_id);
        page.layer.remove(result.annotation_id, shown ? Number(shown.properties.version) + 1 : 0);
      } else {
        page.layer.apply(result.feature);
      }
      page.afterChange();
      page.say("");
      page.announce(t("undone"));
    } catch (err) {
      page.say(errorMessage(err));
      page.learnFrom(err);
    }
  }
}
