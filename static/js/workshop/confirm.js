/**
 * A question asked before what cannot be taken back (closing a workshop for good, a new join
 * code that stops the old one): the button that asks opens it with the focus on the safe
 * answer; either answer, or Escape, closes it with the focus back on the button.
 */

export class ConfirmStep {
  /**
   * @param {{trigger: HTMLButtonElement, panel: HTMLElement, yes: HTMLButtonElement,
   *   no: HTMLButtonElement, onYes: () => void}} parts the question's `panel` (hidden), the
   *   button that opens it (`aria-controls` the panel) and its two answers
   */
  constructor({ trigger, panel, yes, no, onYes }) {
    this.trigger = trigger;
    this.panel = panel;
    this.no = no;
    trigger.setAttribute("aria-expanded", "false");
    trigger.addEventListener("click", () => this.ask(true));
    no.addEventListener("click", () => this.ask(false));
    yes.addEventListener("click", () => {
      this.ask(false); // not left on a button that is hidden now
      onYes();
    });
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.ask(false);
    });
  }

  /** Open the question (focus on the safe answer) or close it (focus back on the button). */
  ask(open) {
    this.show(open);
    (open ? this.no : this.trigger).focus();
  }

  /** Close the question where the focus is: what answered it moves the focus itself. */
  dismiss() {
    this.show(false);
  }

  /** @param {boolean} open */
  show(open) {
    this.panel.hidden = !open;
    this.trigger.setAttribute("aria-expanded", String(open));
  }
}
