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
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .unwrap()
        .unchecked_into();
    JsFuture::from(resp.json().unwrap())
        .await
        .unwrap_or(JsValue::NULL)
}

/// How many requests of `key` (e.g. "POST /portos/api/auth/refresh") the tenant saw.
pub async fn count(tenant: &str, key: &str) -> u32 {
    get(&control(tenant, "GET", "counts", None).await, key)
        .as_f64()
        .unwrap_or(0.0) as u32
}

pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

pub fn options(base: &str, extra: &str) -> JsValue {
    let o: Object = json(&format!(
        r#"{{"baseUrl":"{base}/portos","storageKey":"k{}"{extra}}}"#,
        (js_sys::Math::random() * 1e9) as u64
    ))
    .unchecked_into();
    o.into()
}

pub fn portos_credentials() -> JsValue {
    json(r#"{"userName":"999","password":"1234","deviceName":"P01"}"#)
}

// ---------------------------------------------------------------------------
// More helpers for the behaviour tests.

use js_sys::{Array, Function, Promise};
use pos_auth::web::AuthClient;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;

pub const PORTOS_PROFILE: &str = "GET /portos/api/auth";
pub const PORTOS_LOGOUT: &str = "DELETE /portos/api/auth";
pub const PORTOS_REFRESH: &str = "POST /portos/api/auth/refresh";

/// The local clock in ms.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// A plain JS object from pairs.
pub fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o.into()
}

pub fn set(target: &JsValue, key: &str, value: &JsValue) {
    Reflect::set(target, &key.into(), value).unwrap();
}

pub fn stringify(v: &JsValue) -> String {
    JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

pub fn num(v: &JsValue, key: &str) -> Option<f64> {
    get(v, key).as_f64()
}

/// The storage key `options` chose.
pub fn key_of(options: &JsValue) -> String {
    get_str(options, "storageKey").unwrap()
}

pub fn session_storage() -> web_sys::Storage {
    web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap()
}

pub fn stored(key: &str) -> Option<String> {
    session_storage().get_item(key).unwrap()
}

/// Queues a fault at the tenant's emulator.
pub async fn fault(tenant: &str, spec: &str) {
    let answer = control(tenant, "POST", "fault", Some(spec)).await;
    assert!(
        get(&answer, "error").is_undefined(),
        "fault refused: {}",
        stringify(&answer)
    );
}

/// Sets the tenant's config (e.g. `{"tokenLifetime":4}`).
pub async fn config(tenant: &str, spec: &str) {
    let answer = control(tenant, "POST", "config", Some(spec)).await;
    assert!(
        get(&answer, "error").is_undefined(),
        "config refused: {}",
        stringify(&answer)
    );
}

/// The tenant's request log, oldest first.
pub async fn requests(tenant: &str) -> Vec<JsValue> {
    Array::from(&control(tenant, "GET", "requests", None).await)
        .iter()
        .collect()
}

/// The logged requests with this method and tenant-relative path.
pub async fn requests_to(tenant: &str, method: &str, path: &str) -> Vec<JsValue> {
    requests(tenant)
        .await
        .into_iter()
        .filter(|r| {
            get_str(r, "method").as_deref() == Some(method)
                && get_str(r, "path").as_deref() == Some(path)
        })
        .collect()
}

/// A logged request's header (names are lowercase in the log).
pub fn header(request: &JsValue, name: &str) -> Option<String> {
    get_str(&get(request, "headers"), name)
}

/// Checks that `err` is an `AuthError` with `code` and returns it.
#[track_caller]
pub fn auth_error(err: &JsValue, code_: &str) -> JsValue {
    assert_eq!(
        code(err),
        code_,
        "error: {} / {}",
        stringify(err),
        get_str(err, "message").unwrap_or_default()
    );
    assert_eq!(get_str(err, "name").as_deref(), Some("AuthError"));
    assert!(
        err.is_instance_of::<js_sys::Error>(),
        "AuthError must be an Error"
    );
    assert_eq!(
        get_str(&get(err, "constructor"), "name").as_deref(),
        Some("AuthError"),
        "not made by the AuthError class"
    );
    assert!(
        get_str(err, "message").is_some_and(|m| !m.is_empty()),
        "AuthError without a message"
    );
    err.clone()
}

/// Awaits a promise that must reject; returns the reason.
pub async fn rejects(p: Promise) -> JsValue {
    match await_js(p).await {
        Ok(v) => panic!("expected a rejection, got {}", stringify(&v)),
        Err(e) => e,
    }
}

/// Awaits a promise that must reject with an `AuthError` of `code_`.
pub async fn rejects_with(p: Promise, code_: &str) -> JsValue {
    let e = rejects(p).await;
    auth_error(&e, code_)
}

pub type Events = Rc<RefCell<Vec<JsValue>>>;

/// Subscribes a recording listener; returns the events and the unsubscribe function.
pub fn listen(client: &AuthClient) -> (Events, Function) {
    let events: Events = Rc::default();
    let sink = events.clone();
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| sink.borrow_mut().push(e));
    let unsubscribe = client.on_change(listener.into_js_value()).unwrap();
    (events, unsubscribe.unchecked_into())
}

