//! Secrets: the password never reaches storage, errors, events or the
//! console, is wiped from wasm memory, and the bearer token never leaves
//! `baseUrl`, whatever form the request takes.

use crate::hostile::{js, settled};
use crate::support::*;
use js_sys::{Array, Function};
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// Captures console.log/info/warn/error/debug/trace and the page's error
/// events while alive; `stop` restores the console.
struct ConsoleCapture(JsValue);

impl ConsoleCapture {
    fn start() -> ConsoleCapture {
        ConsoleCapture(js(r#"(() => {
            const lines = [];
            const original = {};
            const show = (x) => {
                try {
                    if (typeof x === "string") return x;
                    if (x instanceof Error) return x.name + ": " + x.message + " " + JSON.stringify(x) + " " + x.stack;
                    return JSON.stringify(x) ?? String(x);
                } catch { try { return String(x); } catch { return "?"; } }
            };
            for (const m of ["log", "info", "warn", "error", "debug", "trace"]) {
                original[m] = console[m];
                console[m] = function (...args) { lines.push(m + ": " + args.map(show).join(" ")); return original[m].apply(this, args); };
            }
            const onError = (e) => lines.push("error event: " + e.message + " " + show(e.error));
            addEventListener("error", onError);
            return { lines, stop() { Object.assign(console, original); removeEventListener("error", onError); } };
        })()"#))
    }

