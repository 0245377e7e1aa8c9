//! `profile()`: the signed-in user as the back end describes them now,
//! refreshed first inside the margin and following the 401 rule.

use wasm_bindgen::prelude::*;

use super::refresh::{after_401, refresh_if_due, After401};
use super::state::{check, emit, is_success, send, Shared};
use crate::core::error::{Call, Code};
use crate::web::convert;
use crate::web::guard;

pub async fn profile(rc: Shared) -> Result<JsValue, JsValue> {
    check(&rc)?;
    profile_inner(&rc).await
}

async fn profile_inner(rc: &Shared) -> Result<JsValue, JsValue> {
    let fail = |code| convert::code_error(code);
    let has_call = {
        let inner = rc.borrow();
        let record = inner.record.as_ref().ok_or_else(|| fail(Code::NoSession))?;
        record.profile_request().is_some()
    };
    if !has_call {
        let inner = rc.borrow();
        return inner
            .record
            .as_ref()
            .map(|r| guard::to_js(&convert::profile(&r.user)))
            .ok_or_else(|| fail(Code::NoSession));
    }
    refresh_if_due(rc, None)
        .await
        .map_err(|e| convert::error(&e))?;
    let mut refreshed = false;
    for _ in 0..3 {
        let (req, token, backend) = {
            let inner = rc.borrow();
            let record = inner
                .record
                .as_ref()
                .ok_or_else(|| fail(Code::SessionExpired))?;
            let req = record
                .profile_request()
                .ok_or_else(|| fail(Code::NoSession))?;
            (req, record.access_token.clone(), record.backend)
        };
        let answer = send(rc, req).await.map_err(|e| convert::error(&e))?;
        if answer.status == 401 {
            let ended = backend.answer_error(Call::Profile, 401, &answer.body, None);
            match after_401(rc, &token, &mut refreshed, &ended).await {
                After401::Retry => continue,
                After401::Ended => return Err(convert::error(&ended)),
                After401::RefreshFailed(e) => return Err(e),
            }
        }
        if !is_success(answer.status) {
            return Err(convert::error(&backend.answer_error(
                Call::Profile,
                answer.status,
                &answer.body,
                answer.retry_after,
            )));
        }
        let user = backend
            .parse_profile(&answer.body)
            .map_err(|e| convert::error(&e.with_status(answer.status)))?;
        let changed = {
            let mut inner = rc.borrow_mut();
            match inner.record.clone() {
                Some(mut r) if r.access_token == token && r.user != user => {
                    r.user = user.clone();
                    inner.commit(Some(r));
                    true
                }
                _ => false,
            }
        };
        if changed {
            emit(rc, "userUpdated", None);
        }
        return Ok(guard::to_js(&convert::profile(&user)));
    }
    Err(fail(Code::SessionExpired))
}