pub fn types(events: &Events) -> Vec<String> {
    events
        .borrow()
        .iter()
        .map(|e| get_str(e, "type").unwrap_or_default())
        .collect()
}

/// The first event of `kind`, or None.
pub fn event_of(events: &Events, kind: &str) -> Option<JsValue> {
    events
        .borrow()
        .iter()
        .find(|e| get_str(e, "type").as_deref() == Some(kind))
        .cloned()
}

/// Waits (polling) up to `ms` for an event of `kind`.
pub async fn wait_event(events: &Events, kind: &str, ms: f64) -> Option<JsValue> {
    let deadline = now() + ms;
    loop {
        if let Some(e) = event_of(events, kind) {
            return Some(e);
        }
        if now() > deadline {
            return None;
        }
        sleep(25).await;
    }
}

/// Lets queued microtasks (and the tasks they wake) run.
pub async fn microtasks() {
    let _ = JsFuture::from(Promise::resolve(&JsValue::UNDEFINED)).await;
}

/// A client of `tenant` signed in as 999 / P01, with its options.
pub async fn signed_in(tenant: &str, extra: &str) -> (AuthClient, JsValue, JsValue) {
    let options = options(tenant, extra);
    let client = AuthClient::new(options.clone()).unwrap();
    let session = await_js(client.login(portos_credentials()))
        .await
        .expect("login");
    verifier_derived().await;
    (client, options, session)
}

/// The offline unlock's verifier is derived in a task queued as `login()`
/// resolves (about 0.1 s of work, several times that in a test build on a
/// loaded machine): let it run before a test times anything, or a short
/// `timeout` option would count it.
pub async fn verifier_derived() {
    sleep(0).await;
}

pub fn token_of(session: &JsValue) -> String {
    get_str(session, "accessToken").expect("a session with an accessToken")
}

/// The current access token of a client.
/// One explicit refresh of a signed-in client, with what every back end that
/// refreshes must show: a new token from one JSON request to `path`, stored,
/// current, and reported as `refreshed` after `initial`. Returns the old
/// token, the refreshed session and the body the request carried.
pub async fn refresh_and_check(
    tenant: &str,
    client: &AuthClient,
    options: &JsValue,
    session: &JsValue,
    path: &str,
) -> (String, JsValue, JsValue) {
    let (events, _) = listen(client);
    microtasks().await;
    let old = token_of(session);
    let refreshed = await_js(client.refresh()).await.expect("refresh");
    let new = token_of(&refreshed);
    assert_ne!(new, old);
    let sent = requests_to(tenant, "POST", path).await;
    assert_eq!(sent.len(), 1, "refresh requests");
    assert_eq!(current_token(client), Some(new.clone()));
    assert!(
        stored(&key_of(options)).unwrap().contains(&new),
        "storage not updated"
    );
    assert_eq!(types(&events), ["initial", "refreshed"]);
    assert_eq!(token_of(&get(&events.borrow()[1], "session")), new);
    assert_eq!(
        header(&sent[0], "accept").as_deref(),
        Some("application/json")
    );
    assert!(header(&sent[0], "content-type").is_some_and(|c| c.starts_with("application/json")));
    (old, refreshed, json(&get_str(&sent[0], "body").unwrap()))
}

pub fn current_token(client: &AuthClient) -> Option<String> {
    get_str(&client.session().unwrap(), "accessToken")
}

/// Awaits `p` for at most `ms`: `None` when it did not settle in time.
pub async fn within(p: Promise, ms: i32) -> Option<Result<JsValue, JsValue>> {
    let timeout = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_1(
                &resolve,
                ms,
                &"__timed_out__".into(),
            )
            .unwrap();
    });
    let race = Promise::race(&Array::of2(&p, &timeout));
    match JsFuture::from(race).await {
        Ok(v) if v.as_string().as_deref() == Some("__timed_out__") => None,
        other => Some(other),
    }
}

// ---------------------------------------------------------------------------
// CashDesk and MetaDefender.

