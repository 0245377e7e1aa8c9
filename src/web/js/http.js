// The module's own requests (login, profile, refresh, logout; http.rs),
// sent through the page's fetch with a deadline and a 1 MiB body cap. Any
// HTTP status resolves to a `Sent`; every failure rejects with one word of
// `Failure` (http.rs maps it, in one place).

import { parseJson } from "./json.js";

// Why a request failed, one word each; http.rs's `Failure` reads them.
const NETWORK = "network";
const TIMEOUT = "timeout";
const DISPOSED = "disposed";

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
  for (const stop of inflight.stops) stop(DISPOSED);
  inflight.stops.clear();
}

/**
 * Resolves to a `Sent`: { response, tooBig (the body passed 1 MiB),
 * parsed (the body as JSON, undefined when it is not JSON), sentAt,
 * receivedAt } (times in ms, this clock); http.rs reads it by these names.
 * `controller` is the AbortController whose signal the request carries.
 */
export async function send(inflight, request, controller, timeoutMs) {
  if (inflight.disposed) throw DISPOSED;
  let failure = NETWORK;
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
  const timer = setTimeout(stop, timeoutMs, TIMEOUT);
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
      return { response, tooBig: true, parsed: undefined, sentAt, receivedAt: Date.now() };
    }
    const value = parseJson(new TextDecoder().decode(bytes));
    // A connection closed mid-body: Chromium and Firefox fail the read,
    // WebKit hands over what came. A body that is not JSON and shorter than
    // its Content-Length was cut short ("network"), not a bad answer. (A
    // small body a server compressed can be shorter than its Content-Length
    // too, but it parses.)
    if (value === undefined && bytes.length < length) throw 0;
    return { response, tooBig: false, parsed: value, sentAt, receivedAt: Date.now() };
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
