//! Refresh: explicit, shared, automatic, failures, and clock skew.

use crate::support::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn refresh_returns_a_new_token_after_one_request() {
    let t = tenant();
    let (client, o, s) = signed_in(&t, "").await;
    let (old, r, body) = refresh_and_check(&t, &client, &o, &s, "/portos/api/auth/refresh").await;
    assert_eq!(get_str(&body, "tokenId"), Some(old));
    assert!(get_str(&body, "refreshToken").is_some_and(|r| !r.is_empty()));
    // The new token works; the user is kept.
    assert_eq!(
        get_str(&get(&r, "user"), "name").as_deref(),
        Some("Majiteľ")
    );
    await_js(client.profile())
        .await
        .expect("profile with the new token");
    client.dispose();
}

#[wasm_bindgen_test]
async fn concurrent_refresh_profile_and_fetch_share_one_refresh() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let (client, _, s) = signed_in(&t, r#","autoRefresh":false"#).await;
    let old = token_of(&s);
    sleep(2300).await; // inside the margin (half of the lifetime), still valid
    assert_eq!(
        count(&t, PORTOS_REFRESH).await,
        0,
        "autoRefresh false refreshed"
    );
    let url = format!("{t}/portos/api/auth");
    let calls = [
        client.refresh(),
        client.profile(),
        client.fetch(url.into(), JsValue::UNDEFINED),
        client.refresh(),
    ];
    let mut results = Vec::new();
    for c in calls {
        results.push(await_js(c).await.expect("a concurrent call failed"));
    }
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1, "refreshes sent");
    let new = current_token(&client).unwrap();
    assert_ne!(new, old);
    assert_eq!(token_of(&results[0]), new);
    assert_eq!(token_of(&results[3]), new);
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(gets.len(), 2);
    for g in &gets {
        assert_eq!(
            header(g, "authorization"),
            Some(format!("Bearer {new}")),
            "a call did not wait for the shared refresh"
        );
    }
    client.dispose();
}

#[wasm_bindgen_test]
async fn automatic_refresh_happens_at_half_life() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let (client, _, s) = signed_in(&t, "").await;
    let start = now();
    let (events, _) = listen(&client);
    let refreshed = wait_event(&events, "refreshed", 3500.0)
        .await
        .expect("no refreshed event within 3.5 s");
    let elapsed = now() - start;
    assert!(
        (900.0..3200.0).contains(&elapsed),
        "refreshed after {elapsed} ms"
    );
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    assert_ne!(token_of(&get(&refreshed, "session")), token_of(&s));
    client.dispose();
}

#[wasm_bindgen_test]
async fn rejected_refresh_ends_the_session() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    control(&t, "POST", "revoke", None).await;
    let p = client.refresh();
    let order = events.clone();
    let mark = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        order.borrow_mut().push(json(r#"{"type":"settled"}"#))
    });
    let _side = p.catch(&mark);
    rejects_with(p, "session_expired").await;
    rejects_with(client.refresh(), "no_session").await;
    assert_eq!(types(&events), ["initial", "expired", "settled"]);
    let expired = events.borrow()[1].clone();
    assert!(get(&expired, "session").is_null());
    auth_error(&get(&expired, "error"), "session_expired");
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None, "storage not cleared");
    client.dispose();
}

#[wasm_bindgen_test]
async fn rejected_refresh_rejects_with_session_expired() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    control(&t, "POST", "revoke", None).await;
    let e = rejects_with(client.refresh(), "session_expired").await;
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    client.dispose();
}

#[wasm_bindgen_test]
async fn server_error_on_refresh_keeps_the_session_and_retries_in_the_background() {
    let t = tenant();
    let (client, o, s) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth/refresh","status":503,"body":{"title":"busy"}}"#).await;
    let e = rejects_with(client.refresh(), "server").await;
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    assert_eq!(num(&e, "status"), Some(503.0));
    assert_eq!(get_str(&e, "message").as_deref(), Some("busy"));
    assert_eq!(
        current_token(&client),
        Some(token_of(&s)),
        "session not kept"
    );
    assert!(stored(&key_of(&o)).unwrap().contains(&token_of(&s)));
    wait_event(&events, "refreshed", 3000.0)
        .await
        .expect("the background did not retry");
    assert!(count(&t, PORTOS_REFRESH).await >= 2);
    assert_ne!(current_token(&client), Some(token_of(&s)));
    assert!(event_of(&events, "expired").is_none());
    client.dispose();
}

#[wasm_bindgen_test]
async fn background_refresh_failure_fires_expiring_with_the_error() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let (client, _, s) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","status":503}"#,
    )
    .await;
    let expiring = wait_event(&events, "expiring", 3500.0)
        .await
        .expect("no expiring event");
    auth_error(&get(&expiring, "error"), "server");
    assert_eq!(token_of(&get(&expiring, "session")), token_of(&s));
    wait_event(&events, "refreshed", 3000.0)
        .await
        .expect("no refreshed after the retry");
    assert_eq!(
        types(&events).iter().filter(|t| *t == "expiring").count(),
        1
    );
    assert_eq!(count(&t, PORTOS_REFRESH).await, 2);
    client.dispose();
}

