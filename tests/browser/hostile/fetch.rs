//! `fetch` with hostile arguments (it must end as the global `fetch` does),
//! and a page whose own `fetch` misbehaves.

use super::*;

/// How a `fetch` call ended, comparable between the module and the global one.
fn classify_js() -> Function {
    js(r#"(async (call) => {
        try {
            const r = await call();
            if (!(r instanceof Response)) return "resolved with a non-Response";
            return "resolved " + r.status;
        } catch (e) {
            if (e && e.name === "AuthError") return "AuthError " + e.code;
            if (e instanceof WebAssembly.RuntimeError) return "TRAP " + e.message;
            return "rejected " + (e && e.name);
        }
    })"#)
    .unchecked_into()
}

async fn classify(call: &JsValue) -> String {
    let p: js_sys::Promise = classify_js()
        .call1(&JsValue::NULL, call)
        .unwrap()
        .unchecked_into();
    settled(p)
        .await
        .map(|v| v.as_string().unwrap_or_default())
        .unwrap_or_else(|e| format!("{e:?}"))
}

/// `client.fetch(input, init)` and the global `fetch(input, init)` end alike
/// (statuses compared when `same_status`: the module adds a token under baseUrl).
async fn fetch_like_global(
    client_obj: &JsValue,
    input: &JsValue,
    init: &JsValue,
    same_status: bool,
) -> Option<String> {
    let bind = js("((f, t, i, n) => () => f.call(t, i, n))").unchecked_into::<Function>();
    let module_call = bind
        .apply(
            &JsValue::NULL,
            &Array::of4(&get(client_obj, "fetch"), client_obj, input, init),
        )
        .unwrap();
    let global_call = bind
        .apply(
            &JsValue::NULL,
            &Array::of4(
                &get(&js_sys::global(), "fetch"),
                &js_sys::global(),
                input,
                init,
            ),
        )
        .unwrap();
    let theirs = classify(&global_call).await;
    let ours = classify(&module_call).await;
    let same = if same_status {
        ours == theirs
    } else {
        ours.split(' ').next() == theirs.split(' ').next()
            && (ours.starts_with("resolved") || ours == theirs)
    };
    (!same || ours.contains("TRAP")).then(|| format!("module: {ours:?}, global fetch: {theirs:?}"))
}

