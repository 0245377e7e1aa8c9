//! The guard seam: every call into a crate that could throw or panic on
//! foreign input goes through here.
//!
//! serde-wasm-bindgen, gloo-storage and gloo-net were written for friendly
//! inputs. serde-wasm-bindgen reads members and calls `Object.entries`
//! without a `catch`; gloo-storage `expect_throw`s when storage throws and
//! hits `unreachable!` when a page's wrapper throws something that is not an
//! `Error`; gloo-net's `Headers::set` `unwrap_throw`s on a value the browser
//! refuses, its builder hits `unreachable!` when a page's `Request` or `URL`
//! throws a non-`Error`, and its `send` panics on a page `fetch` that
//! misbehaves. So:
//! - caller objects are copied into plain data by `js/snapshot.js`
//!   before serde sees them ([`read_object`]);
//! - server bodies are parsed by `JSON.parse` inside a `try` and read from
//!   that plain value ([`Parsed`]);
//! - storage goes through an object whose methods cannot surprise
//!   gloo-storage ([`Lent`]);
//! - requests are built by gloo-net only from values the core checked
//!   (header values are visible ASCII or Latin-1 without CR/LF), inside
//!   `js/http.js`'s `attempt`, which catches what a page's replaced `Request`,
//!   `Headers` or `URL` throw, and are sent by `js/http.js`, never by
//!   gloo-net's `send` ([`build_request`]).
//!
//! The browser tests in `tests/browser/guards.rs` reproduce each trap.

use gloo_net::http::{Method, RequestBuilder};
use gloo_storage::Storage;
use js_sys::{Object, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::{AbortController, RequestCache, RequestCredentials, RequestRedirect};

use crate::core::backend::Answer;
use crate::core::field::Named;
use crate::core::profile::RawJson;
use std::cell::RefCell;

#[wasm_bindgen(module = "/target/js/guard.js")]
extern "C" {
    fn snapshot(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = isRecord)]
    fn is_record(value: &JsValue) -> bool;
    #[wasm_bindgen(js_name = parseJson)]
    pub fn parse_json(text: &str) -> JsValue;
    #[wasm_bindgen(js_name = parseRecord)]
    fn parse_record(text: &str) -> JsValue;
    #[wasm_bindgen(js_name = objectAt)]
    fn object_at(value: &JsValue, path: Vec<JsValue>) -> JsValue;
    #[wasm_bindgen(js_name = rawJson)]
    fn raw_json(value: &JsValue, path: Vec<JsValue>, without: Vec<JsValue>) -> Option<String>;
    #[wasm_bindgen(js_name = guardedSessionStorage)]
    fn guarded_session_storage() -> GuardedStorage;
    /// The `storage` option when it is a StorageLike, guarded.
    #[wasm_bindgen(js_name = storageOption)]
    pub fn storage_option(options: &JsValue) -> Option<GuardedStorage>;
    /// `build()`, or undefined when it throws or traps.
    fn attempt(build: &mut dyn FnMut() -> JsValue) -> JsValue;

    #[derive(Clone)]
    pub type GuardedStorage;
    #[wasm_bindgen(method)]
    fn status(this: &GuardedStorage) -> String;
}

/// A caller's object (options, credentials) read into `T`, with its own
/// member names; `None` when it is not a plain object.
pub fn read_object<T: DeserializeOwned + Named>(value: &JsValue) -> Option<T> {
    let copy = snapshot(value);
    if !is_record(&copy) {
        return None;
    }
    // The copy is plain data: neither call can throw.
    let names = Object::keys::<JsValue>(copy.unchecked_ref())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    let mut fields: T = serde_wasm_bindgen::from_value(copy).ok()?;
    fields.set_names(names);
    Some(fields)
}

/// The string member `key` of a caller's object, as a JavaScript string
/// (read once, from the plain copy); `None` when it is not a string.
pub fn string_member(value: &JsValue, key: &str) -> Option<JsValue> {
    let copy = snapshot(value);
    if !is_record(&copy) {
        return None;
    }
    // The copy is plain data: reading it cannot throw.
    Reflect::get(&copy, &key.into())
        .ok()
        .filter(JsValue::is_string)
}

/// A server's body after `JSON.parse` (`undefined` when it was not JSON).
pub struct Parsed(pub JsValue);

