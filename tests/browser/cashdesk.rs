//! CashDesk: the vendor login, the "Bearer " token, Kyiv expiry times, a
//! session that cannot refresh, the user mapping and the error shapes.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::Response;

const LOGIN_PATH: &str = "/cashdesk/api/v2/authenticate";
const UUID: &str = "67c3a1d2-8f4b-4e6a-9d49-bcc7e4631977";

fn opts(t: &str, extra: &str) -> JsValue {
    backend_options(t, "cashdesk", extra)
}

/// A vendor-shaped 200 login body; `token` and `expires` are raw JSON (or None to leave the field out).
fn login_body(token: Option<&str>, expires: Option<&str>, user: bool) -> String {
    let mut fields = vec![
        r#""active_rro":false"#.to_string(),
        r#""developer_id":null"#.into(),
        r#""opened_shift":"4000055255""#.into(),
    ];
    if let Some(t) = token {
        fields.push(format!(r#""token":{t}"#));
    }
    if let Some(e) = expires {
        fields.push(format!(r#""token_expires_at":{e}"#));
    }
    if user {
        fields.push(format!(r#""user":{{"full_name":"Іванов Іван Іванович","uuid":"{UUID}","email":"cashier@example.com","edrpou":"34554362","drfo":"3104502014","last_online":"11-08-2020 17:15:31","subject_key_id":"88b9","signature":{{"serial":"14F3","cert_end_data":"15.11.2031"}}}}"#));
    }
    format!("{{{}}}", fields.join(","))
}

/// Queues a 200 login answer with an opaque token expiring at the Kyiv wall time `expires`.
async fn login_answer(t: &str, expires: &str) {
    let body = login_body(
        Some(r#""Bearer opaque-cashdesk-token""#),
        Some(&format!(r#""{expires}""#)),
        true,
    );
    fault(
        t,
        &format!(r#"{{"method":"POST","path":"{LOGIN_PATH}","status":200,"body":{body}}}"#),
    )
    .await;
}

async fn response(p: js_sys::Promise) -> Response {
    await_js(p).await.expect("fetch rejected").unchecked_into()
}

#[wasm_bindgen_test]
async fn cashdesk_login_request_and_developer_id_on_every_call() {
    let t = tenant();
    let other = tenant();
    let client = AuthClient::new(opts(&t, r#","developerId":"4242""#)).unwrap();
    let s = await_js(client.login(cashdesk_credentials()))
        .await
        .unwrap();
    assert_eq!(get_str(&s, "backend").as_deref(), Some("cashdesk"));
    let sent = requests_to(&t, "POST", LOGIN_PATH).await;
    assert_eq!(sent.len(), 1);
    let r = &sent[0];
    assert_eq!(header(r, "accept").as_deref(), Some("application/json"));
    assert!(
        header(r, "content-type").is_some_and(|c| c.starts_with("application/json")),
        "content-type {:?}",
        header(r, "content-type")
    );
    assert_eq!(header(r, "developer-id").as_deref(), Some("4242"));
    assert_eq!(header(r, "authorization"), None);
    let body = json(&get_str(r, "body").unwrap());
    assert_eq!(keys(&body), ["email", "password"]);
    assert_eq!(
        get_str(&body, "email").as_deref(),
        Some("cashier@example.com")
    );
    assert_eq!(get_str(&body, "password").as_deref(), Some("secret"));
    // The emulator echoes a numeric developer-id as developer_id.
    assert_eq!(
        num(&get(&get(&s, "user"), "raw"), "developer_id"),
        Some(4242.0)
    );

    // fetch under baseUrl carries it too; outside baseUrl it does not.
    response(client.fetch(
        format!("{t}/cashdesk/api/v2/shifts").into(),
        JsValue::UNDEFINED,
    ))
    .await;
    let gets = requests_to(&t, "GET", "/cashdesk/api/v2/shifts").await;
    assert_eq!(gets.len(), 1);
    assert_eq!(header(&gets[0], "developer-id").as_deref(), Some("4242"));
    response(client.fetch(
        format!("{other}/cashdesk/api/v2/shifts").into(),
        JsValue::UNDEFINED,
    ))
    .await;
    let theirs = requests(&other).await;
    assert_eq!(theirs.len(), 1);
    assert_eq!(
        header(&theirs[0], "developer-id"),
        None,
        "developer-id sent outside baseUrl"
    );
    assert_eq!(
        header(&theirs[0], "authorization"),
        None,
        "token sent outside baseUrl"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_bearer_prefix_is_stripped_and_sent_once() {
    let t = tenant();
    let (client, _, s) = signed_in_to(&t, "cashdesk", "").await;
    let token = token_of(&s);
    assert!(
        !token.to_ascii_lowercase().starts_with("bearer"),
        "accessToken keeps the prefix: {token}"
    );
    assert!(!token.starts_with(' '), "accessToken starts with a space");
    assert_eq!(token.split('.').count(), 3, "the emulator's JWT: {token}");
    response(client.fetch(
        format!("{t}/cashdesk/api/v2/shifts").into(),
        JsValue::UNDEFINED,
    ))
    .await;
    let gets = requests_to(&t, "GET", "/cashdesk/api/v2/shifts").await;
    assert_eq!(
        header(&gets[0], "authorization"),
        Some(format!("Bearer {token}"))
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_jwt_exp_gives_the_expiry_skew_corrected() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":300,"clockOffset":600}"#).await;
    let client = AuthClient::new(opts(&t, "")).unwrap();
    let before = now();
    let s = await_js(client.login(cashdesk_credentials()))
        .await
        .unwrap();
    let after = now();
    let expires = num(&s, "expiresAt").expect("expiresAt is a number");
    assert_eq!(expires.fract(), 0.0, "expiresAt in whole ms");
    // exp = server iat + 300 with the server 600 s ahead: locally about now + 300 s.
    assert!(
        expires >= before + 298_000.0 && expires <= after + 301_000.0,
        "expiresAt {expires} vs now + 300 s ({before}..{after}); +600 s would be {}",
        before + 900_000.0
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_opaque_token_expiry_is_token_expires_at_in_kyiv() {
    let t = tenant();
    config(&t, r#"{"jwt":false,"tokenLifetime":600}"#).await;
    let client = AuthClient::new(opts(&t, "")).unwrap();
    // The emulator's own answer: minutes of Kyiv wall time.
    let before = now();
    let s = await_js(client.login(cashdesk_credentials()))
        .await
        .unwrap();
    let after = now();
    let token = token_of(&s);
    assert_ne!(
        token.split('.').count(),
        3,
        "jwt:false should give an opaque token"
    );
    let expires = num(&s, "expiresAt").expect("expiresAt from token_expires_at");
    assert_eq!(
        expires % 60_000.0,
        0.0,
        "token_expires_at has whole minutes: {expires}"
    );
    assert!(
        expires > before + 600_000.0 - 61_000.0 && expires <= after + 600_000.0,
        "expiresAt {expires} vs now + 600 s ({before})"
    );
    // Winter: UTC+2.
    login_answer(&t, "15.01.2030 10:00").await;
    let s = await_js(client.login(cashdesk_credentials()))
        .await
        .unwrap();
    assert_eq!(token_of(&s), "opaque-cashdesk-token");
    assert_eq!(
        num(&s, "expiresAt"),
        Some(utc("2030-01-15T08:00:00Z")),
        "winter time in Kyiv is UTC+2"
    );
    // Summer: UTC+3.
    login_answer(&t, "15.07.2030 10:00").await;
    let s = await_js(client.login(cashdesk_credentials()))
        .await
        .unwrap();
    assert_eq!(
        num(&s, "expiresAt"),
        Some(utc("2030-07-15T07:00:00Z")),
        "summer time in Kyiv is UTC+3"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_kyiv_repeated_time_is_the_earlier_and_gap_time_uses_the_offset_before() {
    let t = tenant();
    let client = AuthClient::new(opts(&t, "")).unwrap();
    // 27 Oct 2030: 04:00 EEST -> 03:00 EET, so 03:30 happens twice; the earlier is UTC+3.
    login_answer(&t, "27.10.2030 03:30").await;
    let s = await_js(client.login(cashdesk_credentials()))
        .await
        .unwrap();
    assert_eq!(
        num(&s, "expiresAt"),
        Some(utc("2030-10-27T00:30:00Z")),
        "repeated wall time"
    );
    // 31 Mar 2030: 03:00 EET -> 04:00 EEST, so 03:30 does not exist; read with UTC+2.
    login_answer(&t, "31.03.2030 03:30").await;
    let s = await_js(client.login(cashdesk_credentials()))
        .await
        .unwrap();
    assert_eq!(
        num(&s, "expiresAt"),
        Some(utc("2030-03-31T01:30:00Z")),
        "wall time in the spring-forward gap"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_server_time_zone_changes_the_reading() {
    let t = tenant();
    let client = AuthClient::new(opts(&t, r#","serverTimeZone":"UTC""#)).unwrap();
    login_answer(&t, "15.01.2030 10:00").await;
    let s = await_js(client.login(cashdesk_credentials()))
        .await
        .unwrap();
    assert_eq!(num(&s, "expiresAt"), Some(utc("2030-01-15T10:00:00Z")));
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_invalid_server_time_zone_is_invalid_argument() {
    let t = tenant();
    for zone in [r#""Mars/Olympus_Mons""#, r#""""#, "3"] {
        let e = AuthClient::new(opts(&t, &format!(r#","serverTimeZone":{zone}"#)))
            .err()
            .unwrap_or_else(|| panic!("serverTimeZone {zone} accepted"));
        auth_error(&e, "invalid_argument");
        assert!(
            get_str(&e, "message")
                .unwrap_or_default()
                .contains("serverTimeZone"),
            "message does not name the option: {:?}",
            get_str(&e, "message")
        );
    }
    assert!(requests(&t).await.is_empty());
}

#[wasm_bindgen_test]
async fn cashdesk_session_cannot_refresh() {
    let t = tenant();
    let (client, _, s) = signed_in_to(&t, "cashdesk", "").await;
    assert_eq!(get(&s, "canRefresh").as_bool(), Some(false));
    assert!(
        get(&s, "refreshExpiresAt").is_null(),
        "refreshExpiresAt: {}",
        stringify(&get(&s, "refreshExpiresAt"))
    );
    assert!(get(&s, "refreshToken").is_undefined());
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_refresh_is_unsupported_and_sends_nothing() {
    let t = tenant();
    let (client, _, s) = signed_in_to(&t, "cashdesk", "").await;
    let e = rejects_with(client.refresh(), "refresh_unsupported").await;
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert_eq!(requests(&t).await.len(), 1, "refresh sent a request");
    assert_eq!(
        current_token(&client),
        Some(token_of(&s)),
        "refresh() changed the session"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_profile_is_the_stored_user_without_a_request() {
    assert_profile_is_the_stored_user("cashdesk").await;
}

#[wasm_bindgen_test]
async fn cashdesk_logout_is_local_and_clears_storage() {
    assert_logout_is_local("cashdesk").await;
}

#[wasm_bindgen_test]
async fn cashdesk_user_mapping_and_raw() {
    let t = tenant();
    let (client, _, s) = signed_in_to(&t, "cashdesk", "").await;
    let u = get(&s, "user");
    assert_eq!(get_str(&u, "id").as_deref(), Some(UUID));
    assert_eq!(
        get_str(&u, "userName").as_deref(),
        Some("cashier@example.com")
    );
    assert_eq!(
        get_str(&u, "name").as_deref(),
        Some("Коваленко Олена Петрівна")
    );
    assert_eq!(get_str(&u, "email").as_deref(), Some("cashier@example.com"));
    assert_eq!(stringify(&get(&u, "rights")), "[]");
    assert!(
        get(&u, "role").is_null(),
        "role: {}",
        stringify(&get(&u, "role"))
    );
    assert!(
        get(&u, "device").is_null(),
        "device: {}",
        stringify(&get(&u, "device"))
    );
    let raw = get(&u, "raw");
    assert_eq!(
        keys(&raw),
        ["active_rro", "developer_id", "opened_shift", "user"],
        "raw: {}",
        stringify(&raw)
    );
    assert_eq!(get(&raw, "active_rro").as_bool(), Some(true));
    assert_eq!(get_str(&raw, "opened_shift").as_deref(), Some("4000055255"));
    assert!(get(&raw, "developer_id").is_null());
    let ru = get(&raw, "user");
    assert_eq!(get_str(&ru, "uuid").as_deref(), Some(UUID));
    assert_eq!(get_str(&ru, "edrpou").as_deref(), Some("34554362"));
    assert!(get_str(&ru, "last_online").is_some());
    assert_eq!(
        get_str(&get(&ru, "signature"), "serial").as_deref(),
        Some("14F3E0A70700000000000000000000000000000001")
    );
    assert!(
        !stringify(&raw).contains(&token_of(&s)),
        "the token is in raw"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_expiring_then_expired_at_expires_at() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let o = opts(&t, "");
    let client = AuthClient::new(o.clone()).unwrap();
    let sent = now();
    let s = await_js(client.login(cashdesk_credentials()))
        .await
        .unwrap();
    let obtained = now();
    let (events, _) = listen(&client);
    let expires = num(&s, "expiresAt").unwrap();
    // margin = min(60 s, (expiresAt - obtainedAt) / 2)
    let due_expiring = expires - (expires - obtained) / 2.0;
    let early = expires - (expires - sent) / 2.0;
    let e = wait_event(&events, "expiring", 4500.0)
        .await
        .expect("no expiring event");
    let at = now();
    assert!(
        at >= early - 100.0 && at <= due_expiring + 400.0,
        "expiring at {} ms, due at {} ms (after login)",
        at - obtained,
        due_expiring - obtained
    );
    assert_eq!(token_of(&get(&e, "session")), token_of(&s));
    assert_eq!(count(&t, CASHDESK_LOGIN).await, 1);
    let e = wait_event(&events, "expired", 4500.0)
        .await
        .expect("no expired event");
    let at = now();
    assert!(
        at >= expires - 50.0 && at <= expires + 500.0,
        "expired {} ms from expiresAt",
        at - expires
    );
    assert!(get(&e, "session").is_null());
    assert_eq!(types(&events), ["initial", "expiring", "expired"]);
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None, "storage not cleared");
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_session_is_null_past_expires_at_before_the_timer_fires() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":2}"#).await;
    let (client, o, s) = signed_in_to(&t, "cashdesk", "").await;
    let expires = num(&s, "expiresAt").unwrap();
    let (events, _) = listen(&client);
    let wait = (expires - now() - 150.0) as i32;
    if wait > 0 {
        sleep(wait).await;
    }
    assert!(
        !client.session().unwrap().is_null(),
        "session gone before expiresAt"
    );
    // Block the event loop so that no timer can run, then look.
    busy_wait_until(expires + 5.0);
    assert!(
        client.session().unwrap().is_null(),
        "session() still returns the session past expiresAt"
    );
    sleep(300).await;
    assert!(
        event_of(&events, "expired").is_some(),
        "events {:?}",
        types(&events)
    );
    assert_eq!(stored(&key_of(&o)), None);
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_fetch_401_ends_the_session_and_returns_it() {
    let t = tenant();
    let (client, o, _) = signed_in_to(&t, "cashdesk", "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    fault(&t, r#"{"method":"GET","path":"/cashdesk/api/v2/shifts","status":401,"body":{"message":"Unauthenticated."}}"#).await;
    let r = response(client.fetch(
        format!("{t}/cashdesk/api/v2/shifts").into(),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(r.status(), 401);
    let body = await_js(r.json().unwrap())
        .await
        .expect("the 401 body is still readable");
    assert_eq!(
        get_str(&body, "message").as_deref(),
        Some("Unauthenticated.")
    );
    assert_eq!(types(&events), ["initial", "expired"]);
    if let Some(err) = get(&events.borrow()[1], "error").dyn_ref::<js_sys::Object>() {
        auth_error(err, "session_expired");
    }
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    assert_eq!(
        requests_to(&t, "GET", "/cashdesk/api/v2/shifts")
            .await
            .len(),
        1,
        "the 401 was retried"
    );
    assert_eq!(requests(&t).await.len(), 2, "extra requests after the 401");
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_wrong_password_is_invalid_credentials() {
    let t = tenant();
    let client = AuthClient::new(opts(&t, "")).unwrap();
    let e = rejects_with(
        client.login(json(
            r#"{"email":"cashier@example.com","password":"wrong"}"#,
        )),
        "invalid_credentials",
    )
    .await;
    assert_eq!(num(&e, "status"), Some(401.0));
    assert_eq!(
        get_str(&e, "message").as_deref(),
        Some("Невірний email або пароль.")
    );
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert_eq!(stringify(&get(&e, "errors")), "[]");
    assert!(client.session().unwrap().is_null());
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_422_with_errors_is_validation() {
    let t = tenant();
    fault(&t, &format!(r#"{{"method":"POST","path":"{LOGIN_PATH}","status":422,"body":{{"message":"The email field is required.","errors":{{"email":["The email field is required."]}}}}}}"#)).await;
    let client = AuthClient::new(opts(&t, "")).unwrap();
    let e = rejects_with(client.login(cashdesk_credentials()), "validation").await;
    assert_eq!(num(&e, "status"), Some(422.0));
    assert_eq!(
        get_str(&e, "message").as_deref(),
        Some("The email field is required.")
    );
    let errors = js_sys::Array::from(&get(&e, "errors"));
    assert_eq!(
        errors.length(),
        1,
        "errors: {}",
        stringify(&get(&e, "errors"))
    );
    assert_eq!(
        get_str(&errors.get(0), "memberName").as_deref(),
        Some("email")
    );
    assert_eq!(
        get_str(&errors.get(0), "message").as_deref(),
        Some("The email field is required.")
    );
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert!(client.session().unwrap().is_null());
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_bad_credentials_send_nothing() {
    let t = tenant();
    let client = AuthClient::new(opts(&t, "")).unwrap();
    for c in [
        r#"{"password":"secret"}"#,
        r#"{"userName":"cashier@example.com","password":"secret"}"#,
        r#"{"email":"cashier@example.com","password":"secret","userName":"x"}"#,
        r#"{"email":"","password":"secret"}"#,
        r#"{"email":"cashier@example.com"}"#,
        r#"{"email":"cashier@example.com","password":42}"#,
        r#"{"userName":"999","password":"1234","deviceName":"P01"}"#,
    ] {
        let e = rejects(client.login(json(c))).await;
        assert_eq!(code(&e), "invalid_argument", "credentials {c}");
    }
    assert!(requests(&t).await.is_empty(), "requests were sent");
    await_js(client.login(cashdesk_credentials()))
        .await
        .expect("valid login after bad ones");
    client.dispose();
}

#[wasm_bindgen_test]
async fn cashdesk_200_without_token_expiry_or_user_is_bad_response() {
    let t = tenant();
    let client = AuthClient::new(opts(&t, "")).unwrap();
    let token = r#""Bearer opaque-cashdesk-token""#;
    let when = r#""15.01.2030 10:00""#;
    for (what, body) in [
        ("no token", login_body(None, Some(when), true)),
        ("no token_expires_at", login_body(Some(token), None, true)),
        ("no user", login_body(Some(token), Some(when), false)),
        ("numeric token", login_body(Some("12345"), Some(when), true)),
    ] {
        fault(
            &t,
            &format!(r#"{{"method":"POST","path":"{LOGIN_PATH}","status":200,"body":{body}}}"#),
        )
        .await;
        let e = rejects(client.login(cashdesk_credentials())).await;
        assert_eq!(code(&e), "bad_response", "{what}: {}", stringify(&e));
        auth_error(&e, "bad_response");
        assert!(client.session().unwrap().is_null(), "{what} gave a session");
    }
    await_js(client.login(cashdesk_credentials()))
        .await
        .expect("the client still works");
    client.dispose();
}
