/**
 * The page settings handed over by the server, and helpers to read UI strings, labels and
 * URL templates from them.
 *
 * Where they live: one `data-settings` JSON attribute on `<body>` per page (rendered by
 * templates/base.html from the view's `page_settings`), so every page (citizen map, planner,
 * workshop) reads its settings the same way, with or without a map on it. A page without
 * settings gets `{}`. Modules run after the document is parsed, so `<body>` is there.
 */

/** @type {any} */
export const settings = JSON.parse(document.body?.dataset.settings || "{}");

/**
 * A UI string in the page language; `{name}` placeholders are filled from `vars`. A count of
 * one takes the singular, `key + "One"`, where the strings have it ("1 place found", not
 * "1 places found"); Swedish and English both use it for exactly one. Numbers are written as
 * the page's language writes them ("204 847 nålar", "204,847 pins"), but for ids and ordinals
 * (`NAMED_BY_NUMBER`), which name something rather than count it.
 * @param {string} key key of settings.strings
 * @param {Record<string, string|number>} [vars]
 */
export function t(key, vars = {}) {
  const strings = settings.strings || {};
  const chosen = vars.n === 1 && strings[`${key}One`] ? `${key}One` : key;
  const text = strings[chosen] || key;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    name in vars ? shown(name, vars[name]) : whole,
  );
}

/** Placeholders whose numbers name something (a cluster's id, a feature's place in a file). */
const NAMED_BY_NUMBER = new Set(["id", "number"]);

/**
 * A placeholder's value as the string says it.
 * @param {string} name
 * @param {string|number} value
 */
function shown(name, value) {
  if (typeof value !== "number" || NAMED_BY_NUMBER.has(name)) return String(value);
  return formatNumber(value);
}

/** @type {Intl.NumberFormat|undefined} */
let numberFormat;

/**
 * A number in the page language (1 234,5 in Swedish).
 * @param {number} value
 */
export function formatNumber(value) {
  numberFormat ??= new Intl.NumberFormat(document.documentElement.lang || undefined, {
    maximumFractionDigits: 2,
  });
  return numberFormat.format(value);
}

/**
 * A URL from the server's templates (built from its URL map, app/urls.py), placeholders filled:
 * `urlFor("idea", { idea_id: 42 })` gives "/api/ideas/42". Unknown names and missing values
 * throw: they are bugs, and a wrong URL would fail later and more quietly.
 * @param {string} name key of settings.urls
 * @param {Record<string, string|number>} [params] values of the `{name}` placeholders
 * @returns {string}
 */
export function urlFor(name, params = {}) {
  const template = settings.urls && settings.urls[name];
  if (typeof template !== "string") throw new Error(`No URL named "${name}" in the page settings`);
  return template.replace(/\{(\w+)\}/g, (whole, key) => {
    if (!(key in params)) throw new Error(`URL "${name}" needs a value for {${key}}`);
    return encodeURIComponent(String(params[key]));
  });
}

/**
 * The server's limits for a text field (app/common/limits.py), e.g. `limit("title").max`.
 * @param {string} field
 * @returns {{min: number, max: number}}
 */
export function limit(field) {
  return settings.limits[field];
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
