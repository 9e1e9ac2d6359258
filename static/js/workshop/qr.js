/**
 * The join link's QR code, made by the server (segno) as SVG text, put into the page safely:
 * parsed as inert markup, then only the few elements and attributes a QR code has are kept
 * (no scripts, event handlers, links or styles can come along), and a viewBox added so CSS can
 * size it.
 */

const ALLOWED = {
  svg: ["width", "height", "class", "viewBox"],
  title: [],
  path: ["d", "transform", "stroke", "class", "fill"],
  rect: ["x", "y", "width", "height", "fill", "class"],
  g: ["transform", "class"],
};

/**
 * An <svg> element of the QR code, or null when the text is not one.
 * @param {string} svgText
 * @param {string} label the accessible name ("QR code of the join link")
 * @returns {SVGSVGElement|null}
 */
export function qrElement(svgText, label) {
  const parsed = new DOMParser().parseFromString(String(svgText || ""), "text/html");
  const svg = parsed.body.firstElementChild;
  if (!svg || svg.localName !== "svg") return null;
  for (const node of [svg, ...svg.querySelectorAll("*")]) {
    const allowed = ALLOWED[node.localName];
    if (!allowed) {
      node.remove();
      continue;
    }
    for (const attr of [...node.attributes]) {
      if (!allowed.includes(attr.name)) node.removeAttribute(attr.name);
    }
  }
  const width = Number(svg.getAttribute("width")) || 0;
  const height = Number(svg.getAttribute("height")) || 0;
  if (width > 0 && height > 0) svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("class", "qr");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.querySelector("title")?.remove(); // the label says it in the page language
  return /** @type {SVGSVGElement} */ (document.importNode(svg, true));
}

/**
 * Put the QR code into `container` (replacing what was there).
 * @param {HTMLElement|null} container
 * @param {string} svgText
 * @param {string} label
 */
export function showQr(container, svgText, label) {
  if (!container) return;
  const svg = qrElement(svgText, label);
  container.replaceChildren(...(svg ? [svg] : []));
}
