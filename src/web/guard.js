// The JavaScript half of the guard seam (guard.rs): what the page hands us
// becomes plain data here, before serde-wasm-bindgen, gloo-storage or
// gloo-net see it. Nothing in this file throws, except setItem, which
// throws a real Error that gloo-storage can report.

const MAX_DEPTH = 8;
const MAX_ITEMS = 1000;
const MAX_VALUES = 10000;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * A plain copy of a caller's value (options, credentials): own enumerable
 * members, each read once inside a try (a throwing getter or a revoked
 * Proxy gives null). Functions, symbols, bigints and strings that are not
 * well-formed UTF-16 become null, which every validator refuses naming the
 * member; undefined members are left out (they count as absent). Objects
 * have no prototype, so a polluted Object.prototype adds nothing. Depth and
 * size are bounded, so no object graph (cycles, one child shared by every
 * member) can stall the page.
 */
export function snapshot(value) {
  let budget = MAX_VALUES;
  const copy = (v, depth) => {
    if (--budget < 0) return null;
    switch (typeof v) {
      case "boolean":
      case "number":
        return v;
      case "string":
        return LONE_SURROGATE.test(v) ? null : v;
      case "object":
        if (v === null || depth >= MAX_DEPTH) return null;
        break;
      default:
        return null;
    }
    try {
      if (Array.isArray(v)) {
        const length = Math.min(Number(v.length) || 0, MAX_ITEMS);
        const items = [];
        for (let i = 0; i < length; i++) items.push(copy(read(v, i), depth + 1));
        return items;
      }
      const out = Object.create(null);
      for (const key of Object.keys(v).slice(0, MAX_ITEMS)) {
        const item = read(v, key);
        if (item !== undefined) out[key] = copy(item, depth + 1);
      }
      return out;
    } catch {
      return null;
    }
  };
  return copy(value, 0);
}

function read(object, key) {
  try {
    return object[key];
  } catch {
    return null;
  }
}

/** Whether a snapshot is an object (not null, not an array). */
export function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A server's body as JSON, or undefined when it is not JSON. */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The JSON text of the object at `path` inside a parsed answer, without the
 * members named in `without`: the back end's own data as it came (member
 * order and numbers as JSON.parse read them). undefined when no object is
 * there.
 */
export function rawJson(value, path, without) {
  let at = value;
  for (const key of path) at = isRecord(at) && Object.hasOwn(at, key) ? at[key] : undefined;
  if (!isRecord(at)) return undefined;
  const copy = {};
  for (const [key, item] of Object.entries(at)) {
    if (!without.includes(key)) Object.defineProperty(copy, key, { value: item, enumerable: true });
  }
  return JSON.stringify(copy);
}

/**
 * sessionStorage behind methods that cannot surprise gloo-storage: looked
 * up on globalThis at every call (a sandboxed frame throws on the getter),
 * getItem answers a string or null, removeItem swallows everything, and
 * setItem turns any failure (quota, a page's wrapper throwing a string)
 * into an Error.
 */
export function guardedSessionStorage() {
  const storage = () => globalThis.sessionStorage;
  return {
    available() {
      try {
        return storage() != null;
      } catch {
        return false;
      }
    },
    getItem(key) {
      try {
        const value = storage().getItem(key);
        return typeof value === "string" ? value : null;
      } catch {
        return null;
      }
    },
    setItem(key, value) {
      try {
        storage().setItem(key, value);
      } catch {
        throw new Error("sessionStorage refused the record");
      }
    },
    removeItem(key) {
      try {
        storage().removeItem(key);
      } catch {}
    },
  };
}
