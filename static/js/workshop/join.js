/**
 * Entry point of the join link (templates/workshop/join.html, `/w/<code>`): find the workshop
 * by its code, ask for a display name (and a group, if it has groups), join, open the map.
 * A browser that has joined before goes straight to the map: no second participant. One the
 * facilitator removed, or a workshop that has closed or ended or lets nobody new in now, gets a
 * sentence, not the form.
 */

import { ApiError, errorMessage, request } from "umecom/lib/request.js";
import { settings, t, urlFor } from "umecom/lib/settings.js";

const $ = (id) => document.getElementById(id);

async function start() {
  const status = /** @type {HTMLElement} */ ($("ws-join-status"));
  const form = /** @type {HTMLFormElement} */ ($("ws-join-form"));
  const code = String(settings.code || "");
  let found;
  try {
    found = await request(`${urlFor("byCode")}?${new URLSearchParams({ code })}`);
  } catch (err) {
    // A code that opens nothing may be one the facilitator has since replaced.
    const gone = err instanceof ApiError && err.status === 404;
    status.textContent = gone ? t("noSuchCode") : errorMessage(err);
    $("ws-join-other")?.removeAttribute("hidden");
    return;
  }
  const mapUrl = urlFor("mapPage", { workshop_id: found.id });
  const state = await request(urlFor("workshop", { workshop_id: found.id })).catch(() => null);
  if (state && state.me && state.me.participant_id !== null) {
    window.location.replace(mapUrl); // joined before, in this browser
    return;
  }
  /** @type {HTMLElement} */ ($("ws-join-title")).textContent = t("joinTitle", { title: found.title });
  document.title = `${t("joinTitle", { title: found.title })} · ${document.title}`;
  if (state && state.me && state.me.facilitator) {
    const link = /** @type {HTMLAnchorElement} */ ($("ws-join-facilitator"));
    link.href = urlFor("facilitatePage", { workshop_id: found.id });
    link.closest("[hidden]")?.removeAttribute("hidden");
  }
  // Said instead of a form that could only be refused.
  if (state && state.me && state.me.removed) {
    status.textContent = t("removedNotice");
    return;
  }
  if (found.state === "closed") {
    status.textContent = t("workshopClosed");
    return;
  }
  if (found.ended) {
    status.textContent = t("workshopEnded");
    return;
  }
  if (found.joins_open === false) {
    status.textContent = t("joinsStopped");
    // The facilitator may let people in a minute later: a press looks again. Not a poll: the
    // look-ups count toward the same limit as joining does.
    $("ws-join-retry")?.removeAttribute("hidden");
    return;
  }
  status.textContent = "";
  const groups = Array.isArray(found.groups) ? found.groups : [];
  const select = /** @type {HTMLSelectElement} */ ($("ws-join-group"));
  if (groups.length) {
    select.replaceChildren(
      new Option(t("noGroup"), ""),
      ...groups.map((g) => new Option(g.name, String(g.id))),
    );
    $("ws-join-group-field")?.removeAttribute("hidden");
  }
  form.hidden = false;
  const name = /** @type {HTMLInputElement} */ ($("ws-join-name"));
  name.focus();

  const fieldError = (field, message) => {
    const input = field === "group" ? select : field === "name" ? name : null;
    const node = $(input ? `${input.id}-error` : "ws-join-error");
    if (!node) return;
    node.textContent = message;
    node.hidden = false;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    } else {
      node.focus();
    }
  };
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const id of ["ws-join-name-error", "ws-join-group-error", "ws-join-error"]) {
      const node = $(id);
      if (node) node.hidden = true;
    }
    name.removeAttribute("aria-invalid");
    select.removeAttribute("aria-invalid");
    if (!name.value.trim()) {
      fieldError("name", t("required"));
      return;
    }
    const submit = /** @type {HTMLButtonElement} */ ($("ws-join-submit"));
    submit.disabled = true;
    try {
      const body = { code, name: name.value.trim() };
      if (select.value) body.group = Number(select.value);
      await request(urlFor("join", { workshop_id: found.id }), { method: "POST", json: body });
      window.location.assign(mapUrl);
    } catch (err) {
      submit.disabled = false;
      if (err instanceof ApiError && err.code === "wrong_code") {
        // The facilitator made a new code while this form was open: this one opens nothing.
        form.hidden = true;
        status.textContent = t("codeChanged");
        $("ws-join-other")?.removeAttribute("hidden");
        return;
      }
      const field = err instanceof ApiError ? err.field : null;
      fieldError(field === "name" || field === "group" ? field : "", errorMessage(err));
    }
  });
}

$("ws-join-retry-button")?.addEventListener("click", () => window.location.reload());
start();
