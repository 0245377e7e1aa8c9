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
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &JsValue, init: &JsValue) -> Promise;
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch_request(request: &Request) -> Promise;
}

/// `new Request(input, init)`, which throws on what `fetch` would reject.
fn new_request(input: &JsValue, init: &JsValue) -> Result<Request, JsValue> {
    let ctor: js_sys::Function = Reflect::get(&js_sys::global(), &"Request".into())?.dyn_into()?;
    Ok(Reflect::construct(&ctor, &js_sys::Array::of2(input, init))?.unchecked_into())
}

/// Whether `url` is `base` itself or below it, on the same origin.
fn under_base(url: &str, base: &str) -> bool {
    let (Ok(u), Ok(b)) = (Url::new(url), Url::new(base)) else { return false };
    let base_path = b.pathname();
    let base_path = base_path.trim_end_matches('/');
    let path = u.pathname();
    u.origin() == b.origin()
        && (path == base_path || path.strip_prefix(base_path).is_some_and(|rest| rest.starts_with('/')))
}

/// A body that can be sent twice: anything but a stream.
fn replayable(init: &JsValue) -> bool {
    let body = Reflect::get(init, &"body".into()).unwrap_or(JsValue::UNDEFINED);
    !body.is_instance_of::<ReadableStream>()
}

async fn pass_through(input: &JsValue, init: &JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(global_fetch(input, init)).await
}

fn error(e: AuthError) -> JsValue {
    convert::error(&e)
}

pub async fn auth_fetch(rc: Shared, input: JsValue, init: JsValue) -> Result<JsValue, JsValue> {
    client::check(&rc)?;
    let request = match new_request(&input, &init) {
        Ok(r) => r,
        // Let the global fetch reject the way it does.
        Err(_) => return pass_through(&input, &init).await,
    };
    let base_url = rc.borrow().cfg.base_url.clone();
    if !under_base(&request.url(), &base_url) {
        return pass_through(&input, &init).await;
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
        let (token, extra) = {
            let inner = rc.borrow();
            let record = inner.record().ok_or_else(|| error(AuthError::of(Code::SessionExpired)))?;
            let mut extra = inner.cfg.headers.clone();
            if let Some(id) = &inner.cfg.developer_id {
                extra.push(("developer-id".to_owned(), id.clone()));
            }
            (record.access_token.clone(), extra)
        };
        let Some(original) = template.take() else { break };
        let attempt = if replayable {
            let copy = original.clone().map_err(|e| e)?;
            template = Some(original);
            copy
        } else {
            original
        };
        let headers = attempt.headers();
        for (name, value) in &extra {
            if !headers.has(name).unwrap_or(true) {
                let _ = headers.set(name, value);
            }
        }
        let _ = headers.set("Authorization", &["Bearer ", &token].concat());
        let response: Response = JsFuture::from(global_fetch_request(&attempt)).await?.unchecked_into();
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
