//! Values across the JavaScript boundary: JS objects in as core JSON, core
//! JSON out through `JSON.parse`, and core errors as the JS `AuthError`.

use crate::prelude::*;

use crate::core::error::{AuthError, Code};
use crate::core::json::Json;
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/auth_error.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeAuthError)]
    fn make_auth_error(json: &str) -> JsValue;
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

#[wasm_bindgen]
extern "C" {
    // Bound with `catch`: a Proxy or a revoked Proxy can throw from either.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    fn object_keys(v: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_namespace = Array, js_name = isArray)]
    fn is_array(v: &JsValue) -> Result<bool, JsValue>;
}

/// Nesting beyond this is not an option or a credential; it also stops cycles.
const MAX_DEPTH: u32 = 8;
/// More members than this is not an option or a credential either.
const MAX_ITEMS: u32 = 1000;
/// Values converted in all, whatever the shape.
const MAX_VALUES: u32 = 10_000;

/// A JS value as JSON. `undefined` members are skipped (they count as
/// absent); functions, symbols, bigints and strings that are not well-formed
/// UTF-16 (lone surrogates, which Rust would silently turn into U+FFFD)
/// become `null`, which every validator refuses with a message naming the
/// field. Depth and the total number of values are bounded, so no object
/// graph (cycles, one child shared by every member) can stall the page.
pub fn to_json(v: &JsValue) -> Json {
    let mut budget = MAX_VALUES;
    to_json_at(v, 0, &mut budget)
}

fn to_json_at(v: &JsValue, depth: u32, budget: &mut u32) -> Json {
    if *budget == 0 {
        return Json::Null;
    }
    *budget -= 1;
    if let Some(b) = v.as_bool() {
        Json::Bool(b)
    } else if let Some(n) = v.as_f64() {
        // JavaScript's own formatting: Rust's float printing is heavy in wasm.
        Json::Num(String::from(js_sys::Number::from(n).to_string_with_radix(10).unwrap_or_else(|_| "NaN".into())))
    } else if let Some(s) = v.dyn_ref::<js_sys::JsString>() {
        if s.is_valid_utf16() {
            Json::Str(String::from(s))
        } else {
            Json::Null
        }
    } else if depth >= MAX_DEPTH || v.is_function() || !v.is_object() {
        Json::Null
    } else if let Ok(true) = is_array(v) {
        let len = Reflect::get(v, &"length".into()).ok().and_then(|l| l.as_f64()).unwrap_or(0.0);
        let items = (0..(len as u32).min(MAX_ITEMS))
            .map(|i| to_json_at(&Reflect::get_u32(v, i).unwrap_or(JsValue::NULL), depth + 1, budget))
            .collect();
        Json::Arr(items)
    } else {
        let Ok(keys) = object_keys(v) else { return Json::Null };
        let obj: &Object = v.unchecked_ref();
        let members = keys
            .iter()
            .take(MAX_ITEMS as usize)
            .filter_map(|k| {
                let value = Reflect::get(obj, &k).unwrap_or(JsValue::NULL);
                // An ill-formed key keeps its U+FFFD: it then names no known field and is refused.
                let key = k.as_string().unwrap_or_default();
                (!value.is_undefined()).then(|| (key, to_json_at(&value, depth + 1, budget)))
            })
            .collect();
        Json::Obj(members)
    }
}

/// Header `(name, value)` pairs as a JS array of pairs, a `HeadersInit`.
pub fn header_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Array {
    pairs.into_iter().map(|(name, value)| JsValue::from(Array::of2(&name.into(), &value.into()))).collect()
}

/// A core JSON value as a plain JS value.
pub fn to_js(v: &Json) -> JsValue {
    JSON::parse(&v.to_text()).unwrap_or(JsValue::NULL)
}

pub fn error(e: &AuthError) -> JsValue {
    make_auth_error(&e.to_json().to_text())
}

pub fn code_error(code: Code) -> JsValue {
    error(&AuthError::of(code))
}

/// A future as a promise. Every future goes through this one boxed type, so
/// wasm-bindgen-futures' task code is compiled once, not once per call.
pub fn promise(f: impl ::core::future::Future<Output = Result<JsValue, JsValue>> + 'static) -> js_sys::Promise {
    let boxed: ::core::pin::Pin<Box<dyn ::core::future::Future<Output = Result<JsValue, JsValue>>>> = Box::pin(f);
    wasm_bindgen_futures::future_to_promise(boxed)
}

/// The current time on this machine's clock, in ms.
pub fn now() -> i64 {
    js_sys::Date::now() as i64
}
