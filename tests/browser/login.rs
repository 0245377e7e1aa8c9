//! Login: the session's shape, errors, credential checks and the request.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn login_session_has_the_api_shape() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":120}"#).await;
    let client = AuthClient::new(options(&t, "")).unwrap();
    let before = now();
    let s = await_js(client.login(portos_credentials())).await.unwrap();
    assert_eq!(get_str(&s, "backend").as_deref(), Some("portos"));
    let token = token_of(&s);
    assert!(
        !token.starts_with("Bearer"),
        "accessToken has a Bearer prefix"
    );
    assert_eq!(token.split('.').count(), 3, "a JWT");
    let expires = num(&s, "expiresAt").expect("expiresAt is a number");
    assert_eq!(expires.fract(), 0.0, "expiresAt in whole ms");
    assert!(
        (expires - (before + 120_000.0)).abs() < 2_000.0,
        "expiresAt {expires} vs now+120s {}",
        before + 120_000.0
    );
    assert!(
        get(&s, "refreshExpiresAt").is_null(),
        "refreshExpiresAt null"
    );
    assert_eq!(get(&s, "canRefresh").as_bool(), Some(true));
    assert!(
        get(&s, "refreshToken").is_undefined(),
        "no refresh token in the session"
    );

    let u = get(&s, "user");
    assert_eq!(
        get_str(&u, "id").as_deref(),
        Some("635f7ae3072edfeae7c26a1e")
    );
    assert_eq!(get_str(&u, "userName").as_deref(), Some("999"));
    assert_eq!(get_str(&u, "name").as_deref(), Some("Majiteľ"));
    assert!(get(&u, "email").is_null());
    assert_eq!(stringify(&get(&u, "rights")), r#"["admin"]"#);
    assert!(get(&u, "role").is_null());
    let d = get(&u, "device");
    assert_eq!(get_str(&d, "name").as_deref(), Some("P01"));
    assert_eq!(get_str(&d, "envName").as_deref(), Some("CashRegister"));
    assert_eq!(get_str(&d, "description").as_deref(), Some("P01"));
    assert_eq!(
        get_str(&get(&d, "settings"), "DefaultStockName").as_deref(),
        Some("S01")
    );
    assert_eq!(
        get_str(&get(&d, "settings"), "MaxQuantity").as_deref(),
        Some("200")
    );
    assert_eq!(stringify(&get(&d, "preferences")), "{}");
    let raw = get(&u, "raw");
    assert_eq!(get(&raw, "isVirtual").as_bool(), Some(false));
    assert!(get(&raw, "featureName").is_null());
    assert_eq!(get_str(&raw, "name").as_deref(), Some("Majiteľ"));
    assert_eq!(
        get_str(&get(&raw, "device"), "envName").as_deref(),
        Some("CashRegister")
    );
    for k in ["tokenId", "refreshToken"] {
        assert!(get(&raw, k).is_undefined(), "raw has {k}");
    }
    client.dispose();
}

#[wasm_bindgen_test]
async fn wrong_password_is_invalid_credentials_with_problem_details() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let creds = json(r#"{"userName":"999","password":"wrong-S3cret","deviceName":"P01"}"#);
    let e = rejects_with(client.login(creds), "invalid_credentials").await;
    assert_eq!(num(&e, "status"), Some(401.0));
    assert_eq!(
        get_str(&e, "message").as_deref(),
        Some("Nesprávne meno alebo heslo.")
    );
    assert_eq!(
        get_str(&e, "title").as_deref(),
        Some("Nesprávne meno alebo heslo.")
    );
    assert!(
        get_str(&e, "traceId").is_some_and(|s| !s.is_empty()),
        "traceId: {}",
        stringify(&e)
    );
    assert_eq!(get_str(&e, "errorCode").as_deref(), Some("Unauthorized"));
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert!(get(&e, "retryAfter").is_null());
    assert_eq!(stringify(&get(&e, "errors")), "[]");
    assert!(client.session().unwrap().is_null());
}

