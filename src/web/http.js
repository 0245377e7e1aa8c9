// The module's own requests (login, profile, refresh, logout), sent through
// the page's fetch with a deadline and a 1 MiB body cap. Any HTTP status
// resolves; every failure rejects with one word: "network", "timeout" or
// "disposed". Rust builds the request with gloo-net (http.rs) and reads the
// answer; sending stays here because gloo-net's own send panics on a page
// fetch that misbehaves and has no deadline.
import { parseJson } from "./guard.js";

const MAX_BODY = 1 << 20;

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
    const text = Number(response.headers.get("content-length")) > MAX_BODY ? null : await race(readCapped(response));
    if (text === null) controller.abort();
    return [response, text === null, text === null ? undefined : parseJson(text), sentAt, Date.now()];
  } catch {
    throw failure;
  } finally {
    clearTimeout(timer);
    inflight.stops.delete(stop);
  }
}

// The body as text, or null once it passes MAX_BODY.
async function readCapped(response) {
  const reader = response.body?.getReader();
  if (!reader) return "";
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
  return new TextDecoder().decode(bytes);
}
