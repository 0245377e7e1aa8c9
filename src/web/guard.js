// The JavaScript half of the guard seam (guard.rs): what the page hands us
// becomes plain data here, before serde-wasm-bindgen, gloo-storage or
// gloo-net see it, and the module's own requests are sent from here (http.rs
// builds them with gloo-net, whose own send panics on a page fetch that
// misbehaves and has no deadline). Nothing in this file throws into wasm,
// except setItem, which throws a real Error that gloo-storage can report.
//
// (One file, not several: wasm-bindgen-test-runner's server stalls, about one
// load in three, when a page asks for a fifth snippet module at once.)

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
 * there, or when it cannot be written back (nesting too deep for
 * JSON.stringify's stack).
 */
export function rawJson(value, path, without) {
  let at = value;
  for (const key of path) at = isRecord(at) && Object.hasOwn(at, key) ? at[key] : undefined;
  if (!isRecord(at)) return undefined;
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

/**
 * A storage behind methods that cannot surprise gloo-storage: getItem
 * answers a string or null, removeItem swallows everything, and setItem
 * turns any failure (quota, a page's wrapper throwing a string) into an
 * Error. `storage` is called at every use: sessionStorage is looked up on
 * globalThis each time (a sandboxed frame throws on the getter).
 */
function guardedStorage(storage, status) {
  return {
    status,
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
        throw new Error("the storage refused the record");
      }
    },
    removeItem(key) {
      try {
        storage().removeItem(key);
      } catch {}
    },
  };
}

export function guardedSessionStorage() {
  const storage = () => globalThis.sessionStorage;
  // "absent" where the environment has no sessionStorage at all (a Worker,
  // plain Node); "failing" where a page's is disabled (null) or blocked
  // (the getter throws).
  return guardedStorage(storage, () => {
    try {
      if (!("sessionStorage" in globalThis)) return "absent";
      return storage() != null ? "usable" : "failing";
    } catch {
      return "failing";
    }
  });
}

/**
 * The `storage` option when it is a StorageLike (an object with getItem,
 * setItem and removeItem, such as localStorage), guarded; else undefined.
 * Its members are read once, here.
 */
export function storageOption(options) {
  try {
    const given = options?.storage;
    if (given === null || (typeof given !== "object" && typeof given !== "function")) return undefined;
    const { getItem, setItem, removeItem } = given;
    if (![getItem, setItem, removeItem].every((f) => typeof f === "function")) return undefined;
    const storage = {
      getItem: (key) => getItem.call(given, key),
      setItem: (key, value) => setItem.call(given, key, value),
      removeItem: (key) => removeItem.call(given, key),
    };
    return guardedStorage(() => storage, () => "usable");
  } catch {
    return undefined;
  }
}

// The module's own requests (login, profile, refresh, logout), sent through
// the page's fetch with a deadline and a 1 MiB body cap. Any HTTP status
// resolves; every failure rejects with one word: "network", "timeout" or
// "disposed".

const MAX_BODY = 1 << 20;

/**
 * `build()`, or undefined when it throws or traps. gloo-net builds requests
 * with the page's `Request`, `Headers` and `URL`, and throws or traps
 * (`unreachable!`) when a page's replacement of them throws: the wasm frames
 * that failed are left behind here (what they held leaks: a few hundred
 * bytes, once per such request), and the caller's frames are unharmed.
 */
export function attempt(build) {
  try {
    return build();
  } catch {
    return undefined;
  }
}

/** One client's requests in flight, so that dispose() can stop them. */
export function makeInflight() {
  return { stops: new Set(), disposed: false };
}

export function abortAll(inflight) {
  inflight.disposed = true;
  for (const stop of inflight.stops) stop("disposed");
  inflight.stops.clear();
}

/**
 * Resolves to [Response, body over 1 MiB?, body parsed as JSON (undefined
 * when it is not JSON), sent at, received at] (times in ms, this clock).
 * `controller` is the AbortController whose signal the request carries.
 */
export async function send(inflight, request, controller, timeoutMs) {
  if (inflight.disposed) throw "disposed";
  let failure = "network";
  let giveUp;
  // Every await races this: a page's own fetch may ignore the signal.
  const deadline = new Promise((_, reject) => (giveUp = reject));
  deadline.catch(() => {});
  const stop = (why) => {
    failure = why;
    controller.abort();
    giveUp();
  };
  inflight.stops.add(stop);
  const timer = setTimeout(stop, timeoutMs, "timeout");
  const race = (promise) => Promise.race([promise, deadline]);
  try {
    const sentAt = Date.now();
    // Whatever the page's fetch does (throw, return a non-promise, resolve
    // to something else) becomes "network", never a hang or a throw.
    const response = await race(Promise.resolve().then(() => fetch(request)));
    if (!(response instanceof Response)) throw 0;
    // What Rust reads through gloo-net is read once here first, inside the
    // try: a Response whose getters throw fails as "network" instead.
    response.status;
    response.headers.get("date");
    response.headers.get("retry-after");
    const length = Number(response.headers.get("content-length"));
    const bytes = length > MAX_BODY ? null : await race(readCapped(response));
    if (bytes === null) {
      controller.abort();
      return [response, true, undefined, sentAt, Date.now()];
    }
    const value = parseJson(new TextDecoder().decode(bytes));
    // A connection closed mid-body: Chromium and Firefox fail the read,
    // WebKit hands over what came. A body that is not JSON and shorter than
    // its Content-Length was cut short ("network"), not a bad answer. (A
    // small body a server compressed can be shorter than its Content-Length
    // too, but it parses.)
    if (value === undefined && bytes.length < length) throw 0;
    return [response, false, value, sentAt, Date.now()];
  } catch {
    throw failure;
  } finally {
    clearTimeout(timer);
    inflight.stops.delete(stop);
  }
}

// The body's bytes, or null once they pass MAX_BODY.
async function readCapped(response) {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const parts = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_BODY) {
      reader.cancel().catch(() => {});
      return null;
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}
