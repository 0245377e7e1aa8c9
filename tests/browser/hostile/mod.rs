//! Hostile JavaScript: every export of the Rust surface called with values a
//! careless or malicious page can pass (null, numbers, NaN, symbols, a 10 MB
//! string, lone surrogates, functions, getters that throw, frozen objects …),
//! with a wrong `this`, from re-entrant listeners and behind a page's own
//! `fetch` wrapper. Each is an `AuthError` (or, for `fetch`, what the global
//! `fetch` does), never a trap, and the module keeps working afterwards.
//!
//! A wasm trap is a `WebAssembly.RuntimeError` ("unreachable") thrown into JS.
//! Nothing here can pass while one happens: every call is checked not to be
//! one, every promise is raced against a deadline (a trap inside a spawned
//! future leaves its promise pending), `TrapWatch` records uncaught errors and
//! rejections of the page, and each batch ends with fresh logins that an
//! instance left broken by a trap could not complete.
//!
//! - `arguments`: hostile values as options, credentials, listeners and
//!   default-client arguments; lone surrogates; a wide shared object;
//! - `fetch`: hostile `fetch` arguments, and a page's own `fetch` wrapper;
//! - `reentry`: a wrong `this` from JavaScript, re-entrant listeners.

mod arguments;
mod fetch;
mod reentry;

use crate::support::*;
use js_sys::{Array, Function, Reflect};
use pos_auth::web::default_client::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

pub(crate) fn js(code: &str) -> JsValue {
    js_sys::eval(code).unwrap_or_else(|e| panic!("test JS failed: {e:?}\n{code}"))
}

pub(crate) fn is_trap(e: &JsValue) -> bool {
    let text = format!(
        "{} {}",
        get_str(e, "name").unwrap_or_default(),
        get_str(e, "message").unwrap_or_default()
    );
    e.is_instance_of::<js_sys::WebAssembly::RuntimeError>()
        || text.contains("RuntimeError")
        || text.contains("unreachable")
        || text.contains("already borrowed")
        || text.contains("panicked")
}

fn describe(e: &JsValue) -> String {
    format!(
        "{} name={:?} message={:?}",
        stringify(e),
        get_str(e, "name"),
        get_str(e, "message")
    )
}

/// Records the page's uncaught errors and unhandled rejections that look like
/// a trap or a panic.
pub(crate) struct TrapWatch(JsValue);

impl TrapWatch {
    pub(crate) fn start() -> TrapWatch {
        TrapWatch(js(r#"(() => {
            const seen = [];
            const text = (x) => { try { return x && (String(x.name) + ": " + String(x.message) + " " + String(x.stack || "")) || String(x); } catch { return "?"; } };
            const onError = (e) => seen.push("error: " + String(e.message) + " " + text(e.error));
            const onRejection = (e) => seen.push("unhandledrejection: " + text(e.reason));
            addEventListener("error", onError);
            addEventListener("unhandledrejection", onRejection);
            return { seen, stop() { removeEventListener("error", onError); removeEventListener("unhandledrejection", onRejection); } };
        })()"#))
    }

    /// Stops watching; the trap-like errors seen meanwhile.
    async fn seen(self) -> Vec<String> {
        // Unhandled rejections are reported after a task.
        sleep(20).await;
        let stop: Function = get(&self.0, "stop").unchecked_into();
        stop.call0(&self.0).unwrap();
        Array::from(&get(&self.0, "seen"))
            .iter()
            .filter_map(|s| s.as_string())
            .filter(|s| {
                [
                    "RuntimeError",
                    "unreachable",
                    "already borrowed",
                    "panicked",
                    "null pointer",
                    "recursive use",
                ]
                .iter()
                .any(|t| s.contains(t))
            })
            .map(|s| format!("the page saw a trap or a panic: {s}"))
            .collect()
    }

    /// Stops watching; panics if anything trap-like was seen.
    pub(crate) async fn finish(self) {
        report(self.seen().await);
    }
}