pub const CASHDESK_LOGIN: &str = "POST /cashdesk/api/v2/authenticate";
pub const MD_LOGIN: &str = "POST /metadefender/api/user/authenticate";

/// Options for `backend` ("cashdesk" / "metadefender") at `base`, with a fresh storage key.
pub fn backend_options(base: &str, backend: &str, extra: &str) -> JsValue {
    json(&format!(
        r#"{{"baseUrl":"{base}/{backend}","backend":"{backend}","storageKey":"k{}"{extra}}}"#,
        (js_sys::Math::random() * 1e9) as u64
    ))
}

pub fn cashdesk_credentials() -> JsValue {
    json(r#"{"email":"cashier@example.com","password":"secret"}"#)
}

pub fn metadefender_credentials() -> JsValue {
    json(r#"{"userName":"admin","password":"AdminPassword"}"#)
}

/// A client of `backend` at `tenant`, signed in with the seeded user.
pub async fn signed_in_to(
    tenant: &str,
    backend: &str,
    extra: &str,
) -> (AuthClient, JsValue, JsValue) {
    let options = backend_options(tenant, backend, extra);
    let client = AuthClient::new(options.clone()).unwrap();
    let credentials = if backend == "cashdesk" {
        cashdesk_credentials()
    } else {
        metadefender_credentials()
    };
    let session = await_js(client.login(credentials)).await.expect("login");
    verifier_derived().await;
    (client, options, session)
}

/// An ISO 8601 instant as ms since the epoch (`Date.parse`).
pub fn utc(iso: &str) -> f64 {
    js_sys::Date::parse(iso)
}

/// The sorted keys of a JS object.
pub fn keys(v: &JsValue) -> Vec<String> {
    let mut k: Vec<String> = Object::keys(v.unchecked_ref::<Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    k.sort();
    k
}

/// A plain `window.fetch` (no pos-auth) of `url` with a JSON body; returns status and JSON answer.
pub async fn raw_post(url: &str, body: &str) -> (u16, JsValue) {
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let h = web_sys::Headers::new().unwrap();
    h.set("Content-Type", "application/json").unwrap();
    h.set("Accept", "application/json").unwrap();
    init.set_headers(&h);
    let p = web_sys::window()
        .unwrap()
        .fetch_with_str_and_init(url, &init);
    let r: web_sys::Response = await_js(p).await.unwrap().unchecked_into();
    let status = r.status();
    (
        status,
        await_js(r.json().unwrap()).await.unwrap_or(JsValue::NULL),
    )
}

/// Blocks the event loop (no timer can fire) until the local clock passes `until`.
pub fn busy_wait_until(until: f64) {
    while now() <= until {}
}

/// For a back end without a profile call: `profile()` is the stored user, sent nowhere.
pub async fn assert_profile_is_the_stored_user(backend: &str) {
    let t = tenant();
    let (client, _, s) = signed_in_to(&t, backend, "").await;
    let profile = await_js(client.profile()).await.expect("profile");
    assert_eq!(stringify(&profile), stringify(&get(&s, "user")));
    assert_eq!(requests(&t).await.len(), 1, "profile sent a request");
    client.dispose();
}

/// For a back end without a logout call: `logout()` is local and clears storage.
pub async fn assert_logout_is_local(backend: &str) {
    let t = tenant();
    let (client, o, s) = signed_in_to(&t, backend, "").await;
    assert!(stored(&key_of(&o)).is_some_and(|r| r.contains(&token_of(&s))));
    let (events, _) = listen(&client);
    microtasks().await;
    assert!(await_js(client.logout())
        .await
        .expect("logout")
        .is_undefined());
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    assert_eq!(types(&events), ["initial", "signedOut"]);
    assert_eq!(requests(&t).await.len(), 1, "logout sent a request");
    client.dispose();
}

/// How many warnings the module has printed in this page since the first
/// call (a page-wide spy on `console.warn`, installed once). The module warns
/// a page once, whichever test degrades storage first: tests that do compare
/// this count before and after, and expect it to be 1 after.
pub fn module_warnings() -> u32 {
    let count = js_sys::eval(
        r#"(() => {
            if (!globalThis.__posAuthWarnings) {
                const seen = { count: 0 };
                const original = console.warn;
                console.warn = function (...args) {
                    if (String(args[0]).startsWith("pos-auth:")) seen.count++;
                    return original.apply(this, args);
                };
                globalThis.__posAuthWarnings = seen;
            }
            return globalThis.__posAuthWarnings.count;
        })()"#,
    );
    count.ok().and_then(|c| c.as_f64()).unwrap_or_default() as u32
}
