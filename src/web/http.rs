//! The module's own requests (login, profile, refresh, logout). `http.js`
//! sends them (timeout, no cookies, no cache, no redirects, 1 MiB cap); this
//! side builds the headers and reads the answer.

use crate::prelude::*;

use crate::core::backend::HttpRequest;
use crate::core::error::{AuthError, Code};
use crate::core::options::Config;
use crate::core::session::Exchange;
use crate::core::time;
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

/// Sends `req`; every failure is an `AuthError` (`network`, `timeout`,
/// `disposed`, `bad_response` for an oversized body). Any HTTP status is an
/// `Ok` answer: the caller maps it.
pub async fn send(mut req: HttpRequest, cfg: &Config, inflight: &JsValue) -> Result<Answer, AuthError> {
    let headers = Array::new();
    let header = |name: &str, value: &str| {
        headers.push(&Array::of2(&name.into(), &value.into()));
    };
    for (name, value) in cfg.extra_headers() {
        header(name, value);
    }
    header("Accept", "application/json");
    if req.body.is_some() {
        header("Content-Type", "application/json");
    }
    if let Some(token) = &req.bearer {
        header("Authorization", &["Bearer ", token].concat());
    }
    let promise = js_send(inflight, &req.url, req.method, headers, req.body.as_deref(), cfg.timeout_ms as f64);
    // The body now lives in JS; wipe the copy here (it may hold a password).
    if let Some(body) = req.body.take() {
        crate::core::json::Json::Str(body).wipe();
    }
    let answer: Array = JsFuture::from(promise).await.map_err(|why| {
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
