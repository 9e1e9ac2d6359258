/**
 * Entry point of "My pins" (templates/mine.html): the pins this browser placed
 * (my-pins-store.js), as they are now, with their status and the municipality's answer. The
 * public API has them by id; a pin it does not return is held for a moderator or removed.
 */

import { cssSlug, el } from "umecom/lib/dom.js";
import { errorMessage, request } from "umecom/lib/request.js";
import { categoryLabel, kindLabel, statusLabel, t, urlFor } from "umecom/lib/settings.js";
import { forgetMyPins, myPinIds } from "umecom/citizen/my-pins-store.js";
import { answerText, createdAt } from "umecom/citizen/pin-card.js";

async function start() {
  const list = document.getElementById("my-pins-list");
  const none = document.getElementById("my-pins-none");
  const missing = document.getElementById("my-pins-missing");
  const status = document.getElementById("my-pins-status");
  const forget = document.getElementById("my-pins-forget");
  if (!list || !none || !missing || !status || !forget) return;
  const ids = myPinIds();
  if (!ids.length) {
    none.hidden = false;
    return;
  }
  forget.hidden = false;
  forget.addEventListener("click", () => {
    if (!window.confirm(t("forgetMyPinsConfirm"))) return;
    forgetMyPins();
    list.replaceChildren();
    missing.hidden = true;
    forget.hidden = true;
    none.hidden = false;
    status.textContent = t("myPinsForgotten");
  });
  status.textContent = t("loading");
  let found;
  try {
    const params = new URLSearchParams({ ids: ids.join(","), limit: String(ids.length) });
    found = await request(`${urlFor("ideas")}?${params}`);
  } catch (err) {
    status.textContent = errorMessage(err);
    return;
  }
  const features = found.features || [];
  list.replaceChildren(...features.map(pinItem));
  const notShown = ids.length - features.length;
  missing.textContent = notShown > 0 ? t("myPinsNotPublic", { n: notShown }) : "";
  missing.hidden = notShown <= 0;
  status.textContent = "";
}

/**
 * One of my pins, as the list page shows a pin.
 * @param {any} feature
 */
function pinItem(feature) {
  const p = feature.properties || {};
  const item = el("li", `idea-item idea-item--${cssSlug(p.kind)}`);
  const heading = el("h2");
  const link = /** @type {HTMLAnchorElement} */ (el("a", "", p.title));
  link.href = urlFor("ideaPage", { idea_id: feature.id });
  heading.append(link);
  const meta = el("p", "meta");
  meta.append(el("span", `badge badge--${cssSlug(p.kind)}`, kindLabel(p.kind)));
  meta.append(el("span", "", categoryLabel(p.category)));
  if (p.district) meta.append(el("span", "", p.district));
  if (p.created_at) meta.append(createdAt(p.created_at));
  meta.append(el("span", "", `${t("status")}: ${statusLabel(p.status)}`));
  meta.append(el("span", "", `${t("supports")}: ${p.support_count ?? 0}`));
  item.append(heading, meta);
  if (p.answer) {
    const answer = el("p", "list-answer");
    answer.append(el("strong", "", `${t("answer")}: `), answerText("span", p));
    item.append(answer);
  }
  return item;
}

start();
