//! Signing in and out: `login` (one at a time, the replaced session's token
//! revoked afterwards, the password never echoed in an error) and `logout`.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::refresh::tick;
use super::state::{check, emit, end_session, is_success, send, Shared};
use crate::core::backend::{Credentials, HttpRequest};
use crate::core::error::{AuthError, Call, Code};
use crate::core::field::wipe;
use crate::core::session::Record;
use crate::web::convert;
use crate::web::guard;
use crate::web::tabs::Message;

#[wasm_bindgen]
extern "C" {
    /// On `globalThis`: a Worker and Node have `crypto` but no `window`.
    #[wasm_bindgen(js_namespace = ["globalThis", "crypto"], js_name = getRandomValues, catch)]
    fn get_random_values(bytes: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// A new session's id (names the tabs' channel and lock): 128 random bits in hex.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    if get_random_values(&mut bytes).is_err() {
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

    // Wait for the previous login, then let the next one wait for this.
    let mut release: Option<Function> = None;
    let mine = Promise::new(&mut |resolve, _| release = Some(resolve));
    let previous = rc.borrow_mut().login_tail.replace(mine);
    if let Some(p) = previous {
        let _ = JsFuture::from(p).await;
    }
    let result = login_exchange(&rc, req).await;
    if let Some(release) = release {
        let _ = release.call0(&JsValue::NULL);
    }
    result.map_err(|mut e| {
        // A server may quote the password back; it never leaves in an error.
        // It is read again from the caller's object: wasm memory kept no copy.
        if let Some(mut password) = Reflect::get(&credentials, &"password".into())
            .ok()
            .and_then(|p| p.as_string())
        {
            e.redact(&password);
            wipe(&mut password);
        }
        convert::error(&e)
    })
}

async fn login_exchange(rc: &Shared, req: HttpRequest) -> Result<JsValue, AuthError> {
    let (backend, base_url) = {
        let inner = rc.borrow();
        (inner.cfg.backend, inner.cfg.base_url.clone())
    };
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
    check(rc).map_err(|_| AuthError::of(Code::Disposed))?;
    let record = Record::from_login(backend, &base_url, random_id(), grant, answer.exchange);
    let previous = {
        let mut inner = rc.borrow_mut();
        let previous = inner.record.take();
        inner.epoch += 1;
        inner.refresh_flight = None;
        inner.commit(Some(record));
        previous
    };
    emit(rc, "signedIn", None);
    tick(rc);
    // The replaced session's token is revoked on a best-effort basis.
    if let Some(req) = previous.as_ref().and_then(Record::logout_request) {
        let rc = rc.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = send(&rc, req).await;
        });
    }
    Ok(rc.borrow_mut().session_value())
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
