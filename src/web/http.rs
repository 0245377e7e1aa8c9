//! The module's own requests (login, profile, refresh, logout). gloo-net
//! builds each request (through the guard seam) and reads the answer's
//! status and headers; `guard.js` sends it (deadline, 1 MiB cap, abort on
//! dispose) and parses the body with `JSON.parse`.

use crate::core::backend::HttpRequest;
use crate::core::error::{AuthError, Code};
use crate::core::field::wipe;
use crate::core::options::Config;
use crate::core::session::Exchange;
use crate::core::time;
use crate::web::guard::{self, Parsed};
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

#[wasm_bindgen(module = "/src/web/guard.js")]
extern "C" {
    /// A client's set of requests in flight.
    #[wasm_bindgen(js_name = makeInflight)]
    pub fn make_inflight() -> JsValue;
    /// Stops every request in flight; later ones fail with `disposed`.
    #[wasm_bindgen(js_name = abortAll)]
    pub fn abort_all(inflight: &JsValue);
    #[wasm_bindgen(js_name = send)]
    fn js_send(inflight: &JsValue, request: &web_sys::Request, controller: &AbortController, timeout_ms: f64) -> Promise;
}

/// An HTTP answer, read in full.
pub struct Answer {
    pub status: u16,
    pub body: Parsed,
    pub exchange: Exchange,
    pub retry_after: Option<u32>,
}

/// Starts sending `req`. Synchronous, so the caller can lend `cfg` from the
/// client without holding it across an await; `guard.js` calls the page's
/// fetch only from a later microtask.
pub fn start(mut req: HttpRequest, cfg: &Config, inflight: &JsValue) -> Promise {
    let bearer = req.bearer.as_ref().map(|token| ["Bearer ", token].concat());
    let content_type = req.body.as_ref().map(|_| "application/json");
    let own = [("Accept", Some("application/json")), ("Content-Type", content_type), ("Authorization", bearer.as_deref())];
    let headers: Vec<(&str, &str)> = cfg.extra_headers().chain(own.into_iter().filter_map(|(name, value)| Some((name, value?)))).collect();
    let controller = AbortController::new().ok();
    let request = controller.as_ref().and_then(|c| guard::build_request(req.method, &req.url, &headers, req.body.as_deref(), c));
    // The body now lives in JS; wipe the copy here (it may hold a password).
    if let Some(body) = req.body.as_mut() {
        wipe(body);
    }
    match (request, controller) {
        (Some(request), Some(controller)) => js_send(inflight, &request, &controller, cfg.timeout_ms as f64),
        _ => Promise::reject(&"network".into()),
    }
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
    // guard.js checked it is a Response and read these once already.
    let response = gloo_net::http::Response::from(answer.get(0).unchecked_into::<web_sys::Response>());
    let status = response.status();
    let headers = response.headers();
    let server_date = headers.get("date").as_deref().and_then(time::parse_http_date);
    let retry_after = headers.get("retry-after").and_then(|v| time::parse_retry_after(&v, server_date));
    if answer.get(1).is_truthy() {
        let mut e = AuthError::new(Code::BadResponse, "The server's answer is larger than 1 MiB.");
        e.status = Some(status);
        return Err(e);
    }
    let time = |i| answer.get(i).as_f64().unwrap_or_default() as i64;
    Ok(Answer { status, body: Parsed(answer.get(2)), exchange: Exchange { sent_at: time(3), received_at: time(4) , server_date }, retry_after })
}
