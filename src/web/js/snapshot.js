// Caller objects (options, credentials) become plain data here, before
// serde-wasm-bindgen reads them (guard.rs): it reads JS objects without a
// catch, and a page hands us Proxies, throwing getters and polluted
// prototypes. Nothing in this file throws.

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