#[wasm_bindgen_test]
async fn rate_limited_refresh_carries_retry_after() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth/refresh","status":429,"headers":{"Retry-After":"2"},"body":{"title":"Too many"}}"#).await;
    let e = rejects_with(client.refresh(), "rate_limited").await;
    assert_eq!(num(&e, "retryAfter"), Some(2.0));
    assert_eq!(num(&e, "status"), Some(429.0));
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    assert_eq!(current_token(&client), Some(token_of(&s)));
    sleep(1500).await;
    assert_eq!(
        count(&t, PORTOS_REFRESH).await,
        1,
        "retried sooner than Retry-After"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn slow_refresh_is_timeout() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, r#","timeout":1000"#).await;
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth/refresh","delayMs":3000,"status":200,"body":{}}"#).await;
    let start = now();
    let e = rejects_with(client.refresh(), "timeout").await;
    assert!(now() - start < 2500.0, "took {} ms", now() - start);
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    assert_eq!(current_token(&client), Some(token_of(&s)));
    client.dispose();
}

#[wasm_bindgen_test]
async fn slow_login_is_timeout() {
    let t = tenant();
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth","delayMs":3000}"#,
    )
    .await;
    let client = pos_auth::web::AuthClient::new(options(&t, r#","timeout":1000"#)).unwrap();
    let start = now();
    rejects_with(client.login(portos_credentials()), "timeout").await;
    assert!(now() - start < 2500.0, "took {} ms", now() - start);
    assert!(client.session().unwrap().is_null());
}

#[wasm_bindgen_test]
async fn dropped_connection_is_network() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","action":"drop","times":0}"#,
    )
    .await;
    let e = rejects_with(client.refresh(), "network").await;
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    assert!(get(&e, "status").is_null());
    assert_eq!(current_token(&client), Some(token_of(&s)));
    client.dispose();
    control(&t, "DELETE", "fault", None).await;
}

