//! Options: validation errors name the option; nothing panics.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

fn base_options(t: &str) -> JsValue {
    options(t, "")
}

/// `AuthClient::new` must fail with invalid_argument naming `name`.
#[track_caller]
fn refused(options: JsValue, name: &str) {
    let shown = stringify(&options);
    let err = match AuthClient::new(options) {
        Ok(_) => panic!("options {shown} were accepted; expected invalid_argument naming {name}"),
        Err(e) => e,
    };
    auth_error(&err, "invalid_argument");
    let message = get_str(&err, "message").unwrap_or_default();
    assert!(
        message.contains(name),
        "options {shown}: message {message:?} does not name {name}"
    );
    assert_eq!(get(&err, "retryable").as_bool(), Some(false));
}

#[wasm_bindgen_test]
async fn unknown_option_names_it() {
    let t = tenant();
    let o = base_options(&t);
    set(&o, "refreshMarginn", &5.into());
    refused(o, "refreshMarginn");
}

#[wasm_bindgen_test]
async fn wrong_types_name_the_option() {
    let t = tenant();
    let cases: Vec<(&str, JsValue)> = vec![
        ("baseUrl", 5.into()),
        ("baseUrl", "not a url".into()),
        ("baseUrl", "ftp://127.0.0.1/x".into()),
        ("backend", "sap".into()),
        ("backend", 1.into()),
        ("storage", "local".into()),
        ("storage", true.into()),
        ("storageKey", 5.into()),
        ("storageKey", "".into()),
        ("autoRefresh", "yes".into()),
        ("autoRefresh", 1.into()),
        ("refreshMargin", "60".into()),
        ("timeout", "1000".into()),
        ("headers", "Accept-Language: sk".into()),
        ("headers", json(r#"{"X-Till":5}"#)),
        ("developerId", 7.into()),
        ("serverTimeZone", 3.into()),
        ("allowInsecureHttp", "true".into()),
    ];
    for (name, value) in cases {
        let o = base_options(&t);
        set(&o, name, &value);
        refused(o, name);
    }
    let o = json(r#"{"storageKey":"k"}"#);
    refused(o, "baseUrl");
}

#[wasm_bindgen_test]
async fn timeout_must_be_finite_and_positive() {
    let t = tenant();
    for value in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let o = base_options(&t);
        set(&o, "timeout", &value.into());
        refused(o, "timeout");
    }
}

#[wasm_bindgen_test]
async fn refresh_margin_must_be_finite_and_not_negative() {
    let t = tenant();
    for value in [-1.0, -0.001, f64::NAN, f64::INFINITY] {
        let o = base_options(&t);
        set(&o, "refreshMargin", &value.into());
        refused(o, "refreshMargin");
    }
    let o = base_options(&t);
    set(&o, "refreshMargin", &0.into());
    assert!(AuthClient::new(o).is_ok(), "refreshMargin 0 is allowed");
}

#[wasm_bindgen_test]
async fn plain_http_needs_a_loopback_host_or_consent() {
    for url in [
        "http://pos.example/portos",
        "http://10.0.0.5:8080",
        "http://127.0.0.1.example.com/",
    ] {
        refused(obj(&[("baseUrl", url.into())]), "baseUrl");
    }
    for url in [
        "http://localhost:8080",
        "http://127.0.0.1/x",
        "http://127.9.9.9",
        "http://[::1]:3000/",
        "https://pos.example/api",
    ] {
        let o = obj(&[
            ("baseUrl", url.into()),
            ("storageKey", "opt-loopback".into()),
        ]);
        assert!(AuthClient::new(o).is_ok(), "{url} must be accepted");
    }
    let o = obj(&[
        ("baseUrl", "http://10.0.0.5:8080".into()),
        ("allowInsecureHttp", true.into()),
        ("storageKey", "opt-insecure".into()),
    ]);
    assert!(
        AuthClient::new(o).is_ok(),
        "allowInsecureHttp: true permits plain http"
    );
    let o = obj(&[
        ("baseUrl", "http://10.0.0.5:8080".into()),
        ("allowInsecureHttp", false.into()),
    ]);
    refused(o, "baseUrl");
}

#[wasm_bindgen_test]
async fn headers_refuse_authorization_and_line_breaks() {
    let t = tenant();
    for headers in [
        r#"{"Authorization":"Bearer x"}"#,
        r#"{"authorization":"x"}"#,
        r#"{"X-Till":"1\r\nX-Evil: 2"}"#,
        r#"{"X-Till":"1\nX-Evil: 2"}"#,
        r#"{"X-Till":"1\r"}"#,
    ] {
        let o = base_options(&t);
        set(&o, "headers", &json(headers));
        refused(o, "headers");
    }
}

#[wasm_bindgen_test]
async fn undefined_counts_as_absent() {
    let t = tenant();
    let o = base_options(&t);
    for name in [
        "backend",
        "storage",
        "autoRefresh",
        "refreshMargin",
        "timeout",
        "headers",
        "developerId",
        "serverTimeZone",
        "allowInsecureHttp",
    ] {
        set(&o, name, &JsValue::UNDEFINED);
    }
    let client = AuthClient::new(o).expect("undefined options are absent");
    let session = await_js(client.login(portos_credentials()))
        .await
        .expect("login with defaults");
    assert_eq!(get_str(&session, "backend").as_deref(), Some("portos"));
    client.dispose();
}

#[wasm_bindgen_test]
async fn non_object_options_are_invalid_argument_and_nothing_breaks() {
    let t = tenant();
    let values: Vec<JsValue> = vec![
        JsValue::NULL,
        JsValue::UNDEFINED,
        5.into(),
        "x".into(),
        true.into(),
        js_sys::Array::new().into(),
        js_sys::Function::new_no_args("return 1").into(),
        js_sys::Symbol::for_("pos").into(),
    ];
    for v in values {
        let shown = format!("{v:?}");
        match AuthClient::new(v) {
            Ok(_) => panic!("{shown} accepted as options"),
            Err(e) => {
                auth_error(&e, "invalid_argument");
            }
        }
    }
    // The module still works after all of that.
    let client = AuthClient::new(options(&t, "")).unwrap();
    await_js(client.login(portos_credentials()))
        .await
        .expect("a later valid client logs in");
    client.dispose();
}

fn hostile(kind: &str) -> JsValue {
    let make = js_sys::Function::new_with_args(
        "kind, base",
        r#"
        if (kind === "ownKeys") return new Proxy({ baseUrl: base }, { ownKeys() { throw new Error("ownKeys trap (expected by the test)"); } });
        if (kind === "get") return new Proxy({ baseUrl: base }, { get() { throw new Error("get trap (expected by the test)"); } });
        if (kind === "getter") { const o = { baseUrl: base }; Object.defineProperty(o, "timeout", { enumerable: true, get() { throw new Error("getter (expected by the test)"); } }); return o; }
        if (kind === "revoked") { const r = Proxy.revocable({ baseUrl: base }, {}); r.revoke(); return r.proxy; }
        if (kind === "cycle") { const o = { baseUrl: base, headers: {} }; o.headers.self = o.headers; return o; }
        if (kind === "deep") { let o = { baseUrl: base }; let h = o; for (let i = 0; i < 2000; i++) { h.headers = {}; h = h.headers; } return o; }
        throw new Error("unknown kind");
        "#,
    );
    make.call2(&JsValue::NULL, &kind.into(), &"https://pos.example".into())
        .unwrap()
}

/// Options and credentials of `kind` are invalid_argument (never a raw
/// exception or a promise that never settles), and the client keeps working.
async fn hostile_is_invalid_argument(kind: &str) {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    match within(client.login(hostile(kind)), 2000).await {
        None => panic!("credentials {kind}: login() never settled"),
        Some(Ok(_)) => panic!("credentials {kind}: accepted"),
        Some(Err(e)) => assert_eq!(code(&e), "invalid_argument", "credentials {kind}: {e:?}"),
    }
    match AuthClient::new(hostile(kind)) {
        Ok(_) => panic!("options {kind}: accepted"),
        Err(e) => assert_eq!(code(&e), "invalid_argument", "options {kind}: {e:?}"),
    }
    assert!(requests(&t).await.is_empty());
    await_js(client.login(portos_credentials()))
        .await
        .expect("the client still works");
    client.dispose();
}

#[wasm_bindgen_test]
async fn hostile_proxy_with_throwing_own_keys_is_invalid_argument() {
    hostile_is_invalid_argument("ownKeys").await;
}

#[wasm_bindgen_test]
async fn hostile_proxy_with_throwing_get_is_invalid_argument() {
    hostile_is_invalid_argument("get").await;
}

#[wasm_bindgen_test]
async fn hostile_throwing_getter_is_invalid_argument() {
    hostile_is_invalid_argument("getter").await;
}

#[wasm_bindgen_test]
async fn hostile_revoked_proxy_is_invalid_argument() {
    hostile_is_invalid_argument("revoked").await;
}

#[wasm_bindgen_test]
async fn hostile_cyclic_object_is_invalid_argument() {
    hostile_is_invalid_argument("cycle").await;
}

#[wasm_bindgen_test]
async fn hostile_deep_nesting_is_invalid_argument() {
    hostile_is_invalid_argument("deep").await;
}

/// `/portos`, `./api`, `../pos`: resolved against the page's location once;
/// requests under the resolved URL get the client's treatment (here
/// `no_session`), others pass through. A bare name is still refused.
#[wasm_bindgen_test]
async fn a_relative_base_url_is_resolved_against_the_page() {
    let href = web_sys::window().unwrap().location().href().unwrap();
    for (given, resolved) in [
        ("/portos", "/portos"),
        ("./pos/api", "pos/api"),
        ("../up", "up"),
    ] {
        let o = obj(&[("baseUrl", given.into()), ("storage", "memory".into())]);
        let client =
            AuthClient::new(o).unwrap_or_else(|e| panic!("{given} refused: {}", stringify(&e)));
        let absolute = web_sys::Url::new_with_base(resolved, &href).unwrap().href();
        let under = format!("{}/x", absolute.trim_end_matches('/'));
        rejects_with(client.fetch(under.into(), JsValue::UNDEFINED), "no_session").await;
        // A URL beside it is not the client's: the global fetch answers (404 from the test server).
        let beside = web_sys::Url::new_with_base("/not-under-base/x", &href)
            .unwrap()
            .href();
        let r: web_sys::Response = await_js(client.fetch(beside.into(), JsValue::UNDEFINED))
            .await
            .expect("passed through")
            .unchecked_into();
        assert!(r.status() >= 400, "{}", r.status());
        client.dispose();
    }
    for bad in ["portos", "portos/api", ".hidden", "http//x"] {
        refused(obj(&[("baseUrl", bad.into())]), "baseUrl");
    }
    // Protocol-relative: resolved, then held to the https/loopback rule.
    refused(
        obj(&[("baseUrl", "//pos.example/portos".into())]),
        "baseUrl",
    );
}
