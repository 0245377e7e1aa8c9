//! logout(): the DELETE, the local session, and failures that do not matter.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn logout_deletes_with_the_bearer_and_signs_out() {
    let t = tenant();
    let (client, o, s) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    let result = await_js(client.logout()).await.expect("logout");
    assert!(result.is_undefined());
    let deletes = requests_to(&t, "DELETE", "/portos/api/auth").await;
    assert_eq!(deletes.len(), 1);
    assert_eq!(
        header(&deletes[0], "authorization"),
        Some(format!("Bearer {}", token_of(&s)))
    );
    assert_eq!(
        header(&deletes[0], "accept").as_deref(),
        Some("application/json")
    );
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    assert_eq!(types(&events), ["initial", "signedOut"]);
    let ev = events.borrow()[1].clone();
    assert!(get(&ev, "session").is_null());
    assert!(get(&ev, "error").is_undefined());
    // The server revoked it: the old token is dead.
    let init = web_sys::RequestInit::new();
    let h = web_sys::Headers::new().unwrap();
    h.set("Authorization", &format!("Bearer {}", token_of(&s)))
        .unwrap();
    init.set_headers(&h);
    let p = web_sys::window()
        .unwrap()
        .fetch_with_str_and_init(&format!("{t}/portos/api/auth"), &init);
    let r: web_sys::Response = wasm_bindgen::JsCast::unchecked_into(await_js(p).await.unwrap());
    assert_eq!(r.status(), 401, "the old token still works after logout");
    rejects_with(
        client.fetch(
            format!("{t}/portos/api/auth").into(),
            wasm_bindgen::JsValue::UNDEFINED,
        ),
        "no_session",
    )
    .await;
    rejects_with(client.profile(), "no_session").await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn logout_with_a_server_error_still_clears() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    fault(
        &t,
        r#"{"method":"DELETE","path":"/portos/api/auth","status":500,"body":{"title":"boom"}}"#,
    )
    .await;
    await_js(client.logout())
        .await
        .expect("logout must not reject on a 500");
    assert_eq!(count(&t, PORTOS_LOGOUT).await, 1);
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    assert!(event_of(&events, "signedOut").is_some());
    client.dispose();
}

#[wasm_bindgen_test]
async fn logout_with_a_dropped_connection_still_clears() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    fault(
        &t,
        r#"{"method":"DELETE","path":"/portos/api/auth","action":"drop","times":0}"#,
    )
    .await;
    await_js(client.logout())
        .await
        .expect("logout must not reject on a network error");
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    control(&t, "DELETE", "fault", None).await;
    client.dispose();
}

#[wasm_bindgen_test]
async fn logout_without_a_session_resolves() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let (events, _) = listen(&client);
    microtasks().await;
    await_js(client.logout())
        .await
        .expect("logout without a session");
    assert_eq!(types(&events), ["initial"]);
    assert!(requests(&t).await.is_empty());
}
