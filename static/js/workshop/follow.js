/**
 * Where the facilitator sends everyone: "bring everyone here" moves every participant's map
 * once; in "follow me" mode each view of the facilitator's moves it, until the participant
 * chooses to leave (a visible button; they can follow again).
 */

import { t } from "umecom/lib/settings.js";

export class FollowBanner {
  /**
   * @param {any} map L.Map
   * @param {{announce: (text: string) => void, always?: boolean, leftKey?: string}} options
   *   `always`: follow every view and show no banner (the projector); `leftKey`: where this
   *   tab remembers that its participant left follow mode (a reload brought them back)
   */
  constructor(map, { announce, always = false, leftKey = "" }) {
    this.map = map;
    this.announce = announce;
    this.always = always;
    this.leftKey = leftKey;
    this.on = false;
    this.following = !this.left();
    this.banner = /** @type {HTMLElement|null} */ (document.getElementById("ws-follow"));
    this.text = /** @type {HTMLElement|null} */ (document.getElementById("ws-follow-text"));
    this.button = /** @type {HTMLButtonElement|null} */ (document.getElementById("ws-follow-toggle"));
    this.button?.addEventListener("click", () => {
      this.following = !this.following;
      this.remember();
      this.announce(this.following ? t("followingAgain") : t("leftFollow"));
      if (this.following && this.last) this.move(this.last, false);
      this.render();
    });
  }

  /** The workshop's state on load: follow mode and the facilitator's last view. */
  start(follow, view) {
    this.on = Boolean(follow);
    if (this.on && view && this.following) this.move(view, false);
    this.render();
  }

  /** Whether this tab's participant chose to stop following (kept across reloads). */
  left() {
    return Boolean(this.leftKey) && window.sessionStorage.getItem(this.leftKey) === "1";
  }

  /** Keep the participant's choice for this tab, or forget it when they follow again. */
  remember() {
    if (!this.leftKey) return;
    if (this.following) window.sessionStorage.removeItem(this.leftKey);
    else window.sessionStorage.setItem(this.leftKey, "1");
  }

  /** A `follow` event: a new follow mode starts everyone following again. */
  setFollow(on) {
    this.on = Boolean(on);
    this.following = true;
    this.remember();
    this.announce(this.on ? t("followStarted") : t("followEnded"));
    this.render();
  }

  /** A `view` event: bring everyone here, or a move in follow mode. */
  onView(event) {
    const view = { center: event.center, zoom: event.zoom };
    this.last = view;
    if (event.follow && !this.always) {
      if (this.following) this.move(view, false);
      return;
    }
    this.move(view, !this.always);
    if (!this.always) this.announce(t("broughtHere"));
  }

  /** Move the map to a view, flying there or at once. */
  move(view, fly) {
    const [lon, lat] = view.center;
    const latlng = L.latLng(lat, lon);
    if (fly) this.map.flyTo(latlng, view.zoom, { duration: 0.8 });
    else this.map.setView(latlng, view.zoom, { animate: false });
  }

  /** The banner: shown in follow mode, with "Stop following" or "Follow again". */
  render() {
    if (!this.banner || this.always) return;
    this.banner.hidden = !this.on;
    if (!this.on || !this.text || !this.button) return;
    this.text.textContent = this.following ? t("followingNow") : t("notFollowing");
    this.button.textContent = this.following ? t("leaveFollow") : t("followAgain");
  }
}
