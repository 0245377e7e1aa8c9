//! `client.fetch` / `authFetch`: the global `fetch`, plus the bearer token
//! on requests under `baseUrl` and one refresh-and-retry on a 401. Requests
//! elsewhere go to the global `fetch` untouched: the token never leaves.
//!
//! The request plumbing is `js/fetch.js`; it asks the client three
//! questions (which token now, which token after a refresh, what a 401
//! means) through a `TokenGate`, so a call with a fresh token never waits
//! on wasm, and this module knows nothing of the client beyond them.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::web::convert;

#[wasm_bindgen(module = "/target/js/fetch.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeGate)]
    fn js_make_gate(rust: FetchGate, origin: &str, path: &str, headers: js_sys::Array) -> JsValue;
    /// Tells `js/fetch.js` the session whose token may go out as it is until `until`.
    pub fn publish(gate: &JsValue, session: &JsValue, until: f64);
    #[wasm_bindgen(js_name = authFetch)]
    fn js_auth_fetch(gate: &JsValue, input: &JsValue, init: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = authorize)]
    fn js_authorize(gate: &JsValue, url: &JsValue, send: &JsValue) -> Promise;
}

/// What `fetch` needs of a client: its token gate and its 401 rule. Every
/// answer throws or rejects `disposed` once the client is gone.
pub trait TokenGate {
    /// The `Session` whose token can go out as it is; `null` when a
    /// refresh is due first (or the token ran out); `undefined` with no
    /// session.
    fn token(&self) -> Result<JsValue, JsValue>;
    /// Refreshes first if the token is inside the margin, then resolves to
    /// the token to send. Rejects `no_session`, or `session_expired` when
    /// that refresh ended the session; a refresh that failed otherwise
    /// leaves the current token.
    fn ready(&self) -> Promise;
    /// After a 401 to `token`: resolves to `{ token, refreshed }` to retry
    /// with, or `null` when the 401 stands; rejects when the refresh it
    /// needed ended the session.
    fn after_401(&self, token: String, refreshed: bool) -> Promise;
}

/// The gate `js/fetch.js` asks, made once per client. `base` is `baseUrl`
/// split into origin and path; `headers` go on every request under it.
pub fn make_gate<'a>(
    gate: Box<dyn TokenGate>,
    base: (&str, &str),
    headers: impl Iterator<Item = (&'a str, &'a str)>,
) -> JsValue {
    js_make_gate(
        FetchGate { gate },
        base.0,
        base.1,
        convert::header_pairs(headers),
    )
}

pub fn auth_fetch(gate: &JsValue, input: &JsValue, init: &JsValue) -> Promise {
    js_auth_fetch(gate, input, init)
}

/// `fetch`'s URL gate and token and 401 loop around another transport's
/// `send(token)` (see `authorize` in `js/fetch.js`).
pub fn authorize(gate: &JsValue, url: &JsValue, send: &JsValue) -> Promise {
    js_authorize(gate, url, send)
}

/// The Rust side of one client's `fetch`, as `js/fetch.js` sees it.
#[wasm_bindgen]
pub struct FetchGate {
    gate: Box<dyn TokenGate>,
}

#[wasm_bindgen]
impl FetchGate {
    pub fn token(&self) -> Result<JsValue, JsValue> {
        self.gate.token()
    }

    pub fn ready(&self) -> Promise {
        self.gate.ready()
    }

    #[wasm_bindgen(js_name = after401)]
    pub fn after_401(&self, token: String, refreshed: bool) -> Promise {
        self.gate.after_401(token, refreshed)
    }

    /// The error for a request that kept getting 401 with ever new tokens.
    #[wasm_bindgen(js_name = gaveUp)]
    pub fn gave_up(&self) -> JsValue {
        convert::code_error(crate::core::error::Code::SessionExpired)
    }
}