#[wasm_bindgen_test]
async fn bad_request_with_field_errors_is_validation() {
    let t = tenant();
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth","status":400,"body":{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"traceId":"00-abc-01","errorCode":"BadRequest","errors":[{"memberName":"DeviceName","message":"The DeviceName field is required.","code":"Required"}]}}"#).await;
    let client = AuthClient::new(options(&t, "")).unwrap();
    let e = rejects_with(client.login(portos_credentials()), "validation").await;
    assert_eq!(num(&e, "status"), Some(400.0));
    assert_eq!(get_str(&e, "errorCode").as_deref(), Some("BadRequest"));
    assert_eq!(
        get_str(&e, "message").as_deref(),
        Some("One or more validation errors occurred.")
    );
    let errors = js_sys::Array::from(&get(&e, "errors"));
    assert_eq!(errors.length(), 1);
    let first = errors.get(0);
    assert_eq!(get_str(&first, "memberName").as_deref(), Some("DeviceName"));
    assert_eq!(
        get_str(&first, "message").as_deref(),
        Some("The DeviceName field is required.")
    );
    assert_eq!(get_str(&first, "code").as_deref(), Some("Required"));
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
}

#[wasm_bindgen_test]
async fn bad_credentials_send_nothing() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let cases: Vec<JsValue> = vec![
        json(r#"{"password":"1234","deviceName":"P01"}"#),
        json(r#"{"userName":"999","password":"1234","deviceName":""}"#),
        json(r#"{"userName":"","password":"1234","deviceName":"P01"}"#),
        json(r#"{"userName":"999","password":1234,"deviceName":"P01"}"#),
        json(r#"{"userName":"999","password":"1234","deviceName":"P01","pin":"1"}"#),
        json(r#"{"userName":"999","password":"1234","deviceName":null}"#),
        JsValue::NULL,
        JsValue::UNDEFINED,
        "999".into(),
        js_sys::Array::new().into(),
    ];
    for c in cases {
        let shown = stringify(&c);
        let e = rejects(client.login(c)).await;
        assert_eq!(code(&e), "invalid_argument", "credentials {shown}");
    }
    assert!(
        requests(&t).await.is_empty(),
        "requests were sent: {:?}",
        requests(&t).await.iter().map(stringify).collect::<Vec<_>>()
    );
    // The client still works.
    await_js(client.login(portos_credentials()))
        .await
        .expect("valid login after bad ones");
    client.dispose();
}

#[wasm_bindgen_test]
async fn empty_password_is_allowed() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let s = await_js(client.login(json(
        r#"{"userName":"100","password":"","deviceName":"P02"}"#,
    )))
    .await
    .expect("empty password");
    assert_eq!(
        get_str(&get(&s, "user"), "name").as_deref(),
        Some("Pokladníčka Jana")
    );
    let sent = requests_to(&t, "POST", "/portos/api/auth").await;
    let body = json(&get_str(&sent[0], "body").unwrap());
    assert_eq!(get_str(&body, "Password").as_deref(), Some(""));
    client.dispose();
}

#[wasm_bindgen_test]
async fn login_request_has_json_headers_option_headers_and_vendor_body() {
    let t = tenant();
    // A cookie for 127.0.0.1 (any port) that credentials: "include" would send.
    let document = web_sys::window().unwrap().document().unwrap();
    set(&document, "cookie", &"pos_auth_test=1; path=/".into());
    let client = AuthClient::new(options(
        &t,
        r#","headers":{"Accept-Language":"sk-SK","X-Till":"7"}"#,
    ))
    .unwrap();
    await_js(client.login(portos_credentials())).await.unwrap();
    let sent = requests_to(&t, "POST", "/portos/api/auth").await;
    assert_eq!(sent.len(), 1);
    let r = &sent[0];
    assert_eq!(header(r, "accept").as_deref(), Some("application/json"));
    assert!(
        header(r, "content-type").is_some_and(|c| c.starts_with("application/json")),
        "content-type {:?}",
        header(r, "content-type")
    );
    assert_eq!(header(r, "accept-language").as_deref(), Some("sk-SK"));
    assert_eq!(header(r, "x-till").as_deref(), Some("7"));
    assert_eq!(header(r, "authorization"), None);
    assert_eq!(header(r, "cookie"), None);
    let body = json(&get_str(r, "body").unwrap());
    let mut keys: Vec<String> = js_sys::Object::keys(body.unchecked_ref::<js_sys::Object>())
        .iter()
        .filter_map(|k| k.as_string())
        .collect();
    keys.sort();
    assert_eq!(keys, ["DeviceName", "Password", "UserName"]);
    assert_eq!(get_str(&body, "UserName").as_deref(), Some("999"));
    assert_eq!(get_str(&body, "Password").as_deref(), Some("1234"));
    assert_eq!(get_str(&body, "DeviceName").as_deref(), Some("P01"));
    client.dispose();
}

/// Whether `digits` stand in `text` with no digit on either side.
fn contains_number(text: &str, digits: &str) -> bool {
    text.match_indices(digits).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + digits.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

#[wasm_bindgen_test]
fn contains_number_ignores_digits_inside_longer_numbers() {
    assert!(contains_number(r#"{"password":"1234"}"#, "1234"));
    assert!(contains_number("pin 1234.", "1234"));
    assert!(!contains_number(r#"{"obtainedAt":1795391234810}"#, "1234"));
    assert!(!contains_number("12345 01234", "1234"));
}

#[wasm_bindgen_test]
async fn password_never_leaks() {
    let t = tenant();
    let o = options(&t, "");
    let key = key_of(&o);
    let client = AuthClient::new(o).unwrap();
    let (events, _) = listen(&client);
    let secret = "Zz9-tajné-heslo-Qx";
    let bad = json(&format!(
        r#"{{"userName":"999","password":"{secret}","deviceName":"P01"}}"#
    ));
    let e = rejects_with(client.login(bad), "invalid_credentials").await;
    let error_text = format!(
        "{} {} {}",
        stringify(&e),
        get_str(&e, "message").unwrap_or_default(),
        get_str(&e, "stack").unwrap_or_default()
    );
    assert!(
        !error_text.contains(secret),
        "password in the error: {error_text}"
    );
    // Unknown field, with the password next to it.
    let e = rejects_with(
        client.login(json(&format!(
            r#"{{"userName":"999","password":"{secret}","deviceName":"P01","x":"{secret}"}}"#
        ))),
        "invalid_argument",
    )
    .await;
    assert!(
        !stringify(&e).contains(secret)
            && !get_str(&e, "message").unwrap_or_default().contains(secret)
    );
    // Password of the wrong type.
    let e = rejects_with(
        client.login(json(
            r#"{"userName":"999","password":987654321,"deviceName":"P01"}"#,
        )),
        "invalid_argument",
    )
    .await;
    assert!(!get_str(&e, "message")
        .unwrap_or_default()
        .contains("987654321"));

    let s = await_js(client.login(portos_credentials())).await.unwrap();
    let token = token_of(&s);
    let record = stored(&key).expect("stored record");
    let refresh = get_str(&json(&record), "refreshToken").unwrap_or_default();
    let scrub = |text: String| text.replace(&token, "").replace(&refresh, "");
    for (what, text) in [
        ("sessionStorage", record.clone()),
        ("session", stringify(&s)),
        (
            "events",
            events
                .borrow()
                .iter()
                .map(stringify)
                .collect::<Vec<_>>()
                .join(","),
        ),
    ] {
        let text = scrub(text);
        // "1234" as a value of its own: a timestamp such as 1795391234810 holds it too.
        assert!(
            !contains_number(&text, "1234") && !text.contains(secret),
            "password in {what}: {text}"
        );
        assert!(
            !text.to_lowercase().contains("password"),
            "a password field in {what}: {text}"
        );
    }
    client.dispose();
}

#[wasm_bindgen_test]
async fn second_login_replaces_the_session_and_revokes_the_old_token() {
    let t = tenant();
    let (client, o, first) = signed_in(&t, "").await;
    let old = token_of(&first);
    let (events, _) = listen(&client);
    let second = await_js(client.login(json(
        r#"{"userName":"100","password":"","deviceName":"P02"}"#,
    )))
    .await
    .unwrap();
    let new = token_of(&second);
    assert_ne!(old, new);
    assert_eq!(current_token(&client).as_deref(), Some(new.as_str()));
    assert_eq!(
        get_str(&get(&client.session().unwrap(), "user"), "userName").as_deref(),
        Some("100")
    );
    assert!(stored(&key_of(&o)).unwrap().contains(&new));
    // The best-effort DELETE of the old token.
    let mut deletes = Vec::new();
    for _ in 0..40 {
        deletes = requests_to(&t, "DELETE", "/portos/api/auth").await;
        if !deletes.is_empty() {
            break;
        }
        sleep(25).await;
    }
    assert_eq!(deletes.len(), 1, "one DELETE for the replaced session");
    assert_eq!(
        header(&deletes[0], "authorization"),
        Some(format!("Bearer {old}"))
    );
    assert!(
        types(&events).contains(&"signedIn".to_string()),
        "events {:?}",
        types(&events)
    );
    assert!(
        !types(&events).contains(&"signedOut".to_string()),
        "events {:?}",
        types(&events)
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn failed_second_login_keeps_the_first_session() {
    let t = tenant();
    let (client, o, first) = signed_in(&t, "").await;
    let before = client.session().unwrap();
    let (events, _) = listen(&client);
    microtasks().await;
    rejects_with(
        client.login(json(
            r#"{"userName":"999","password":"nope","deviceName":"P01"}"#,
        )),
        "invalid_credentials",
    )
    .await;
    let after = client.session().unwrap();
    assert!(
        js_sys::Object::is(&before, &after),
        "session() changed after a failed login"
    );
    assert_eq!(token_of(&after), token_of(&first));
    assert!(stored(&key_of(&o)).unwrap().contains(&token_of(&first)));
    assert_eq!(types(&events), ["initial"]);
    assert_eq!(count(&t, PORTOS_LOGOUT).await, 0);
    // The first session still works at the server.
    await_js(client.profile())
        .await
        .expect("profile with the kept session");
    client.dispose();
}

#[wasm_bindgen_test]
async fn login_rejections_without_field_errors_are_invalid_credentials() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    for status in [400, 401, 403] {
        fault(&t, &format!(r#"{{"method":"POST","path":"/portos/api/auth","status":{status},"body":{{"title":"Zamietnuté","status":{status},"errorCode":{status}}}}}"#)).await;
        let e = rejects_with(client.login(portos_credentials()), "invalid_credentials").await;
        assert_eq!(num(&e, "status"), Some(f64::from(status)));
        assert_eq!(
            num(&e, "errorCode"),
            Some(f64::from(status)),
            "a numeric errorCode is kept as a number"
        );
        assert_eq!(get_str(&e, "message").as_deref(), Some("Zamietnuté"));
    }
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth","status":422,"body":{"title":"Invalid","errors":[{"memberName":"UserName","message":"Too long.","code":"MaxLength"}]}}"#).await;
    let e = rejects_with(client.login(portos_credentials()), "validation").await;
    assert_eq!(
        get_str(
            &js_sys::Array::from(&get(&e, "errors")).get(0),
            "memberName"
        )
        .as_deref(),
        Some("UserName")
    );
    assert!(client.session().unwrap().is_null());
}

#[wasm_bindgen_test]
async fn undocumented_login_answers_are_bad_response() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    let faults = [
        r#"{"method":"POST","path":"/portos/api/auth","action":"html","status":200}"#,
        r#"{"method":"POST","path":"/portos/api/auth","status":200,"body":{"tokenId":"a.b.c","refreshToken":"r"}}"#,
        r#"{"method":"POST","path":"/portos/api/auth","status":200,"body":{"tokenId":5,"refreshToken":"r","user":{}}}"#,
        r#"{"method":"POST","path":"/portos/api/auth","status":200,"body":{"tokenId":"a.b.c","user":{}}}"#,
        r#"{"method":"POST","path":"/portos/api/auth","status":200,"body":"not json","contentType":"text/plain"}"#,
        r#"{"method":"POST","path":"/portos/api/auth","action":"huge"}"#,
        r#"{"method":"POST","path":"/portos/api/auth","status":418,"body":{"title":"teapot"}}"#,
    ];
    for f in faults {
        fault(&t, f).await;
        let e = rejects(client.login(portos_credentials())).await;
        auth_error(&e, "bad_response");
        assert_eq!(get(&e, "retryable").as_bool(), Some(false), "{f}");
        assert!(client.session().unwrap().is_null(), "{f} gave a session");
    }
    await_js(client.login(portos_credentials()))
        .await
        .expect("the client still works");
    client.dispose();
}

#[wasm_bindgen_test]
async fn login_server_errors_are_server_and_retryable() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth","action":"html","status":502}"#,
    )
    .await;
    let e = rejects_with(client.login(portos_credentials()), "server").await;
    assert_eq!(num(&e, "status"), Some(502.0));
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth","status":503,"headers":{"Retry-After":"7"},"body":{"title":"Údržba"}}"#).await;
    let e = rejects_with(client.login(portos_credentials()), "server").await;
    assert_eq!(num(&e, "retryAfter"), Some(7.0));
    assert_eq!(get_str(&e, "message").as_deref(), Some("Údržba"));
}

#[wasm_bindgen_test]
async fn login_never_follows_a_redirect_with_the_password() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    for status in [307, 308] {
        fault(&t, &format!(r#"{{"method":"POST","path":"/portos/api/auth","status":{status},"headers":{{"Location":"{t}/portos/evil"}}}}"#)).await;
        let e = rejects(client.login(portos_credentials())).await;
        assert!(
            get_str(&e, "name").as_deref() == Some("AuthError"),
            "{status}: not an AuthError: {e:?}"
        );
    }
    assert_eq!(
        count(&t, "POST /portos/evil").await,
        0,
        "the password was re-posted to the redirect target"
    );
    assert!(client.session().unwrap().is_null());
}

#[wasm_bindgen_test]
async fn concurrent_logins_run_one_at_a_time() {
    let t = tenant();
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth","delayMs":400}"#,
    )
    .await;
    let client = AuthClient::new(options(&t, "")).unwrap();
    let (events, _) = listen(&client);
    let first = client.login(portos_credentials());
    let second = client.login(json(
        r#"{"userName":"100","password":"","deviceName":"P02"}"#,
    ));
    let s2 = await_js(second).await.unwrap();
    let s1 = await_js(first).await.unwrap();
    assert_eq!(
        get_str(&get(&s1, "user"), "userName").as_deref(),
        Some("999")
    );
    assert_eq!(
        get_str(&get(&s2, "user"), "userName").as_deref(),
        Some("100")
    );
    assert_eq!(
        get_str(&get(&client.session().unwrap(), "user"), "userName").as_deref(),
        Some("100"),
        "the later login must win"
    );
    let logins = requests_to(&t, "POST", "/portos/api/auth").await;
    assert_eq!(logins.len(), 2);
    let gap = num(&logins[1], "at").unwrap() - num(&logins[0], "at").unwrap();
    assert!(
        gap >= 350.0,
        "the second login was sent {gap} ms after the first, before the first was answered"
    );
    let signed: Vec<String> = events
        .borrow()
        .iter()
        .filter(|e| get_str(e, "type").as_deref() == Some("signedIn"))
        .map(|e| get_str(&get(&get(e, "session"), "user"), "userName").unwrap_or_default())
        .collect();
    assert_eq!(signed, ["999", "100"]);
    client.dispose();
}