/// Values a page can pass anywhere, by name.
fn hostile_values() -> Vec<(String, JsValue)> {
    let list = js(r#"(() => {
        const throwing = (fields) => { const o = {}; for (const f of fields) Object.defineProperty(o, f, { enumerable: true, get() { throw new Error("getter (expected by the test)"); } }); return o; };
        return [
            ["null", null], ["undefined", undefined], ["0", 0], ["-0", -0], ["42", 42], ["NaN", NaN], ["Infinity", -Infinity],
            ["true", true], ["bigint", 10n], ["empty string", ""], ["string", "999"],
            ["10 MB string", "x".repeat(10 * 1024 * 1024)],
            ["lone surrogate", String.fromCharCode(0xD800)], ["lone low surrogate", "a" + String.fromCharCode(0xDC00) + "b"],
            ["empty array", []], ["array", ["999", "1234", "P01"]],
            ["function", function () { return 1; }], ["arrow", () => 1], ["class", class {}], ["async function", async () => 1],
            ["symbol", Symbol.for("pos-auth")], ["unique symbol", Symbol("pos-auth")],
            ["date", new Date(0)], ["regexp", /x/g], ["promise", Promise.resolve(1)], ["map", new Map([["userName", "999"]])],
            ["error", new Error("x")], ["typed array", new Uint8Array(4)], ["frozen empty", Object.freeze({})],
            ["null prototype", Object.create(null)], ["throwing getters", throwing(["userName", "password", "deviceName", "baseUrl", "method", "headers"])],
            ["throwing toString", { toString() { throw new Error("toString (expected by the test)"); } }],
            ["sealed array-like", Object.seal({ length: 3, 0: "a" })],
        ];
    })()"#);
    Array::from(&list)
        .iter()
        .map(|pair| {
            let pair = Array::from(&pair);
            (pair.get(0).as_string().unwrap(), pair.get(1))
        })
        .collect()
}

/// Checks an error is a useful `invalid_argument`: an `AuthError`, not a trap,
/// with a message naming one of `mentions` (case-insensitive).
fn invalid_argument(e: &JsValue, what: &str, mentions: &[&str], fails: &mut Vec<String>) {
    if is_trap(e) {
        fails.push(format!("{what}: TRAP {}", describe(e)));
        return;
    }
    if code(e) != "invalid_argument" || get_str(e, "name").as_deref() != Some("AuthError") {
        fails.push(format!(
            "{what}: expected AuthError invalid_argument, got {}",
            describe(e)
        ));
        return;
    }
    let message = get_str(e, "message").unwrap_or_default();
    let lower = message.to_lowercase();
    if message.len() < 10 || !mentions.iter().any(|m| lower.contains(&m.to_lowercase())) {
        fails.push(format!(
            "{what}: message {message:?} names none of {mentions:?}"
        ));
    }
    if message.len() > 500 {
        fails.push(format!(
            "{what}: a {}-byte message (the argument echoed?)",
            message.len()
        ));
    }
    if get(e, "retryable").as_bool() != Some(false) {
        fails.push(format!(
            "{what}: retryable {}",
            stringify(&get(e, "retryable"))
        ));
    }
}

/// Waits for a module promise, never forever.
pub(crate) async fn settled(p: js_sys::Promise) -> Result<JsValue, JsValue> {
    within(p, 15_000).await.unwrap_or_else(|| {
        Err(JsValue::from_str(
            "__never_settled__ (a trap inside the module?)",
        ))
    })
}

fn report(fails: Vec<String>) {
    assert!(
        fails.is_empty(),
        "{} problems:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

/// The module still works: the same client and a new one log in.
async fn still_works(client: &AuthClient, t: &str) {
    await_js(client.login(portos_credentials()))
        .await
        .expect("the same client no longer logs in");
    let fresh = AuthClient::new(options(t, "")).expect("a new client");
    await_js(fresh.login(portos_credentials()))
        .await
        .expect("a new client no longer logs in");
    fresh.dispose();
}
