//! The guard seam (src/web/guard.rs): each way serde-wasm-bindgen,
//! gloo-storage or gloo-net trap, hang or misreport when foreign input
//! reaches them unguarded, reproduced here. Each must give the `AuthError`
//! the module gave before it stood on those crates, never a trap, and leave
//! the client working.
//!
//! Covered elsewhere, with the same watch for traps:
//! - options and credentials with throwing getters, Proxies, revoked Proxies
//!   (serde-wasm-bindgen reads members and calls `Object.entries` without a
//!   `catch`): hostile.rs `hostile_values_as_options_are_invalid_argument`,
//!   `hostile_values_as_credentials_…`, options.rs `hostile_*`;
//! - a page `fetch` that returns a non-`Response`, `undefined` or `null`,
//!   rejects with a string or ignores the abort signal (gloo-net's `send`
//!   panics or never settles): hostile.rs
//!   `a_hostile_page_fetch_is_an_auth_error_never_a_trap`.

use crate::hostile::{is_trap, js, TrapWatch};
use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

const LOGIN: &str = "/portos/api/auth";
const REFRESH: &str = "/portos/api/auth/refresh";

/// Queues one answer of `status` with `body` sent byte for byte.
async fn answer_once(tenant: &str, method: &str, path: &str, status: u16, body: &str) {
    let spec = format!(
        r#"{{"path":"{path}","method":"{method}","status":{status},"body":{},"contentType":"application/json"}}"#,
        js_sys::JSON::stringify(&body.into())
            .unwrap()
            .as_string()
            .unwrap()
    );
    fault(tenant, &spec).await;
}

/// A call that must reject with `code_` within 5 s and not as a trap.
async fn fails_with(p: js_sys::Promise, code_: &str, what: &str) -> JsValue {
    match within(p, 5000).await {
        None => panic!("{what}: never settled"),
        Some(Ok(v)) => panic!("{what}: resolved {}", stringify(&v)),
        Some(Err(e)) => {
            assert!(!is_trap(&e), "{what}: a trap: {}", stringify(&e));
            assert_eq!(code(&e), code_, "{what}: {}", stringify(&e));
            e
        }
    }
}

/// The client signs in, asks for its profile and signs out as usual.
async fn still_works(client: &AuthClient) {
    await_js(client.login(portos_credentials()))
        .await
        .expect("login afterwards");
    await_js(client.profile())
        .await
        .expect("profile afterwards");
    await_js(client.logout()).await.expect("logout afterwards");
}

