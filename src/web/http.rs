//! The module's own requests (login, profile, refresh, logout). gloo-net
//! builds each request (through the guard seam) and reads the answer's
//! status and headers; `js/http.js` sends it (deadline, 1 MiB cap, abort on
//! dispose) and parses the body with `JSON.parse`.

use crate::core::backend::HttpRequest;
use crate::core::error::{AuthError, Code};
use crate::core::field::wipe;
use crate::core::options::Config;
use crate::core::session::Exchange;
use crate::core::time;
use crate::web::guard::{self, Parsed};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

#[wasm_bindgen(module = "/target/js/guard.js")]
extern "C" {
    /// A client's set of requests in flight.
    #[wasm_bindgen(js_name = makeInflight)]
    pub fn make_inflight() -> JsValue;
    /// Stops every request in flight; later ones fail with `disposed`.
    #[wasm_bindgen(js_name = abortAll)]
    pub fn abort_all(inflight: &JsValue);
    #[wasm_bindgen(js_name = send)]
    fn js_send(
        inflight: &JsValue,
        request: &web_sys::Request,
        controller: &AbortController,
        timeout_ms: f64,
    ) -> Promise;

    /// What `send` resolves to, read by name.
    type Sent;
    #[wasm_bindgen(method, getter)]
    fn response(this: &Sent) -> web_sys::Response;
    #[wasm_bindgen(method, getter, js_name = tooBig)]
    fn too_big(this: &Sent) -> bool;
    #[wasm_bindgen(method, getter)]
    fn parsed(this: &Sent) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = sentAt)]
    fn sent_at(this: &Sent) -> f64;
    #[wasm_bindgen(method, getter, js_name = receivedAt)]
    fn received_at(this: &Sent) -> f64;
}

/// Why `send` failed: the one word `js/http.js` rejects with, read here
/// and nowhere else (anything else, such as a request that could not be
/// built, is a network failure).
enum Failure {
    Network,
    Timeout,
    Disposed,
}

impl Failure {
    fn of(why: &JsValue) -> Failure {
        match why.as_string().as_deref() {
            Some("timeout") => Failure::Timeout,
            Some("disposed") => Failure::Disposed,
            _ => Failure::Network,
        }
    }

    fn code(self) -> Code {
        match self {
            Failure::Network => Code::Network,
            Failure::Timeout => Code::Timeout,
            Failure::Disposed => Code::Disposed,
        }
    }
}

/// An HTTP answer, read in full.
pub struct Answer {
    pub status: u16,
    pub body: Parsed,
    pub exchange: Exchange,
    pub retry_after: Option<u32>,
}

/// Starts sending `req`. Synchronous, so the caller can lend `cfg` from the
/// client without holding it across an await; `js/http.js` calls the page's
/// fetch only from a later microtask.
pub fn start(mut req: HttpRequest, cfg: &Config, inflight: &JsValue) -> Promise {
    let mut bearer = req.bearer.as_ref().map(|token| ["Bearer ", token].concat());
    let content_type = req.body.as_ref().map(|_| "application/json");
    let own = [
        ("Accept", Some("application/json")),
        ("Content-Type", content_type),
        ("Authorization", bearer.as_deref()),
    ];
    let headers: Vec<(&str, &str)> = cfg
        .extra_headers()
        .chain(
            own.into_iter()
                .filter_map(|(name, value)| Some((name, value?))),
        )
        .collect();
    let controller = AbortController::new().ok();
    let request = controller
        .as_ref()
        .and_then(|c| guard::build_request(req.method, &req.url, &headers, req.body.as_deref(), c));
    drop(headers);
    // The body and the bearer now live in JS; wipe the copies here (a
    // password, or an approver's token that must not outlive the request).
    for secret in [&mut req.body, &mut req.bearer, &mut bearer]
        .into_iter()
        .flatten()
    {
        wipe(secret);
    }
    match (request, controller) {
        (Some(request), Some(controller)) => {
            js_send(inflight, &request, &controller, cfg.timeout_ms as f64)
        }
        _ => Promise::reject(&JsValue::UNDEFINED),
    }
}

/// The answer to a request [`start`]ed; every failure is an `AuthError`
/// (`network`, `timeout`, `disposed`, `bad_response` for an oversized body).
/// Any HTTP status is an `Ok` answer: the caller maps it.
pub async fn answer(pending: Promise) -> Result<Answer, AuthError> {
    let sent: Sent = JsFuture::from(pending)
        .await
        .map_err(|why| AuthError::of(Failure::of(&why).code()))?
        .unchecked_into();
    // js/http.js checked it is a Response and read these once already.
    let response = gloo_net::http::Response::from(sent.response());
    let status = response.status();
    let headers = response.headers();
    let server_date = headers
        .get("date")
        .as_deref()
        .and_then(time::parse_http_date);
    let retry_after = headers
        .get("retry-after")
        .and_then(|v| time::parse_retry_after(&v, server_date));
    if sent.too_big() {
        let mut e = AuthError::new(
            Code::BadResponse,
            "The server's answer is larger than 1 MiB.",
        );
        e.status = Some(status);
        return Err(e);
    }
    let exchange = Exchange {
        sent_at: sent.sent_at() as i64,
        received_at: sent.received_at() as i64,
        server_date,
    };
    Ok(Answer {
        status,
        body: Parsed(sent.parsed()),
        exchange,
        retry_after,
    })
}
