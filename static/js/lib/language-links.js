/**
 * The header's language links go back to the page as it is now: the server wrote them for the
 * address the page was loaded at, and a map page changes its address as it is used (a filter,
 * an open pin, the workspace's view). Read when the link is followed, so it is never stale.
 */

/** Point every language link's `next` at the current address (path, query and fragment). */
export function keepPlaceOnLanguageSwitch() {
  for (const link of document.querySelectorAll(".site-nav a[hreflang]")) {
    link.addEventListener("click", () => {
      const anchor = /** @type {HTMLAnchorElement} */ (link);
      const target = new URL(anchor.href, window.location.href);
      const { pathname, search, hash } = window.location;
      target.searchParams.set("next", `${pathname}${search}${hash}`);
      anchor.href = target.href;
    });
  }
}
