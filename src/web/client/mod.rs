//! `AuthClient`: an authentication client for one POS back end, and the
//! functions the default client (`configure`, `login`, …) shares with it.
//!
//! The parts, each importing what it uses by name:
//! - `state`: the session's state and the moves every flow makes on it;
//! - `create`: a client from options, its stored session restored;
//! - `clock`: the timer's look at the clock (refresh, warn, end, idle lock);
//! - `refresh`: the single refresh flight, turns with other tabs, the 401
//!   rule;
//! - `peers`: what the tabs holding the same session tell this one;
//! - `login`, `profile`, `access_token`, `till` (lock, unlock, approve): one
//!   flow each;
//! - `fetch_gate`: what `client.fetch` and `client.authorize` ask of the client.

mod access_token;
mod clock;
mod create;
mod fetch_gate;
mod login;
mod peers;
mod profile;
mod refresh;
mod state;
mod till;

use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

pub use access_token::access_token;
pub use create::create;
pub use login::{login, logout};
pub use profile::profile;
pub use refresh::refresh;
pub use state::Shared;
pub use till::{approve, lock, unlock};

use crate::core::error::AuthError;
use crate::web::convert;
use crate::web::events;
use crate::web::fetch;
use crate::web::http;
use state::check;

/// An authentication client for one POS back end.
#[wasm_bindgen]
pub struct AuthClient {
    pub(crate) inner: Shared,
}

pub fn dispose(rc: &Shared) {
    let mut inner = rc.borrow_mut();
    if inner.disposed {
        return;
    }
    inner.disposed = true;
    inner.timer = None;
    inner.channel = None;
    inner.input = None;
    inner.verifier.clear();
    http::abort_all(&inner.inflight);
    // Drop this client's hold on the listeners without an event; a shared
    // (default-client) list lives on for the next client.
    inner.listeners = Rc::default();
    inner.refresh_flight = None;
    inner.publish_to_fetch();
}

pub fn session(rc: &Shared) -> Result<JsValue, JsValue> {
    check(rc)?;
    Ok(rc.borrow_mut().session_value())
}

pub fn on_change(rc: &Shared, listener: JsValue) -> Result<JsValue, JsValue> {
    check(rc)?;
    let listener: Function = listener
        .dyn_into()
        .map_err(|_| convert::error(&AuthError::invalid("onChange needs a function")))?;
    let weak = Rc::downgrade(rc);
    let session_of: Rc<dyn Fn() -> JsValue> = Rc::new(move || {
        weak.upgrade()
            .map_or(JsValue::NULL, |rc| rc.borrow_mut().session_value())
    });
    let listeners = rc.borrow().listeners.clone();
    Ok(events::subscribe(&listeners, session_of, listener))
}

/// `fetch` through the client's gate (`web::fetch`).
pub fn auth_fetch(rc: &Shared, input: &JsValue, init: &JsValue) -> Promise {
    let gate = rc.borrow().fetch_gate.clone();
    fetch::auth_fetch(&gate, input, init)
}

/// `fetch`'s decisions for a binding's own transport (`web::fetch::authorize`).
/// A `send` that is no function is refused for every URL, as a rejection.
pub fn authorize(rc: &Shared, url: &JsValue, send: &JsValue) -> Promise {
    if !send.is_function() {
        return Promise::reject(&convert::error(&AuthError::invalid(
            "authorize needs a function",
        )));
    }
    let gate = rc.borrow().fetch_gate.clone();
    fetch::authorize(&gate, url, send)
}

#[wasm_bindgen]
impl AuthClient {
    /// Creates a client; throws `AuthError("invalid_argument")` on bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<AuthClient, JsValue> {
        Ok(AuthClient {
            inner: create(&options, Rc::default())?,
        })
    }

    /// Signs in; resolves with the new session.
    pub fn login(&self, credentials: JsValue) -> Promise {
        convert::promise(login(self.inner.clone(), credentials))
    }

    /// The signed-in user (PORTOS asks the server).
    pub fn profile(&self) -> Promise {
        convert::promise(profile(self.inner.clone()))
    }

    /// Refreshes the session now (shared with any refresh in flight).
    pub fn refresh(&self) -> Promise {
        convert::promise(refresh(self.inner.clone()))
    }

    /// Signs out: the local session is cleared even when the server call fails.
    pub fn logout(&self) -> Promise {
        convert::promise(logout(self.inner.clone()))
    }

    /// The current session, or null.
    pub fn session(&self) -> Result<JsValue, JsValue> {
        session(&self.inner)
    }

    /// The access token, refreshed first when it expires within
    /// `minValidity` seconds (default: the refresh margin).
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, options: JsValue) -> Promise {
        convert::promise(access_token(self.inner.clone(), options))
    }

    /// `fetch` that adds the bearer token to requests under `baseUrl`.
    pub fn fetch(&self, input: JsValue, init: JsValue) -> Promise {
        auth_fetch(&self.inner, &input, &init)
    }

    /// For bindings (pos-auth/angular's interceptor): `send(token, headers)`
    /// under `fetch`'s rules, `send(null)` for a URL outside `baseUrl`.
    pub fn authorize(&self, url: JsValue, send: JsValue) -> Promise {
        authorize(&self.inner, &url, &send)
    }

    /// Subscribes to session changes; returns the unsubscribe function.
    #[wasm_bindgen(js_name = onChange)]
    pub fn on_change(&self, listener: JsValue) -> Result<JsValue, JsValue> {
        on_change(&self.inner, listener)
    }

    /// Locks the session (the till's lock screen); throws `no_session`
    /// without one.
    pub fn lock(&self) -> Result<(), JsValue> {
        lock(&self.inner)
    }

    /// Opens a locked session with its cashier's password: online through
    /// the back end's login call, offline against the verifier.
    pub fn unlock(&self, password: JsValue) -> Promise {
        convert::promise(unlock(self.inner.clone(), password))
    }

    /// A second person's sign-in for one action; `{ right }` they must hold.
    pub fn approve(&self, credentials: JsValue, options: JsValue) -> Promise {
        convert::promise(approve(self.inner.clone(), credentials, options))
    }

    /// Stops timers, listeners and requests; the stored session stays.
    pub fn dispose(&self) {
        dispose(&self.inner);
    }
}

impl Drop for AuthClient {
    fn drop(&mut self) {
        dispose(&self.inner);
    }
}
