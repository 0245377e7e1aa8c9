//! The till (docs/API.md "The till: lock, unlock, approve"): `lock()` on
//! PORTOS. The helpers here serve the other till files too:
//!
//! - `till_unlock`: the online unlock and the arguments it refuses;
//! - `till_offline`: the offline unlock, the wrong-password count, other
//!   failures of the login call, a change of cashier;
//! - `till_idle`: `idleLock`;
//! - `till_approve`: the manager approval;
//! - `till_tabs`: lock, unlock and too many attempts across duplicated tabs;
//! - `till_hostile`: hostile arguments, races, re-entry, a wrong `this`;
//! - `till_memory`: what stays in wasm memory.
//!
//! The wrong-password count is read from the stored record
//! (`failedUnlocks`), which the contract says keeps it.

use crate::hostile::js;
use crate::support::*;
use crate::till_approve::{manager, marek, storno};
use js_sys::Object;
use pos_auth::web::default_client::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

pub(crate) const PORTOS_LOGIN: &str = "POST /portos/api/auth";

/// `session.locked`, when it is a boolean.
pub(crate) fn locked_of(session: &JsValue) -> Option<bool> {
    get(session, "locked").as_bool()
}

/// Whether the client's current session is locked (false without one).
pub(crate) fn is_locked(client: &AuthClient) -> bool {
    locked_of(&client.session().unwrap()) == Some(true)
}

/// The stored record of `options`' key, parsed (null when there is none).
pub(crate) fn record(options: &JsValue) -> JsValue {
    stored(&key_of(options)).map_or(JsValue::NULL, |text| json(&text))
}

/// The stored record's wrong-password count.
pub(crate) fn failed_unlocks(options: &JsValue) -> Option<f64> {
    num(&record(options), "failedUnlocks")
}

pub(crate) fn stored_locked(options: &JsValue) -> Option<bool> {
    get(&record(options), "locked").as_bool()
}

/// Polls `f` every 20 ms until it holds, at most `ms / 20` times: counted
/// in polls, not by the clock, so a page blocked meanwhile (the verifier's
/// derivation) still gets its polls after the block.
pub(crate) async fn until(mut f: impl FnMut() -> bool, ms: f64) -> bool {
    for _ in 0..(ms / 20.0).ceil() as u32 {
        if f() {
            return true;
        }
        sleep(20).await;
    }
    f()
}

/// Every PORTOS login call of the tenant loses its connection (no HTTP
/// answer: `network`) until [`online`]. Sticky, because a browser may retry
/// a request whose reused connection closed before any answer.
pub(crate) async fn offline(t: &str) {
    fault(
        t,
        r#"{"method":"POST","path":"/portos/api/auth","action":"drop","times":0}"#,
    )
    .await;
}

pub(crate) async fn online(t: &str) {
    control(t, "DELETE", "fault", None).await;
}

/// Forgets the tenant's counts and request log, so what follows is counted alone.
pub(crate) async fn forget(t: &str) {
    control(t, "DELETE", "counts", None).await;
    control(t, "DELETE", "requests", None).await;
}

/// Locks a signed-in client, checking it took.
pub(crate) fn lock(client: &AuthClient) {
    client.lock().expect("lock()");
    assert!(is_locked(client), "lock() did not lock");
}

/// A PORTOS client of `t` signed in as 999 / P01 and locked, with its options.
pub(crate) async fn locked_client(t: &str, extra: &str) -> (AuthClient, JsValue) {
    let (client, o, _) = signed_in(t, extra).await;
    lock(&client);
    (client, o)
}

/// Whether `session` is the client's current `Session` object (`===`).
pub(crate) fn is_current(client: &AuthClient, session: &JsValue) -> bool {
    Object::is(session, &client.session().unwrap())
}

/// The `code` of the `error` of the first event of `kind`.
pub(crate) fn event_error_code(events: &Events, kind: &str) -> Option<String> {
    event_of(events, kind).and_then(|e| get_str(&get(&e, "error"), "code"))
}
/// The logged login requests of the tenant (PORTOS unless `path` says otherwise).
pub(crate) async fn logins(t: &str, path: &str) -> Vec<JsValue> {
    requests_to(t, "POST", path).await
}

/// A request body's member, whatever its case (the emulator matches names
/// case-insensitively, as ASP.NET does).
pub(crate) fn member(body: &JsValue, name: &str) -> Option<String> {
    keys(body)
        .into_iter()
        .find(|k| k.eq_ignore_ascii_case(name))
        .and_then(|k| get_str(body, &k))
}

