//! Signing in and out: `login` (one at a time, the replaced session's token
//! revoked afterwards, the password never echoed in an error) and `logout`.

use js_sys::{Function, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::state::{check, emit, end_session, is_success, replan, send, Shared};
use crate::core::backend::{Credentials, Grant, HttpRequest};
use crate::core::error::{AuthError, Call, Code};
use crate::core::field::wipe;
use crate::core::session::{Exchange, Record};
use crate::web::convert::{self, now};
use crate::web::guard;
use crate::web::random;
use crate::web::tabs::{self, Message};

/// A new session's id (names the tabs' channel and lock): 128 random bits in hex.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    if !random::fill(&mut bytes) {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| {
            [
                HEX[usize::from(b >> 4)] as char,
                HEX[usize::from(b & 15)] as char,
            ]
        })
        .collect()
}

pub async fn login(rc: Shared, credentials: JsValue) -> Result<JsValue, JsValue> {
    check(&rc)?;
    // Read, checked and wiped (dropped) before anything else happens.
    let creds = guard::read_object::<Credentials>(&credentials);
    let built = {
        let inner = rc.borrow();
        inner
            .cfg
            .backend
            .login_request(&inner.cfg.base_url, creds.as_ref())
    };
    drop(creds);
    let req = built.map_err(|e| convert::error(&e))?;
    // The offline unlock's verifier comes from this password (a JavaScript
    // string, read once from the copy the guard made).
    let password = guard::string_member(&credentials, "password");

    let turn = take_turn(&rc).await;
    let result = login_exchange(&rc, req, password).await;
    drop(turn);
    result.map_err(|e| convert::error(&redacted(e, &credentials)))
}

/// Logins and unlocks run one at a time: waits for the one before, and
/// holds the turn until the `Turn` is dropped.
pub(super) async fn take_turn(rc: &Shared) -> Turn {
    let mut release: Option<Function> = None;
    let mine = Promise::new(&mut |resolve, _| release = Some(resolve));
    let previous = rc.borrow_mut().login_tail.replace(mine);
    if let Some(p) = previous {
        let _ = JsFuture::from(p).await;
    }
    Turn(release)
}

pub(super) struct Turn(Option<Function>);

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(release) = &self.0 {
            let _ = release.call0(&JsValue::NULL);
        }
    }
}

/// A server may quote the password back; it never leaves in an error. It
/// is read again from the caller's object (or string): wasm memory kept no
/// copy.
pub(super) fn redacted(mut e: AuthError, given: &JsValue) -> AuthError {
    let password = if given.is_string() {
        given.as_string()
    } else {
        Reflect::get(given, &"password".into())
            .ok()
            .and_then(|p| p.as_string())
    };
    if let Some(mut password) = password {
        e.redact(&password);
        wipe(&mut password);
    }
    e
}

/// The back end's login call: its grant (CashDesk's wall-clock expiry
/// resolved in `serverTimeZone`) and when it was exchanged. Shared by
/// `login`, `unlock` and `approve`; it changes nothing of the client.
pub(super) async fn login_call(
    rc: &Shared,
    req: HttpRequest,
) -> Result<(Grant, Exchange), AuthError> {
    let backend = rc.borrow().cfg.backend;
    let answer = send(rc, req).await?;
    if !is_success(answer.status) {
        return Err(backend.answer_error(
            Call::Login,
            answer.status,
            &answer.body,
            answer.retry_after,
        ));
    }
    let mut grant = backend
        .parse_login(&answer.body)
        .map_err(|e| e.with_status(answer.status))?;
    if let Some(wall) = grant.expires_wall {
        let zone = rc.borrow().cfg.server_time_zone.clone();
        grant.expires_field =
            crate::core::time::resolve_wall(wall, |at| convert::offset_in(&zone, at));
    }
    Ok((grant, answer.exchange))
}

/// Keeps `password` for the verifier and derives it once the current call
/// has settled (the derivation blocks for about 0.1 s).
pub(super) fn renew_verifier(rc: &Shared, password: Option<JsValue>) {
    let mut inner = rc.borrow_mut();
    match password {
        Some(password) => inner.verifier.expect(password),
        None => inner.verifier.clear(),
    }
    let weak = Rc::downgrade(rc);
    wasm_bindgen_futures::spawn_local(async move {
        tabs::sleep(0).await;
        if let Some(rc) = weak.upgrade() {
            rc.borrow_mut().verifier.settle();
        }
    });
}

async fn login_exchange(
    rc: &Shared,
    req: HttpRequest,
    password: Option<JsValue>,
) -> Result<JsValue, AuthError> {
    let (backend, base_url) = {
        let inner = rc.borrow();
        (inner.cfg.backend, inner.cfg.base_url.clone())
    };
    let (grant, exchange) = login_call(rc, req).await?;
    check(rc).map_err(|_| AuthError::of(Code::Disposed))?;
    let record = Record::from_login(backend, &base_url, random_id(), grant, exchange);
    let previous = {
        let mut inner = rc.borrow_mut();
        let previous = inner.record.take();
        inner.epoch += 1;
        inner.refresh_flight = None;
        inner.last_activity = now();
        inner.commit(Some(record));
        previous
    };
    // A PORTOS login without a password unlocks with an empty one.
    renew_verifier(rc, Some(password.unwrap_or_else(|| JsValue::from_str(""))));
    emit(rc, "signedIn", None);
    replan(rc);
    revoke(rc, previous);
    Ok(rc.borrow_mut().session_value())
}

/// The replaced session's token is revoked on a best-effort basis.
pub(super) fn revoke(rc: &Shared, previous: Option<Record>) {
    if let Some(req) = previous.as_ref().and_then(Record::logout_request) {
        let rc = rc.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = send(&rc, req).await;
        });
    }
}

pub async fn logout(rc: Shared) -> Result<JsValue, JsValue> {
    check(&rc)?;
    let previous = rc.borrow().record.clone();
    rc.borrow().broadcast(&Message::SignedOut);
    end_session(&rc, "signedOut", None);
    if let Some(req) = previous.as_ref().and_then(Record::logout_request) {
        let _ = send(&rc, req).await;
    }
    Ok(JsValue::UNDEFINED)
}
