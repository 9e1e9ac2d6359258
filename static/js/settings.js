/**
 * The page settings handed over by the server in `data-settings` on #map,
 * and small helpers to read UI strings and fill URL templates.
 */

const mapElement = document.getElementById("map");

/** @type {any} */
export const settings = JSON.parse(mapElement?.dataset.settings || "{}");

/**
 * A UI string in the page language; `{name}` placeholders are filled from `vars`.
 * @param {string} key
 * @param {Record<string, string|number>} [vars]
 */
export function t(key, vars = {}) {
  const text = (settings.strings && settings.strings[key]) || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/**
 * A URL template such as "/api/ideas/{id}" with its id filled in.
 * @param {string} name key of settings.urls
 * @param {number|string} id
 */
export function urlFor(name, id) {
  return settings.urls[name].replace("{id}", encodeURIComponent(String(id)));
}

/** The label of a category slug, or the slug itself. */
export function categoryLabel(slug) {
  const found = (settings.categories || []).find((c) => c.slug === slug);
  return found ? found.label : slug;
}

/** The label of a kind (idea/concern). */
export function kindLabel(kind) {
  return (settings.kinds && settings.kinds[kind]) || kind;
}

/** The label of a planning status. */
export function statusLabel(status) {
  return (settings.statuses && settings.statuses[status]) || status;
}
