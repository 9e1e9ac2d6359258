/**
 * Entry point of a pin's public page (templates/idea.html), which works without it: its
 * link to share is written in a read-only field anyone can copy. With a script, one button
 * opens the phone's share sheet (Web Share), or, where there is none, copies the link.
 * Its labels come from the page, in its language.
 */

const button = /** @type {HTMLButtonElement|null} */ (document.getElementById("share-button"));
const field = /** @type {HTMLInputElement|null} */ (document.getElementById("share-url"));
const status = document.getElementById("share-status");
const canShare = typeof navigator.share === "function";
const canCopy = Boolean(navigator.clipboard && window.isSecureContext);

if (button && field && status && (canShare || canCopy)) {
  button.textContent = (canShare ? button.dataset.share : button.dataset.copy) || "";
  button.hidden = false;
  button.addEventListener("click", async () => {
    if (canShare) {
      try {
        await navigator.share({ title: button.dataset.title || document.title, url: field.value });
      } catch {
        // closed without sharing: nothing to say
      }
      return;
    }
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = button.dataset.copied || "";
    } catch {
      field.select(); // the browser would not copy: the link is selected, to copy by hand
    }
  });
}
