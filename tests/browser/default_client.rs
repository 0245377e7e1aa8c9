//! The default client. Its state is global to the page, so the whole story
//! is one test: not_configured first, then configure, use, reconfigure.

use crate::support::*;
use pos_auth::web::default_client::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn default_client_from_not_configured_to_reconfigured() {
    let t = tenant();
    let url: JsValue = format!("{t}/portos/api/auth").into();

    // Before configure: every function fails with not_configured.
    rejects_with(default_login(portos_credentials()), "not_configured").await;
    rejects_with(default_profile(), "not_configured").await;
    rejects_with(default_refresh(), "not_configured").await;
    rejects_with(default_logout(), "not_configured").await;
    rejects_with(
        default_auth_fetch(url.clone(), JsValue::UNDEFINED),
        "not_configured",
    )
    .await;
    rejects_with(default_access_token(JsValue::UNDEFINED), "not_configured").await;
    auth_error(
        &default_session_fn().expect_err("session() before configure"),
        "not_configured",
    );
    let noop = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    auth_error(
        &default_on_change(noop.as_ref().clone()).expect_err("onChange before configure"),
        "not_configured",
    );
    assert!(requests(&t).await.is_empty());

    // Bad options: invalid_argument, and still not configured.
    auth_error(
        &configure(json(r#"{"baseUrl":"http://pos.example"}"#)).expect_err("bad options"),
        "invalid_argument",
    );
    auth_error(
        &configure(JsValue::NULL).expect_err("null options"),
        "invalid_argument",
    );
    auth_error(
        &default_session_fn().expect_err("still not configured"),
        "not_configured",
    );

    // Configure and use it.
    configure(options(&t, "")).expect("configure");
    assert!(default_session_fn().unwrap().is_null());
    let events: Events = Default::default();
    let sink = events.clone();
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| sink.borrow_mut().push(e));
    default_on_change(listener.as_ref().clone()).unwrap();
    microtasks().await;
    assert_eq!(types(&events), ["initial"]);
    let s = await_js(default_login(portos_credentials()))
        .await
        .expect("default login");
    assert!(js_sys::Object::is(&s, &default_session_fn().unwrap()));
    let token = token_of(&s);
    assert_eq!(
        await_js(default_access_token(JsValue::UNDEFINED))
            .await
            .unwrap()
            .as_string(),
        Some(token.clone())
    );
    let p = await_js(default_profile()).await.expect("default profile");
    assert_eq!(get_str(&p, "userName").as_deref(), Some("999"));
    let r: web_sys::Response = await_js(default_auth_fetch(url.clone(), JsValue::UNDEFINED))
        .await
        .expect("authFetch")
        .unchecked_into();
    assert_eq!(r.status(), 200);
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(gets.len(), 2);
    assert_eq!(
        header(&gets[1], "authorization"),
        Some(format!("Bearer {token}"))
    );
    let r2 = await_js(default_refresh()).await.expect("default refresh");
    assert_ne!(token_of(&r2), token);
    await_js(default_logout()).await.expect("default logout");
    assert!(default_session_fn().unwrap().is_null());
    assert_eq!(count(&t, PORTOS_LOGOUT).await, 1);
    assert_eq!(
        types(&events),
        ["initial", "signedIn", "refreshed", "signedOut"]
    );

    // Reconfigure: the module-level listener stays and gets a new initial.
    let t2 = tenant();
    let o2 = options(&t2, "");
    {
        // A session already stored for the second configuration.
        let c = pos_auth::web::AuthClient::new(o2.clone()).unwrap();
        await_js(c.login(portos_credentials())).await.unwrap();
        c.dispose();
    }
    let stored_token = get_str(&json(&stored(&key_of(&o2)).unwrap()), "accessToken").unwrap();
    configure(o2).expect("second configure");
    microtasks().await;
    assert_eq!(
        types(&events),
        ["initial", "signedIn", "refreshed", "signedOut", "initial"]
    );
    let initial = events.borrow()[4].clone();
    assert_eq!(
        get_str(&get(&initial, "session"), "accessToken"),
        Some(stored_token.clone())
    );
    assert_eq!(
        get_str(&default_session_fn().unwrap(), "accessToken"),
        Some(stored_token)
    );
    await_js(default_logout()).await.unwrap();
    assert_eq!(types(&events).last().map(String::as_str), Some("signedOut"));
    assert_eq!(count(&t2, PORTOS_LOGOUT).await, 1);
    // The first client was disposed: nothing more reaches its tenant.
    let before = requests(&t).await.len();
    await_js(default_login(portos_credentials())).await.unwrap();
    assert_eq!(requests(&t).await.len(), before);
    await_js(default_logout()).await.unwrap();
}
