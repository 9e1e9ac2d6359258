/**
 * fetch() for our JSON API: sends the CSRF token on state-changing requests and turns
 * the server's `{"error": {"code", "message", "field"}}` into an ApiError.
 */

import { t } from "umecom/lib/settings.js";

/** An error answered by the server (or the network), with the field it concerns. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, 0 for a network failure
   * @param {string} code
   * @param {string} message already in the page language
   * @param {string|null} field
   * @param {any} [body] the whole error body: some errors carry more (a 409's `current`)
   * @param {number|null} [retryAfterMs] how long the server asked us to wait (Retry-After)
   */
  constructor(status, code, message, field = null, body = null, retryAfterMs = null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

// The longest Retry-After honoured: a busy server asks for a second; more is not a moment.
const MAX_RETRY_AFTER_MS = 10_000;

/** The page's CSRF token, from `<meta name="csrf-token">` (every HTML page has it). */
function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") || "" : "";
}

/**
 * Request JSON. Resolves with the parsed body; rejects with ApiError (or AbortError).
 *
 * A write answered 503 `busy` is sent once more after the server's Retry-After: it waited for
 * its turn in vain and nothing was stored (app/write_turns.py), so a citizen's pin is saved
 * on the second try instead of asking them to press the button again. Reads are not asked
 * again here: a read's `busy` may be a DBSCAN that outlasted the server's time, which a
 * second try would only repeat (getRetryingOnce is for the views that are worth it).
 * @param {string} url
 * @param {{method?: string, json?: any, signal?: AbortSignal, keepalive?: boolean}} [options]
 */
export async function request(url, options = {}) {
  try {
    return await requestOnce(url, options);
  } catch (err) {
    if (!isWrite(options.method) || !refusedAsBusy(err)) throw err;
    await pause(err.retryAfterMs, options.signal);
    return requestOnce(url, options);
  }
}

/** Whether a request of this method changes something (GET and HEAD do not). */
function isWrite(method = "GET") {
  return method !== "GET" && method !== "HEAD";
}

/** Whether the server refused the request untouched, for a moment it named (503 `busy`). */
function refusedAsBusy(err) {
  return err instanceof ApiError && err.code === "busy" && err.retryAfterMs !== null;
}

/**
 * Request JSON once, with no second try.
 * @param {string} url
 * @param {{method?: string, json?: any, signal?: AbortSignal, keepalive?: boolean}} [options]
 *   `keepalive`: the request outlives the page (sent as it closes)
 */
async function requestOnce(url, { method = "GET", json, signal, keepalive = false } = {}) {
  const headers = { Accept: "application/json, application/geo+json" };
  const init = { method, headers, credentials: "same-origin", signal, keepalive };
  if (isWrite(method)) {
    headers["X-CSRFToken"] = csrfToken();
  }
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(0, "network", t("networkError"));
  }
  let body = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) {
    try {
      body = await response.json();
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const error = body && body.error ? body.error : {};
    throw new ApiError(
      response.status,
      error.code || "http_" + response.status,
      error.message || t("serverError"),
      error.field || null,
      body,
      retryAfterMs(response),
    );
  }
  return body;
}

/** Retry-After in seconds as milliseconds (at most MAX_RETRY_AFTER_MS), or null. */
function retryAfterMs(response) {
  const header = response.headers.get("Retry-After");
  const seconds = header === null || header.trim() === "" ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0
    ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS)
    : null;
}

/**
 * GET JSON, asked once more when the server answers any 503 with Retry-After (busy for a
 * moment, as the map is when a process has more views to draw than it can at once, or the
 * database away for a moment): a read may always be asked again.
 * @param {string} url
 * @param {{signal?: AbortSignal}} [options]
 */
export async function getRetryingOnce(url, { signal } = {}) {
  try {
    return await requestOnce(url, { signal });
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 503 || err.retryAfterMs === null) throw err;
    await pause(err.retryAfterMs, signal);
    return requestOnce(url, { signal });
  }
}

/** Resolve after `ms`; reject with an AbortError as soon as `signal` aborts. */
function pause(ms, signal) {
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      reject(new DOMException("The wait was aborted.", "AbortError"));
    };
    const timer = setTimeout(() => {
      if (signal) signal.removeEventListener("abort", aborted);
      resolve();
    }, ms);
    if (signal) {
      if (signal.aborted) aborted();
      else signal.addEventListener("abort", aborted, { once: true });
    }
  });
}

/**
 * The message to show for a failed request: the server's own (already translated) when there
 * is one, else a generic one.
 * @param {unknown} err
 */
export function errorMessage(err) {
  return err instanceof ApiError ? err.message : t("serverError");
}
