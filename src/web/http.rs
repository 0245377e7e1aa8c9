//! The module's own requests (login, profile, refresh, logout). `http.js`
//! sends them (timeout, no cookies, no cache, no redirects, 1 MiB cap); this
//! side builds the headers and reads the answer.

use crate::prelude::*;

use crate::core::backend::HttpRequest;
use crate::core::error::{AuthError, Code};
use crate::core::options::Config;
use crate::core::session::Exchange;
use crate::core::time;
use crate::web::convert;
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/web/http.js")]
extern "C" {
    /// A client's set of requests in flight.
    #[wasm_bindgen(js_name = makeInflight)]
    pub fn make_inflight() -> JsValue;
    /// Stops every request in flight; later ones fail with `disposed`.
    #[wasm_bindgen(js_name = abortAll)]
    pub fn abort_all(inflight: &JsValue);
    #[wasm_bindgen(js_name = send)]
    fn js_send(inflight: &JsValue, url: &str, method: &str, headers: Array, body: Option<&str>, timeout_ms: f64) -> Promise;
}

/// An HTTP answer, read in full.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub exchange: Exchange,
    pub retry_after: Option<u32>,
}

/// Starts sending `req`. Synchronous, so the caller can lend `cfg` from the
/// client without holding it across an await; `http.js` calls the page's
/// fetch only from a later microtask.
pub fn start(mut req: HttpRequest, cfg: &Config, inflight: &JsValue) -> Promise {
    let bearer = req.bearer.as_ref().map(|token| ["Bearer ", token].concat());
    let content_type = req.body.as_ref().map(|_| "application/json");
    let own = [("Accept", Some("application/json")), ("Content-Type", content_type), ("Authorization", bearer.as_deref())];
    let present = own.into_iter().filter_map(|(name, value)| Some((name, value?)));
    let headers = convert::header_pairs(cfg.extra_headers().chain(present));
    let pending = js_send(inflight, &req.url, req.method, headers, req.body.as_deref(), cfg.timeout_ms as f64);
    // The body now lives in JS; wipe the copy here (it may hold a password).
    if let Some(body) = req.body.take() {
        crate::core::json::Json::Str(body).wipe();
    }
    pending
}

/// The answer to a request [`start`]ed; every failure is an `AuthError`
/// (`network`, `timeout`, `disposed`, `bad_response` for an oversized body).
/// Any HTTP status is an `Ok` answer: the caller maps it.
pub async fn answer(pending: Promise) -> Result<Answer, AuthError> {
    let answer: Array = JsFuture::from(pending).await.map_err(|why| {
        AuthError::of(match why.as_string().as_deref() {
            Some("timeout") => Code::Timeout,
            Some("disposed") => Code::Disposed,
            _ => Code::Network,
        })
    })?.unchecked_into();
    let text = |i| answer.get(i).as_string();
    let time = |i| answer.get(i).as_f64().unwrap_or_default() as i64;
    let status = answer.get(0).as_f64().unwrap_or_default() as u16;
    let server_date = text(2).as_deref().and_then(time::parse_http_date);
    let retry_after = text(3).and_then(|v| time::parse_retry_after(&v, server_date));
    let Some(body) = text(1) else {
        let mut e = AuthError::new(Code::BadResponse, "The server's answer is larger than 1 MiB.");
        e.status = Some(status);
        return Err(e);
    };
    Ok(Answer { status, body, exchange: Exchange { sent_at: time(4), received_at: time(5), server_date }, retry_after })
}
