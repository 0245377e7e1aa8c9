// client.fetch / authFetch, the request side. The decisions (which token,
// whether to refresh first, what a 401 means) are made in Rust behind
// `gate.rust`; this file only moves the request, in JS, so that a call costs
// about what a raw `fetch` costs: one URL parse, one Headers copy and no
// Request unless the caller passed one.

/** The per-client gate: the base URL split once, and the Rust side. */
export function makeGate(rust, origin, path, headers) {
  return { rust, origin, path, headers, session: null, until: 0 };
}

/** Rust's word on the session: its token may go out as it is until `until` (ms). */
export function publish(gate, session, until) {
  gate.session = session;
  gate.until = until;
}

// Whether `url` is the base itself or below it, on the same origin.
const under = (url, gate) =>
  url.origin === gate.origin &&
  (url.pathname === gate.path ||
    (url.pathname.startsWith(gate.path) && url.pathname[gate.path.length] === "/"));

// The `headers` option and `developer-id`: the request's own headers win.
function addExtraHeaders(headers, gate) {
  for (const [name, value] of gate.headers) if (!headers.has(name)) headers.set(name, value);
}

export async function authFetch(gate, input, init) {
  // A fresh token needs no call into wasm; else Rust answers, throwing
  // AuthError "disposed" when it is.
  const session = gate.session && Date.now() < gate.until ? gate.session : gate.rust.token();
  const isRequest = input instanceof Request;
  let url;
  try {
    // Relative URLs resolve against the page, as fetch resolves them.
    url = new URL(isRequest ? input.url : String(input), globalThis.location?.href);
  } catch {
    return fetch(input, init);
  }
  if (!under(url, gate)) return fetch(input, init);
  if (session === undefined) await gate.rust.ready(); // rejects no_session

  const replayable = !(init?.body instanceof ReadableStream);
  let send;
  if (!isRequest && (init == null || typeof init === "object")) {
    // The URL was read once above and that href is what goes out, so an
    // input whose `toString` answers differently twice cannot move the token.
    let headers;
    try {
      headers = new Headers(init?.headers);
    } catch {
      return fetch(input, init); // rejects the way fetch does
    }
    if (headers.has("authorization")) return fetch(input, init);
    addExtraHeaders(headers, gate);
    // `init` stays the prototype: its members, getters included, are read by
    // fetch as given; only `headers` is ours.
    const ours = init ? Object.create(init, { headers: { value: headers } }) : { headers };
    send = (token) => {
      headers.set("Authorization", `Bearer ${token}`);
      return fetch(url.href, ours);
    };
  } else {
    let template;
    try {
      template = new Request(input, init);
    } catch {
      return fetch(input, init);
    }
    // Checked again on what will be sent.
    if (!under(new URL(template.url), gate)) return fetch(template);
    if (template.headers.has("authorization")) return fetch(input, init);
    addExtraHeaders(template.headers, gate);
    send = (token) => {
      // Cloned before the first send, so a 401 can be retried.
      const attempt = replayable ? template.clone() : template;
      attempt.headers.set("Authorization", `Bearer ${token}`);
      return fetch(attempt);
    };
  }

  let token = session ? session.accessToken : await gate.rust.ready();
  let refreshed = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    const response = await send(token);
    // A page's own fetch may resolve with anything: hand it back as it came.
    if (!(response instanceof Response) || response.status !== 401) return response;
    // [token, refreshed] to retry with, or null when the 401 stands; rejects
    // when the refresh it needed ended the session.
    const retry = await gate.rust.after401(token, refreshed);
    if (!retry || !replayable) return response;
    [token, refreshed] = retry;
  }
  throw gate.rust.gaveUp();
}
