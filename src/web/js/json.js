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