impl Answer for Parsed {
    fn read<T: DeserializeOwned>(&self, path: &[&str]) -> Option<T> {
        // Only objects: serde would read an array as a struct's members in order.
        let at = if path.is_empty() {
            self.0.clone()
        } else {
            object_at(&self.0, js_strings(path))
        };
        if !is_record(&at) {
            return None;
        }
        serde_wasm_bindgen::from_value(at).ok()
    }

    fn raw(&self, path: &[&str], without: &[&str]) -> Option<RawJson> {
        RawJson::object(raw_json(&self.0, js_strings(path), js_strings(without))?)
    }

    fn parse(text: &str) -> Parsed {
        Parsed(parse_json(text))
    }
}

impl Parsed {
    /// A stored record's text, parsed by `js/json.js`'s `parseRecord`.
    pub fn record(text: &str) -> Parsed {
        Parsed(parse_record(text))
    }
}

fn js_strings(keys: &[&str]) -> Vec<JsValue> {
    keys.iter().map(|k| JsValue::from_str(k)).collect()
}

/// Our own data as a plain JavaScript value (objects, not `Map`s; `null`,
/// not `undefined`).
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// A JavaScript value inside a derived struct handed to [`to_js`].
pub struct Preserved(pub JsValue);

impl Serialize for Preserved {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_wasm_bindgen::preserve::serialize(&self.0, s)
    }
}

/// JSON text we wrote ourselves, as a JavaScript value.
pub fn raw_to_js(raw: &RawJson) -> Preserved {
    Preserved(parse_json(raw.text()))
}

thread_local! {
    static SESSION_STORAGE: GuardedStorage = guarded_session_storage();
    /// The storage `Lent`'s operation is using right now.
    static LENT: RefCell<Option<GuardedStorage>> = const { RefCell::new(None) };
}

/// Whether this environment's `sessionStorage` can be used.
#[derive(PartialEq)]
pub enum StorageStatus {
    Usable,
    /// None at all (a Worker, plain Node): memory, and nothing to warn about.
    Absent,
    /// A page's storage, disabled or blocked.
    Failing,
}

/// `sessionStorage`, behind `js/storage.js`'s guard.
pub fn session_storage() -> GuardedStorage {
    SESSION_STORAGE.with(Clone::clone)
}

pub fn session_storage_status() -> StorageStatus {
    match SESSION_STORAGE.with(GuardedStorage::status).as_str() {
        "usable" => StorageStatus::Usable,
        "absent" => StorageStatus::Absent,
        _ => StorageStatus::Failing,
    }
}

/// A guarded storage (sessionStorage or a caller's StorageLike) for
/// gloo-storage, whose `Storage` trait names its storage statically: `with`
/// lends one to the trait's functions for one operation. One type for both,
/// so the record's (de)serialisation is in the wasm once.
pub struct Lent;

impl Lent {
    pub fn with<R>(storage: &GuardedStorage, op: impl FnOnce() -> R) -> R {
        // Restored after, so that a storage whose methods reach another
        // client's storage (re-entrantly) leaves this one intact.
        let outer = LENT.with(|c| c.replace(Some(storage.clone())));
        let result = op();
        LENT.with(|c| *c.borrow_mut() = outer);
        result
    }
}

impl Storage for Lent {
    fn raw() -> web_sys::Storage {
        LENT.with(|c| c.borrow().clone())
            .unwrap_or_else(session_storage)
            .unchecked_into()
    }
}

/// The module's own request (`credentials: "omit"`, `cache: "no-store"`,
/// `redirect: "error"`, `controller`'s signal), built by gloo-net inside
/// `js/http.js`'s `attempt`. The header values come from the core, which
/// refuses anything a browser would not send; a failure to build, or a
/// page's `Request`, `Headers`, `URL` or `AbortController` that throws, is
/// `None`.
pub fn build_request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    controller: &AbortController,
) -> Option<web_sys::Request> {
    let method = match method {
        "POST" => Method::POST,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    };
    let mut build = || {
        let mut builder = RequestBuilder::new(url)
            .method(method.clone())
            .credentials(RequestCredentials::Omit)
            .cache(RequestCache::NoStore)
            .redirect(RequestRedirect::Error)
            .abort_signal(Some(&controller.signal()));
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let built = match body {
            Some(text) => builder.body(JsValue::from_str(text)),
            None => builder.build(),
        };
        built.map_or(JsValue::UNDEFINED, |r| web_sys::Request::from(r).into())
    };
    let request = attempt(&mut build);
    // Whatever the page's `Request` made; its `fetch` gets it as it is.
    (!request.is_undefined()).then(|| request.unchecked_into())
}