#[wasm_bindgen_test]
async fn server_ten_minutes_ahead_expiry_is_on_the_local_clock() {
    let t = tenant();
    config(&t, r#"{"clockOffset":600,"tokenLifetime":300}"#).await;
    let before = now();
    let (client, _, s) = signed_in(&t, "").await;
    let expires = num(&s, "expiresAt").unwrap();
    assert!(
        (expires - (before + 300_000.0)).abs() < 2000.0,
        "expiresAt is {} s from local now+300s",
        (expires - before - 300_000.0) / 1000.0
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn server_ten_minutes_ahead_still_refreshes_on_time() {
    assert_refreshes_on_time_with_server_offset(600).await;
}

#[wasm_bindgen_test]
async fn server_ten_minutes_behind_does_not_refresh_at_once() {
    assert_refreshes_on_time_with_server_offset(-600).await;
}

/// A 4 s token from a server whose clock is `offset_s` off: the expiry is on
/// the local clock, and the refresh comes at half-life, neither at once nor late.
async fn assert_refreshes_on_time_with_server_offset(offset_s: i32) {
    let t = tenant();
    config(
        &t,
        &format!(r#"{{"clockOffset":{offset_s},"tokenLifetime":4}}"#),
    )
    .await;
    let before = now();
    let (client, _, s) = signed_in(&t, "").await;
    let expires = num(&s, "expiresAt").unwrap();
    assert!(
        (expires - (before + 4000.0)).abs() < 2000.0,
        "expiresAt off by {} ms",
        expires - before - 4000.0
    );
    let (events, _) = listen(&client);
    sleep(700).await;
    assert_eq!(count(&t, PORTOS_REFRESH).await, 0, "refreshed too early");
    let refreshed = wait_event(&events, "refreshed", 3000.0)
        .await
        .expect("no refresh on time");
    let elapsed = now() - before;
    assert!(elapsed < 3300.0, "refreshed after {elapsed} ms");
    let next = num(&get(&refreshed, "session"), "expiresAt").unwrap();
    assert!(
        (next - (now() + 4000.0)).abs() < 2000.0,
        "refreshed expiresAt off by {} ms",
        next - now() - 4000.0
    );
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    client.dispose();
}

#[wasm_bindgen_test]
async fn refresh_rejected_with_400_or_403_ends_the_session() {
    for status in [400, 403] {
        let t = tenant();
        let (client, o, _) = signed_in(&t, "").await;
        let (events, _) = listen(&client);
        fault(&t, &format!(r#"{{"method":"POST","path":"/portos/api/auth/refresh","status":{status},"body":{{"title":"no"}}}}"#)).await;
        rejects_with(client.refresh(), "session_expired").await;
        assert!(
            client.session().unwrap().is_null(),
            "{status} kept the session"
        );
        assert_eq!(stored(&key_of(&o)), None);
        assert!(event_of(&events, "expired").is_some());
        client.dispose();
    }
}

#[wasm_bindgen_test]
async fn refresh_with_a_bad_answer_keeps_the_session() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, r#","autoRefresh":false"#).await;
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth/refresh","status":200,"body":{"tokenId":5,"refreshToken":"r"}}"#).await;
    let e = rejects_with(client.refresh(), "bad_response").await;
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert_eq!(current_token(&client), Some(token_of(&s)));
    await_js(client.refresh())
        .await
        .expect("a later refresh works");
    client.dispose();
}

#[wasm_bindgen_test]
async fn retry_after_as_an_http_date() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, r#","autoRefresh":false"#).await;
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth/refresh","status":503,"headers":{"Date":"Wed, 21 Oct 2015 07:28:00 GMT","Retry-After":"Wed, 21 Oct 2015 07:28:05 GMT"}}"#).await;
    let e = rejects_with(client.refresh(), "server").await;
    assert_eq!(num(&e, "retryAfter"), Some(5.0));
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_refresh_answered_after_logout_is_discarded() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth/refresh","delayMs":600,"status":200,"body":{"tokenId":"stale.token.answer","refreshToken":"stale-refresh"}}"#).await;
    let p = client.refresh();
    sleep(100).await;
    await_js(client.logout()).await.unwrap();
    let _ = await_js(p).await;
    sleep(50).await;
    assert!(
        client.session().unwrap().is_null(),
        "a stale refresh restored a session"
    );
    assert_eq!(stored(&key_of(&o)), None, "a stale refresh was stored");
    assert!(
        event_of(&events, "refreshed").is_none(),
        "events {:?}",
        types(&events)
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_refresh_answered_after_a_new_login_is_discarded() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth/refresh","delayMs":600,"status":200,"body":{"tokenId":"stale.token.answer","refreshToken":"stale-refresh"}}"#).await;
    let p = client.refresh();
    sleep(100).await;
    let s2 = await_js(client.login(json(
        r#"{"userName":"100","password":"","deviceName":"P02"}"#,
    )))
    .await
    .unwrap();
    let _ = await_js(p).await;
    sleep(50).await;
    assert_eq!(
        current_token(&client),
        Some(token_of(&s2)),
        "a stale refresh replaced the new login"
    );
    assert!(
        !stored(&key_of(&o)).unwrap().contains("stale"),
        "a stale refresh was stored"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn without_auto_refresh_expiring_fires_once_and_the_session_lives_on() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let start = now();
    let (client, _, s) = signed_in(&t, r#","autoRefresh":false"#).await;
    let (events, _) = listen(&client);
    let expiring = wait_event(&events, "expiring", 3500.0)
        .await
        .expect("no expiring event");
    let elapsed = now() - start;
    assert!(
        (900.0..3300.0).contains(&elapsed),
        "expiring after {elapsed} ms"
    );
    assert!(
        get(&expiring, "error").is_undefined(),
        "expiring without a failure carries an error"
    );
    assert_eq!(token_of(&get(&expiring, "session")), token_of(&s));
    sleep(2500).await; // past expiresAt
    assert_eq!(
        count(&t, PORTOS_REFRESH).await,
        0,
        "autoRefresh false refreshed"
    );
    assert_eq!(types(&events), ["initial", "expiring"]);
    assert!(
        !client.session().unwrap().is_null(),
        "a refreshable session read as null"
    );
    // fetch refreshes first.
    let r: web_sys::Response =
        await_js(client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED))
            .await
            .unwrap()
            .unchecked_into();
    assert_eq!(r.status(), 200);
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    assert_eq!(
        count(&t, PORTOS_PROFILE).await,
        1,
        "fetch sent the expired token first"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn refresh_margin_moves_the_refresh_time() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let start = now();
    let (client, _, s) = signed_in(&t, r#","refreshMargin":0.5"#).await;
    let expires = num(&s, "expiresAt").unwrap();
    let (events, _) = listen(&client);
    sleep(((expires - 1200.0) - now()).max(0.0) as i32).await;
    assert_eq!(
        count(&t, PORTOS_REFRESH).await,
        0,
        "refreshed before expiresAt - refreshMargin"
    );
    wait_event(&events, "refreshed", 2500.0)
        .await
        .expect("no refresh near expiresAt - refreshMargin");
    let at = now();
    assert!(
        at > expires - 1100.0 && at < expires + 300.0,
        "refreshed {} ms before expiresAt (start {} ms ago)",
        expires - at,
        at - start
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_thirty_day_token_does_not_refresh_at_once() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":2592000}"#).await;
    let before = now();
    let (client, _, s) = signed_in(&t, "").await;
    let expires = num(&s, "expiresAt").unwrap();
    assert!((expires - (before + 2_592_000_000.0)).abs() < 2000.0);
    sleep(400).await;
    assert_eq!(
        count(&t, PORTOS_REFRESH).await,
        0,
        "a wait over 2^31-1 ms fired at once"
    );
    client.dispose();
}
