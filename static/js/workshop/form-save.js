/**
 * Saving the drawing form of the shared map (map-page.js): a new drawing is created
 * idempotently by its client id and retried on a flaky network; a changed note, colour or
 * category is sent with the version the form was opened on (a conflict is resolved as
 * changes.js does). A refusal is shown beside its field.
 */

import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import { t, urlFor } from "umecom/lib/settings.js";
import { isStale } from "umecom/workshop/changes.js";
import { newClientId } from "umecom/workshop/ids.js";
import { shapeName } from "umecom/workshop/shapes.js";

/** Waits before retrying a new drawing that did not reach the server (ms). */
const RETRY_DELAYS = [500, 1000, 2000, 4000, 8000];
const RETRY_STATUSES = new Set([0, 502, 503, 504]);

const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));

export class FormSave {
  /**
   * @param {import("umecom/workshop/map-page.js").WorkshopPage} page its form, drawings,
   *   draft, tools, `changes` and messages
   */
  constructor(page) {
    this.page = page;
  }

  /** The form was sent: create or edit, and show what went wrong beside its field. */
  async submit(values, context) {
    const form = this.page.form;
    form.busy(true);
    try {
      if (context.mode === "new") await this.create(values, context);
      else await this.edit(values, context);
    } catch (err) {
      form.busy(false);
      const field = err instanceof ApiError ? err.field : null;
      form.showError(field || "", errorMessage(err)).focus();
      this.page.learnFrom(err);
    }
  }

  /** Create the drawing (idempotent by its client id) and show it. */
  async create(values, context) {
    const page = this.page;
    context.clientId = context.clientId || newClientId(); // the same id for every retry
    const properties = { note: values.note, client_id: context.clientId };
    if (values.color) properties.color = values.color;
    if (values.category) properties.category = values.category;
    if ("on_behalf_of" in values) {
      properties.on_behalf_of = values.on_behalf_of;
      if (values.group) properties.group = values.group;
    }
    const saved = await this.withRetries(() =>
      request(urlFor("annotations", { workshop_id: page.id }), {
        method: "POST",
        json: { type: "Feature", geometry: context.geometry, properties },
      }),
    );
    page.layer.apply(saved);
    page.draft.clear();
    page.form.close();
    page.drawing.setEnabled(page.canDraw());
    page.say("");
    page.announce(t("drawingSaved", { shape: shapeName(saved.geometry) }));
  }

  /** Run `send` again after a network failure (the client id makes it safe), then give up. */
  async withRetries(send) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await send();
      } catch (err) {
        if (!(err instanceof ApiError) || !RETRY_STATUSES.has(err.status) || attempt >= RETRY_DELAYS.length) {
          if (attempt > 0) {
            // No longer trying: the form says what went wrong, and so does the status region,
            // which still said "trying again" to a screen reader.
            this.page.say("");
            this.page.announce(errorMessage(err));
          }
          throw err;
        }
        this.page.say(t("retrying"));
        await sleep(RETRY_DELAYS[attempt]);
      }
    }
  }

  /** Change a drawing's note, colour or category with the version the form was opened on. */
  async edit(values, context) {
    const page = this.page;
    const id = Number(context.feature.id);
    if (!Object.keys(values).length) {
      page.form.close();
      return;
    }
    const body = { version: context.version, properties: values };
    try {
      await page.changes.change(id, body);
    } catch (err) {
      if (!isStale(err)) throw err;
      page.form.close();
      await page.changes.resolve(id, body, err);
      return;
    }
    page.form.close();
    page.announce(t("drawingChanged"));
  }
}
