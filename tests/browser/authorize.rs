//! client.authorize: fetch's URL gate, refresh-first and 401 rules around a
//! transport of the caller's (pos-auth/angular's interceptor is one). The
//! `send` here behaves as HttpClient does: it rejects on a 401 with an
//! object whose `status` is 401.

use crate::support::*;
use js_sys::{Array, Function, Promise};
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// A `send(token, headers)` that GETs `url` with the bearer and headers
/// given, rejects `{ status, token }` on a 401, resolves `{ status, token }`
/// otherwise, and records each token it was handed in `calls`.
fn sender(url: &str) -> (Function, Array) {
    let calls = Array::new();
    let make = Function::new_with_args(
        "url, calls",
        "return (token, headers) => { calls.push(token); \
         const h = token === null ? {} : { ...headers, Authorization: `Bearer ${token}` }; \
         return fetch(url, { headers: h }).then((r) => r.status === 401 ? Promise.reject({ status: 401, token }) : { status: r.status, token }); }",
    );
    let send = make
        .call2(&JsValue::NULL, &url.into(), &calls)
        .unwrap()
        .unchecked_into();
    (send, calls)
}

fn authorize(client: &AuthClient, url: &str, send: &Function) -> Promise {
    client.authorize(url.into(), send.clone().into())
}

#[wasm_bindgen_test]
async fn authorize_gives_the_token_under_base_url_only() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, r#","headers":{"X-Till":"7"}"#).await;
    let url = format!("{t}/portos/api/auth");
    let (send, calls) = sender(&url);
    let answer = await_js(authorize(&client, &url, &send)).await.unwrap();
    assert_eq!(num(&answer, "status"), Some(200.0));
    assert_eq!(calls.get(0).as_string(), Some(token_of(&s)));
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(
        header(&gets[0], "x-till").as_deref(),
        Some("7"),
        "the headers option"
    );
    // Same server, another path: send(null), and nothing is added.
    let other = format!("{t}/cashdesk/elsewhere");
    let (send, calls) = sender(&other);
    let answer = await_js(authorize(&client, &other, &send)).await.unwrap();
    assert_eq!(num(&answer, "status"), Some(404.0));
    assert!(calls.get(0).is_null());
    assert_eq!(calls.length(), 1);
    client.dispose();
}

#[wasm_bindgen_test]
async fn authorize_without_a_session_is_no_session() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let url = format!("{t}/portos/api/auth");
    let (send, calls) = sender(&url);
    rejects_with(authorize(&client, &url, &send), "no_session").await;
    assert_eq!(calls.length(), 0, "nothing was sent");
    client.dispose();
}

#[wasm_bindgen_test]
async fn authorize_on_a_rejected_401_refreshes_once_and_retries() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    fault(
        &t,
        r#"{"method":"GET","path":"/portos/api/auth","status":401}"#,
    )
    .await;
    let url = format!("{t}/portos/api/auth");
    let (send, calls) = sender(&url);
    let answer = await_js(authorize(&client, &url, &send)).await.unwrap();
    assert_eq!(num(&answer, "status"), Some(200.0));
    let new = current_token(&client).unwrap();
    assert_ne!(new, token_of(&s));
    assert_eq!(calls.get(0).as_string(), Some(token_of(&s)));
    assert_eq!(calls.get(1).as_string(), Some(new));
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    client.dispose();
}

#[wasm_bindgen_test]
async fn authorize_401_on_the_retry_too_rejects_with_it_and_expires() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    fault(
        &t,
        r#"{"method":"GET","path":"/portos/api/auth","status":401,"times":2}"#,
    )
    .await;
    let url = format!("{t}/portos/api/auth");
    let (send, calls) = sender(&url);
    let failure = rejects(authorize(&client, &url, &send)).await;
    assert_eq!(
        num(&failure, "status"),
        Some(401.0),
        "send's own rejection, passed on"
    );
    assert_ne!(
        get_str(&failure, "token"),
        Some(token_of(&s)),
        "the retry's"
    );
    assert_eq!(calls.length(), 2);
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    assert!(client.session().unwrap().is_null());
    client.dispose();
}

#[wasm_bindgen_test]
async fn authorize_retries_with_a_token_that_changed_while_in_flight() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    fault(
        &t,
        r#"{"method":"GET","path":"/portos/api/auth","delayMs":600,"status":401}"#,
    )
    .await;
    let url = format!("{t}/portos/api/auth");
    let (send, calls) = sender(&url);
    let p = authorize(&client, &url, &send);
    sleep(150).await;
    let refreshed = await_js(client.refresh()).await.unwrap();
    let answer = await_js(p).await.unwrap();
    assert_eq!(num(&answer, "status"), Some(200.0));
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1, "no second refresh");
    assert_eq!(calls.get(0).as_string(), Some(token_of(&s)));
    assert_eq!(calls.get(1).as_string(), Some(token_of(&refreshed)));
    client.dispose();
}

#[wasm_bindgen_test]
async fn authorize_refuses_bad_input_as_a_rejection_for_every_url() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    let under = format!("{t}/portos/api/auth");
    let outside = format!("{}/elsewhere", tenant());
    for url in [&under, &outside] {
        for bad in [JsValue::from(42), JsValue::NULL, JsValue::UNDEFINED] {
            let e = rejects_with(client.authorize(url.into(), bad), "invalid_argument").await;
            assert!(
                get_str(&e, "message").unwrap().contains("function"),
                "{}",
                stringify(&e)
            );
        }
        // A send that throws at once rejects the call with what it threw.
        let throws = Function::new_no_args("throw 'thrown by send (expected by the test)';");
        let e = rejects(authorize(&client, url, &throws)).await;
        assert_eq!(
            e.as_string().as_deref(),
            Some("thrown by send (expected by the test)")
        );
    }
    // The client is intact: a good send still gets the token.
    let (send, calls) = sender(&under);
    let answer = await_js(authorize(&client, &under, &send)).await.unwrap();
    assert_eq!(num(&answer, "status"), Some(200.0));
    assert_eq!(calls.length(), 1);
    client.dispose();
    for url in [&under, &outside] {
        let (send, calls) = sender(url);
        rejects_with(authorize(&client, url, &send), "disposed").await;
        assert_eq!(calls.length(), 0, "a disposed client sent {url}");
    }
}