#[wasm_bindgen_test]
async fn a_user_that_is_an_array_is_bad_response() {
    // serde reads an array as a struct's members in order; the guard reads
    // only objects as structs.
    let watch = TrapWatch::start();
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    for user in [
        "[null]",
        "[]",
        r#"["635f7ae3072edfeae7c26a1e","999"]"#,
        "null",
        "7",
    ] {
        answer_once(
            &t,
            "POST",
            LOGIN,
            200,
            &format!(r#"{{"tokenId":"t","refreshToken":"r","user":{user}}}"#),
        )
        .await;
        let e = fails_with(client.login(portos_credentials()), "bad_response", user).await;
        assert!(
            get_str(&e, "message").unwrap().contains("user"),
            "{}",
            stringify(&e)
        );
        assert!(client.session().unwrap().is_null());
    }
    // A profile answer that is an array where the user object belongs.
    await_js(client.login(portos_credentials())).await.unwrap();
    answer_once(&t, "GET", LOGIN, 200, r#"[{"id":"1","userName":"999"}]"#).await;
    fails_with(client.profile(), "bad_response", "profile []").await;
    assert!(
        !client.session().unwrap().is_null(),
        "a bad profile answer keeps the session"
    );
    still_works(&client).await;
    watch.finish().await;
}

#[wasm_bindgen_test]
async fn a_deeply_nested_answer_is_bad_response() {
    // Too deep for JSON.stringify's stack (user.raw) or JSON.parse's: an
    // exception there would cross into wasm.
    let watch = TrapWatch::start();
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    for depth in [5_000, 200_000] {
        let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        answer_once(
            &t,
            "POST",
            LOGIN,
            200,
            &format!(r#"{{"tokenId":"t","refreshToken":"r","user":{{"id":"1","deep":{deep}}}}}"#),
        )
        .await;
        let outcome = within(client.login(portos_credentials()), 5000).await;
        match outcome {
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                assert!(!is_trap(&e), "depth {depth}: a trap: {}", stringify(&e));
                assert_eq!(code(&e), "bad_response", "depth {depth}: {}", stringify(&e));
            }
            None => panic!("depth {depth}: never settled"),
        }
    }
    still_works(&client).await;
    watch.finish().await;
}

#[wasm_bindgen_test]
async fn a_token_no_header_can_carry_is_bad_response_and_every_call_settles() {
    // gloo-net's Headers::set unwrap_throws on a value past Latin-1; the core
    // refuses such a token when it arrives, so no request ever carries it.
    let watch = TrapWatch::start();
    let t = tenant();
    let (client, _, session) = signed_in(&t, r#","autoRefresh":false"#).await;
    for token in ["tök€n", "two words", "line\nbreak", ""] {
        let body = format!(
            r#"{{"tokenId":{},"refreshToken":"r2"}}"#,
            stringify(&token.into())
        );
        answer_once(&t, "POST", REFRESH, 200, &body).await;
        fails_with(client.refresh(), "bad_response", token).await;
        assert_eq!(
            current_token(&client),
            Some(token_of(&session)),
            "{token:?}: the session is kept"
        );
    }
    await_js(client.profile())
        .await
        .expect("profile after the bad tokens");
    answer_once(
        &t,
        "POST",
        LOGIN,
        200,
        r#"{"tokenId":"ok\u0101","refreshToken":"r","user":{"id":"1"}}"#,
    )
    .await;
    fails_with(client.login(portos_credentials()), "bad_response", "login").await;
    assert!(
        within(client.logout(), 5000)
            .await
            .is_some_and(|r| r.is_ok()),
        "logout settles"
    );
    still_works(&client).await;
    watch.finish().await;
}

#[wasm_bindgen_test]
async fn a_page_storage_that_throws_a_string_degrades_to_memory() {
    // gloo-storage hits `unreachable!` on a thrown value that is not an
    // Error, and `expect_throw`s when getItem or removeItem throw.
    let watch = TrapWatch::start();
    let t = tenant();
    let o = options(&t, "");
    let key = key_of(&o);
    let warned_before = module_warnings();
    js(r#"(() => {
        const p = Storage.prototype;
        globalThis.__posAuthStorage = [p.setItem, p.getItem, p.removeItem];
        p.setItem = function () { throw "quota (a string, expected by the test)"; };
        p.getItem = function () { throw 42; };
        p.removeItem = function () { throw undefined; };
    })()"#);
    let client = AuthClient::new(o.clone());
    let outcome = match &client {
        Ok(c) => within(c.login(portos_credentials()), 5000).await,
        Err(e) => Some(Err(e.clone())),
    };
    let session = client.as_ref().ok().and_then(|c| c.session().ok());
    let logout = match &client {
        Ok(c) => within(c.logout(), 5000).await,
        Err(_) => None,
    };
    js(
        r#"(() => { const p = Storage.prototype; [p.setItem, p.getItem, p.removeItem] = globalThis.__posAuthStorage; })()"#,
    );
    let client = client.unwrap_or_else(|e| panic!("the constructor threw {}", stringify(&e)));
    match outcome {
        Some(Ok(_)) => {}
        other => panic!("login with a throwing storage: {other:?}"),
    }
    assert!(
        session.is_some_and(|s| !s.is_null()),
        "the session lives in memory"
    );
    assert!(logout.is_some_and(|r| r.is_ok()), "logout settles");
    assert_eq!(stored(&key), None, "nothing was stored");
    let warned_after = module_warnings();
    assert!(
        warned_after - warned_before <= 1 && warned_after == 1,
        "warnings: {warned_before}, then {warned_after}"
    );
    // The storage works again, but this client stays in memory: no record
    // half-written by a storage that failed is ever trusted.
    await_js(client.login(portos_credentials())).await.unwrap();
    assert_eq!(stored(&key), None);
    client.dispose();
    // A new client stores again.
    let fresh = AuthClient::new(o).unwrap();
    await_js(fresh.login(portos_credentials())).await.unwrap();
    assert!(stored(&key).is_some());
    still_works(&fresh).await;
    watch.finish().await;
}

#[wasm_bindgen_test]
async fn a_mistyped_credential_is_named_and_its_value_never_echoed() {
    // serde's messages quote the value: "invalid type: floating point 1234.0".
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    for (creds, field, secret) in [
        (
            r#"{"userName":"999","password":1234,"deviceName":"P01"}"#,
            "password",
            "1234",
        ),
        (
            r#"{"userName":"999","password":98.76,"deviceName":"P01"}"#,
            "password",
            "98.76",
        ),
        (
            r#"{"userName":31337,"password":"x","deviceName":"P01"}"#,
            "userName",
            "31337",
        ),
        (
            r#"{"userName":"999","password":["hunter2"],"deviceName":"P01"}"#,
            "password",
            "hunter2",
        ),
        (
            r#"{"userName":"999","password":{"pin":"4321"},"deviceName":"P01"}"#,
            "password",
            "4321",
        ),
        (
            r#"{"userName":"999","password":"x","deviceName":"P01","pin":"5555"}"#,
            "pin",
            "5555",
        ),
    ] {
        let e = fails_with(client.login(json(creds)), "invalid_argument", creds).await;
        let message = get_str(&e, "message").unwrap();
        assert!(
            message.contains(field),
            "{creds}: {message:?} names no {field}"
        );
        assert!(
            !stringify(&e).contains(secret),
            "{creds}: the value is in the error: {}",
            stringify(&e)
        );
    }
    assert_eq!(
        count(&t, "POST /portos/api/auth").await,
        0,
        "nothing was sent"
    );
    let e = AuthClient::new(json(&format!(
        r#"{{"baseUrl":"{t}/portos","timeout":"1234.5","bogus":true}}"#
    )))
    .err()
    .unwrap();
    assert!(
        get_str(&e, "message").unwrap().contains("bogus"),
        "{}",
        stringify(&e)
    );
    let e = AuthClient::new(json(&format!(
        r#"{{"baseUrl":"{t}/portos","timeout":"1234.5"}}"#
    )))
    .err()
    .unwrap();
    let message = get_str(&e, "message").unwrap();
    assert!(
        message.contains("timeout") && !message.contains("1234"),
        "{message:?}"
    );
    still_works(&client).await;
}

#[wasm_bindgen_test]
async fn raw_is_the_answer_as_received() {
    // Key order and numbers as JSON.parse reads the body; nothing rewritten
    // by a trip through Rust, and the same after a restore from storage.
    let t = tenant();
    let o = options(&t, "");
    let user = r#"{"zeta":1,"alpha":2.50,"big":12345678901234567890,"tiny":1e-7,"huge":1e21,"id":"635f7ae3072edfeae7c26a1e","userName":"999","nested":{"b":[1,0.1,null],"a":"ä\u0000\ud83d\ude00"},"20":"digits first","__proto__":{"polluted":true}}"#;
    answer_once(
        &t,
        "POST",
        LOGIN,
        200,
        &format!(r#"{{"tokenId":"t.u.v","refreshToken":"r","user":{user}}}"#),
    )
    .await;
    let client = AuthClient::new(o.clone()).unwrap();
    let session = await_js(client.login(portos_credentials())).await.unwrap();
    let expected = js(&format!(
        "JSON.stringify(JSON.parse({}))",
        stringify(&user.into())
    ))
    .as_string()
    .unwrap();
    let raw_text =
        |s: &JsValue| String::from(js_sys::JSON::stringify(&get(&get(s, "user"), "raw")).unwrap());
    assert_eq!(
        raw_text(&session),
        expected,
        "raw is not the answer as JSON.parse reads it"
    );
    assert!(
        js("Object.prototype.polluted").is_undefined(),
        "a __proto__ member polluted Object.prototype"
    );
    client.dispose();
    let restored = AuthClient::new(o).unwrap();
    assert_eq!(
        raw_text(&restored.session().unwrap()),
        expected,
        "raw changed on its way through storage"
    );
    restored.dispose();
}

#[wasm_bindgen_test]
async fn answers_that_are_not_json_hold_no_javascript_value() {
    // JSON.parse failing inside wasm used to keep one JS reference per answer.
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let round = |n: usize| {
        let client = &client;
        let t = t.clone();
        async move {
            for i in 0..n {
                let (status, body) = if i % 2 == 0 {
                    (200, "not json {")
                } else {
                    (500, "<h1>down</h1>")
                };
                answer_once(&t, "POST", LOGIN, status, body).await;
                let e = rejects(client.login(portos_credentials())).await;
                assert!(!is_trap(&e));
            }
        }
    };
    round(10).await;
    microtasks().await;
    let before = wasm_bindgen::externref_heap_live_count();
    round(60).await;
    microtasks().await;
    let after = wasm_bindgen::externref_heap_live_count();
    // The leak this guards against kept one value per answer (+60). Clients
    // of earlier tests still run their timers in this page, and one of them
    // may hold a value more or less at either instant: a few, never 60.
    assert!(
        after <= before + 3,
        "JS values held by wasm grew over 60 non-JSON answers: {before} → {after}"
    );
    still_works(&client).await;
}

#[wasm_bindgen_test]
async fn platform_constructors_a_page_replaced_are_a_network_error() {
    // gloo-net's RequestBuilder `unwrap_throw`s when `Headers` throws and
    // hits `unreachable!` when `Request` or `URL` throw something that is not
    // an Error: a page that wraps them (as monitoring scripts wrap fetch)
    // must cost one request, never the client. Each wrapper notes that it
    // ran: WebKit's JIT, once the glue's `new Request(…)` is hot, goes on
    // calling the engine's own constructor after the page replaced the
    // global, and then the login simply succeeds.
    let watch = TrapWatch::start();
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let wrappers = [
        (
            "Request throws a string",
            r#"globalThis.Request = function () { globalThis.__posAuthRan = true; throw "no (a string, expected by the test)"; }"#,
        ),
        (
            "URL throws undefined",
            r#"globalThis.URL = function () { globalThis.__posAuthRan = true; throw undefined; }"#,
        ),
        (
            "Headers throws a number",
            r#"globalThis.Headers = function () { globalThis.__posAuthRan = true; throw 42; }"#,
        ),
        (
            "Headers.set throws",
            r#"Headers.prototype.set = function () { globalThis.__posAuthRan = true; throw "set (a string, expected by the test)"; }"#,
        ),
        (
            "AbortController.signal throws",
            r#"Object.defineProperty(AbortController.prototype, "signal", { get() { globalThis.__posAuthRan = true; throw 7; }, configurable: true })"#,
        ),
    ];
    js(r#"(() => {
        globalThis.__posAuthPlatform = { Request, URL, Headers, set: Headers.prototype.set,
            signal: Object.getOwnPropertyDescriptor(AbortController.prototype, "signal") };
    })()"#);
    let restore = r#"(() => {
        const p = globalThis.__posAuthPlatform;
        Object.assign(globalThis, { Request: p.Request, URL: p.URL, Headers: p.Headers });
        Headers.prototype.set = p.set;
        Object.defineProperty(AbortController.prototype, "signal", p.signal);
        const ran = globalThis.__posAuthRan === true;
        globalThis.__posAuthRan = false;
        return ran;
    })()"#;
    let mut guarded = 0;
    for (what, wrap) in wrappers {
        js(wrap);
        let login = within(client.login(portos_credentials()), 5000).await;
        let ran = js(restore).is_truthy();
        match login {
            Some(Err(e)) => {
                assert!(!is_trap(&e), "{what}: a trap: {}", stringify(&e));
                assert_eq!(code(&e), "network", "{what}: {}", stringify(&e));
                assert!(
                    ran,
                    "{what}: failed without the wrapper running: {}",
                    stringify(&e)
                );
                guarded += 1;
            }
            Some(Ok(_)) if !ran => {}
            other => panic!("{what}: login gave {other:?} (the wrapper ran: {ran})"),
        }
        still_works(&client).await;
    }
    // The prototype's `set` and `signal` are read afresh by every engine.
    assert!(guarded >= 2, "only {guarded} of the wrappers ran");
    watch.finish().await;
}
