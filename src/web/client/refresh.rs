//! Refreshing: one request at a time for every caller (the timer,
//! `refresh()`, `fetch`, `profile`, `accessToken`), turns with duplicated
//! tabs (`tabs::turn`: a Web Lock, or claims on the channel), and the 401 rule.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::state::{check, emit, end_session, is_success, replan, send, Shared};
use crate::core::error::{AuthError, Call, Code};
use crate::core::machine::{self, On401, Settled};
use crate::web::convert::{self, now};
use crate::web::tabs::{self, Message};

pub async fn refresh(rc: Shared) -> Result<JsValue, JsValue> {
    check(&rc)?;
    {
        let inner = rc.borrow();
        let record = inner
            .record
            .as_ref()
            .ok_or_else(|| convert::code_error(Code::NoSession))?;
        if !record.backend.can_refresh() {
            return Err(convert::code_error(Code::RefreshUnsupported));
        }
    }
    JsFuture::from(refresh_shared(&rc, false)).await
}

/// One refresh at a time: every caller gets the same promise until it settles.
pub fn refresh_shared(rc: &Shared, background: bool) -> Promise {
    if let Some((_, p)) = &rc.borrow().refresh_flight {
        return p.clone();
    }
    let flight = {
        let mut inner = rc.borrow_mut();
        inner.flights += 1;
        inner.flights
    };
    let rc2 = rc.clone();
    let promise = convert::promise(async move {
        let result = refresh_once(&rc2, background).await;
        {
            let mut inner = rc2.borrow_mut();
            if inner
                .refresh_flight
                .as_ref()
                .is_some_and(|(id, _)| *id == flight)
            {
                inner.refresh_flight = None;
            }
        }
        replan(&rc2);
        result.map_err(|e| convert::error(&e))
    });
    rc.borrow_mut().refresh_flight = Some((flight, promise.clone()));
    promise
}

async fn refresh_once(rc: &Shared, background: bool) -> Result<JsValue, AuthError> {
    let (lock_name, claims, generation, timeout) = {
        let inner = rc.borrow();
        if inner.disposed {
            return Err(AuthError::of(Code::Disposed));
        }
        let record = inner
            .record
            .as_ref()
            .ok_or_else(|| AuthError::of(Code::NoSession))?;
        record.refresh_request()?;
        let claims = inner.channel.as_ref().map(tabs::Channel::claims);
        (
            inner.channel_name(),
            claims,
            record.generation,
            inner.cfg.timeout_ms,
        )
    };
    // One tab refreshes at a time; a peer may have rotated the token meanwhile.
    let turn = match &lock_name {
        Some(name) => {
            let adopted = || {
                let inner = rc.borrow();
                inner.disposed
                    || inner
                        .record
                        .as_ref()
                        .is_none_or(|r| r.generation > generation)
            };
            Some(tabs::turn(name, claims, generation, timeout, adopted).await)
        }
        None => None,
    };
    match &turn {
        // A peer refreshed just now: its rotated tokens are on their way
        // over the channel, which may be slower than the lock's hand-over.
        Some(held) if held.waited => {
            if let Some(session) = adopted_meanwhile(rc, generation).await {
                return Ok(session);
            }
        }
        Some(_) => tabs::settle().await,
        None => {}
    }
    let (req, epoch, backend) = {
        let mut inner = rc.borrow_mut();
        if inner.disposed {
            return Err(AuthError::of(Code::Disposed));
        }
        let record = inner
            .record
            .as_ref()
            .ok_or_else(|| AuthError::of(Code::NoSession))?;
        if record.generation > generation {
            return Ok(inner.session_value());
        }
        (record.refresh_request()?, inner.epoch, record.backend)
    };
    let result = send(rc, req).await.and_then(|a| {
        if is_success(a.status) {
            backend
                .parse_refresh(&a.body)
                .map(|g| (g, a.exchange))
                .map_err(|e| e.with_status(a.status))
        } else {
            Err(backend.answer_error(Call::Refresh, a.status, &a.body, a.retry_after))
        }
    });
    {
        let inner = rc.borrow();
        if inner.disposed {
            return Err(AuthError::of(Code::Disposed));
        }
        if inner.epoch != epoch {
            // A login or logout happened meanwhile: this answer is stale.
            drop(inner);
            let session = rc.borrow_mut().session_value();
            return if session.is_null() {
                Err(AuthError::of(Code::NoSession))
            } else {
                Ok(session)
            };
        }
    }
    let settled = {
        let mut inner = rc.borrow_mut();
        let Some(record) = inner.record.clone() else {
            return Err(AuthError::of(Code::NoSession));
        };
        let cx = machine::Context {
            auto_refresh: inner.cfg.auto_refresh,
            background,
            now: now(),
            jitter: js_sys::Math::random(),
        };
        machine::settle_refresh(&record, &mut inner.progress, result, cx)
    };
    match settled {
        Settled::Refreshed(next) => {
            {
                let mut inner = rc.borrow_mut();
                inner.broadcast(&Message::Rotated(next.to_text()));
                inner.commit(Some(next));
            }
            emit(rc, "refreshed", None);
            Ok(rc.borrow_mut().session_value())
        }
        Settled::End(e) => {
            if let Some(session) = adopted_meanwhile(rc, generation).await {
                return Ok(session);
            }
            rc.borrow().broadcast(&Message::Expired(generation));
            end_session(rc, "expired", Some(&e));
            Err(e)
        }
        Settled::Kept { error, warn } => {
            if warn {
                emit(rc, "expiring", Some(&error));
            }
            Err(error)
        }
    }
}

