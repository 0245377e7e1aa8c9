//! `client.fetch` / `authFetch`: the global `fetch`, plus the bearer token
//! on requests under `baseUrl` and one refresh-and-retry on a 401. Requests
//! elsewhere go to the global `fetch` untouched: the token never leaves.
//!
//! The request plumbing is `fetch.js`; this side answers its three questions
//! (which token now, which token after a refresh, what a 401 means), so a
//! call with a fresh token never waits on wasm.

use crate::core::error::{AuthError, Code};
use crate::web::client::{self, after_401, refresh_if_due, After401, Inner, Shared};
use crate::web::convert;
use js_sys::{Array, Promise};
use ::core::cell::RefCell;
use std::rc::Weak;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/fetch.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeGate)]
    fn make_gate(rust: FetchGate, origin: &str, path: &str, headers: Array) -> JsValue;
    /// Tells `fetch.js` the session whose token may go out as it is until `until`.
    pub fn publish(gate: &JsValue, session: &JsValue, until: f64);
    #[wasm_bindgen(js_name = authFetch)]
    fn js_auth_fetch(gate: &JsValue, input: &JsValue, init: &JsValue) -> Promise;
}

/// The gate `fetch.js` asks, made once per client.
pub fn gate_for(client: &Shared) -> JsValue {
    let inner = client.borrow();
    let (origin, path) = inner.cfg.base_origin_and_path();
    let headers = convert::header_pairs(inner.cfg.extra_headers());
    make_gate(FetchGate { client: std::rc::Rc::downgrade(client) }, origin, path, headers)
}

pub fn auth_fetch(client: &Shared, input: &JsValue, init: &JsValue) -> Promise {
    let gate = client.borrow().fetch_gate.clone();
    js_auth_fetch(&gate, input, init)
}

/// The Rust side of one client's `fetch`. It holds the client weakly: the
/// client holds the gate.
#[wasm_bindgen]
pub struct FetchGate {
    client: Weak<RefCell<Inner>>,
}

fn error(e: AuthError) -> JsValue {
    convert::error(&e)
}

impl FetchGate {
    fn client(&self) -> Result<Shared, JsValue> {
        let rc = self.client.upgrade().ok_or_else(|| convert::code_error(Code::Disposed))?;
        client::check(&rc)?;
        Ok(rc)
    }
}

#[wasm_bindgen]
impl FetchGate {
    /// The `Session` whose token can go out as it is; `null` when a refresh is
    /// due first (or the token ran out); `undefined` with no session.
    /// Throws `disposed`.
    pub fn token(&self) -> Result<JsValue, JsValue> {
        let rc = self.client()?;
        let mut inner = rc.borrow_mut();
        Ok(match inner.record() {
            None => JsValue::UNDEFINED,
            Some(_) if inner.refresh_due() => JsValue::NULL,
            Some(_) => inner.session_value(),
        })
    }

    /// Refreshes first if the token is inside the margin, then resolves to
    /// the token to send. Rejects `no_session`, or `session_expired` when that
    /// refresh ended the session; a refresh that failed otherwise leaves the
    /// current token.
    pub fn ready(&self) -> Promise {
        let client = self.client();
        convert::promise(async move {
            let rc = client?;
            if rc.borrow().record().is_none() {
                return Err(error(AuthError::of(Code::NoSession)));
            }
            // A refresh that failed without ending the session leaves the current token.
            refresh_if_due(&rc, None).await.map_err(error)?;
            current_token(&rc)
        })
    }

    /// After a 401 to `token`: resolves to `[token, refreshed]` to retry
    /// with, or `null` when the 401 stands; rejects when the refresh it
    /// needed ended the session.
    #[wasm_bindgen(js_name = after401)]
    pub fn after_401(&self, token: String, refreshed: bool) -> Promise {
        let client = self.client();
        convert::promise(async move {
            let rc = client?;
            let mut refreshed = refreshed;
            match after_401(&rc, &token, &mut refreshed, &AuthError::of(Code::SessionExpired)).await {
                After401::Retry => Ok(Array::of2(&current_token(&rc)?, &refreshed.into()).into()),
                After401::Ended => Ok(JsValue::NULL),
                // A refresh that ended the session rejects; one that failed otherwise leaves the 401.
                After401::RefreshFailed(e) if rc.borrow().record().is_none() => Err(e),
                After401::RefreshFailed(_) => Ok(JsValue::NULL),
            }
        })
    }

    /// The error for a request that kept getting 401 with ever new tokens.
    #[wasm_bindgen(js_name = gaveUp)]
    pub fn gave_up(&self) -> JsValue {
        error(AuthError::of(Code::SessionExpired))
    }
}

fn current_token(rc: &Shared) -> Result<JsValue, JsValue> {
    let inner = rc.borrow();
    let record = inner.record().ok_or_else(|| error(AuthError::of(Code::SessionExpired)))?;
    Ok(JsValue::from_str(&record.access_token))
}