    fn stop(&self) -> String {
        get(&self.0, "stop")
            .unchecked_into::<Function>()
            .call0(&self.0)
            .unwrap();
        Array::from(&get(&self.0, "lines"))
            .iter()
            .filter_map(|l| l.as_string())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Every own property (enumerable or not) of a value, a few levels deep, as text.
fn deep_text(v: &JsValue) -> String {
    js(r#"((v) => {
        const out = [];
        const seen = new Set();
        const walk = (x, d) => {
            if (x === null || x === undefined || d > 4) return;
            if (typeof x !== "object" && typeof x !== "function") { out.push(String(x)); return; }
            if (seen.has(x)) return;
            seen.add(x);
            for (const k of Reflect.ownKeys(x)) {
                out.push(String(k));
                try { walk(Object.getOwnPropertyDescriptor(x, k).value ?? x[k], d + 1); } catch {}
            }
        };
        walk(v, 0);
        return out.join(" ");
    })"#)
    .unchecked_into::<Function>()
    .call1(&JsValue::NULL, v)
    .unwrap()
    .as_string()
    .unwrap()
}

fn all_session_storage() -> String {
    let s = session_storage();
    (0..s.length().unwrap())
        .filter_map(|i| s.key(i).ok().flatten())
        .map(|k| format!("{k}={}", s.get_item(&k).unwrap().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[wasm_bindgen_test]
async fn secrets_password_never_in_storage_errors_events_or_console() {
    let capture = ConsoleCapture::start();
    let t = tenant();
    // Distinctive wrong passwords, built at run time, one per fault.
    let secret = format!("Qz{}-tajné", (js_sys::Math::random() * 1e12) as u64);
    let o = options(&t, r#","timeout":1000"#);
    let client = AuthClient::new(o).unwrap();
    let (events, _) = listen(&client);
    // A listener that logs every event, as apps do, and one that throws.
    client
        .on_change(js("(e) => console.log('auth event', e)"))
        .unwrap();
    client.on_change(js("(e) => { if (e.type === 'signedIn') throw new Error('listener threw (expected by the test)'); }")).unwrap();
    let mut texts = Vec::new();
    let faults = [
        r#"{"method":"POST","path":"/portos/api/auth","status":500,"body":{"title":"boom"}}"#,
        r#"{"method":"POST","path":"/portos/api/auth","action":"html","status":502}"#,
        r#"{"method":"POST","path":"/portos/api/auth","status":429,"headers":{"Retry-After":"7"}}"#,
        r#"{"method":"POST","path":"/portos/api/auth","delayMs":2500,"status":200,"body":{}}"#,
        r#"{"method":"POST","path":"/portos/api/auth","action":"truncate"}"#,
        r#"{"method":"POST","path":"/portos/api/auth","action":"huge"}"#,
        r#"{"method":"POST","path":"/portos/api/auth","status":200,"body":{"tokenId":5}}"#,
        r#"{"method":"POST","path":"/portos/api/auth","status":400,"body":{"title":"Invalid","errors":[{"memberName":"Password","message":"Too short.","code":"MinLength"}]}}"#,
        r#"{"method":"POST","path":"/portos/api/auth","status":418}"#,
    ];
    for (i, f) in faults.iter().enumerate() {
        fault(&t, f).await;
        let creds = obj(&[
            ("userName", "999".into()),
            ("password", format!("{secret}{i}").into()),
            ("deviceName", "P01".into()),
        ]);
        let e = rejects(client.login(creds)).await;
        texts.push(format!(
            "{} {} {}",
            stringify(&e),
            deep_text(&e),
            get_str(&e, "stack").unwrap_or_default()
        ));
    }
    // Wrong password at the server, and invalid arguments next to a password.
    let e = rejects(client.login(obj(&[
        ("userName", "999".into()),
        ("password", secret.clone().into()),
        ("deviceName", "P01".into()),
    ])))
    .await;
    texts.push(deep_text(&e));
    for bad in [
        obj(&[
            ("userName", "999".into()),
            ("password", secret.clone().into()),
            ("deviceName", "P01".into()),
            ("pin", secret.clone().into()),
        ]),
        obj(&[
            ("userName", 5.into()),
            ("password", secret.clone().into()),
            ("deviceName", "P01".into()),
        ]),
        obj(&[
            ("userName", "999".into()),
            ("password", secret.clone().into()),
        ]),
    ] {
        let e = rejects(client.login(bad)).await;
        texts.push(deep_text(&e));
    }
    // A full cycle: login, refresh, a failed refresh, profile, fetch, logout.
    await_js(client.login(portos_credentials()))
        .await
        .expect("login");
    await_js(client.refresh()).await.expect("refresh");
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","status":503}"#,
    )
    .await;
    texts.push(deep_text(&rejects(client.refresh()).await));
    await_js(client.profile()).await.expect("profile");
    await_js(client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED))
        .await
        .expect("fetch");
    texts.push(all_session_storage());
    await_js(client.logout()).await.expect("logout");
    client.dispose();
    sleep(50).await;
    let console = capture.stop();
    texts.push(
        events
            .borrow()
            .iter()
            .map(deep_text)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let everything = format!("{}\n{console}", texts.join("\n"));
    assert!(
        !everything.contains(&secret),
        "the password appears in storage, an error, an event or the console:\n{}",
        everything
            .lines()
            .filter(|l| l.contains(&secret))
            .take(5)
            .collect::<Vec<_>>()
            .join("\n")
    );
    // The real password (1234) in console lines that are not tokens.
    for line in console.lines() {
        assert!(
            !line.contains("\"1234\"") && !line.to_lowercase().contains("password\":"),
            "console: {line}"
        );
    }
}

#[wasm_bindgen_test]
async fn secrets_a_password_echoed_by_the_server_is_not_repeated() {
    // ASP.NET validation messages can quote the attempted value. The server
    // text is data, but the module knows the password and must not pass it on.
    let t = tenant();
    let secret = format!("Echo{}-heslo", (js_sys::Math::random() * 1e12) as u64);
    fault(&t, &format!(r#"{{"method":"POST","path":"/portos/api/auth","status":400,"body":{{"title":"The value '{secret}' is not valid.","detail":"Password '{secret}' rejected","errors":[{{"memberName":"Password","message":"The value '{secret}' is not valid for Password.","code":"Invalid"}}]}}}}"#)).await;
    let client = AuthClient::new(options(&t, "")).unwrap();
    let (events, _) = listen(&client);
    let creds = obj(&[
        ("userName", "999".into()),
        ("password", secret.clone().into()),
        ("deviceName", "P01".into()),
    ]);
    let e = rejects_with(client.login(creds), "validation").await;
    let text = format!(
        "{} {}",
        deep_text(&e),
        events
            .borrow()
            .iter()
            .map(deep_text)
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert!(
        !text.contains(&secret),
        "the echoed password is in the AuthError: {}",
        stringify(&e)
    );
    client.dispose();
}

/// Whether the module's linear memory holds `needle` (a JS string, as UTF-8).
fn in_wasm_memory(needle: &JsValue) -> bool {
    let finder = js(r#"((memory, needle) => {
        const hay = new Uint8Array(memory.buffer);
        const n = new TextEncoder().encode(needle);
        outer: for (let i = hay.indexOf(n[0]); i !== -1 && i <= hay.length - n.length; i = hay.indexOf(n[0], i + 1)) {
            for (let j = 1; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer;
            return true;
        }
        return false;
    })"#);
    finder
        .unchecked_ref::<Function>()
        .call2(&JsValue::NULL, &wasm_bindgen::memory(), needle)
        .unwrap()
        .as_bool()
        .unwrap()
}

#[wasm_bindgen_test]
async fn secrets_password_is_wiped_from_wasm_memory() {
    // docs/API.md: "The password is overwritten in wasm memory once the request is
    // built." The password is made in JS and never passes through this test's
    // Rust code, so any copy in linear memory (freed blocks included) is the
    // module's.
    let t = tenant();
    let creds = js(
        r#"(() => { const p = "Wq" + Math.random().toString(36).slice(2) + "Zj" + Date.now().toString(36); globalThis.__posAuthSecret = p; return { userName: "999", password: p, deviceName: "P01" }; })()"#,
    );
    let needle = js("globalThis.__posAuthSecret");
    assert!(
        !in_wasm_memory(&needle),
        "the password is in wasm memory before any call"
    );
    let client = AuthClient::new(options(&t, "")).unwrap();
    rejects_with(client.login(creds), "invalid_credentials").await;
    let after_sent = in_wasm_memory(&needle);
    // Refused credentials: nothing is sent, but the password was read in.
    let refused = js(
        r#"({ userName: "999", password: globalThis.__posAuthSecret, deviceName: "P01", extra: 1 })"#,
    );
    rejects_with(client.login(refused), "invalid_argument").await;
    let after_refused = in_wasm_memory(&needle);
    js("delete globalThis.__posAuthSecret");
    // Positive control: the search does find what the module keeps (the
    // access token of its record, read here as a JS string only).
    await_js(client.login(portos_credentials())).await.unwrap();
    let token = get(&client.session().unwrap(), "accessToken");
    assert!(
        token.is_string() && in_wasm_memory(&token),
        "the memory search does not find the stored access token: it proves nothing"
    );
    client.dispose();
    assert!(
        !after_sent,
        "the password of a sent login is still in wasm linear memory"
    );
    assert!(
        !after_refused,
        "the password of refused credentials is still in wasm linear memory"
    );
}

#[wasm_bindgen_test]
async fn secrets_bearer_stays_under_base_url_for_request_url_and_tricky_inputs() {
    let t = tenant();
    let other = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    let token = token_of(&s);
    let elsewhere = t.replace("127.0.0.1", "localhost");
    let other_path = other.split("/t/").nth(1).unwrap().to_string();
    let inputs: Vec<(String, JsValue)> = vec![
        (
            "Request, other tenant".into(),
            web_sys::Request::new_with_str(&format!("{other}/portos/api/auth"))
                .unwrap()
                .into(),
        ),
        (
            "Request, other origin".into(),
            web_sys::Request::new_with_str(&format!("{elsewhere}/portos/api/auth"))
                .unwrap()
                .into(),
        ),
        (
            "URL, other tenant".into(),
            web_sys::Url::new(&format!("{other}/portos/api/auth"))
                .unwrap()
                .into(),
        ),
        (
            "URL, other origin".into(),
            web_sys::Url::new(&format!("{elsewhere}/portos/api/auth"))
                .unwrap()
                .into(),
        ),
        (
            "a sibling path /portos-evil".into(),
            format!("{t}/portos-evil/api/auth").into(),
        ),
        (
            "a sibling path /portosevil".into(),
            format!("{t}/portosevil/api/auth").into(),
        ),
        (
            "backslash dot segments".into(),
            format!("{t}/portos\\..\\..\\{other_path}\\portos\\api\\auth").into(),
        ),
        (
            "encoded dot segments".into(),
            format!("{t}/portos/%2e%2e/%2E%2E/{other_path}/portos/api/auth").into(),
        ),
        (
            "URL object with dot segments".into(),
            web_sys::Url::new(&format!("{t}/portos/../../{other_path}/portos/api/auth"))
                .unwrap()
                .into(),
        ),
        (
            "Request with dot segments".into(),
            web_sys::Request::new_with_str(&format!(
                "{t}/portos/./../../{other_path}/portos/api/auth"
            ))
            .unwrap()
            .into(),
        ),
        ("Request with a POST body".into(), {
            let ri = web_sys::RequestInit::new();
            ri.set_method("POST");
            ri.set_body(&"{}".into());
            web_sys::Request::new_with_str_and_init(&format!("{other}/portos/api/auth"), &ri)
                .unwrap()
                .into()
        }),
        ("an object whose toString changes".into(), {
            let f = js(
                "((a, b) => { let n = 0; return { toString() { return n++ === 0 ? a : b; } }; })",
            )
            .unchecked_into::<Function>();
            f.call2(
                &JsValue::NULL,
                &format!("{t}/portos/api/auth").into(),
                &format!("{other}/portos/api/auth").into(),
            )
            .unwrap()
        }),
        ("an object whose toString changes the other way".into(), {
            let f = js(
                "((a, b) => { let n = 0; return { toString() { return n++ === 0 ? a : b; } }; })",
            )
            .unchecked_into::<Function>();
            f.call2(
                &JsValue::NULL,
                &format!("{other}/portos/api/auth").into(),
                &format!("{t}/portos/api/auth").into(),
            )
            .unwrap()
        }),
    ];
    for (name, input) in inputs {
        let _ = settled(client.fetch(input, JsValue::UNDEFINED)).await;
        let _ = name;
    }
    // A back end redirecting (307) to another origin: the browser drops the header.
    fault(&t, &format!(r#"{{"method":"GET","path":"/portos/api/redirect","status":307,"headers":{{"Location":"{elsewhere}/portos/landing"}}}}"#)).await;
    let _ = settled(client.fetch(
        format!("{t}/portos/api/redirect").into(),
        JsValue::UNDEFINED,
    ))
    .await;
    let mut leaks = Vec::new();
    for r in requests(&other).await {
        if header(&r, "authorization").is_some() || stringify(&r).contains(&token) {
            leaks.push(format!("other tenant: {}", stringify(&r)));
        }
    }
    for r in requests(&t).await {
        let path = get_str(&r, "path").unwrap_or_default();
        let under = path == "/portos" || path.starts_with("/portos/");
        if !under && (header(&r, "authorization").is_some() || stringify(&r).contains(&token)) {
            leaks.push(format!("outside baseUrl: {}", stringify(&r)));
        }
        if path == "/portos/landing" && header(&r, "authorization").is_some() {
            leaks.push(format!(
                "cross-origin redirect kept the token: {}",
                stringify(&r)
            ));
        }
    }
    assert!(
        leaks.is_empty(),
        "the bearer token left baseUrl:\n{}",
        leaks.join("\n")
    );
    assert!(
        !requests(&other).await.is_empty(),
        "nothing reached the other tenant (the test proves nothing)"
    );
    client.dispose();
}
