//! onChange: `initial`, ordering, throwing listeners, unsubscribe; dispose().

use crate::support::*;
use pos_auth::web::AuthClient;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn initial_comes_in_a_microtask_once() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let (events, _) = listen(&client);
    assert!(
        events.borrow().is_empty(),
        "initial was delivered synchronously"
    );
    microtasks().await;
    assert_eq!(
        types(&events),
        ["initial"],
        "initial not delivered in a microtask"
    );
    assert!(get(&events.borrow()[0], "session").is_null());
    sleep(50).await;
    assert_eq!(
        types(&events),
        ["initial"],
        "initial delivered more than once"
    );
}

#[wasm_bindgen_test]
async fn initial_carries_the_current_session() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    assert_eq!(types(&events), ["initial"]);
    let session = get(&events.borrow()[0], "session");
    assert!(
        js_sys::Object::is(&session, &client.session().unwrap()),
        "initial's session !== session()"
    );
    // A second listener gets its own initial; the first gets no second one.
    let (second, _) = listen(&client);
    microtasks().await;
    assert_eq!(types(&second), ["initial"]);
    assert_eq!(types(&events), ["initial"]);
    client.dispose();
}

#[wasm_bindgen_test]
async fn listeners_run_after_the_commit_and_before_the_promise_settles() {
    let t = tenant();
    let o = options(&t, "");
    let key = key_of(&o);
    let client = Rc::new(AuthClient::new(o).unwrap());
    let log: Rc<RefCell<Vec<String>>> = Rc::default();
    let (l, c) = (log.clone(), client.clone());
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        let kind = get_str(&e, "type").unwrap_or_default();
        let current = c.session().unwrap();
        let same = js_sys::Object::is(&current, &get(&e, "session"));
        let in_storage = stored(&key).is_some();
        l.borrow_mut().push(format!(
            "{kind} session={} same={same} stored={in_storage}",
            !current.is_null()
        ));
    });
    client.on_change(listener.as_ref().clone()).unwrap();
    microtasks().await;
    let l = log.clone();
    let settled =
        Closure::<dyn FnMut(JsValue)>::new(move |_| l.borrow_mut().push("resolved".into()));
    let p = client.login(portos_credentials());
    let _side = p.then(&settled);
    await_js(p).await.unwrap();
    let l = log.clone();
    let out =
        Closure::<dyn FnMut(JsValue)>::new(move |_| l.borrow_mut().push("logout resolved".into()));
    let p = client.logout();
    let _side = p.then(&out);
    await_js(p).await.unwrap();
    assert_eq!(
        *log.borrow(),
        [
            "initial session=false same=true stored=false",
            "signedIn session=true same=true stored=true",
            "resolved",
            "signedOut session=false same=true stored=false",
            "logout resolved",
        ]
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_throwing_listener_does_not_stop_the_next() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let thrower = Closure::<dyn FnMut(JsValue) -> Result<(), JsValue>>::new(|_| {
        Err(js_sys::Error::new("listener failure (expected by the test)").into())
    });
    client.on_change(thrower.as_ref().clone()).unwrap();
    let (events, _) = listen(&client);
    microtasks().await;
    assert_eq!(
        types(&events),
        ["initial"],
        "the throw in initial stopped the next listener"
    );
    await_js(client.login(portos_credentials()))
        .await
        .expect("login despite a throwing listener");
    assert_eq!(types(&events), ["initial", "signedIn"]);
    assert!(!client.session().unwrap().is_null());
    client.dispose();
}

