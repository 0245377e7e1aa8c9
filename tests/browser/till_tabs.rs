//! The till across duplicated tabs, modelled as in tabs.rs: two clients on
//! one sessionStorage record (the same session id, so the same channel).
//! Lock state and the wrong-password count are shared like the tokens.

use crate::support::*;
use crate::till::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// Two clients holding the same stored session, as after "Duplicate tab";
/// `b` takes `b_extra` over the shared options (e.g. another `idleLock`).
async fn twins(t: &str, extra: &str, b_extra: &str) -> (AuthClient, AuthClient, JsValue) {
    let (a, o, s) = signed_in(t, extra).await;
    let b_options = js_sys::Object::assign(&js_sys::Object::new(), o.unchecked_ref());
    js_sys::Object::assign(&b_options, json(&format!("{{{b_extra}}}")).unchecked_ref());
    let b = AuthClient::new(b_options.into()).unwrap();
    assert_eq!(current_token(&b), Some(token_of(&s)));
    (a, b, o)
}

#[wasm_bindgen_test]
async fn till_tabs_lock_in_one_tab_locks_the_duplicate() {
    let t = tenant();
    let (a, b, _) = twins(&t, "", "").await;
    let (events_b, _) = listen(&b);
    microtasks().await;
    lock(&a);
    assert!(until(|| is_locked(&b), 1000.0).await, "b did not lock");
    assert_eq!(types(&events_b), ["initial", "locked"]);
    assert_eq!(current_token(&b), current_token(&a));
    // Locking b, already locked, does nothing.
    b.lock().unwrap();
    sleep(50).await;
    assert_eq!(types(&events_b), ["initial", "locked"]);
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn till_tabs_unlock_in_one_tab_unlocks_the_duplicate_with_the_new_tokens() {
    let t = tenant();
    let (a, b, _) = twins(&t, "", "").await;
    lock(&a);
    assert!(until(|| is_locked(&b), 1000.0).await, "b did not lock");
    let (events_b, _) = listen(&b);
    microtasks().await;
    let s = await_js(a.unlock("1234".into()))
        .await
        .expect("unlock in a");
    let new = token_of(&s);
    assert!(
        until(
            || !is_locked(&b) && current_token(&b).as_deref() == Some(new.as_str()),
            1000.0
        )
        .await,
        "b is still locked or has the old token"
    );
    assert_eq!(types(&events_b), ["initial", "unlocked"], "b's events");
    // b goes on with the continued session: its refresh works.
    await_js(b.refresh())
        .await
        .expect("b's refresh after a's unlock");
    // An offline unlock (same tokens) reaches b as well.
    lock(&b);
    assert!(until(|| is_locked(&a), 1000.0).await, "a did not lock");
    offline(&t).await;
    await_js(a.unlock("1234".into()))
        .await
        .expect("offline unlock in a");
    assert!(until(|| !is_locked(&b), 1000.0).await, "b stayed locked");
    online(&t).await;
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn till_tabs_too_many_attempts_in_one_tab_sign_out_the_duplicate() {
    let t = tenant();
    let (a, b, o) = twins(&t, r#","unlockAttempts":2"#, "").await;
    lock(&a);
    let (events_b, _) = listen(&b);
    rejects_with(a.unlock("wrong".into()), "invalid_credentials").await;
    rejects_with(a.unlock("wrong".into()), "too_many_attempts").await;
    assert!(
        until(|| b.session().unwrap().is_null(), 1000.0).await,
        "b is still signed in"
    );
    let signed_out = wait_event(&events_b, "signedOut", 1000.0)
        .await
        .expect("b: no signedOut");
    assert!(get(&signed_out, "session").is_null());
    auth_error(&get(&signed_out, "error"), "too_many_attempts");
    assert_eq!(stored(&key_of(&o)), None);
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn till_tabs_share_the_wrong_password_count() {
    let t = tenant();
    let (a, b, o) = twins(&t, r#","unlockAttempts":3"#, "").await;
    lock(&a);
    assert!(until(|| is_locked(&b), 1000.0).await);
    rejects_with(a.unlock("wrong".into()), "invalid_credentials").await;
    rejects_with(b.unlock("wrong".into()), "invalid_credentials").await;
    assert!(
        until(|| failed_unlocks(&o) == Some(2.0), 1000.0).await,
        "b did not count on a's attempt: {:?}",
        failed_unlocks(&o)
    );
    let (events_b, _) = listen(&b);
    rejects_with(a.unlock("wrong".into()), "too_many_attempts").await;
    assert!(
        wait_event(&events_b, "signedOut", 1000.0).await.is_some(),
        "b: no signedOut"
    );
    assert!(a.session().unwrap().is_null() && b.session().unwrap().is_null());
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn till_tabs_count_both_of_two_wrong_passwords_typed_at_once() {
    let t = tenant();
    let (a, b, o) = twins(&t, r#","unlockAttempts":5"#, "").await;
    lock(&a);
    assert!(until(|| is_locked(&b), 1000.0).await);
    // Both requests in flight together: each tab counts 1 and tells the
    // other, which must count it on top of its own.
    let (at_a, at_b) = (a.unlock("wrong".into()), b.unlock("wrong".into()));
    rejects_with(at_a, "invalid_credentials").await;
    rejects_with(at_b, "invalid_credentials").await;
    assert!(
        until(|| failed_unlocks(&o) == Some(2.0), 1000.0).await,
        "two wrong passwords, counted {:?}",
        failed_unlocks(&o)
    );
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn till_tabs_an_idle_lock_in_one_tab_locks_the_duplicate() {
    let t = tenant();
    // Only a has the idle lock; b, without it, locks with the session.
    let (a, b, _) = twins(&t, r#","idleLock":1"#, r#""idleLock":0"#).await;
    // The verifier's derivation blocks the page after the sign-in (see
    // till_idle's after_the_verifier): the first poll waits for it.
    assert!(until(|| is_locked(&a), 5000.0).await, "a did not idle-lock");
    assert!(
        until(|| is_locked(&b), 1000.0).await,
        "b did not lock with a"
    );
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn till_tabs_with_another_session_are_not_touched() {
    let t = tenant();
    let (a, _, _) = signed_in(&t, "").await;
    let (b, _, _) = signed_in(&t, "").await;
    let (events_b, _) = listen(&b);
    lock(&a);
    await_js(a.unlock("1234".into())).await.unwrap();
    lock(&a);
    sleep(100).await;
    assert!(!is_locked(&b));
    assert_eq!(types(&events_b), ["initial"]);
    a.dispose();
    b.dispose();
}
