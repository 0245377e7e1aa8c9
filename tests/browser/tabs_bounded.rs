//! Duplicated tabs whose turn to refresh is not free (API.md "Tabs"): a
//! page script holding the Web Lock forever, a peer that never lets go, and
//! pages without Web Locks (insecure contexts), where the tabs take turns by
//! claims on their channel. Two clients on one sessionStorage record stand
//! for the two tabs, as in tabs.rs.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const MD_REFRESH: &str = "POST /metadefender/api/user/refreshToken";

fn eval(code: &str) -> JsValue {
    js_sys::eval(code).expect(code)
}

/// `navigator.locks` hidden, as on a plain-http: LAN page, until dropped.
struct NoWebLocks;

fn without_web_locks() -> NoWebLocks {
    eval("Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true })");
    assert_eq!(eval("navigator.locks"), JsValue::UNDEFINED);
    NoWebLocks
}

impl Drop for NoWebLocks {
    fn drop(&mut self) {
        eval("delete navigator.locks");
    }
}

/// A second client on the stored session of `options`, with `timeout`.
fn twin(options: &JsValue, timeout: u32) -> AuthClient {
    let o = json(&stringify(options));
    set(&o, "timeout", &timeout.into());
    AuthClient::new(o).unwrap()
}

/// `${storageKey}:${id}`: the session's channel and lock.
fn lock_name(options: &JsValue) -> String {
    let key = key_of(options);
    let id = get_str(&json(&stored(&key).unwrap()), "id").unwrap();
    format!("{key}:{id}")
}

async fn timed(p: js_sys::Promise) -> (Result<JsValue, JsValue>, f64) {
    let started = now();
    let r = await_js(p).await;
    (r, now() - started)
}

#[wasm_bindgen_test]
async fn a_lock_the_page_never_releases_delays_a_refresh_by_at_most_timeout() {
    let t = tenant();
    let (a, o, s) = signed_in(&t, r#","timeout":1500"#).await;
    let name = lock_name(&o);
    eval(&format!(
        "navigator.locks.request({name:?}, () => new Promise((r) => (globalThis.__posAuthLetGo = r)))"
    ));
    sleep(50).await;
    let (r, took) = timed(a.refresh()).await;
    eval("globalThis.__posAuthLetGo()");
    let refreshed = r.map_err(|e| code(&e)).expect("refresh without the lock");
    assert_ne!(token_of(&refreshed), token_of(&s));
    assert!((1400.0..4000.0).contains(&took), "took {took} ms");
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    a.dispose();
}

/// Tab b takes the turn, and its refresh stalls 3 s at the server; tab a
/// (timeout 1.5 s) refreshes without waiting for it, and b's late answer
/// (its token spent by a) leaves b holding a's rotation.
async fn a_peer_that_never_lets_go(locks: bool) {
    let _hidden = (!locks).then(without_web_locks);
    let t = tenant();
    let (b, o, s) = signed_in(&t, r#","timeout":8000"#).await;
    let a = twin(&o, 1500);
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","delayMs":3000}"#,
    )
    .await;
    let pb = b.refresh();
    sleep(300).await;
    let (r, took) = timed(a.refresh()).await;
    let new = token_of(&r.map_err(|e| code(&e)).expect("a's refresh"));
    assert_ne!(new, token_of(&s));
    assert!((1200.0..2900.0).contains(&took), "took {took} ms");
    let rb = await_js(pb).await.map_err(|e| code(&e));
    assert_eq!(rb.map(|s| token_of(&s)), Ok(new.clone()), "b's refresh");
    assert_eq!(current_token(&b), Some(new));
    assert_eq!(count(&t, PORTOS_REFRESH).await, 2);
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn a_peer_holding_the_lock_delays_a_refresh_by_at_most_timeout() {
    a_peer_that_never_lets_go(true).await;
}

#[wasm_bindgen_test]
async fn without_web_locks_a_peer_that_never_lets_go_delays_a_refresh_by_at_most_timeout() {
    a_peer_that_never_lets_go(false).await;
}

#[wasm_bindgen_test]
async fn without_web_locks_twins_refreshing_together_make_one_request() {
    let _hidden = without_web_locks();
    let t = tenant();
    let (a, o, s) = signed_in_to(&t, "metadefender", "").await;
    let b = AuthClient::new(o).unwrap();
    let (events_a, _) = listen(&a);
    let (events_b, _) = listen(&b);
    for round in 1..=3 {
        let (pa, pb) = (a.refresh(), b.refresh());
        let (ra, rb) = (await_js(pa).await, await_js(pb).await);
        let (ta, tb) = (ra.map(|s| token_of(&s)), rb.map(|s| token_of(&s)));
        assert!(
            ta.is_ok() && ta == tb,
            "round {round}: the tabs hold different tokens"
        );
        assert_ne!(ta.unwrap(), token_of(&s));
        assert_eq!(count(&t, MD_REFRESH).await, round, "refresh requests");
    }
    for events in [&events_a, &events_b] {
        assert!(event_of(events, "expired").is_none(), "{:?}", types(events));
    }
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn without_web_locks_a_tab_asking_while_its_peer_refreshes_takes_its_tokens() {
    let _hidden = without_web_locks();
    let t = tenant();
    let (a, o, _) = signed_in_to(&t, "metadefender", "").await;
    let b = AuthClient::new(o).unwrap();
    fault(
        &t,
        r#"{"method":"POST","path":"/metadefender/api/user/refreshToken","delayMs":500}"#,
    )
    .await;
    let pa = a.refresh();
    sleep(200).await;
    let tb = token_of(&await_js(b.refresh()).await.expect("b's refresh"));
    let ta = token_of(&await_js(pa).await.expect("a's refresh"));
    assert_eq!(ta, tb);
    assert_eq!(count(&t, MD_REFRESH).await, 1);
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn without_web_locks_a_peer_disposed_while_refreshing_gives_its_turn_back() {
    let _hidden = without_web_locks();
    let t = tenant();
    let (b, o, s) = signed_in(&t, "").await;
    let a = twin(&o, 10_000);
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","delayMs":3000}"#,
    )
    .await;
    let _ = b.refresh();
    sleep(300).await;
    let pa = a.refresh();
    sleep(100).await;
    b.dispose();
    let (r, took) = timed(pa).await;
    assert_ne!(token_of(&r.expect("a's refresh")), token_of(&s));
    assert!(took < 1500.0, "took {took} ms");
    a.dispose();
}
