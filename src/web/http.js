// The module's own requests (login, profile, refresh, logout): fetch with a
// timeout, no cookies, no cache, no redirects, and a 1 MiB body cap. Any
// HTTP status resolves; every failure rejects with one word: "network",
// "timeout" or "disposed". Rust (http.rs) builds the request and reads the
// answer; this is only the plumbing, which costs far less here than as
// awaits in wasm.

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
 * Resolves to [status, body text or null when over 1 MiB, Date header,
 * Retry-After header, sent at, received at] (times in ms, this clock).
 */
export async function send(inflight, url, method, headers, body, timeoutMs) {
  if (inflight.disposed) throw "disposed";
  const controller = new AbortController();
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
    const init = { method, headers, body, credentials: "omit", cache: "no-store", redirect: "error", signal: controller.signal };
    const sentAt = Date.now();
    // Whatever the page's fetch does (throw, return a non-promise, resolve
    // to something else) becomes "network", never a hang or a throw.
    const response = await race(Promise.resolve().then(() => fetch(url, init)));
    if (!(response instanceof Response)) throw 0;
    const header = (name) => response.headers.get(name) ?? undefined;
    const text = Number(header("content-length")) > MAX_BODY ? null : await race(readCapped(response));
    if (text === null) controller.abort();
    return [response.status, text, header("date"), header("retry-after"), sentAt, Date.now()];
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
