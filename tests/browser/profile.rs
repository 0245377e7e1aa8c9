//! profile(): the server's user, 403, 401 with one refresh, changed users.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn profile_sends_the_bearer_and_maps_the_user() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, r#","headers":{"Accept-Language":"sk"}"#).await;
    let p = await_js(client.profile()).await.unwrap();
    assert_eq!(get_str(&p, "name").as_deref(), Some("Majiteľ"));
    assert_eq!(get_str(&get(&p, "device"), "name").as_deref(), Some("P01"));
    assert_eq!(get_str(&get(&p, "raw"), "userName").as_deref(), Some("999"));
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(gets.len(), 1);
    assert_eq!(
        header(&gets[0], "authorization"),
        Some(format!("Bearer {}", token_of(&s)))
    );
    assert_eq!(
        header(&gets[0], "accept").as_deref(),
        Some("application/json")
    );
    assert_eq!(header(&gets[0], "accept-language").as_deref(), Some("sk"));
    client.dispose();
}

#[wasm_bindgen_test]
async fn profile_without_a_session_is_no_session() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    rejects_with(client.profile(), "no_session").await;
    rejects_with(client.refresh(), "no_session").await;
    assert!(requests(&t).await.is_empty());
}

#[wasm_bindgen_test]
async fn forbidden_profile_keeps_the_session() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    fault(&t, r#"{"method":"GET","path":"/portos/api/auth","status":403,"body":{"title":"Forbidden","status":403,"detail":"Nemáte oprávnenie.","errorCode":403}}"#).await;
    let e = rejects_with(client.profile(), "forbidden").await;
    assert_eq!(num(&e, "status"), Some(403.0));
    assert_eq!(
        get_str(&e, "message").as_deref(),
        Some("Nemáte oprávnenie.")
    );
    assert_eq!(num(&e, "errorCode"), Some(403.0));
    assert_eq!(current_token(&client), Some(token_of(&s)));
    assert_eq!(types(&events), ["initial"]);
    assert_eq!(count(&t, PORTOS_REFRESH).await, 0);
    client.dispose();
}

#[wasm_bindgen_test]
async fn unauthorized_profile_refreshes_once_and_retries() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    fault(&t, r#"{"method":"GET","path":"/portos/api/auth","status":401,"body":{"title":"Unauthorized","status":401}}"#).await;
    let p = await_js(client.profile())
        .await
        .expect("profile after one refresh");
    assert_eq!(get_str(&p, "userName").as_deref(), Some("999"));
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    assert_eq!(count(&t, PORTOS_PROFILE).await, 2);
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    let new = current_token(&client).unwrap();
    assert_ne!(new, token_of(&s));
    assert_eq!(
        header(&gets[1], "authorization"),
        Some(format!("Bearer {new}"))
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn unauthorized_profile_twice_ends_the_session() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    fault(
        &t,
        r#"{"method":"GET","path":"/portos/api/auth","status":401,"times":2}"#,
    )
    .await;
    rejects_with(client.profile(), "session_expired").await;
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    assert_eq!(count(&t, PORTOS_PROFILE).await, 2);
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    assert!(event_of(&events, "expired").is_some());
    client.dispose();
}

#[wasm_bindgen_test]
async fn changed_user_is_stored_and_reported() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    let before = client.session().unwrap();
    fault(&t, r#"{"method":"GET","path":"/portos/api/auth","status":200,"body":{"id":"635f7ae3072edfeae7c26a1e","isVirtual":false,"name":"Majiteľ Nový","userName":"999","featureName":null,"rights":["admin","reports"],"device":{"name":"P01","envName":"CashRegister","description":"P01","preferences":{},"settings":{"DefaultStockName":"S02"}}}}"#).await;
    let p = await_js(client.profile()).await.unwrap();
    assert_eq!(get_str(&p, "name").as_deref(), Some("Majiteľ Nový"));
    assert_eq!(types(&events), ["initial", "userUpdated"]);
    let ev = events.borrow()[1].clone();
    assert_eq!(
        get_str(&get(&get(&ev, "session"), "user"), "name").as_deref(),
        Some("Majiteľ Nový")
    );
    let now_session = client.session().unwrap();
    assert!(
        !js_sys::Object::is(&before, &now_session),
        "session() is the old object"
    );
    assert_eq!(
        stringify(&get(&get(&now_session, "user"), "rights")),
        r#"["admin","reports"]"#
    );
    assert!(
        stored(&key_of(&o)).unwrap().contains("Majiteľ Nový"),
        "the new user is not stored"
    );
    // Back to the server's user is one more change; asking again then reports nothing.
    await_js(client.profile()).await.unwrap();
    await_js(client.profile()).await.unwrap();
    assert_eq!(
        types(&events),
        ["initial", "userUpdated", "userUpdated"],
        "back to the original user is a change too"
    );
    client.dispose();
}