#[wasm_bindgen_test]
async fn unsubscribe_stops_delivery() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let (events, unsubscribe) = listen(&client);
    microtasks().await;
    unsubscribe.call0(&JsValue::NULL).unwrap();
    await_js(client.login(portos_credentials())).await.unwrap();
    await_js(client.logout()).await.unwrap();
    assert_eq!(types(&events), ["initial"]);
    // Unsubscribing twice is harmless; unsubscribing before initial prevents it.
    unsubscribe.call0(&JsValue::NULL).unwrap();
    let (early, off) = listen(&client);
    off.call0(&JsValue::NULL).unwrap();
    microtasks().await;
    sleep(10).await;
    assert!(
        types(&early).is_empty(),
        "initial after unsubscribe: {:?}",
        types(&early)
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn on_change_needs_a_function() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    for v in [JsValue::NULL, JsValue::UNDEFINED, 5.into(), obj(&[])] {
        let e = client
            .on_change(v)
            .expect_err("onChange accepted a non-function");
        auth_error(&e, "invalid_argument");
    }
    await_js(client.login(portos_credentials()))
        .await
        .expect("still works");
}

#[wasm_bindgen_test]
async fn disposed_client_refuses_every_call() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    client.dispose();
    let url: JsValue = format!("{t}/portos/api/auth").into();
    rejects_with(client.login(portos_credentials()), "disposed").await;
    rejects_with(client.profile(), "disposed").await;
    rejects_with(client.refresh(), "disposed").await;
    rejects_with(client.logout(), "disposed").await;
    rejects_with(client.fetch(url, JsValue::UNDEFINED), "disposed").await;
    auth_error(
        &client.session().expect_err("session() after dispose"),
        "disposed",
    );
    let f = Closure::<dyn FnMut(JsValue)>::new(|_| {});
    auth_error(
        &client
            .on_change(f.as_ref().clone())
            .expect_err("onChange after dispose"),
        "disposed",
    );
    let requests_before = requests(&t).await.len();
    assert_eq!(requests_before, 1, "a disposed client sent requests");
}

#[wasm_bindgen_test]
async fn dispose_is_idempotent_and_leaves_the_stored_session() {
    let t = tenant();
    let (client, o, s) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    client.dispose();
    client.dispose();
    assert!(
        stored(&key_of(&o)).unwrap().contains(&token_of(&s)),
        "dispose removed the stored session"
    );
    assert_eq!(types(&events), ["initial"], "dispose emitted an event");
    assert_eq!(count(&t, PORTOS_LOGOUT).await, 0);
    let again = AuthClient::new(o).unwrap();
    assert_eq!(current_token(&again), Some(token_of(&s)));
    again.dispose();
}

#[wasm_bindgen_test]
async fn no_timer_refresh_after_dispose() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let (client, _, _) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    client.dispose();
    sleep(3200).await;
    assert_eq!(
        count(&t, PORTOS_REFRESH).await,
        0,
        "a disposed client refreshed"
    );
    assert!(
        types(&events).is_empty(),
        "events after dispose: {:?}",
        types(&events)
    );
}

#[wasm_bindgen_test]
async fn dispose_aborts_a_refresh_in_flight() {
    let t = tenant();
    let (client, o, s) = signed_in(&t, "").await;
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","delayMs":800}"#,
    )
    .await;
    let p = client.refresh();
    sleep(100).await;
    client.dispose();
    let e = rejects(p).await;
    assert_eq!(code(&e), "disposed");
    sleep(900).await;
    assert!(
        stored(&key_of(&o)).unwrap().contains(&token_of(&s)),
        "a refresh answered after dispose changed the record"
    );
}

#[wasm_bindgen_test]
async fn a_listener_may_call_back_into_the_client() {
    let t = tenant();
    let client = Rc::new(AuthClient::new(options(&t, "")).unwrap());
    let (events, _) = listen(&client);
    let c = client.clone();
    let reentrant = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        if get_str(&e, "type").as_deref() == Some("signedIn") {
            let _ = c.session().unwrap();
            let _ = c.logout();
        }
    });
    client.on_change(reentrant.as_ref().clone()).unwrap();
    let _ = await_js(client.login(portos_credentials())).await;
    sleep(100).await;
    assert!(
        client.session().unwrap().is_null(),
        "the logout from a listener was lost"
    );
    assert!(
        types(&events).contains(&"signedOut".to_string()),
        "events {:?}",
        types(&events)
    );
    assert_eq!(count(&t, PORTOS_LOGOUT).await, 1);
    client.dispose();
}
