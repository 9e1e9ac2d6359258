/**
 * Client-generated ids for new drawings (`properties.client_id`): a retry with the same id gets
 * the first try's drawing back, so a phone on a flaky network never draws a shape twice.
 */

/** A random id of 32 hex digits (a UUID where the browser has one). */
export function newClientId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // Plain http on a school network is no secure context: no randomUUID, but random values.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
