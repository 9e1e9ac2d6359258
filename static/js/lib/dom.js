/**
 * Small DOM helpers. Text from the server always goes in as text (textContent, attributes),
 * never as markup, so a pin's title can never inject HTML.
 */

/**
 * An element with a class and text.
 * @param {string} tag
 * @param {string} [className]
 * @param {unknown} [text] set as textContent when given
 * @returns {HTMLElement}
 */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/**
 * A CSS-safe class suffix for a slug from the server (letters, digits and dashes only).
 * @param {unknown} value
 */
export function cssSlug(value) {
  return String(value || "").replace(/[^a-z0-9-]/gi, "");
}

/**
 * Let an element that is not a button (a map marker's div) act like one: a button role, and
 * Enter/Space calling `activate`. Wired once per element, however often it is called.
 * @param {HTMLElement|undefined|null} node
 * @param {() => void} activate
 */
export function actLikeButton(node, activate) {
  if (!node || node.dataset.keys) return;
  node.dataset.keys = "1";
  node.setAttribute("role", "button");
  node.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      event.stopPropagation();
      activate();
    }
  });
}

/**
 * A function that says something politely to screen readers through a live region (and shows
 * nothing). The text is cleared first and set a moment later, so the same message said twice
 * is announced twice.
 * @param {HTMLElement|null} region an element with role="status"
 * @returns {(text: string) => void}
 */
export function announcer(region) {
  return (text) => {
    if (!region) return;
    region.textContent = "";
    window.setTimeout(() => {
      region.textContent = text;
    }, 50);
  };
}

/**
 * Focus `target`, unless the person has taken the focus out of `form` meanwhile. A form's
 * button is disabled while it is sent, which sends its focus to <body>: the next Tab would
 * start again at the top of the page.
 * @param {HTMLElement} form
 * @param {HTMLElement} target
 */
export function refocus(form, target) {
  const active = document.activeElement;
  if (!active || active === document.body || form.contains(active)) target.focus();
}

/**
 * Mark a button unavailable, or available again, with aria-disabled instead of `disabled`: a
 * disabled button drops the keyboard's focus to <body> (the next Tab starts again at the top of
 * the page), where this one keeps it and is said to be unavailable. Its click handler must
 * check `isDisabled` (app.css greys it out).
 * @param {HTMLElement} button
 * @param {boolean} disabled
 */
export function setDisabled(button, disabled) {
  if (disabled) button.setAttribute("aria-disabled", "true");
  else button.removeAttribute("aria-disabled");
}

/**
 * Whether `setDisabled` made this button unavailable.
 * @param {HTMLElement} button
 */
export function isDisabled(button) {
  return button.getAttribute("aria-disabled") === "true";
}
