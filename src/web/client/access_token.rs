//! `accessToken({ minValidity })`: the bearer token itself, for transports
//! that are not `fetch` (axios interceptors, SignalR, WebSocket URLs). A
//! token about to expire is refreshed first, on the single flight that
//! `refresh()`, `fetch()`, `profile()` and the timer share.

use wasm_bindgen::prelude::*;

use super::refresh::refresh_if_due;
use super::state::{check, end_session, Shared};
use crate::core::error::{AuthError, Code};
use crate::core::options::{min_validity_ms, TokenOptions};
use crate::core::schedule;
use crate::web::convert::{self, now};
use crate::web::guard;

pub async fn access_token(rc: Shared, options: JsValue) -> Result<JsValue, JsValue> {
    check(&rc)?;
    let min_validity = if options.is_undefined() {
        None
    } else {
        min_validity_ms(guard::read_object::<TokenOptions>(&options).as_ref())
            .map_err(|e| convert::error(&e))?
    };
    let over = {
        let inner = rc.borrow();
        let record = inner
            .record
            .as_ref()
            .ok_or_else(|| convert::code_error(Code::NoSession))?;
        schedule::ended(record, now())
    };
    if over {
        // Over by time (CashDesk's token ran out, or the refresh token did):
        // the call that finds it ends it.
        let ended = AuthError::of(Code::SessionExpired);
        end_session(&rc, "expired", Some(&ended));
        return Err(convert::error(&ended));
    }
    let failed = refresh_if_due(&rc, min_validity)
        .await
        .map_err(|e| convert::error(&e))?;
    let inner = rc.borrow();
    let record = inner
        .record
        .as_ref()
        .ok_or_else(|| convert::code_error(Code::SessionExpired))?;
    // A kept session after a failed refresh: its token while it lasts.
    match failed {
        Some(error) if schedule::expires_within(record, 0, now()) => Err(error),
        _ => Ok(JsValue::from_str(&record.access_token)),
    }
}
