/**
 * The filter of the map: the same form as the list page's (words, kind, category, status),
 * used in place. Every field of the form becomes a query parameter of the same name.
 *
 * While a filter is on, a line under the panel says how many pins of the map's view match
 * it, so an empty map reads as "nothing matches here", not as a map that failed to load; a
 * change of filter is announced with that count once its view has loaded.
 *
 * The filter applied is kept in the page's address (a reload or a shared link shows the same
 * pins; the server fills the form from it) and in the link to the same pins as a list.
 */

import { ApiError, errorMessage } from "umecom/lib/request.js";
import { t } from "umecom/lib/settings.js";

/**
 * @typedef {{total: number, truncated: boolean}} ViewMatches
 * `total`: the pins the view's features count; `truncated`: only some of them were sent.
 */

/**
 * @param {(filters: Record<string, string>) => void} onChange
 * @param {(text: string) => void} announce
 * @returns {{showMatches: (found: ViewMatches) => void, showFailure: (err: unknown) => void}}
 *   to call after each load of the view, or when it failed
 */
export function setUpFilters(onChange, announce) {
  const form = /** @type {HTMLFormElement|null} */ (document.querySelector("#map-filters form"));
  const result = document.getElementById("filter-result");
  if (!form) return { showMatches: () => {}, showFailure: () => {} };
  const current = () => {
    /** @type {Record<string, string>} */
    const filters = {};
    for (const [name, value] of new FormData(form)) filters[name] = String(value).trim();
    return filters;
  };
  /** The filter the loads ask for: the form as last applied, not as it is being typed. */
  let applied = current();
  /** Whether the next load answers a change of filter, so its count is announced. */
  let changed = false;
  const listLink = /** @type {HTMLAnchorElement|null} */ (
    document.getElementById("filter-list-link")
  );
  const apply = () => {
    applied = current();
    changed = true;
    onChange(applied);
    const page = withFilters(window.location.href, applied);
    window.history.replaceState(window.history.state, "", page);
    if (listLink) listLink.href = withFilters(listLink.href, applied);
  };
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  if (isOn(applied)) onChange(applied);

  /** The line under the panel: what the view holds, or why it could not be shown. */
  const showResult = (text, { failed = false } = {}) => {
    if (!result) return;
    result.setAttribute("role", failed ? "alert" : "status");
    result.classList.toggle("notice--error", failed);
    result.textContent = text;
    result.hidden = !text;
  };
  /** @type {HTMLElement|null} the filter field the server refused, marked as such */
  let refused = null;
  const clearRefused = () => {
    refused?.removeAttribute("aria-invalid");
    refused = null;
  };

  return {
    showMatches({ total, truncated }) {
      clearRefused();
      const text = isOn(applied) ? matchesText(total, truncated) : "";
      showResult(text);
      // a view cut short is announced by the pin layer itself ("pinsTruncated")
      if (changed && !truncated) announce(text || t("filterCleared"));
      changed = false;
    },
    // Shown, not only spoken: an empty or unchanged map must not pass for the filter's answer.
    showFailure(err) {
      clearRefused();
      changed = false;
      const field = err instanceof ApiError && err.field ? form.elements.namedItem(err.field) : null;
      if (field instanceof HTMLElement) {
        refused = field;
        field.setAttribute("aria-invalid", "true");
        const label = form.querySelector(`label[for="${field.id}"]`)?.textContent?.trim() || "";
        showResult(t("filterRefused", { field: label, message: errorMessage(err) }), { failed: true });
        return;
      }
      showResult(t("pinsNotLoaded", { message: errorMessage(err) }), { failed: true });
    },
  };
}

/**
 * Whether the filter narrows the pins at all (a field is not "all").
 * @param {Record<string, string>} filters
 */
function isOn(filters) {
  return Object.values(filters).some(Boolean);
}

/**
 * `url` with the filter's fields as its query parameters (others, such as `lang`, kept).
 * @param {string} url
 * @param {Record<string, string>} filters
 */
function withFilters(url, filters) {
  const address = new URL(url, window.location.href);
  for (const [name, value] of Object.entries(filters)) {
    if (value) address.searchParams.set(name, value);
    else address.searchParams.delete(name);
  }
  return address.href;
}

/**
 * What a filtered view holds, in words.
 * @param {number} total
 * @param {boolean} truncated
 */
function matchesText(total, truncated) {
  if (truncated) return t("pinsTruncated");
  if (total === 0) return t("noPinsMatch");
  return t("pinsMatch", { n: total });
}
