/**
 * The filter of the map: the same form as the list page's (kind, category, status), used in
 * place. Every field of the form becomes a query parameter of the same name.
 */

import { t } from "umecom/lib/settings.js";

/**
 * @param {(filters: Record<string, string>) => void} onChange
 * @param {(text: string) => void} announce
 */
export function setUpFilters(onChange, announce) {
  const form = /** @type {HTMLFormElement|null} */ (document.querySelector("#map-filters form"));
  if (!form) return;
  const current = () => {
    /** @type {Record<string, string>} */
    const filters = {};
    for (const [name, value] of new FormData(form)) filters[name] = String(value);
    return filters;
  };
  form.addEventListener("change", () => onChange(current()));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onChange(current());
    announce(t("filtersApplied"));
  });
  const initial = current();
  if (Object.values(initial).some(Boolean)) onChange(initial);
}