/// After a rejected refresh, or a lock a peer held first: a duplicated tab
/// may have used the shared refresh token, its rotated tokens still on their
/// way here. Wait briefly for them before refreshing, or giving up the session.
async fn adopted_meanwhile(rc: &Shared, generation: u64) -> Option<JsValue> {
    const GRACE_STEPS: u32 = 10;
    // Only a session shared with duplicated tabs can have been rotated elsewhere.
    rc.borrow().channel.as_ref()?;
    for step in 0..=GRACE_STEPS {
        {
            let mut inner = rc.borrow_mut();
            match inner.record.as_ref() {
                Some(r) if r.generation > generation => return Some(inner.session_value()),
                Some(_) if !inner.disposed => {}
                _ => return None,
            }
        }
        if step < GRACE_STEPS {
            tabs::sleep(50).await;
        }
    }
    None
}

/// The outcome of the 401 rule for an authorised request.
pub enum After401 {
    /// Send the request again, with the current token.
    Retry,
    /// The session ended (or was already gone); the 401 stands.
    Ended,
    /// The refresh it needed failed with this error.
    RefreshFailed(JsValue),
}

/// Applies docs/API.md's 401 rule: retry with a token that changed meanwhile,
/// else refresh once and retry once, else end the session with `ended`.
pub async fn after_401(
    rc: &Shared,
    sent_token: &str,
    refreshed: &mut bool,
    ended: &AuthError,
) -> After401 {
    let step = {
        let inner = rc.borrow();
        let current = inner.record.as_ref().map(|r| r.access_token.as_str());
        let backend = inner.cfg.backend;
        machine::on_401(backend, sent_token, current, *refreshed)
    };
    match step {
        On401::RetryWithCurrent => After401::Retry,
        On401::NoSession => After401::Ended,
        On401::End => {
            end_session(rc, "expired", Some(ended));
            After401::Ended
        }
        On401::RefreshThenRetry => {
            *refreshed = true;
            match JsFuture::from(refresh_shared(rc, false)).await {
                Ok(_) => After401::Retry,
                Err(e) => After401::RefreshFailed(e),
            }
        }
    }
}

/// Refreshes first, on the shared flight, when the session can refresh and
/// its token expires within `validity_ms` (`None`: the refresh margin).
/// `Ok(Some(error))`: that refresh failed and the session is kept; `Err`:
/// it ended the session.
pub async fn refresh_if_due(
    rc: &Shared,
    validity_ms: Option<i64>,
) -> Result<Option<JsValue>, AuthError> {
    let due = rc.borrow().refresh_due_within(validity_ms);
    if !due {
        return Ok(None);
    }
    let failed = JsFuture::from(refresh_shared(rc, false)).await.err();
    if rc.borrow().record.is_none() {
        return Err(AuthError::of(Code::SessionExpired));
    }
    Ok(failed)
}
