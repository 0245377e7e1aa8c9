//! The module's own requests (login, profile, refresh, logout): fetch with
//! a timeout, no cookies, no cache, no redirects, and a 1 MiB body cap.

use crate::prelude::*;

use crate::core::backend::HttpRequest;
use crate::core::error::{AuthError, Code};
use crate::core::options::Config;
use crate::core::session::Exchange;
use crate::core::time;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array};
use ::core::cell::{Cell, RefCell};
use alloc::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, ReadableStreamDefaultReader, RequestInit, Response};

/// Bodies over this are not read.
const MAX_BODY: usize = 1 << 20;

/// An HTTP answer, read in full.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub exchange: Exchange,
    pub retry_after: Option<u32>,
}

/// One request's way to stop: abort the fetch, and reject the deadline every
/// await races against (a page's own `fetch` wrapper may ignore the signal).
struct Stopper {
    controller: AbortController,
    reject: Function,
}

impl Stopper {
    fn stop(&self) {
        self.controller.abort();
        let _ = self.reject.call0(&JsValue::NULL);
    }
}

/// The requests of one client still in flight, so `dispose()` can abort them.
#[derive(Default)]
pub struct Inflight {
    stoppers: RefCell<Vec<Rc<Stopper>>>,
    disposed: Cell<bool>,
}

impl Inflight {
    pub fn abort_all(&self) {
        self.disposed.set(true);
        for s in self.stoppers.take() {
            s.stop();
        }
    }
}

/// Sends `req`; every failure is an `AuthError` (`network`, `timeout`,
/// `disposed`, `bad_response` for an oversized body). Any HTTP status is an
/// `Ok` answer: the caller maps it.
pub async fn send(req: HttpRequest, cfg: &Config, inflight: &Rc<Inflight>) -> Result<Answer, AuthError> {
    if inflight.disposed.get() {
        return Err(AuthError::of(Code::Disposed));
    }
    let controller = AbortController::new().map_err(|_| AuthError::of(Code::Network))?;
    let mut reject = None;
    let deadline = Promise::new(&mut |_, r| reject = Some(r));
    let reject = reject.ok_or_else(|| AuthError::of(Code::Network))?;
    let stopper = Rc::new(Stopper { controller, reject });
    inflight.stoppers.borrow_mut().push(stopper.clone());
    let timed_out = Rc::new(Cell::new(false));
    let timer = Timeout::start(cfg.timeout_ms, stopper.clone(), timed_out.clone());
    let result = exchange(req, cfg, &stopper.controller, &deadline).await;
    drop(timer);
    inflight.stoppers.borrow_mut().retain(|s| !Rc::ptr_eq(s, &stopper));
    result.map_err(|e| {
        if inflight.disposed.get() {
            AuthError::of(Code::Disposed)
        } else if timed_out.get() {
            AuthError::of(Code::Timeout)
        } else {
            e
        }
    })
}

/// Awaits `p`, or the deadline if it comes first.
async fn race(p: &Promise, deadline: &Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::race(&Array::of2(p, deadline))).await
}

async fn exchange(mut req: HttpRequest, cfg: &Config, controller: &AbortController, deadline: &Promise) -> Result<Answer, AuthError> {
    let network = |_| AuthError::of(Code::Network);
    let headers = Headers::new().map_err(network)?;
    for (name, value) in cfg.extra_headers() {
        let _ = headers.set(name, value);
    }
    let _ = headers.set("Accept", "application/json");
    if req.body.is_some() {
        let _ = headers.set("Content-Type", "application/json");
    }
    if let Some(token) = &req.bearer {
        headers.set("Authorization", &["Bearer ", token].concat()).map_err(network)?;
    }
    let init = RequestInit::new();
    init.set_method(req.method);
    init.set_headers(&headers);
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_cache(web_sys::RequestCache::NoStore);
    init.set_redirect(web_sys::RequestRedirect::Error);
    init.set_signal(Some(&controller.signal()));
    if let Some(body) = &req.body {
        init.set_body(&JsValue::from_str(body));
    }
    // The body now lives in JS; wipe the copy here (it may hold a password).
    if let Some(body) = req.body.take() {
        crate::core::json::Json::Str(body).wipe();
    }
    let sent_at = crate::web::convert::now();
    // Whatever the page's `fetch` does (throw, return a non-promise, resolve
    // to something else) becomes a `network` error, never a hang or a throw.
    let promise = fetch_with_init(&req.url, &init).map(|p| Promise::resolve(&p)).map_err(network)?;
    let response: Response = race(&promise, deadline).await.map_err(network)?.dyn_into().map_err(network)?;
    let status = response.status();
    let header = |name| response.headers().get(name).ok().flatten();
    let server_date = header("date").as_deref().and_then(time::parse_http_date);
    let retry_after = header("retry-after").and_then(|v| time::parse_retry_after(&v, server_date));
    let too_big = header("content-length").and_then(|l| l.trim().parse::<usize>().ok()).is_some_and(|l| l > MAX_BODY);
    let body = if too_big { None } else { read_capped(&response, deadline).await? };
    let received_at = crate::web::convert::now();
    let Some(body) = body else {
        controller.abort();
        let mut e = AuthError::new(Code::BadResponse, "The server's answer is larger than 1 MiB.");
        e.status = Some(status);
        return Err(e);
    };
    Ok(Answer { status, body, exchange: Exchange { sent_at, received_at, server_date }, retry_after })
}

/// The body as text, or `None` once it passes [`MAX_BODY`].
async fn read_capped(response: &Response, deadline: &Promise) -> Result<Option<String>, AuthError> {
    let network = |_| AuthError::of(Code::Network);
    let Some(stream) = response.body() else { return Ok(Some(String::new())) };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let chunk = race(&reader.read(), deadline).await.map_err(network)?;
        if Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            break;
        }
        let value = Reflect::get(&chunk, &"value".into()).map_err(network)?;
        let part = Uint8Array::new(&value);
        if bytes.len() + part.length() as usize > MAX_BODY {
            let _ = reader.cancel();
            return Ok(None);
        }
        bytes.extend(part.to_vec());
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, looked up at call time so a page's own wrapper is used.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch_with_init(url: &str, init: &RequestInit) -> Result<JsValue, JsValue>;
}

/// Aborts the request when the `timeout` option runs out; cleared on drop.
struct Timeout {
    id: i32,
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    fn start(ms: i64, stopper: Rc<Stopper>, fired: Rc<Cell<bool>>) -> Option<Timeout> {
        let callback = Closure::<dyn FnMut()>::new(move || {
            fired.set(true);
            stopper.stop();
        });
        let id = web_sys::window()?
            .set_timeout_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), ms as i32)
            .ok()?;
        Some(Timeout { id, _callback: callback })
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        if let Some(w) = web_sys::window() {
            w.clear_timeout_with_handle(self.id);
        }
    }
}
