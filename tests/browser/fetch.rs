//! client.fetch: the bearer under baseUrl only, 401 handling, bodies, errors.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Response;

async fn response(p: js_sys::Promise) -> Response {
    await_js(p).await.expect("fetch rejected").unchecked_into()
}

fn init(pairs: &[(&str, JsValue)]) -> JsValue {
    obj(pairs)
}

#[wasm_bindgen_test]
async fn fetch_adds_the_bearer_and_option_headers_under_base_url() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, r#","headers":{"Accept-Language":"sk","X-Till":"7"}"#).await;
    let r = response(client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED)).await;
    assert_eq!(r.status(), 200);
    let body = await_js(r.json().unwrap()).await.unwrap();
    assert_eq!(get_str(&body, "userName").as_deref(), Some("999"));
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(
        header(&gets[0], "authorization"),
        Some(format!("Bearer {}", token_of(&s)))
    );
    assert_eq!(header(&gets[0], "accept-language").as_deref(), Some("sk"));
    assert_eq!(header(&gets[0], "x-till").as_deref(), Some("7"));
    // A Request object and a URL object work too.
    let req = web_sys::Request::new_with_str(&format!("{t}/portos/api/auth")).unwrap();
    assert_eq!(
        response(client.fetch(req.into(), JsValue::UNDEFINED))
            .await
            .status(),
        200
    );
    let url = web_sys::Url::new(&format!("{t}/portos/api/auth")).unwrap();
    assert_eq!(
        response(client.fetch(url.into(), JsValue::UNDEFINED))
            .await
            .status(),
        200
    );
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(gets.len(), 3);
    for g in &gets {
        assert_eq!(
            header(g, "authorization"),
            Some(format!("Bearer {}", token_of(&s)))
        );
    }
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_never_sends_the_token_outside_base_url() {
    let t = tenant();
    let other = tenant();
    let (client, _, s) = signed_in(&t, r#","headers":{"X-Till":"7"}"#).await;
    let token = token_of(&s);
    // Another path prefix on the same origin (another tenant of the emulator).
    let r = response(client.fetch(
        format!("{other}/portos/api/auth").into(),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(r.status(), 401, "the other tenant must see no token");
    // Another origin: the same emulator as localhost.
    let elsewhere = t.replace("127.0.0.1", "localhost");
    assert_ne!(elsewhere, t);
    let r = response(client.fetch(
        format!("{elsewhere}/portos/api/auth").into(),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(r.status(), 401);
    // Dot segments that leave the prefix.
    let r = response(client.fetch(
        format!("{t}/portos/../metadefender/api/user/authenticate").into(),
        init(&[
            ("method", "POST".into()),
            ("body", "{}".into()),
            ("headers", json(r#"{"Content-Type":"application/json"}"#)),
        ]),
    ))
    .await;
    assert!(r.status() >= 400);

    let theirs = requests(&other).await;
    assert_eq!(theirs.len(), 1);
    let mine = requests(&t).await;
    let outside: Vec<_> = mine
        .iter()
        .filter(|r| {
            get_str(r, "method").as_deref() == Some("GET")
                || get_str(r, "path").as_deref() == Some("/metadefender/api/user/authenticate")
        })
        .cloned()
        .collect();
    assert_eq!(
        outside.len(),
        2,
        "log: {:?}",
        mine.iter().map(stringify).collect::<Vec<_>>()
    );
    for r in theirs.iter().chain(outside.iter()) {
        assert_eq!(
            header(r, "authorization"),
            None,
            "token sent outside baseUrl: {}",
            stringify(r)
        );
        assert_eq!(
            header(r, "x-till"),
            None,
            "headers option sent outside baseUrl: {}",
            stringify(r)
        );
        assert!(!stringify(r).contains(&token));
    }
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_sends_the_callers_own_authorization_as_is() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    let i = init(&[("headers", json(r#"{"Authorization":"Basic dXNlcjpwYXNz"}"#))]);
    let r = response(client.fetch(format!("{t}/portos/api/auth").into(), i)).await;
    assert_eq!(
        r.status(),
        401,
        "the caller's Authorization reached the server"
    );
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(
        gets.len(),
        1,
        "a 401 for the caller's own Authorization was retried"
    );
    assert_eq!(
        header(&gets[0], "authorization").as_deref(),
        Some("Basic dXNlcjpwYXNz")
    );
    assert_eq!(count(&t, PORTOS_REFRESH).await, 0);
    assert_eq!(
        current_token(&client),
        Some(token_of(&s)),
        "the session ended"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_without_a_session_is_no_session() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    rejects_with(
        client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED),
        "no_session",
    )
    .await;
    assert!(requests(&t).await.is_empty());
    // Outside baseUrl it is a plain fetch.
    let other = tenant();
    let r = response(client.fetch(
        format!("{other}/portos/api/auth").into(),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(r.status(), 401);
}

#[wasm_bindgen_test]
async fn fetch_on_401_refreshes_once_and_retries() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    fault(
        &t,
        r#"{"method":"GET","path":"/portos/api/auth","status":401}"#,
    )
    .await;
    let r = response(client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    assert_eq!(count(&t, PORTOS_PROFILE).await, 2);
    let new = current_token(&client).unwrap();
    assert_ne!(new, token_of(&s));
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(
        header(&gets[0], "authorization"),
        Some(format!("Bearer {}", token_of(&s)))
    );
    assert_eq!(
        header(&gets[1], "authorization"),
        Some(format!("Bearer {new}"))
    );
    assert!(event_of(&events, "refreshed").is_some());
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_after_revocation_ends_the_session() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    control(&t, "POST", "revoke", None).await;
    let p = client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED);
    let e = rejects_with(p, "session_expired").await;
    let _ = e;
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    assert!(event_of(&events, "expired").is_some());
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_401_on_the_retry_too_returns_it_and_expires() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    fault(&t, r#"{"method":"GET","path":"/portos/api/auth","status":401,"times":2,"body":{"title":"still no"}}"#).await;
    let order = events.clone();
    let p = client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED);
    let mark = Closure::<dyn FnMut(JsValue)>::new(move |_| {
        order.borrow_mut().push(json(r#"{"type":"settled"}"#))
    });
    let _side = p.then(&mark);
    let r = response(p).await;
    assert_eq!(r.status(), 401);
    let body = await_js(r.json().unwrap()).await.unwrap();
    assert_eq!(
        get_str(&body, "title").as_deref(),
        Some("still no"),
        "not the retry's own Response"
    );
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    assert_eq!(count(&t, PORTOS_PROFILE).await, 2);
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    let kinds = types(&events);
    let expired_at = kinds
        .iter()
        .position(|k| k == "expired")
        .expect("no expired event");
    let settled_at = kinds.iter().position(|k| k == "settled").unwrap();
    assert!(expired_at < settled_at, "events {kinds:?}");
    client.dispose();
}

async fn replayed_body(
    body: JsValue,
    content_type: Option<&str>,
) -> (Vec<String>, Vec<Option<String>>) {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/echo","status":401}"#,
    )
    .await;
    let mut pairs = vec![("method", JsValue::from("POST")), ("body", body)];
    if let Some(ct) = content_type {
        pairs.push(("headers", obj(&[("Content-Type", ct.into())])));
    }
    let r = response(client.fetch(format!("{t}/portos/echo").into(), init(&pairs))).await;
    assert_eq!(r.status(), 404, "the retry reached the server");
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    let sent = requests_to(&t, "POST", "/portos/echo").await;
    client.dispose();
    (
        sent.iter()
            .map(|r| get_str(r, "body").unwrap_or_default())
            .collect(),
        sent.iter().map(|r| header(r, "content-type")).collect(),
    )
}

#[wasm_bindgen_test]
async fn fetch_replays_a_string_body_on_retry() {
    let (bodies, types) = replayed_body(
        r#"{"item":"Rožok","qty":2}"#.into(),
        Some("application/json"),
    )
    .await;
    assert_eq!(bodies, [r#"{"item":"Rožok","qty":2}"#; 2]);
    assert_eq!(
        types,
        [
            Some("application/json".to_string()),
            Some("application/json".to_string())
        ]
    );
}

#[wasm_bindgen_test]
async fn fetch_replays_url_search_params_on_retry() {
    let params = web_sys::UrlSearchParams::new_with_str("a=1&b=%C5%BE").unwrap();
    let (bodies, types) = replayed_body(params.into(), None).await;
    assert_eq!(bodies, ["a=1&b=%C5%BE"; 2]);
    for t in types {
        assert!(t.is_some_and(|t| t.starts_with("application/x-www-form-urlencoded")));
    }
}

#[wasm_bindgen_test]
async fn fetch_request_headers_win_over_the_headers_option() {
    let t = tenant();
    let (client, _, _) = signed_in(
        &t,
        r#","headers":{"X-Till":"from-options","Accept-Language":"sk"}"#,
    )
    .await;
    let i = init(&[("headers", json(r#"{"X-Till":"from-request"}"#))]);
    response(client.fetch(format!("{t}/portos/api/auth").into(), i)).await;
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(header(&gets[0], "x-till").as_deref(), Some("from-request"));
    assert_eq!(header(&gets[0], "accept-language").as_deref(), Some("sk"));
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_network_errors_pass_through_as_type_error() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    let e = rejects(client.fetch("http://127.0.0.1:1/nothing".into(), JsValue::UNDEFINED)).await;
    assert!(
        e.is_instance_of::<js_sys::TypeError>(),
        "not a TypeError: {e:?}"
    );
    assert!(
        get(&e, "code").is_undefined(),
        "an AuthError: {}",
        stringify(&e)
    );
    // Under baseUrl: a dropped connection is the browser's TypeError too.
    fault(
        &t,
        r#"{"method":"GET","path":"/portos/api/auth","action":"drop","times":0}"#,
    )
    .await;
    let e = rejects(client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED)).await;
    assert!(
        e.is_instance_of::<js_sys::TypeError>(),
        "not a TypeError: {e:?}"
    );
    assert!(get(&e, "code").is_undefined());
    control(&t, "DELETE", "fault", None).await;
    assert!(!client.session().unwrap().is_null());
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_abort_passes_through_as_abort_error() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let i = init(&[("signal", controller.signal().into())]);
    let e = rejects(client.fetch(format!("{t}/portos/api/auth").into(), i)).await;
    assert_eq!(get_str(&e, "name").as_deref(), Some("AbortError"), "{e:?}");
    assert!(get(&e, "code").as_string().is_none_or(|c| c != "network"));
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_does_not_apply_the_timeout_option() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, r#","timeout":1000"#).await;
    fault(
        &t,
        r#"{"method":"GET","path":"/portos/api/auth","delayMs":1500}"#,
    )
    .await;
    let r = response(client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED)).await;
    assert_eq!(r.status(), 200);
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_inside_the_margin_refreshes_first_or_goes_on_when_that_fails() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let (client, _, s) = signed_in(&t, r#","autoRefresh":false"#).await;
    let (other, _, s_other) = signed_in(&t, r#","autoRefresh":false"#).await;
    sleep(2300).await;
    // A failing refresh: the request goes on with the current, unexpired token.
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","status":503}"#,
    )
    .await;
    let r = response(other.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(count(&t, PORTOS_REFRESH).await, 1);
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(
        header(&gets[0], "authorization"),
        Some(format!("Bearer {}", token_of(&s_other)))
    );
    // A working refresh: the request carries the new token.
    let r = response(client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(count(&t, PORTOS_REFRESH).await, 2);
    let new = current_token(&client).unwrap();
    assert_ne!(new, token_of(&s));
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(gets.len(), 2);
    assert_eq!(
        header(&gets[1], "authorization"),
        Some(format!("Bearer {new}"))
    );
    client.dispose();
    other.dispose();
}

#[wasm_bindgen_test]
async fn fetch_retries_with_a_token_that_changed_while_in_flight() {
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    fault(
        &t,
        r#"{"method":"GET","path":"/portos/api/auth","delayMs":600,"status":401}"#,
    )
    .await;
    let p = client.fetch(format!("{t}/portos/api/auth").into(), JsValue::UNDEFINED);
    sleep(150).await;
    let refreshed = await_js(client.refresh()).await.unwrap();
    let r = response(p).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        count(&t, PORTOS_REFRESH).await,
        1,
        "a second refresh for a token that had already changed"
    );
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(gets.len(), 2);
    assert_eq!(
        header(&gets[0], "authorization"),
        Some(format!("Bearer {}", token_of(&s)))
    );
    assert_eq!(
        header(&gets[1], "authorization"),
        Some(format!("Bearer {}", token_of(&refreshed)))
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_replays_blob_buffer_typed_array_and_form_data() {
    let bytes = js_sys::Uint8Array::from(&b"binary\x00\x01body"[..]);
    let (bodies, _) = replayed_body(bytes.clone().into(), Some("application/octet-stream")).await;
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0], bodies[1]);
    assert!(bodies[0].starts_with("binary"));
    let (bodies, _) = replayed_body(bytes.buffer().into(), Some("application/octet-stream")).await;
    assert_eq!(bodies.len(), 2);
    assert!(bodies[1].starts_with("binary"));
    let parts = js_sys::Array::of1(&"blob body".into());
    let blob = web_sys::Blob::new_with_str_sequence(&parts).unwrap();
    let (bodies, _) = replayed_body(blob.into(), Some("text/plain")).await;
    assert_eq!(bodies, ["blob body"; 2]);
    let form = web_sys::FormData::new().unwrap();
    form.append_with_str("item", "Rožok").unwrap();
    let (bodies, types) = replayed_body(form.into(), None).await;
    assert_eq!(bodies.len(), 2);
    // Each send of a FormData draws its own multipart boundary: the same form
    // must arrive, under the boundary its own Content-Type names.
    let unbounded: Vec<String> = bodies
        .iter()
        .zip(&types)
        .map(|(body, kind)| {
            let kind = kind.as_deref().unwrap_or_default();
            assert!(kind.starts_with("multipart/form-data; boundary="), "{kind}");
            body.replace(&kind["multipart/form-data; boundary=".len()..], "BOUNDARY")
        })
        .collect();
    assert_eq!(unbounded[0], unbounded[1]);
    assert!(unbounded[1].contains(
        "--BOUNDARY\r\nContent-Disposition: form-data; name=\"item\"\r\n\r\nRožok\r\n--BOUNDARY--"
    ));
}

#[wasm_bindgen_test]
async fn fetch_replays_a_request_with_a_body() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/echo","status":401}"#,
    )
    .await;
    let ri = web_sys::RequestInit::new();
    ri.set_method("POST");
    ri.set_body(&"request body".into());
    let req = web_sys::Request::new_with_str_and_init(&format!("{t}/portos/echo"), &ri).unwrap();
    let r = response(client.fetch(req.into(), JsValue::UNDEFINED)).await;
    assert_eq!(r.status(), 404);
    let sent = requests_to(&t, "POST", "/portos/echo").await;
    let bodies: Vec<String> = sent
        .iter()
        .map(|r| get_str(r, "body").unwrap_or_default())
        .collect();
    assert_eq!(bodies, ["request body"; 2]);
    client.dispose();
}

#[wasm_bindgen_test]
async fn fetch_sends_the_token_of_the_latest_refresh() {
    // A fresh token goes out without a call into wasm (fetch.js keeps the
    // session Rust last published): each refresh must reach it at once.
    let t = tenant();
    let (client, _, s) = signed_in(&t, "").await;
    let url = format!("{t}/portos/api/auth");
    assert_eq!(
        response(client.fetch(url.clone().into(), JsValue::UNDEFINED))
            .await
            .status(),
        200
    );
    let first = await_js(client.refresh()).await.unwrap();
    assert_eq!(
        response(client.fetch(url.clone().into(), JsValue::UNDEFINED))
            .await
            .status(),
        200
    );
    let second = await_js(client.refresh()).await.unwrap();
    assert_eq!(
        response(client.fetch(url.into(), JsValue::UNDEFINED))
            .await
            .status(),
        200
    );
    let sent: Vec<_> = requests_to(&t, "GET", "/portos/api/auth")
        .await
        .iter()
        .map(|r| header(r, "authorization"))
        .collect();
    let expected: Vec<_> = [&s, &first, &second]
        .iter()
        .map(|session| Some(format!("Bearer {}", token_of(session))))
        .collect();
    assert_eq!(sent, expected);
    client.dispose();
}
