//! `client.fetch` / `authFetch`: the global `fetch`, plus the bearer token
//! on requests under `baseUrl` and one refresh-and-retry on a 401. Requests
//! elsewhere go to the global `fetch` untouched: the token never leaves.

use crate::core::error::{AuthError, Code};
use crate::web::client::{self, after_401, refresh_if_needed, After401, Shared};
use crate::web::convert;
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, Request, Response, Url};

#[wasm_bindgen]
extern "C" {
    // `catch`: a page's own `fetch` wrapper may throw instead of rejecting.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(input: &JsValue, init: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch_request(request: &Request) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = String)]
    fn js_string(v: &JsValue) -> Result<String, JsValue>;
}

/// Calls the global `fetch` and awaits it as a promise, whatever it returned.
async fn call_fetch(result: Result<JsValue, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&result?)).await
}

/// The absolute URL a fetch of `input` would go to, read without touching a
/// `Request`'s body (building a new Request from it would use the body up).
fn target_url(input: &JsValue) -> Option<String> {
    if let Some(request) = input.dyn_ref::<Request>() {
        return Some(request.url());
    }
    let text = js_string(input).ok()?;
    // Relative URLs resolve against the page, as fetch resolves them.
    let base = Reflect::get(&js_sys::global(), &"location".into())
        .and_then(|l| Reflect::get(&l, &"href".into()))
        .ok()
        .and_then(|h| h.as_string());
    let url = match base {
        Some(base) => Url::new_with_base(&text, &base),
        None => Url::new(&text),
    };
    url.ok().map(|u| u.href())
}

/// `new Request(input, init)`, which throws on what `fetch` would reject.
fn new_request(input: &JsValue, init: &JsValue) -> Result<Request, JsValue> {
    let ctor: js_sys::Function = Reflect::get(&js_sys::global(), &"Request".into())?.dyn_into()?;
    Ok(Reflect::construct(&ctor, &js_sys::Array::of2(input, init))?.unchecked_into())
}

/// Whether `url` is the base itself or below it, on the same origin.
fn under_base(url: &str, (base_origin, base_path): (&str, &str)) -> bool {
    let Ok(u) = Url::new(url) else { return false };
    let path = u.pathname();
    u.origin() == base_origin
        && (path == base_path || path.strip_prefix(base_path).is_some_and(|rest| rest.starts_with('/')))
}

/// A body that can be sent twice: anything but a stream.
fn replayable(init: &JsValue) -> bool {
    let body = Reflect::get(init, &"body".into()).unwrap_or(JsValue::UNDEFINED);
    !body.is_instance_of::<ReadableStream>()
}

async fn pass_through(input: &JsValue, init: &JsValue) -> Result<JsValue, JsValue> {
    call_fetch(global_fetch(input, init)).await
}

fn error(e: AuthError) -> JsValue {
    convert::error(&e)
}

pub async fn auth_fetch(rc: Shared, input: JsValue, init: JsValue) -> Result<JsValue, JsValue> {
    client::check(&rc)?;
    let cfg = rc.borrow().cfg.clone();
    let base = cfg.base_origin_and_path();
    if !target_url(&input).is_some_and(|url| under_base(&url, base)) {
        return pass_through(&input, &init).await;
    }
    let request = match new_request(&input, &init) {
        Ok(r) => r,
        // Let the global fetch reject the way it does.
        Err(_) => return pass_through(&input, &init).await,
    };
    // Checked again on what will be sent: a `toString` may answer differently twice.
    if !under_base(&request.url(), base) {
        return call_fetch(global_fetch_request(&request)).await;
    }
    if rc.borrow().record().is_none() {
        return Err(error(AuthError::of(Code::NoSession)));
    }
    if request.headers().has("authorization").unwrap_or(false) {
        return pass_through(&input, &init).await;
    }
    let replayable = init.is_undefined() || init.is_null() || replayable(&init);
    refresh_if_needed(&rc).await.map_err(error)?;

    let mut template = Some(request);
    let mut refreshed = false;
    for _ in 0..3 {
        let token = {
            let inner = rc.borrow();
            inner.record().ok_or_else(|| error(AuthError::of(Code::SessionExpired)))?.access_token.clone()
        };
        let Some(original) = template.take() else { break };
        let attempt = if replayable {
            let copy = original.clone()?;
            template = Some(original);
            copy
        } else {
            original
        };
        let headers = attempt.headers();
        for (name, value) in cfg.extra_headers() {
            if !headers.has(name).unwrap_or(true) {
                let _ = headers.set(name, value);
            }
        }
        let _ = headers.set("Authorization", &["Bearer ", &token].concat());
        let answer = call_fetch(global_fetch_request(&attempt)).await?;
        // A page's wrapper may resolve with anything: hand it back as the global fetch would.
        let Some(response) = answer.dyn_ref::<Response>().cloned() else { return Ok(answer) };
        if response.status() != 401 {
            return Ok(response.into());
        }
        let ended = AuthError::of(Code::SessionExpired);
        match after_401(&rc, &token, &mut refreshed, &ended).await {
            After401::Retry => {}
            After401::Ended => return Ok(response.into()),
            // A refresh that ended the session rejects; one that failed otherwise leaves the 401.
            After401::RefreshFailed(e) if rc.borrow().record().is_none() => return Err(e),
            After401::RefreshFailed(_) => return Ok(response.into()),
        }
        if template.is_none() {
            return Ok(response.into());
        }
    }
    Err(error(AuthError::of(Code::SessionExpired)))
}
