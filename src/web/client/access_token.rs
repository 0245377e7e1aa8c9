//! `accessToken({ minValidity })`: the bearer token itself, for transports
//! that are not `fetch` (axios interceptors, SignalR, WebSocket URLs). A
//! token about to expire is refreshed first, on the single flight that
//! `refresh()`, `fetch()`, `profile()` and the timer share.

use super::*;
use crate::core::options::{min_validity_ms, TokenOptions};

pub async fn access_token(rc: Shared, options: JsValue) -> Result<JsValue, JsValue> {
    check(&rc)?;
    let min_validity = if options.is_undefined() {
        None
    } else {
        min_validity_ms(guard::read_object::<TokenOptions>(&options).as_ref()).map_err(|e| convert::error(&e))?
    };
    let due = {
        let inner = rc.borrow();
        let record = inner.record.as_ref().ok_or_else(|| convert::code_error(Code::NoSession))?;
        let now = now();
        if schedule::ended(record, now) {
            None
        } else {
            let validity = min_validity.unwrap_or_else(|| schedule::margin(record, inner.cfg.refresh_margin_ms));
            Some(record.can_refresh() && schedule::expires_within(record, validity, now))
        }
    };
    let Some(due) = due else {
        // Over by time (CashDesk's token ran out, or the refresh token did):
        // the call that finds it ends it.
        let ended = AuthError::of(Code::SessionExpired);
        end_session(&rc, "expired", Some(&ended));
        return Err(convert::error(&ended));
    };
    if due {
        if let Err(e) = JsFuture::from(refresh_shared(&rc, false)).await {
            let inner = rc.borrow();
            // Kept session: its token while it lasts; else the refresh's error.
            match inner.record.as_ref() {
                None => return Err(convert::code_error(Code::SessionExpired)),
                Some(r) if schedule::expires_within(r, 0, now()) => return Err(e),
                Some(_) => {}
            }
        }
    }
    let inner = rc.borrow();
    let record = inner.record.as_ref().ok_or_else(|| convert::code_error(Code::SessionExpired))?;
    Ok(JsValue::from_str(&record.access_token))
}
