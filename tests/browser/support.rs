//! Helpers: the emulator's address, a fresh tenant per test, JS values.

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The emulator's root URL, handed in at compile time by tests/browser.sh.
pub const EMULATOR: &str = match option_env!("POS_EMULATOR_URL") {
    Some(url) => url,
    None => "http://127.0.0.1:8787",
};

/// A tenant of the emulator that no other test uses.
pub fn tenant() -> String {
    let n = (js_sys::Math::random() * 1e12) as u64;
    format!("{EMULATOR}/t/test{n}")
}

pub fn json(text: &str) -> JsValue {
    JSON::parse(text).expect("test JSON")
}

pub fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

pub fn get_str(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

/// The `code` of a rejected call's `AuthError`.
pub fn code(err: &JsValue) -> String {
    get_str(err, "code").unwrap_or_else(|| format!("not an AuthError: {err:?}"))
}

pub async fn await_js(p: js_sys::Promise) -> Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

/// Calls the emulator's control API of `tenant` (e.g. "config", "counts").
pub async fn control(tenant: &str, method: &str, what: &str, body: Option<&str>) -> JsValue {
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    if let Some(b) = body {
        init.set_body(&JsValue::from_str(b));
    }
    let window = web_sys::window().unwrap();
    let url = format!("{tenant}/__emulator/{what}");
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await.unwrap().unchecked_into();
    JsFuture::from(resp.json().unwrap()).await.unwrap_or(JsValue::NULL)
}

/// How many requests of `key` (e.g. "POST /portos/api/auth/refresh") the tenant saw.
pub async fn count(tenant: &str, key: &str) -> u32 {
    get(&control(tenant, "GET", "counts", None).await, key).as_f64().unwrap_or(0.0) as u32
}

pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

pub fn options(base: &str, extra: &str) -> JsValue {
    let o: Object = json(&format!(r#"{{"baseUrl":"{base}/portos","storageKey":"k{}"{extra}}}"#, (js_sys::Math::random() * 1e9) as u64)).unchecked_into();
    o.into()
}

pub fn portos_credentials() -> JsValue {
    json(r#"{"userName":"999","password":"1234","deviceName":"P01"}"#)
}