#[wasm_bindgen_test]
async fn hostile_fetch_arguments_end_like_the_global_fetch() {
    let watch = TrapWatch::start();
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let obj: JsValue = client.into();
    let mut fails = Vec::new();
    // Hostile inputs (none is under baseUrl: the module passes them through).
    for (name, v) in hostile_values() {
        if name == "10 MB string" {
            continue; // below, once
        }
        if let Some(d) = fetch_like_global(&obj, &v, &JsValue::UNDEFINED, true).await {
            fails.push(format!("input = {name}: {d}"));
        }
    }
    // Hostile init with a request under baseUrl.
    let url: JsValue = format!("{t}/portos/api/auth").into();
    let mut inits = hostile_values();
    for (name, code) in [
        (
            "headers with CR/LF",
            r#"({ headers: { "X-Till": "1\r\nX-Evil: 2" } })"#,
        ),
        ("headers as a number", "({ headers: 5 })"),
        (
            "headers with a throwing iterator",
            r#"({ headers: { [Symbol.iterator]() { throw new Error("iterator (expected by the test)"); } } })"#,
        ),
        ("a forbidden method", r#"({ method: "CONNECT" })"#),
        ("a GET with a body", r#"({ body: "x" })"#),
        (
            "a stream body without duplex",
            r#"({ method: "POST", body: new ReadableStream() })"#,
        ),
        ("a signal that is no signal", "({ signal: 5 })"),
        ("mode navigate", r#"({ mode: "navigate" })"#),
        (
            "a frozen init with headers",
            r#"Object.freeze({ headers: Object.freeze({ "X-Till": "7" }) })"#,
        ),
    ] {
        inits.push((name.to_string(), js(code)));
    }
    for (name, init) in inits {
        if name == "10 MB string" {
            continue;
        }
        if let Some(d) = fetch_like_global(&obj, &url, &init, false).await {
            fails.push(format!("init = {name}: {d}"));
        }
    }
    // A 10 MB URL, once.
    let big: JsValue = format!("{t}/portos/api/auth?{}", "x".repeat(10 * 1024 * 1024)).into();
    if let Some(d) = fetch_like_global(&obj, &big, &JsValue::UNDEFINED, false).await {
        fails.push(format!("input = a 10 MB URL under baseUrl: {d}"));
    }
    report(fails);
    let client_again: Function = get(&obj, "fetch").unchecked_into();
    let r: web_sys::Response = await_js(
        client_again
            .call2(&obj, &url, &JsValue::UNDEFINED)
            .unwrap()
            .unchecked_into(),
    )
    .await
    .expect("a normal fetch")
    .unchecked_into();
    assert_eq!(r.status(), 200);
    assert!(stored(&key_of(&o)).is_some(), "the session was lost");
    let fresh = AuthClient::new(options(&t, "")).unwrap();
    await_js(fresh.login(portos_credentials()))
        .await
        .expect("a new client logs in");
    fresh.dispose();
    get(&obj, "dispose")
        .unchecked_into::<Function>()
        .call0(&obj)
        .unwrap();
    watch.finish().await;
}

#[wasm_bindgen_test]
async fn a_post_request_object_outside_base_url_passes_through_with_its_body() {
    // fetch(new Request(url, { method: "POST", body })) for a URL elsewhere
    // must reach the server as the global fetch would send it.
    let t = tenant();
    let other = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    let ri = web_sys::RequestInit::new();
    ri.set_method("POST");
    ri.set_body(&"sale #1".into());
    let req =
        web_sys::Request::new_with_str_and_init(&format!("{other}/portos/echo"), &ri).unwrap();
    let r = settled(client.fetch(req.into(), JsValue::UNDEFINED)).await;
    let r: web_sys::Response = r
        .unwrap_or_else(|e| panic!("rejected: {}", describe(&e)))
        .unchecked_into();
    assert_eq!(
        r.status(),
        404,
        "the emulator answers an unknown path with 404"
    );
    let sent = requests_to(&other, "POST", "/portos/echo").await;
    assert_eq!(sent.len(), 1);
    assert_eq!(get_str(&sent[0], "body").as_deref(), Some("sale #1"));
    assert_eq!(header(&sent[0], "authorization"), None);
    client.dispose();
}

/// Replaces the page's `fetch`; the original is restored on drop.
struct FetchWrapper(JsValue);

impl FetchWrapper {
    fn install(code: &str) -> FetchWrapper {
        let original = get(&js_sys::global(), "fetch");
        Reflect::set(&js_sys::global(), &"fetch".into(), &js(code)).unwrap();
        FetchWrapper(original)
    }
}

impl Drop for FetchWrapper {
    fn drop(&mut self) {
        Reflect::set(&js_sys::global(), &"fetch".into(), &self.0).unwrap();
    }
}

/// Page `fetch` wrappers (monitoring libraries, mocks, blockers) that misbehave,
/// with the codes the module may turn them into.
const PAGE_FETCHES: [(&str, &str, &[&str]); 12] = [
    (
        "throws synchronously",
        r#"(function () { throw new TypeError("blocked by the page (expected by the test)"); })"#,
        &["network"],
    ),
    (
        "returns a number",
        "(function () { return 42; })",
        &["network", "bad_response"],
    ),
    (
        "returns a thenable that throws",
        r#"(function () { return { then() { throw new Error("then (expected by the test)"); } }; })"#,
        &["network", "bad_response"],
    ),
    (
        "resolves with a plain object",
        "(function () { return Promise.resolve({ status: 200, ok: true }); })",
        &["network", "bad_response"],
    ),
    (
        "resolves with null",
        "(function () { return Promise.resolve(null); })",
        &["network", "bad_response"],
    ),
    (
        "returns undefined",
        "(function () { return undefined; })",
        &["network", "bad_response"],
    ),
    (
        "a Response whose headers getter throws",
        r#"(function () { const r = new Response("{}", { status: 200 }); Object.defineProperty(r, "headers", { get() { throw "headers (expected by the test)"; } }); return Promise.resolve(r); })"#,
        &["network"],
    ),
    (
        "rejects with a string",
        r#"(function () { return Promise.reject("nope"); })"#,
        &["network"],
    ),
    (
        "a body stream that errors",
        r#"(function () { return Promise.resolve(new Response(new ReadableStream({ start(c) { c.error(new TypeError("boom (expected by the test)")); } }), { status: 200, headers: { "Content-Type": "application/json" } })); })"#,
        &["network"],
    ),
    (
        "an endless body without Content-Length",
        r#"(function () { return Promise.resolve(new Response(new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(65536).fill(32)); } }), { status: 200, headers: { "Content-Type": "application/json" } })); })"#,
        &["bad_response"],
    ),
    (
        "Response.error() (status 0)",
        "(function () { return Promise.resolve(Response.error()); })",
        &["network", "bad_response"],
    ),
    (
        "ignores the abort signal and never answers",
        "(function () { return new Promise(() => {}); })",
        &["timeout"],
    ),
];

#[wasm_bindgen_test]
async fn a_hostile_page_fetch_is_an_auth_error_never_a_trap() {
    // Each (wrapper, call) on a fresh client: a client broken by one case
    // cannot hide the next. Every wait is bounded.
    let watch = TrapWatch::start();
    let mut fails = Vec::new();
    for (i, (name, code_, allowed)) in PAGE_FETCHES.iter().enumerate() {
        // Every call for the first and the last case; login and refresh for
        // the others (the module's calls share one request path).
        let ops: &[&str] = if i == 0 || i == PAGE_FETCHES.len() - 1 {
            &["login", "profile", "refresh", "logout"]
        } else {
            &["login", "refresh"]
        };
        for &op in ops {
            let t = tenant();
            let (client, _, _) = signed_in(&t, r#","timeout":1000,"autoRefresh":false"#).await;
            let wrapper = FetchWrapper::install(code_);
            let p = match op {
                "login" => client.login(portos_credentials()),
                "profile" => client.profile(),
                "refresh" => client.refresh(),
                _ => client.logout(),
            };
            // timeout is 1 s: every case settles well within 2.5 s.
            let outcome = within(p, 2500).await;
            drop(wrapper);
            let case = format!("{op}, page fetch {name}");
            match outcome {
                None => fails.push(format!("{case}: never settled")),
                Some(Ok(_)) if op == "logout" => {}
                Some(Ok(v)) => fails.push(format!("{case}: resolved {}", stringify(&v))),
                Some(Err(e)) if is_trap(&e) => fails.push(format!("{case}: TRAP {}", describe(&e))),
                Some(Err(e)) if op == "logout" => {
                    fails.push(format!("{case}: logout rejected {}", describe(&e)))
                }
                Some(Err(e)) => {
                    if !allowed.contains(&code(&e).as_str())
                        || get_str(&e, "name").as_deref() != Some("AuthError")
                    {
                        fails.push(format!(
                            "{case}: expected one of {allowed:?}, got {}",
                            describe(&e)
                        ));
                    }
                    if client.session().map(|s| s.is_null()).unwrap_or(true) {
                        fails.push(format!("{case}: the session was dropped"));
                    }
                }
            }
            // The same client, with the real fetch back.
            match within(client.login(portos_credentials()), 1000).await {
                Some(Ok(_)) => {}
                other => fails.push(format!(
                    "{case}: afterwards the same client's login: {}",
                    other.map_or("never settled".into(), |r| format!("{r:?}"))
                )),
            }
            client.dispose();
        }
    }
    // client.fetch rejects with a throwing page fetch's error, as a promise.
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    for url in [
        format!("{t}/portos/api/auth"),
        format!("{}/elsewhere", tenant()),
    ] {
        let wrapper = FetchWrapper::install(PAGE_FETCHES[0].1);
        let outcome = within(client.fetch(url.clone().into(), JsValue::UNDEFINED), 2500).await;
        drop(wrapper);
        match outcome {
            Some(Err(e)) if e.is_instance_of::<js_sys::TypeError>() && !is_trap(&e) => {}
            other => fails.push(format!(
                "client.fetch({url}) with a throwing page fetch: {}",
                other.map_or("never settled".into(), |r| format!("{r:?}"))
            )),
        }
    }
    match within(
        client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED),
        2000,
    )
    .await
    {
        Some(Ok(_)) => {}
        other => fails.push(format!(
            "afterwards client.fetch: {}",
            other.map_or("never settled".into(), |r| format!("{r:?}"))
        )),
    }
    client.dispose();
    let fresh = AuthClient::new(options(&t, "")).unwrap();
    match within(fresh.login(portos_credentials()), 2000).await {
        Some(Ok(_)) => {}
        other => fails.push(format!(
            "a new client's login: {}",
            other.map_or("never settled".into(), |r| format!("{r:?}"))
        )),
    }
    fresh.dispose();
    fails.extend(watch.seen().await);
    report(fails);
}
