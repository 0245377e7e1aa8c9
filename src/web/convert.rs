//! Values across the JavaScript boundary: the session and profile as plain
//! objects, core errors as the JS `AuthError`, futures as promises.

use crate::core::error::{AuthError, Code};
use crate::core::profile::UserProfile;
use crate::core::session::Record;
use crate::web::guard::{self, raw_to_js, Preserved};
use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/target/js/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeAuthError)]
    fn make_auth_error(fields: JsValue) -> JsValue;
    /// `reportError`, for a listener that threw.
    pub fn report(error: &JsValue);
    #[wasm_bindgen(js_name = zoneOffset)]
    fn zone_offset(zone: &str, ms: f64) -> f64;
}

/// The UTC offset of an IANA zone at an instant, from the browser's `Intl`.
pub fn offset_in(zone: &str, at: i64) -> Option<i64> {
    let offset = zone_offset(zone, at as f64);
    offset.is_finite().then_some(offset as i64)
}

/// Header `(name, value)` pairs as a JS array of pairs, a `HeadersInit`.
pub fn header_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Array {
    pairs
        .into_iter()
        .map(|(name, value)| JsValue::from(Array::of2(&name.into(), &value.into())))
        .collect()
}

/// The `UserProfile` object of docs/API.md.
pub fn profile(user: &UserProfile) -> UserProfile<Preserved> {
    user.map_raw(raw_to_js)
}

/// The `Session` object of docs/API.md.
pub fn session(record: &Record) -> JsValue {
    guard::to_js(&record.session_view(profile(&record.user)))
}

pub fn error(e: &AuthError) -> JsValue {
    make_auth_error(guard::to_js(&**e))
}

pub fn code_error(code: Code) -> JsValue {
    error(&AuthError::of(code))
}

/// A future as a promise. Every future goes through this one boxed type, so
/// wasm-bindgen-futures' task code is compiled once, not once per call.
pub fn promise(
    f: impl ::core::future::Future<Output = Result<JsValue, JsValue>> + 'static,
) -> js_sys::Promise {
    let boxed: ::core::pin::Pin<
        Box<dyn ::core::future::Future<Output = Result<JsValue, JsValue>>>,
    > = Box::pin(f);
    wasm_bindgen_futures::future_to_promise(boxed)
}

/// The current time on this machine's clock, in ms.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}
