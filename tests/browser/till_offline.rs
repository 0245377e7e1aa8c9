//! The till, continued (PORTOS): the offline unlock with the verifier, the
//! wrong-password count and its limit, other failures of the login call,
//! and a change of cashier on a locked session.

use crate::support::*;
use crate::till::*;
use pos_auth::web::AuthClient;
use wasm_bindgen_test::wasm_bindgen_test;

// ---------------------------------------------------------------------------
// unlock(), offline

#[wasm_bindgen_test]
async fn till_offline_unlock_with_the_right_password_keeps_the_same_tokens() {
    let t = tenant();
    // Locked at once: the unlock may have to wait for the verifier.
    let (client, o) = locked_client(&t, "").await;
    let token = current_token(&client).unwrap();
    offline(&t).await;
    let (events, _) = listen(&client);
    microtasks().await;
    let s = await_js(client.unlock("1234".into()))
        .await
        .expect("offline unlock with the right password");
    assert_eq!(locked_of(&s), Some(false));
    assert!(is_current(&client, &s));
    assert_eq!(token_of(&s), token, "an offline unlock changed the tokens");
    assert_eq!(types(&events), ["initial", "unlocked"]);
    assert_eq!(stored_locked(&o), Some(false));
    assert!(stored(&key_of(&o)).unwrap().contains(&token));
    assert!(
        count(&t, PORTOS_LOGIN).await >= 2,
        "the unlock did not try online first"
    );
    // The verifier stays: a second offline unlock works too.
    lock(&client);
    let again = await_js(client.unlock("1234".into()))
        .await
        .expect("second offline unlock");
    assert_eq!(token_of(&again), token);
    online(&t).await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_offline_a_wrong_password_counts_one_and_rejects_invalid_credentials() {
    let t = tenant();
    let (client, o) = locked_client(&t, "").await;
    offline(&t).await;
    let (events, _) = listen(&client);
    microtasks().await;
    let session = client.session().unwrap();
    rejects_with(client.unlock("4321".into()), "invalid_credentials").await;
    assert!(
        is_current(&client, &session),
        "a wrong attempt made a new Session object"
    );
    assert!(is_locked(&client));
    assert_eq!(failed_unlocks(&o), Some(1.0));
    assert_eq!(
        types(&events),
        ["initial"],
        "a wrong attempt fired an event"
    );
    // The right one then opens it, offline, and resets the count.
    await_js(client.unlock("1234".into()))
        .await
        .expect("offline unlock");
    assert_eq!(failed_unlocks(&o), Some(0.0));
    assert_eq!(types(&events), ["initial", "unlocked"]);
    online(&t).await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_offline_a_timeout_of_the_login_call_goes_to_the_verifier() {
    let t = tenant();
    let (client, o) = locked_client(&t, r#","timeout":400"#).await;
    let token = current_token(&client).unwrap();
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth","delayMs":3000,"times":0}"#,
    )
    .await;
    rejects_with(client.unlock("wrong".into()), "invalid_credentials").await;
    assert_eq!(failed_unlocks(&o), Some(1.0));
    let s = await_js(client.unlock("1234".into()))
        .await
        .expect("unlock after a timeout");
    assert_eq!(token_of(&s), token);
    assert_eq!(locked_of(&s), Some(false));
    online(&t).await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_offline_after_a_reload_there_is_no_verifier_so_it_rejects_network_and_counts_nothing()
{
    let t = tenant();
    let (first, o) = locked_client(&t, "").await;
    // The reload: the page's client goes, a new one restores the session.
    first.dispose();
    let client = AuthClient::new(o.clone()).unwrap();
    assert!(is_locked(&client));
    offline(&t).await;
    let (events, _) = listen(&client);
    microtasks().await;
    let session = client.session().unwrap();
    for password in ["1234", "wrong"] {
        let e = rejects_with(client.unlock(password.into()), "network").await;
        assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    }
    assert_eq!(
        failed_unlocks(&o),
        Some(0.0),
        "an unlock without a verifier was counted"
    );
    assert!(is_current(&client, &session) && is_locked(&client));
    assert_eq!(types(&events), ["initial"]);
    // Back online, it unlocks; that unlock gives this client its verifier.
    online(&t).await;
    await_js(client.unlock("1234".into()))
        .await
        .expect("online unlock");
    lock(&client);
    offline(&t).await;
    let token = current_token(&client).unwrap();
    let s = await_js(client.unlock("1234".into()))
        .await
        .expect("the verifier of the online unlock");
    assert_eq!(token_of(&s), token);
    online(&t).await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_offline_after_a_change_of_cashier_only_the_new_cashiers_password_opens_it() {
    let t = tenant();
    let (client, o) = locked_client(&t, "").await;
    let jana = json(r#"{"userName":"200","password":"1111","deviceName":"P01"}"#);
    await_js(client.login(jana))
        .await
        .expect("change of cashier");
    lock(&client);
    offline(&t).await;
    rejects_with(client.unlock("1234".into()), "invalid_credentials").await;
    assert_eq!(failed_unlocks(&o), Some(1.0));
    let s = await_js(client.unlock("1111".into()))
        .await
        .expect("the new cashier's password");
    assert_eq!(
        get_str(&get(&s, "user"), "userName").as_deref(),
        Some("200")
    );
    online(&t).await;
    client.dispose();
}

// ---------------------------------------------------------------------------
// The wrong-password count

#[wasm_bindgen_test]
async fn till_unlock_attempts_wrong_passwords_in_a_row_end_the_session() {
    let t = tenant();
    // The default limit, 5.
    let (client, o) = locked_client(&t, "").await;
    let token = current_token(&client).unwrap();
    let (events, _) = listen(&client);
    microtasks().await;
    for n in 1..5 {
        rejects_with(
            client.unlock(format!("wrong{n}").into()),
            "invalid_credentials",
        )
        .await;
        assert_eq!(failed_unlocks(&o), Some(n as f64));
        assert!(is_locked(&client));
    }
    assert_eq!(types(&events), ["initial"]);
    forget(&t).await;
    let e = rejects_with(client.unlock("wrong5".into()), "too_many_attempts").await;
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert!(
        client.session().unwrap().is_null(),
        "the session did not end"
    );
    assert_eq!(stored(&key_of(&o)), None, "the record was not removed");
    assert_eq!(types(&events), ["initial", "signedOut"]);
    let signed_out = event_of(&events, "signedOut").unwrap();
    assert!(get(&signed_out, "session").is_null());
    auth_error(&get(&signed_out, "error"), "too_many_attempts");
    // It ends as logout() ends it: PORTOS DELETEs the token.
    let deleted = until_deleted(&t, &token).await;
    assert!(
        deleted,
        "the ended session's token was not DELETEd, as logout() does"
    );
    // Afterwards there is no session to unlock or lock; a login works.
    rejects_with(client.unlock("1234".into()), "no_session").await;
    auth_error(
        &client.lock().expect_err("lock after the end"),
        "no_session",
    );
    await_js(client.login(portos_credentials()))
        .await
        .expect("login after the end");
    assert!(!is_locked(&client) && failed_unlocks(&o) == Some(0.0));
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_too_many_attempts_offline_end_the_session_too() {
    let t = tenant();
    let (client, o) = locked_client(&t, r#","unlockAttempts":2"#).await;
    offline(&t).await;
    let (events, _) = listen(&client);
    rejects_with(client.unlock("wrong".into()), "invalid_credentials").await;
    rejects_with(client.unlock("wrong".into()), "too_many_attempts").await;
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    assert_eq!(
        event_error_code(&events, "signedOut").as_deref(),
        Some("too_many_attempts")
    );
    online(&t).await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_the_wrong_password_count_survives_a_reload() {
    let t = tenant();
    let (first, o) = locked_client(&t, r#","unlockAttempts":3"#).await;
    for _ in 0..2 {
        rejects_with(first.unlock("wrong".into()), "invalid_credentials").await;
    }
    first.dispose();
    let client = AuthClient::new(o.clone()).unwrap();
    assert_eq!(failed_unlocks(&o), Some(2.0));
    assert!(is_locked(&client));
    let (events, _) = listen(&client);
    rejects_with(client.unlock("wrong".into()), "too_many_attempts").await;
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    assert_eq!(
        event_error_code(&events, "signedOut").as_deref(),
        Some("too_many_attempts")
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_a_successful_unlock_resets_the_count() {
    let t = tenant();
    let (client, o) = locked_client(&t, r#","unlockAttempts":3"#).await;
    for round in 0..2 {
        for n in 1..3 {
            rejects_with(client.unlock("wrong".into()), "invalid_credentials").await;
            assert_eq!(failed_unlocks(&o), Some(n as f64), "round {round}");
        }
        await_js(client.unlock("1234".into()))
            .await
            .expect("unlock");
        assert_eq!(failed_unlocks(&o), Some(0.0), "round {round}: not reset");
        lock(&client);
    }
    client.dispose();
}

// ---------------------------------------------------------------------------
// Other failures of the login call

#[wasm_bindgen_test]
async fn till_other_failures_of_the_login_call_reject_with_that_error_and_count_nothing() {
    let t = tenant();
    // One attempt allowed: a failure counted by mistake would end the session.
    let (client, o) = locked_client(&t, r#","unlockAttempts":1"#).await;
    let (events, _) = listen(&client);
    microtasks().await;
    let session = client.session().unwrap();
    let text = stored(&key_of(&o));
    let rows = [
        (
            r#""status":500,"body":{"title":"boom"}"#,
            "server",
            Some(500.0),
        ),
        (r#""action":"html","status":503"#, "server", Some(503.0)),
        (
            r#""status":429,"headers":{"Retry-After":"7"}"#,
            "rate_limited",
            Some(429.0),
        ),
        (
            r#""status":200,"body":{"tokenId":5}"#,
            "bad_response",
            Some(200.0),
        ),
        (
            r#""status":400,"body":{"title":"Invalid","errors":[{"memberName":"Password","message":"Too short.","code":"MinLength"}]}"#,
            "validation",
            Some(400.0),
        ),
    ];
    for (members, code_, status) in rows {
        fault(
            &t,
            &format!(r#"{{"method":"POST","path":"/portos/api/auth",{members}}}"#),
        )
        .await;
        let e = rejects(client.unlock("1234".into())).await;
        assert_eq!(code(&e), code_, "fault {members}");
        auth_error(&e, code_);
        assert_eq!(num(&e, "status"), status, "fault {members}");
        if code_ == "rate_limited" {
            assert_eq!(num(&e, "retryAfter"), Some(7.0));
        }
        assert!(
            is_current(&client, &session),
            "fault {members}: a new Session object"
        );
        assert_eq!(
            stored(&key_of(&o)),
            text,
            "fault {members}: the record changed"
        );
    }
    assert_eq!(types(&events), ["initial"]);
    assert!(is_locked(&client));
    await_js(client.unlock("1234".into()))
        .await
        .expect("unlock once the server is back");
    client.dispose();
}

// ---------------------------------------------------------------------------
// Change of cashier

#[wasm_bindgen_test]
async fn till_login_on_a_locked_session_is_a_change_of_cashier() {
    let t = tenant();
    let (client, o) = locked_client(&t, "").await;
    rejects_with(client.unlock("wrong".into()), "invalid_credentials").await;
    let old = current_token(&client).unwrap();
    let (events, _) = listen(&client);
    microtasks().await;
    let marek = json(r#"{"userName":"200","password":"1111","deviceName":"P01"}"#);
    let s = await_js(client.login(marek))
        .await
        .expect("another cashier's login");
    assert_eq!(locked_of(&s), Some(false));
    assert!(is_current(&client, &s));
    assert_eq!(
        get_str(&get(&s, "user"), "userName").as_deref(),
        Some("200")
    );
    assert_eq!(
        types(&events),
        ["initial", "signedIn"],
        "not signedIn alone"
    );
    assert_eq!(stored_locked(&o), Some(false));
    assert_eq!(
        failed_unlocks(&o),
        Some(0.0),
        "the new cashier inherited the count"
    );
    assert!(!stored(&key_of(&o)).unwrap().contains(&old));
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_a_failed_login_on_a_locked_session_keeps_it_exactly_as_it_was() {
    let t = tenant();
    let (client, o) = locked_client(&t, "").await;
    rejects_with(client.unlock("wrong".into()), "invalid_credentials").await;
    let (events, _) = listen(&client);
    microtasks().await;
    let session = client.session().unwrap();
    let text = stored(&key_of(&o));
    let wrong = json(r#"{"userName":"200","password":"2222","deviceName":"P01"}"#);
    rejects_with(client.login(wrong), "invalid_credentials").await;
    let bad = json(r#"{"userName":"200","password":"1111"}"#);
    rejects_with(client.login(bad), "invalid_argument").await;
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth","status":500}"#,
    )
    .await;
    let marek = json(r#"{"userName":"200","password":"1111","deviceName":"P01"}"#);
    rejects_with(client.login(marek), "server").await;
    assert!(
        is_current(&client, &session),
        "a failed login made a new Session object"
    );
    assert_eq!(
        stored(&key_of(&o)),
        text,
        "a failed login changed the record"
    );
    assert_eq!(types(&events), ["initial"]);
    // Still the same cashier's till.
    let s = await_js(client.unlock("1234".into()))
        .await
        .expect("unlock");
    assert_eq!(
        get_str(&get(&s, "user"), "userName").as_deref(),
        Some("999")
    );
    client.dispose();
}
