//! `accessToken({ minValidity })`: the token for transports that are not
//! `fetch`, refreshed first on the shared single flight when it is about to
//! expire; what a failed or rejected refresh gives; CashDesk's expiry.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

fn min_validity(seconds: f64) -> JsValue {
    obj(&[("minValidity", seconds.into())])
}

#[wasm_bindgen_test]
async fn a_fresh_token_is_returned_without_a_request() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    let token = await_js(client.access_token(JsValue::UNDEFINED))
        .await
        .unwrap();
    assert_eq!(token.as_string(), Some(token_of(&s)));
    assert!(!token_of(&s).starts_with("Bearer"));
    assert_eq!(
        count(&t, PORTOS_REFRESH).await,
        0,
        "a fresh token was refreshed"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_thousand_calls_inside_min_validity_make_one_refresh() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, r#","autoRefresh":false"#).await;
    let calls: Vec<_> = (0..1000)
        .map(|_| client.access_token(min_validity(3600.0)))
        .collect();
    let mut tokens = Vec::new();
    for call in calls {
        tokens.push(
            await_js(call)
                .await
                .expect("accessToken")
                .as_string()
                .unwrap(),
        );
    }
    assert_eq!(
        count(&t, PORTOS_REFRESH).await,
        1,
        "refresh requests for 1,000 concurrent calls"
    );
    let new = current_token(&client).unwrap();
    assert_ne!(new, token_of(&s));
    assert!(
        tokens.iter().all(|t| *t == new),
        "a call resolved with another token than the refreshed one"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn the_default_validity_is_the_refresh_margin() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let (client, _, s) = signed_in(&t, r#","autoRefresh":false"#).await;
    // Outside the margin (half of the 4 s life): as it is.
    assert_eq!(
        await_js(client.access_token(JsValue::UNDEFINED))
            .await
            .unwrap()
            .as_string(),
        Some(token_of(&s))
    );
    assert_eq!(count(&t, PORTOS_REFRESH).await, 0);
    sleep(2300).await;
    let token = await_js(client.access_token(JsValue::UNDEFINED))
        .await
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(
        count(&t, PORTOS_REFRESH).await,
        1,
        "inside the margin, no refresh first"
    );
    assert_ne!(token, token_of(&s));
    // minValidity 0: only an expired token would be refreshed.
    assert_eq!(
        await_js(client.access_token(min_validity(0.0)))
            .await
            .unwrap()
            .as_string(),
        Some(token)
    );
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_failed_refresh_gives_the_unexpired_token_and_keeps_the_session() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, r#","autoRefresh":false"#).await;
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","status":503}"#,
    )
    .await;
    let token = await_js(client.access_token(min_validity(3600.0)))
        .await
        .expect("the unexpired token");
    assert_eq!(token.as_string(), Some(token_of(&s)));
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    assert_eq!(
        current_token(&client),
        Some(token_of(&s)),
        "the session was not kept"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_failed_refresh_of_an_expired_token_rejects_with_its_error() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":1}"#).await;
    let (client, _, s) = signed_in(&t, r#","autoRefresh":false"#).await;
    sleep(1200).await;
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","status":503}"#,
    )
    .await;
    let e = rejects_with(client.access_token(JsValue::UNDEFINED), "server").await;
    assert_eq!(get(&e, "status").as_f64(), Some(503.0));
    assert_eq!(
        current_token(&client),
        Some(token_of(&s)),
        "a failed refresh ended the session"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_rejected_refresh_ends_the_session_then_rejects_session_expired() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, r#","autoRefresh":false"#).await;
    let (events, _) = listen(&client);
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","status":401}"#,
    )
    .await;
    rejects_with(client.access_token(min_validity(3600.0)), "session_expired").await;
    let expired = event_of(&events, "expired").expect("no expired event before the call settled");
    assert_eq!(code(&get(&expired, "error")), "session_expired");
    assert!(client.session().unwrap().is_null());
    rejects_with(client.access_token(JsValue::UNDEFINED), "no_session").await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn no_session_bad_options_and_disposed() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    rejects_with(client.access_token(JsValue::UNDEFINED), "no_session").await;
    await_js(client.login(portos_credentials())).await.unwrap();
    for bad in [
        "{\"minValidity\":-1}",
        "{\"minValidity\":\"30\"}",
        "{\"minValidty\":30}",
        "null",
        "30",
    ] {
        let e = rejects_with(client.access_token(json(bad)), "invalid_argument").await;
        assert!(
            get_str(&e, "message").unwrap().contains("inValid"),
            "{bad}: {}",
            stringify(&e)
        );
    }
    assert!(
        await_js(client.access_token(obj(&[("minValidity", JsValue::UNDEFINED)])))
            .await
            .is_ok(),
        "undefined counts as absent"
    );
    await_js(client.logout()).await.unwrap();
    rejects_with(client.access_token(JsValue::UNDEFINED), "no_session").await;
    client.dispose();
    rejects_with(client.access_token(JsValue::UNDEFINED), "disposed").await;
}

#[wasm_bindgen_test]
async fn cashdesk_gives_its_token_until_it_expires_then_none() {
    let t = tenant();
    // 3 s, not 1: on a loaded machine the sign-in alone once took a second.
    config(&t, r#"{"tokenLifetime":3}"#).await;
    let (client, _, s) = signed_in_to(&t, "cashdesk", "").await;
    let (events, _) = listen(&client);
    let token = await_js(client.access_token(min_validity(3600.0)))
        .await
        .expect("CashDesk's unexpired token");
    assert_eq!(
        token.as_string(),
        Some(token_of(&s)),
        "CashDesk cannot refresh: its token as it is"
    );
    // Past its expiry the session ends (by the timer here, or by the first
    // call that finds it over): one `expired`, and no token after it.
    let expires = num(&s, "expiresAt").unwrap();
    sleep((expires - now() + 200.0).max(0.0) as i32).await;
    let e = rejects(client.access_token(JsValue::UNDEFINED)).await;
    assert!(
        ["no_session", "session_expired"].contains(&code(&e).as_str()),
        "{}",
        stringify(&e)
    );
    assert_eq!(
        types(&events).iter().filter(|t| *t == "expired").count(),
        1,
        "events: {:?}",
        types(&events)
    );
    rejects_with(client.access_token(JsValue::UNDEFINED), "no_session").await;
    client.dispose();
}
