// Server bodies as JSON: parsed by the engine's JSON.parse (never a
// hand-written parser), and the back end's own data written back as text.
// Nothing in this file throws.

import { isRecord } from "./snapshot.js";

/** A server's body as JSON, or undefined when it is not JSON. */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A stored record (ours: serde_json wrote it, storage.rs reads it) as plain
 * data for serde-wasm-bindgen, or undefined when it is not JSON. Objects
 * have no prototype, so a member that a record lacks (a version-1 record's
 * `locked`) is absent whatever a page added to Object.prototype. The back
 * end's own data (`user.raw`, `user.device.preferences`) becomes its JSON
 * text again, as RawJson holds it: that text was JSON.stringify's when it
 * arrived (rawJson below), and parsing and stringifying it once more gives
 * it back unchanged.
 */
export function parseRecord(text) {
  try {
    const record = JSON.parse(text, (_, value) =>
      isRecord(value) ? Object.assign(Object.create(null), value) : value,
    );
    const user = isRecord(record) ? record.user : undefined;
    if (isRecord(user)) {
      if ("raw" in user) user.raw = JSON.stringify(user.raw);
      const device = user.device;
      if (isRecord(device) && "preferences" in device) device.preferences = JSON.stringify(device.preferences);
    }
    return record;
  } catch {
    return undefined;
  }
}

/**
 * The object at `path` (member of member of a parsed answer), or undefined
 * when no object is there. Own members only: JSON.parse makes no others.
 */
export function objectAt(value, path) {
  let at = value;
  for (const key of path) at = isRecord(at) && Object.hasOwn(at, key) ? at[key] : undefined;
  return isRecord(at) ? at : undefined;
}

/**
 * The JSON text of the object at `path` inside a parsed answer, without the
 * members named in `without`: the back end's own data as it came (member
 * order and numbers as JSON.parse read them). undefined when no object is
 * there, or when it cannot be written back (nesting too deep for
 * JSON.stringify's stack).
 */
export function rawJson(value, path, without) {
  const at = objectAt(value, path);
  if (at === undefined) return undefined;
  const copy = {};
  for (const [key, item] of Object.entries(at)) {
    if (!without.includes(key)) Object.defineProperty(copy, key, { value: item, enumerable: true });
  }
  try {
    return JSON.stringify(copy);
  } catch {
    return undefined;
  }
}
