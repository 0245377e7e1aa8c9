//! The till: `lock()` (and the idle lock), `unlock(password)` online and
//! offline, and `approve(credentials, { right })`, a second person's sign-in
//! for one action. The decisions are `core::till`'s; this module moves the
//! values and keeps the tabs holding the session in step.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use super::login::{login_call, redacted, renew_verifier, revoke, take_turn};
use super::state::{check, emit, end_session, replan, send, Shared};
use crate::core::backend::Credentials;
use crate::core::error::{AuthError, Code};
use crate::core::field::wipe;
use crate::core::profile::UserProfile;
use crate::core::till::{self, ApproveOptions, Online, Unlock};
use crate::web::convert::{self, now};
use crate::web::guard;
use crate::web::tabs::Message;

/// Locks the session: stored, told to the tabs, then `locked`. `false`
/// when there is none or it already is.
pub fn lock_session(rc: &Shared) -> bool {
    let locked = {
        let mut inner = rc.borrow_mut();
        let Some(locked) = inner.record.as_ref().and_then(till::lock) else {
            return false;
        };
        inner.commit_till(locked);
        true
    };
    if locked {
        emit(rc, "locked", None);
        replan(rc);
    }
    locked
}

pub fn lock(rc: &Shared) -> Result<(), JsValue> {
    check(rc)?;
    if rc.borrow().record.is_none() {
        return Err(convert::code_error(Code::NoSession));
    }
    lock_session(rc);
    Ok(())
}

/// Input on the page (or told by a peer tab): the idle deadline moves, and
/// the tabs hear of it at most once a second.
pub fn note_input(rc: &Shared) {
    let mut inner = rc.borrow_mut();
    let at = now();
    inner.last_activity = at;
    if at - inner.activity_told >= 1000 && inner.record.is_some() {
        inner.activity_told = at;
        inner.broadcast(&Message::Activity(at));
    }
}

pub async fn unlock(rc: Shared, password: JsValue) -> Result<JsValue, JsValue> {
    check(&rc)?;
    if !password.is_string() {
        return Err(convert::error(&AuthError::invalid(
            "unlock needs the password as a string",
        )));
    }
    let turn = take_turn(&rc).await;
    let result = unlock_in_turn(&rc, &password).await;
    drop(turn);
    result.map_err(|e| convert::error(&redacted(e, &password)))
}

async fn unlock_in_turn(rc: &Shared, password: &JsValue) -> Result<JsValue, AuthError> {
    check(rc).map_err(|_| AuthError::of(Code::Disposed))?;
    let (req, id) = {
        let mut inner = rc.borrow_mut();
        let Some(record) = inner.record.as_ref() else {
            return Err(AuthError::of(Code::NoSession));
        };
        if !record.locked {
            return Ok(inner.session_value());
        }
        let mut text = password.as_string().unwrap_or_default();
        let req = till::unlock_request(record, &text);
        wipe(&mut text);
        (req?, record.id.clone())
    };
    let answer = login_call(rc, req).await;
    check(rc).map_err(|_| AuthError::of(Code::Disposed))?;
    // The session as it is now: a peer may have counted meanwhile; a logout
    // or another cashier may have ended it.
    let (record, attempts) = {
        let inner = rc.borrow();
        let record = inner.record.clone().filter(|r| r.id == id && r.locked);
        (record, inner.cfg.unlock_attempts)
    };
    let Some(record) = record else {
        return match rc.borrow_mut().session_value() {
            session if session.is_null() => Err(AuthError::of(Code::NoSession)),
            session => Ok(session),
        };
    };
    let outcome = match till::settle_online(&record, answer, attempts) {
        Online::Settled(outcome) => outcome,
        Online::NoAnswer(error) => {
            let mut text = password.as_string().unwrap_or_default();
            let offline = rc.borrow_mut().verifier.check(&text);
            wipe(&mut text);
            till::settle_offline(&record, error, offline, attempts)
        }
    };
    settle(rc, outcome, password)
}

/// Too many wrong passwords (here, or counted from a peer's): the session
/// ends in every tab, and its token with the back end.
pub(super) fn too_many(rc: &Shared, error: &AuthError) {
    let previous = rc.borrow().record.clone();
    rc.borrow().broadcast(&Message::TooManyAttempts);
    end_session(rc, "signedOut", Some(error));
    revoke(rc, previous);
}

fn settle(rc: &Shared, outcome: Unlock, password: &JsValue) -> Result<JsValue, AuthError> {
    match outcome {
        Unlock::NewTokens(next) => {
            let previous = {
                let mut inner = rc.borrow_mut();
                inner.epoch += 1;
                inner.refresh_flight = None;
                inner.last_activity = now();
                let previous = inner.record.take();
                inner.commit_till(next);
                previous
            };
            renew_verifier(rc, Some(password.clone()));
            unlocked(rc);
            revoke(rc, previous);
        }
        Unlock::SameTokens(next) => {
            {
                let mut inner = rc.borrow_mut();
                inner.last_activity = now();
                inner.commit_till(next);
            }
            unlocked(rc);
        }
        Unlock::Wrong { record, error } => {
            rc.borrow_mut().commit_count(record);
            return Err(error);
        }
        Unlock::TooMany(error) => {
            too_many(rc, &error);
            return Err(error);
        }
        Unlock::Reject(error) => return Err(error),
    }
    Ok(rc.borrow_mut().session_value())
}

fn unlocked(rc: &Shared) {
    emit(rc, "unlocked", None);
    replan(rc);
}

pub async fn approve(
    rc: Shared,
    credentials: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    check(&rc)?;
    let result = approve_with(&rc, &credentials, &options).await;
    result.map_err(|e| convert::error(&redacted(e, &credentials)))
}

/// The approver's login call, on the client's own request path (its
/// `baseUrl`, headers, timeout) and nothing else of it: no session,
/// storage, channel or `fetch` is touched, and no event fires.
async fn approve_with(
    rc: &Shared,
    credentials: &JsValue,
    options: &JsValue,
) -> Result<JsValue, AuthError> {
    let read = if options.is_undefined() {
        Some(ApproveOptions::default())
    } else {
        guard::read_object::<ApproveOptions>(options)
    };
    let right = till::approval_right(read.as_ref())?;
    let creds = guard::read_object::<Credentials>(credentials);
    let (built, backend, base_url) = {
        let inner = rc.borrow();
        let cfg = &inner.cfg;
        let built = cfg.backend.login_request(&cfg.base_url, creds.as_ref());
        (built, cfg.backend, cfg.base_url.clone())
    };
    drop(creds);
    let (mut grant, _) = login_call(rc, built?).await?;
    let approver = grant.user.take().unwrap_or_else(UserProfile::empty);
    // The approver's token ends at once, right or not.
    if let Some(req) = backend.logout_request(&base_url, &grant.access_token) {
        let _ = send(rc, req).await;
    }
    wipe(&mut grant.access_token);
    if let Some(token) = grant.refresh_token.as_mut() {
        wipe(token);
    }
    till::check_approver(&approver, right.as_deref())?;
    let approval = Object::new();
    let user = guard::to_js(&convert::profile(&approver));
    let _ = Reflect::set(&approval, &"user".into(), &user);
    let _ = Reflect::set(&approval, &"approvedAt".into(), &(now() as f64).into());
    Ok(approval.into())
}
