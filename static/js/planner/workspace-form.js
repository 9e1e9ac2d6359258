/**
 * The workspace's controls: the layer, the district metric, eps, min_points and hexagon size,
 * and all the pin filters. The form reflects the state and reports changes; a 422 from a
 * layer is shown next to the field it names, in the server's words.
 */

import { localDate } from "umecom/lib/dates.js";
import { errorMessage } from "umecom/lib/request.js";
import { t } from "umecom/lib/settings.js";
import { LIST_FILTERS, TEXT_FILTERS } from "umecom/planner/workspace-state.js";

/** Fields whose errors the form can show; other fields' errors go to the page's status. */
const FIELDS = ["eps", "min_points", "size", ...LIST_FILTERS, ...TEXT_FILTERS];
/** The text filters typed into an input (the district is chosen from a list). */
const TYPED_FILTERS = TEXT_FILTERS.filter((name) => name !== "district");
/** The filters in the order of their fields in the panel, as the summary lists them. */
const FILTER_ORDER = ["q", "kind", "status", "category", "source", "district", "since", "until"];

export class ControlForm {
  /**
   * @param {HTMLFormElement} form
   * @param {(changes: Partial<import("umecom/planner/workspace-state.js").State>) => void} onChange
   */
  constructor(form, onChange) {
    this.form = form;
    this.onChange = onChange;
    form.addEventListener("change", () => onChange(this.read()));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      onChange(this.read());
    });
    // "Last 7 days": that many calendar days with today among them (the planner's own
    // calendar), so from 6 days before today, to now
    for (const button of form.querySelectorAll("[data-since-days]")) {
      button.addEventListener("click", () => {
        const days = Number(/** @type {HTMLElement} */ (button).dataset.sinceDays);
        this.inputs("since")[0].value = localDate(daysBefore(new Date(), days - 1));
        this.inputs("until")[0].value = "";
        onChange(this.read());
      });
    }
  }

  /** @param {string} name */
  inputs(name) {
    return /** @type {HTMLInputElement[]} */ ([...this.form.querySelectorAll(`[name="${name}"]`)]);
  }

  /**
   * Show the state in the form, and only the parameters of the chosen layer.
   * @param {import("umecom/planner/workspace-state.js").State} state
   */
  fill(state) {
    for (const input of this.inputs("layer")) input.checked = input.value === state.layer;
    for (const input of this.inputs("metric")) input.checked = input.value === state.metric;
    for (const name of ["eps", "min_points", "size"]) this.inputs(name)[0].value = String(state[name]);
    for (const name of LIST_FILTERS) {
      const chosen = /** @type {string[]} */ (state.filters[name]);
      for (const input of this.inputs(name)) input.checked = chosen.includes(input.value);
    }
    const district = /** @type {HTMLSelectElement} */ (this.form.elements.namedItem("district"));
    const known = [...district.options].some((o) => o.value === state.filters.district);
    district.value = known ? String(state.filters.district) : "";
    for (const name of TYPED_FILTERS) this.inputs(name)[0].value = String(state.filters[name]);
    this.showLayerFields(state.layer);
    this.showFilterSummary();
  }

  /**
   * Say which filters apply (the filters panel may be closed, while the answers and downloads
   * act on them): "Filter: Kind: Idea; Status: New, Under review". Empty when none does; the
   * line is a polite live region, so a change is announced.
   */
  showFilterSummary() {
    const line = document.getElementById("pw-filter-summary");
    if (!line) return;
    const parts = FILTER_ORDER.map((name) => this.filterText(name)).filter(Boolean);
    const text = parts.length ? t("filterSummary", { list: parts.join("; ") }) : "";
    if (line.textContent !== text) line.textContent = text;
  }

  /** Open the filters panel when a filter applies (once, as the page loads a filtered view). */
  openFiltersWhenFiltered() {
    const details = this.form.querySelector("details.pw-filters");
    if (details instanceof HTMLDetailsElement && FILTER_ORDER.some((n) => this.filterText(n))) {
      details.open = true;
    }
  }

  /**
   * A filter as its field's label and the values chosen, in the page's words; "" when unset.
   * @param {string} name
   */
  filterText(name) {
    const inputs = this.inputs(name);
    let values = [];
    if (LIST_FILTERS.includes(name)) {
      values = inputs.filter((i) => i.checked).map((i) => i.closest("label")?.textContent?.trim() || i.value);
    } else if (name === "district") {
      const select = /** @type {HTMLSelectElement} */ (this.form.elements.namedItem("district"));
      if (select.value) values = [select.selectedOptions[0]?.textContent?.trim() || select.value];
    } else if (inputs[0]?.value.trim()) {
      values = [inputs[0].value.trim()];
    }
    if (!values.length || !inputs[0]) return "";
    const label = LIST_FILTERS.includes(name)
      ? inputs[0].closest("fieldset")?.querySelector("legend")?.textContent
      : this.form.querySelector(`label[for="${inputs[0].id}"]`)?.textContent;
    return `${(label || name).trim()}: ${values.join(", ")}`;
  }

  /**
   * Whether the form offers `value` for `name` (per 1,000 residents is not offered while no
   * district's population is known).
   * @param {string} name
   * @param {string} value
   */
  offers(name, value) {
    return this.inputs(name).some((input) => input.value === value && !input.disabled);
  }

  /** @param {string} layer */
  showLayerFields(layer) {
    this.form.querySelectorAll("[data-layers]").forEach((node) => {
      const wrapper = /** @type {HTMLElement} */ (node);
      wrapper.hidden = !(wrapper.dataset.layers || "").split(" ").includes(layer);
    });
  }

  /** What the form says now (numbers as typed: the server checks their bounds). */
  read() {
    const checked = (name) => this.inputs(name).filter((i) => i.checked).map((i) => i.value);
    const value = (name) => this.inputs(name)[0]?.value.trim() || "";
    /** @type {Record<string, string[]|string>} */
    const filters = {};
    for (const name of LIST_FILTERS) filters[name] = checked(name);
    filters.district = /** @type {HTMLSelectElement} */ (this.form.elements.namedItem("district")).value;
    for (const name of TYPED_FILTERS) filters[name] = value(name);
    return {
      layer: checked("layer")[0] || "districts",
      metric: checked("metric")[0] || "count",
      eps: Number(value("eps")),
      min_points: Number(value("min_points")),
      size: Number(value("size")),
      filters,
    };
  }

  clearErrors() {
    for (const name of FIELDS) {
      const box = document.getElementById(`pw-err-${name}`);
      if (box) {
        box.hidden = true;
        box.textContent = "";
      }
      for (const input of this.inputs(name)) input.removeAttribute("aria-invalid");
    }
  }

  /**
   * The server's message next to the field it names; false when the form has no such field.
   * With `suggested`, a value the server said it would take: a button beside the message
   * puts it in the field and asks again.
   * @param {string|null} name
   * @param {string} message
   * @param {number} [suggested]
   */
  showError(name, message, suggested) {
    const box = name ? document.getElementById(`pw-err-${name}`) : null;
    if (!name || !box) return false;
    box.textContent = message;
    box.hidden = false;
    const inputs = this.inputs(name);
    for (const input of inputs) input.setAttribute("aria-invalid", "true");
    if (Number.isFinite(suggested) && inputs.length === 1) {
      box.append(" ", this.suggestion(inputs[0], /** @type {number} */ (suggested)));
    }
    const details = box.closest("details");
    if (details) details.open = true;
    return true;
  }

  /**
   * A button that fills `input` with `value` and reports the change. Focus goes to the field
   * first, as the button goes with the error it stood beside.
   * @param {HTMLInputElement} input
   * @param {number} value
   */
  suggestion(input, value) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button pw-suggested";
    button.textContent = t("useSuggested", { value });
    button.addEventListener("click", () => {
      input.value = String(value);
      input.focus();
      this.onChange(this.read());
    });
    return button;
  }
}

/**
 * A layer's refusal in the words of the workspace's own fields. The API names its parameters
 * (`until`, `since`) and may advise what only the API has (a smaller `bbox`); beside a field
 * the page says it with that field's label and what the page itself offers.
 * @param {import("umecom/lib/request.js").ApiError} err
 * @param {number} [suggested] the value the server said it would take
 */
export function pageMessage(err, suggested) {
  if (err.code === "until_before_since") return t("untilBeforeSince");
  if (err.code === "too_many_cells" && Number.isFinite(suggested)) {
    return t("sizeTooManyCells", { value: /** @type {number} */ (suggested) });
  }
  return errorMessage(err);
}

/**
 * The day `days` calendar days before `day`.
 * @param {Date} day
 * @param {number} days
 */
function daysBefore(day, days) {
  return new Date(day.getFullYear(), day.getMonth(), day.getDate() - days);
}