/// Waits (briefly) for a DELETE carrying `token`, as a best-effort logout may come late.
pub(crate) async fn until_deleted(t: &str, token: &str) -> bool {
    let deadline = now() + 2000.0;
    let bearer = format!("Bearer {token}");
    loop {
        let deletes = requests_to(t, "DELETE", "/portos/api/auth").await;
        if deletes
            .iter()
            .any(|d| header(d, "authorization").as_deref() == Some(bearer.as_str()))
        {
            return true;
        }
        if now() > deadline {
            return false;
        }
        sleep(50).await;
    }
}

/// Passwords that are not strings (a boxed String is an object).
pub(crate) fn not_strings() -> Vec<(&'static str, JsValue)> {
    vec![
        ("a number", 1234.into()),
        ("undefined", JsValue::UNDEFINED),
        ("null", JsValue::NULL),
        ("an object", json(r#"{"password":"1234"}"#)),
        ("a String object", js(r#"new String("1234")"#)),
        ("an array", js(r#"["1234"]"#)),
        (
            "a Proxy",
            js(
                r#"new Proxy({}, { get() { throw new Error("get trap (expected by the test)"); } })"#,
            ),
        ),
        (
            "a Proxy of a String",
            js(r#"new Proxy(new String("1234"), {})"#),
        ),
        (
            "an object with toString",
            js(r#"({ toString() { return "1234"; } })"#),
        ),
        ("a symbol", js(r#"Symbol("1234")"#)),
        ("a bigint", js("1234n")),
    ]
}

// ---------------------------------------------------------------------------
// lock()

#[wasm_bindgen_test]
async fn till_lock_makes_a_new_locked_session_fires_locked_and_stores_it_before_returning() {
    let t = tenant();
    let (client, o, s) = signed_in(&t, "").await;
    assert_eq!(locked_of(&s), Some(false), "a new session is not unlocked");
    let key = key_of(&o);
    // What storage holds when listeners run: the commit comes first.
    let seen_stored = js(&format!(
        r#"(() => {{ const seen = []; globalThis.__tillSeen = seen; return (e) => seen.push(e.type + ":" + JSON.parse(sessionStorage.getItem("{key}")).locked); }})()"#
    ));
    client.on_change(seen_stored).unwrap();
    let (events, _) = listen(&client);
    microtasks().await;
    let before = client.session().unwrap();
    client.lock().expect("lock()");
    // Synchronously: the listeners have run before lock() returned.
    assert_eq!(types(&events), ["initial", "locked"]);
    let after = client.session().unwrap();
    assert!(
        !Object::is(&before, &after),
        "lock() kept the Session object"
    );
    assert_eq!(locked_of(&after), Some(true));
    assert_eq!(
        locked_of(&before),
        Some(false),
        "the old Session object changed"
    );
    assert!(is_current(&client, &after), "session() !== session()");
    let event = event_of(&events, "locked").unwrap();
    assert!(
        Object::is(&get(&event, "session"), &after),
        "locked's session !== session()"
    );
    assert!(get(&event, "error").is_undefined());
    // Nothing else of the session changes: same tokens, same user.
    assert_eq!(token_of(&after), token_of(&before));
    assert_eq!(
        stringify(&get(&after, "user")),
        stringify(&get(&before, "user"))
    );
    assert_eq!(num(&after, "expiresAt"), num(&before, "expiresAt"));
    assert_eq!(stored_locked(&o), Some(true));
    assert_eq!(failed_unlocks(&o), Some(0.0));
    assert_eq!(
        stringify(&js("globalThis.__tillSeen")),
        r#"["initial:false","locked:true"]"#,
        "the listener ran before the locked record was stored"
    );
    // A reload (a new client on the same storage) comes back locked.
    client.dispose();
    let reloaded = AuthClient::new(o.clone()).unwrap();
    assert!(is_locked(&reloaded), "a reload came back unlocked");
    let (events, _) = listen(&reloaded);
    microtasks().await;
    assert_eq!(types(&events), ["initial"]);
    assert_eq!(locked_of(&get(&events.borrow()[0], "session")), Some(true));
    assert_eq!(token_of(&reloaded.session().unwrap()), token_of(&s));
    js("delete globalThis.__tillSeen");
    reloaded.dispose();
}

#[wasm_bindgen_test]
async fn till_lock_without_a_session_throws_no_session() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    auth_error(
        &client.lock().expect_err("lock() with no session"),
        "no_session",
    );
    // And after a logout.
    await_js(client.login(portos_credentials())).await.unwrap();
    await_js(client.logout()).await.unwrap();
    let (events, _) = listen(&client);
    microtasks().await;
    auth_error(
        &client.lock().expect_err("lock() after logout"),
        "no_session",
    );
    assert!(client.session().unwrap().is_null());
    assert_eq!(types(&events), ["initial"]);
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_lock_on_a_locked_session_does_nothing() {
    let t = tenant();
    let (client, o) = locked_client(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    let (session, text) = (client.session().unwrap(), stored(&key_of(&o)));
    client.lock().expect("a second lock()");
    client.lock().expect("a third lock()");
    assert_eq!(
        types(&events),
        ["initial"],
        "a lock of a locked session fired"
    );
    assert!(is_current(&client, &session), "a new Session object");
    assert_eq!(stored(&key_of(&o)), text, "the record changed");
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_a_locked_session_still_refreshes_fetches_and_gives_its_token() {
    let t = tenant();
    let (client, o) = locked_client(&t, "").await;
    let base = get_str(&o, "baseUrl").unwrap();
    let (events, _) = listen(&client);
    microtasks().await;
    let old = current_token(&client).unwrap();
    let refreshed = await_js(client.refresh())
        .await
        .expect("refresh while locked");
    assert_ne!(token_of(&refreshed), old);
    assert_eq!(
        locked_of(&refreshed),
        Some(true),
        "refresh unlocked the session"
    );
    assert!(is_locked(&client));
    assert_eq!(stored_locked(&o), Some(true));
    let token = await_js(client.access_token(JsValue::UNDEFINED))
        .await
        .expect("accessToken while locked");
    assert_eq!(token.as_string(), Some(token_of(&refreshed)));
    let r: web_sys::Response =
        await_js(client.fetch(format!("{base}/api/auth").into(), JsValue::UNDEFINED))
            .await
            .expect("fetch while locked")
            .unchecked_into();
    assert_eq!(r.status(), 200);
    let profiled = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(get_str(&profiled[0], "tokenUser").as_deref(), Some("999"));
    await_js(client.profile())
        .await
        .expect("profile while locked");
    assert!(is_locked(&client), "a call unlocked the session");
    assert_eq!(types(&events), ["initial", "refreshed"]);
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_background_refresh_goes_on_while_locked() {
    let t = tenant();
    // A 2 s token: the timer refreshes 1 s before expiry.
    config(&t, r#"{"tokenLifetime":2}"#).await;
    let (client, o) = locked_client(&t, "").await;
    let old = current_token(&client).unwrap();
    let (events, _) = listen(&client);
    let refreshed = wait_event(&events, "refreshed", 4000.0).await;
    assert!(
        refreshed.is_some(),
        "no background refresh while locked: {:?}",
        types(&events)
    );
    assert_ne!(current_token(&client).unwrap(), old);
    assert!(
        is_locked(&client) && stored_locked(&o) == Some(true),
        "refresh unlocked it"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_logout_works_while_locked() {
    let t = tenant();
    let (client, o) = locked_client(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    await_js(client.logout())
        .await
        .expect("logout while locked");
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    assert_eq!(types(&events), ["initial", "signedOut"]);
    assert_eq!(count(&t, PORTOS_LOGOUT).await, 1);
    client.dispose();
}

// ---------------------------------------------------------------------------
// The default client

#[wasm_bindgen_test]
async fn till_default_client_lock_unlock_and_approve() {
    // The default client is page-global, and default_client.rs checks it
    // before any configure. The runner goes in the wasm's export order:
    // when this test comes first it checks only not_configured (a configure
    // would break that test); after it, the whole story (as in
    // `tests/browser.sh default_client`, where it comes after).
    let t = tenant();
    if default_session_fn().is_err() {
        auth_error(
            &default_lock().expect_err("lock before configure"),
            "not_configured",
        );
        rejects_with(default_unlock("1234".into()), "not_configured").await;
        rejects_with(default_approve(manager(), storno()), "not_configured").await;
        assert!(requests(&t).await.is_empty());
        return;
    }
    configure(options(&t, "")).expect("configure");
    auth_error(
        &default_lock().expect_err("lock with no session"),
        "no_session",
    );
    await_js(default_login(portos_credentials()))
        .await
        .expect("login");
    default_lock().expect("lock");
    assert_eq!(locked_of(&default_session_fn().unwrap()), Some(true));
    let s = await_js(default_unlock("1234".into()))
        .await
        .expect("unlock");
    assert_eq!(locked_of(&s), Some(false));
    let a = await_js(default_approve(manager(), storno()))
        .await
        .expect("approve");
    assert_eq!(
        get_str(&get(&a, "user"), "userName").as_deref(),
        Some("300")
    );
    rejects_with(default_approve(marek(), storno()), "forbidden").await;
    await_js(default_logout()).await.unwrap();
}
