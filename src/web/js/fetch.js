// client.fetch / authFetch, the request side. The decisions (which token,
// whether to refresh first, what a 401 means) are made in Rust behind
// `gate.rust`; this file only moves the request, in JS, so that a call costs
// about what a raw `fetch` costs: for a string URL under the base with no
// headers of its own, a string check and a header record; otherwise one URL
// parse, one Headers copy and no Request unless the caller passed one.

/** The per-client gate: the base URL split once, and the Rust side. */
export function makeGate(rust, origin, path, headers) {
  const gate = { rust, origin, path, headers, session: null, until: 0 };
  // For the fast path below: the extra headers as one record, the first of
  // two names that differ in case winning, as on the general path.
  const extra = new Headers();
  addExtraHeaders(extra, gate);
  gate.extra = Object.fromEntries(extra);
  return gate;
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

// A path below the base that the URL parser leaves as it is: no percent
// escapes, backslashes, blanks or dot segments, not starting with "/". What
// follows the first "?" is the query, which cannot move a request elsewhere.
const PLAIN_PATH = /^(?!\/)(?!\.\.?(?:\/|$))(?:[\w\-.~!$&'()*+,;=:@]|\/(?!\.\.?(?:\/|$)))*$/;

// The common call, a string URL under the base, skips the URL parser: the
// absolute URL to send, or undefined to take the general path. A string the
// parser might read otherwise (case, ports, escapes, dot segments) is never
// matched here, only there.
export function plainUrl(gate, input) {
  let absolute = input;
  let rest;
  if (input.startsWith(gate.origin) && input.startsWith("/", gate.origin.length) && input.startsWith(gate.path, gate.origin.length)) {
    rest = input.slice(gate.origin.length + gate.path.length);
  } else if (input.startsWith(gate.path + "/") && globalThis.location?.origin === gate.origin) {
    // Relative to the page, as on the general path.
    absolute = gate.origin + input;
    rest = input.slice(gate.path.length);
  } else return undefined;
  if (rest[0] !== "/") return undefined;
  const query = rest.indexOf("?");
  return PLAIN_PATH.test(query < 0 ? rest.slice(1) : rest.slice(1, query)) ? absolute : undefined;
}

// The `headers` option and `developer-id`: the request's own headers win.
function addExtraHeaders(headers, gate) {
  for (const [name, value] of gate.headers) if (!headers.has(name)) headers.set(name, value);
}

// The session whose token may go out: a fresh token needs no call into
// wasm; else Rust answers, throwing AuthError "disposed" when it is.
const currentSession = (gate) => (gate.session && Date.now() < gate.until ? gate.session : gate.rust.token());

export async function authFetch(gate, input, init) {
  const session = currentSession(gate);
  const replayable = !(init?.body instanceof ReadableStream);
  const plain = typeof input === "string" && (init == null || (typeof init === "object" && init.headers === undefined)) && plainUrl(gate, input);
  const send = plain ? plainSend(plain, init, gate.extra) : generalSend(gate, input, init, replayable);
  if (!send) return fetch(input, init);
  return withToken(gate, session, send, unauthorized, replayable);
}

// A page's own fetch may resolve with anything: it is handed back as it came.
const unauthorized = (response) => response instanceof Response && response.status === 401;

// The token and 401 loop of `fetch`, shared with `authorize`: `send(token)`
// resolves with an answer, `denied(answer)` says whether it is a 401.
async function withToken(gate, session, send, denied, replayable) {
  // With no session this rejects no_session; inside the margin it refreshes first.
  let token = session ? session.accessToken : await gate.rust.ready();
  let refreshed = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = await send(token);
    if (!denied(answer)) return answer;
    // { token, refreshed } to retry with, or null when the 401 stands;
    // rejects when the refresh it needed ended the session.
    const retry = await gate.rust.after401(token, refreshed);
    if (!retry || !replayable) return answer;
    ({ token, refreshed } = retry);
  }
  throw gate.rust.gaveUp();
}

// `client.authorize(url, send)`, for bindings whose transport is not fetch
// (pos-auth/angular's HttpClient interceptor): `fetch`'s URL gate and its
// token and 401 loop above, with `send(token, headers)` moving the request
// and returning a promise.
// Outside the base `send(null)` runs as it is; under it, a `send` that
// resolves or rejects with a `status` of 401 is a 401, and the last answer
// settles the call the way `send` did. Async, so that a `send` that throws
// rejects the call instead of throwing through the wasm that called this.
export async function authorize(gate, input, send) {
  // As for fetch, first: a disposed client sends nothing, anywhere.
  const session = currentSession(gate);
  let url;
  try {
    url = new URL(input, globalThis.location?.href);
  } catch {}
  // Not ours: sent at once, as it is.
  return url && under(url, gate) ? authorized(gate, session, send) : send(null);
}

async function authorized(gate, session, send) {
  // [what send settled with, whether it rejected]
  const [answer, failed] = await withToken(gate, session, (token) => send(token, gate.extra).then((ok) => [ok], (fail) => [fail, 1]),
    ([answer]) => answer?.status === 401, true);
  if (failed) throw answer;
  return answer;
}

// Headers as a record and the URL as given: the fast path.
function plainSend(url, init, extra) {
  return (token) => {
    const headers = { ...extra, Authorization: `Bearer ${token}` };
    return fetch(url, init ? Object.create(init, { headers: { value: headers } }) : { headers });
  };
}

// Everything else: the URL parsed, a Request when one was given or is
// needed. Returns undefined when the request is not ours to authorise.
function generalSend(gate, input, init, replayable) {
  const isRequest = input instanceof Request;
  let url;
  try {
    // Relative URLs resolve against the page, as fetch resolves them.
    url = new URL(isRequest ? input.url : String(input), globalThis.location?.href);
  } catch {
    return undefined;
  }
  if (!under(url, gate)) return undefined;
  if (!isRequest && (init == null || typeof init === "object")) {
    // The URL was read once above and that href is what goes out, so an
    // input whose `toString` answers differently twice cannot move the token.
    let headers;
    try {
      headers = new Headers(init?.headers);
    } catch {
      return undefined; // fetch rejects it the way it does
    }
    if (headers.has("authorization")) return undefined;
    addExtraHeaders(headers, gate);
    // `init` stays the prototype: its members, getters included, are read by
    // fetch as given; only `headers` is ours.
    const ours = init ? Object.create(init, { headers: { value: headers } }) : { headers };
    return (token) => {
      headers.set("Authorization", `Bearer ${token}`);
      return fetch(url.href, ours);
    };
  } else {
    let template;
    try {
      template = new Request(input, init);
    } catch {
      return undefined;
    }
    // Checked again on what will be sent.
    if (!under(new URL(template.url), gate) || template.headers.has("authorization")) return undefined;
    addExtraHeaders(template.headers, gate);
    return (token) => {
      // Cloned before the first send, so a 401 can be retried.
      const attempt = replayable ? template.clone() : template;
      attempt.headers.set("Authorization", `Bearer ${token}`);
      return fetch(attempt);
    };
  }
}
