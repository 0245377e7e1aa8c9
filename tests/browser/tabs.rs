//! Duplicated tabs, simulated by two clients on one sessionStorage record
//! (the same session id, so the same BroadcastChannel).

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen_test::wasm_bindgen_test;

/// Two clients holding the same stored session, as after "Duplicate tab".
async fn twins(t: &str) -> (AuthClient, AuthClient, String) {
    let (a, o, s) = signed_in(t, "").await;
    let b = AuthClient::new(o).unwrap();
    assert_eq!(current_token(&b), Some(token_of(&s)));
    (a, b, token_of(&s))
}

async fn until(mut f: impl FnMut() -> bool, ms: f64) -> bool {
    let deadline = now() + ms;
    while now() < deadline {
        if f() {
            return true;
        }
        sleep(20).await;
    }
    f()
}

#[wasm_bindgen_test]
async fn a_duplicated_tab_receives_the_rotated_token() {
    let t = tenant();
    let (a, b, old) = twins(&t).await;
    let (events_b, _) = listen(&b);
    let r = await_js(a.refresh()).await.unwrap();
    let new = token_of(&r);
    assert_ne!(new, old);
    assert!(
        until(
            || current_token(&b).as_deref() == Some(new.as_str()),
            1000.0
        )
        .await,
        "b still has the old token"
    );
    assert!(
        event_of(&events_b, "refreshed").is_some(),
        "b events {:?}",
        types(&events_b)
    );
    // b refreshes with the rotated refresh token, not the spent one.
    await_js(b.refresh()).await.expect("b's refresh after a's");
    assert!(!a.session().unwrap().is_null() && !b.session().unwrap().is_null());
    assert_eq!(count(&t, PORTOS_REFRESH).await, 2);
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn duplicated_tabs_refreshing_together_stay_signed_in() {
    let t = tenant();
    let (a, b, _) = twins(&t).await;
    let (events_a, _) = listen(&a);
    let (events_b, _) = listen(&b);
    let (pa, pb) = (a.refresh(), b.refresh());
    let ra = await_js(pa).await;
    let rb = await_js(pb).await;
    assert!(
        ra.is_ok() && rb.is_ok(),
        "a: {:?} b: {:?}",
        ra.err().map(|e| code(&e)),
        rb.err().map(|e| code(&e))
    );
    assert!(event_of(&events_a, "expired").is_none() && event_of(&events_b, "expired").is_none());
    assert!(
        until(
            || current_token(&a).is_some() && current_token(&a) == current_token(&b),
            1000.0
        )
        .await,
        "the tabs hold different tokens"
    );
    await_js(a.profile()).await.expect("a's token works");
    await_js(b.profile()).await.expect("b's token works");
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn logout_in_one_tab_signs_out_the_duplicate() {
    let t = tenant();
    let (a, b, _) = twins(&t).await;
    let (events_b, _) = listen(&b);
    await_js(a.logout()).await.unwrap();
    assert!(
        until(|| b.session().unwrap().is_null(), 1000.0).await,
        "b is still signed in"
    );
    assert!(
        event_of(&events_b, "signedOut").is_some(),
        "b events {:?}",
        types(&events_b)
    );
    assert_eq!(count(&t, PORTOS_LOGOUT).await, 1, "b sent its own logout");
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn tabs_with_different_sessions_do_not_affect_each_other() {
    let t = tenant();
    let (a, _, _) = signed_in(&t, "").await;
    let (b, _, sb) = signed_in(&t, "").await;
    await_js(a.refresh()).await.unwrap();
    await_js(a.logout()).await.unwrap();
    sleep(50).await;
    assert_eq!(current_token(&b), Some(token_of(&sb)));
    b.dispose();
}
