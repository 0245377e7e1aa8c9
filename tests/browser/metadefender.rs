//! MetaDefender: the vendor login, JWT and seven-digit expiry times, the
//! rotating refresh and its failures, the user mapping.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

const LOGIN_PATH: &str = "/metadefender/api/user/authenticate";
const REFRESH_PATH: &str = "/metadefender/api/user/refreshToken";

fn opts(t: &str, extra: &str) -> JsValue {
    backend_options(t, "metadefender", extra)
}

fn b64url(text: &str) -> String {
    web_sys::window()
        .unwrap()
        .btoa(text)
        .unwrap()
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

/// Queues a vendor-shaped 200 login answer.
async fn login_answer(t: &str, access: &str, access_expiry: &str, refresh_expiry: &str) {
    let body = format!(
        r#"{{"accessToken":"{access}","accessTokenExpiryTime":"{access_expiry}","refreshToken":"cmVmcmVzaA==","refreshTokenExpiryTime":"{refresh_expiry}","email":"admin@example.com","fullName":"Administrator","role":2,"userName":"admin","responseKey":"SUCCESS","responseMessage":"Successful request"}}"#
    );
    fault(
        t,
        &format!(r#"{{"method":"POST","path":"{LOGIN_PATH}","status":200,"body":{body}}}"#),
    )
    .await;
}

#[wasm_bindgen_test]
async fn metadefender_login_request_and_body() {
    let t = tenant();
    let client = AuthClient::new(opts(&t, "")).unwrap();
    let s = await_js(client.login(metadefender_credentials()))
        .await
        .unwrap();
    assert_eq!(get_str(&s, "backend").as_deref(), Some("metadefender"));
    assert_eq!(get(&s, "canRefresh").as_bool(), Some(true));
    assert!(!token_of(&s).starts_with("Bearer"));
    assert!(
        get(&s, "refreshToken").is_undefined(),
        "the refresh token is exposed"
    );
    let sent = requests_to(&t, "POST", LOGIN_PATH).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(requests(&t).await.len(), 1);
    assert_eq!(count(&t, MD_LOGIN).await, 1);
    let r = &sent[0];
    assert_eq!(header(r, "accept").as_deref(), Some("application/json"));
    assert!(
        header(r, "content-type").is_some_and(|c| c.starts_with("application/json")),
        "content-type {:?}",
        header(r, "content-type")
    );
    assert_eq!(header(r, "authorization"), None);
    let body = json(&get_str(r, "body").unwrap());
    assert_eq!(keys(&body), ["password", "userName"]);
    assert_eq!(get_str(&body, "userName").as_deref(), Some("admin"));
    assert_eq!(get_str(&body, "password").as_deref(), Some("AdminPassword"));
    client.dispose();
}

#[wasm_bindgen_test]
async fn metadefender_jwt_exp_wins_over_the_expiry_field() {
    let t = tenant();
    let iat = (now() / 1000.0).floor() as i64;
    let exp = iat + 1000;
    let jwt = format!(
        "{}.{}.c2lnbmF0dXJl",
        b64url(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(&format!(
            r#"{{"nameid":"5dee9f46803ca60007f46b88","unique_name":"admin","iat":{iat},"nbf":{iat},"exp":{exp}}}"#
        ))
    );
    login_answer(
        &t,
        &jwt,
        "2030-01-02T03:04:05.6789012Z",
        "2031-02-03T04:05:06.1234567Z",
    )
    .await;
    let client = AuthClient::new(opts(&t, "")).unwrap();
    let s = await_js(client.login(metadefender_credentials()))
        .await
        .unwrap();
    assert_eq!(token_of(&s), jwt);
    assert_eq!(
        num(&s, "expiresAt"),
        Some(exp as f64 * 1000.0),
        "expiresAt must come from exp, not accessTokenExpiryTime"
    );
    assert_eq!(
        num(&s, "refreshExpiresAt"),
        Some(utc("2031-02-03T04:05:06.123Z"))
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn metadefender_jwt_expiry_is_skew_corrected() {
    let t = tenant();
    config(
        &t,
        r#"{"tokenLifetime":120,"refreshLifetime":900,"clockOffset":600}"#,
    )
    .await;
    let client = AuthClient::new(opts(&t, "")).unwrap();
    let before = now();
    let s = await_js(client.login(metadefender_credentials()))
        .await
        .unwrap();
    let after = now();
    assert_eq!(token_of(&s).split('.').count(), 3, "a JWT");
    let expires = num(&s, "expiresAt").unwrap();
    assert_eq!(expires.fract(), 0.0);
    assert!(
        expires >= before + 118_000.0 && expires <= after + 121_000.0,
        "expiresAt {expires} vs now + 120 s ({before}); +600 s would be {}",
        before + 720_000.0
    );
    let refresh = num(&s, "refreshExpiresAt").expect("refreshExpiresAt");
    assert_eq!(refresh.fract(), 0.0, "refreshExpiresAt in whole ms");
    assert!(
        refresh >= before + 898_000.0 && refresh <= after + 901_000.0,
        "refreshExpiresAt {refresh} vs now + 900 s ({before})"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn metadefender_opaque_token_expiry_from_seven_digit_times() {
    let t = tenant();
    config(
        &t,
        r#"{"jwt":false,"tokenLifetime":120,"refreshLifetime":900}"#,
    )
    .await;
    let client = AuthClient::new(opts(&t, "")).unwrap();
    // The emulator's own answer.
    let before = now();
    let s = await_js(client.login(metadefender_credentials()))
        .await
        .unwrap();
    let after = now();
    assert_ne!(
        token_of(&s).split('.').count(),
        3,
        "jwt:false should give an opaque token"
    );
    let expires = num(&s, "expiresAt").expect("expiresAt from accessTokenExpiryTime");
    assert!(
        expires >= before + 119_000.0 && expires <= after + 120_000.0,
        "expiresAt {expires} vs now + 120 s ({before})"
    );
    let refresh =
        num(&s, "refreshExpiresAt").expect("refreshExpiresAt from refreshTokenExpiryTime");
    assert!(
        refresh >= before + 899_000.0 && refresh <= after + 900_000.0,
        "refreshExpiresAt {refresh} vs now + 900 s ({before})"
    );
    // Exact times, seven fractional digits: whole ms, the rest cut off.
    login_answer(
        &t,
        "opaque-access-token",
        "2030-01-02T03:04:05.6789012Z",
        "2030-02-03T04:05:06.1234567Z",
    )
    .await;
    let s = await_js(client.login(metadefender_credentials()))
        .await
        .unwrap();
    assert_eq!(token_of(&s), "opaque-access-token");
    assert_eq!(num(&s, "expiresAt"), Some(utc("2030-01-02T03:04:05.678Z")));
    assert_eq!(
        num(&s, "refreshExpiresAt"),
        Some(utc("2030-02-03T04:05:06.123Z"))
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn metadefender_user_mapping_and_raw() {
    let t = tenant();
    let (client, _, s) = signed_in_to(&t, "metadefender", "").await;
    let u = get(&s, "user");
    assert!(get(&u, "id").is_null(), "id: {}", stringify(&get(&u, "id")));
    assert_eq!(get_str(&u, "userName").as_deref(), Some("admin"));
    assert_eq!(get_str(&u, "name").as_deref(), Some("Administrator"));
    assert_eq!(get_str(&u, "email").as_deref(), Some("admin@example.com"));
    assert_eq!(
        num(&u, "role"),
        Some(1.0),
        "role: {}",
        stringify(&get(&u, "role"))
    );
    assert_eq!(stringify(&get(&u, "rights")), "[]");
    assert!(get(&u, "device").is_null());
    let raw = get(&u, "raw");
    assert_eq!(
        keys(&raw),
        [
            "email",
            "fullName",
            "responseKey",
            "responseMessage",
            "role",
            "userName"
        ],
        "raw: {}",
        stringify(&raw)
    );
    assert_eq!(get_str(&raw, "responseKey").as_deref(), Some("SUCCESS"));
    assert_eq!(
        get_str(&raw, "responseMessage").as_deref(),
        Some("Successful request")
    );
    assert_eq!(num(&raw, "role"), Some(1.0));
    client.dispose();
}

#[wasm_bindgen_test]
async fn metadefender_refresh_rotates_the_tokens() {
    let t = tenant();
    let (client, o, s) = signed_in_to(&t, "metadefender", "").await;
    let (old, r, body) = refresh_and_check(&t, &client, &o, &s, REFRESH_PATH).await;
    let new = token_of(&r);
    assert_eq!(keys(&body), ["accessToken", "refreshToken"]);
    assert_eq!(get_str(&body, "accessToken"), Some(old.clone()));
    let first_refresh = get_str(&body, "refreshToken").expect("refreshToken in the body");
    // The user survives a refresh (its answer has no user fields).
    let u = get(&r, "user");
    assert_eq!(get_str(&u, "userName").as_deref(), Some("admin"));
    assert_eq!(num(&u, "role"), Some(1.0));
    // The old refresh token is used up at the server...
    let (status, answer) = raw_post(
        &format!("{t}{REFRESH_PATH}"),
        &format!(r#"{{"accessToken":"{old}","refreshToken":"{first_refresh}"}}"#),
    )
    .await;
    assert_eq!(
        status,
        401,
        "the old refresh token still works: {}",
        stringify(&answer)
    );
    // ...and the client uses the new one.
    let r2 = await_js(client.refresh())
        .await
        .expect("second refresh with the rotated token");
    let sent = requests_to(&t, "POST", REFRESH_PATH).await;
    let body = json(&get_str(sent.last().unwrap(), "body").unwrap());
    assert_eq!(get_str(&body, "accessToken"), Some(new));
    assert_ne!(get_str(&body, "refreshToken"), Some(first_refresh));
    assert_ne!(token_of(&r2), token_of(&r));
    client.dispose();
}

#[wasm_bindgen_test]
async fn metadefender_refresh_401_ends_the_session() {
    let t = tenant();
    let (client, o, _) = signed_in_to(&t, "metadefender", "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    control(&t, "POST", "revoke", None).await;
    let e = rejects_with(client.refresh(), "session_expired").await;
    assert_eq!(num(&e, "status"), Some(401.0));
    assert_eq!(
        get_str(&e, "errorCode").as_deref(),
        Some("Authentication_InvalidRefreshToken")
    );
    assert_eq!(
        get_str(&e, "message").as_deref(),
        Some("The token has been revoked.")
    );
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert_eq!(types(&events), ["initial", "expired"]);
    let ev = events.borrow()[1].clone();
    assert!(get(&ev, "session").is_null());
    auth_error(&get(&ev, "error"), "session_expired");
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    client.dispose();
}

#[wasm_bindgen_test]
async fn metadefender_refresh_500_is_server_and_keeps_the_session() {
    let t = tenant();
    let (client, o, s) = signed_in_to(&t, "metadefender", "").await;
    let before = client.session().unwrap();
    fault(&t, &format!(r#"{{"method":"POST","path":"{REFRESH_PATH}","status":500,"body":{{"responseKey":"Server_Unavailable","responseMessage":"Server is temporarily unavailable"}}}}"#)).await;
    let e = rejects_with(client.refresh(), "server").await;
    assert_eq!(num(&e, "status"), Some(500.0));
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    assert_eq!(
        get_str(&e, "message").as_deref(),
        Some("Server is temporarily unavailable")
    );
    assert_eq!(
        get_str(&e, "errorCode").as_deref(),
        Some("Server_Unavailable")
    );
    assert!(
        js_sys::Object::is(&before, &client.session().unwrap()),
        "the session changed"
    );
    assert!(stored(&key_of(&o)).unwrap().contains(&token_of(&s)));
    client.dispose();
}

#[wasm_bindgen_test]
async fn metadefender_wrong_password_is_invalid_credentials() {
    let t = tenant();
    let client = AuthClient::new(opts(&t, "")).unwrap();
    let e = rejects_with(
        client.login(json(r#"{"userName":"admin","password":"nope"}"#)),
        "invalid_credentials",
    )
    .await;
    assert_eq!(num(&e, "status"), Some(401.0));
    assert_eq!(
        get_str(&e, "message").as_deref(),
        Some("Invalid username or password.")
    );
    assert_eq!(
        get_str(&e, "errorCode").as_deref(),
        Some("Authentication_InvalidCredentials")
    );
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert!(client.session().unwrap().is_null());
    client.dispose();
}

#[wasm_bindgen_test]
async fn metadefender_refresh_expiry_ends_the_session() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":60,"refreshLifetime":3}"#).await;
    let o = opts(&t, "");
    let client = AuthClient::new(o.clone()).unwrap();
    let (events, _) = listen(&client);
    let s = await_js(client.login(metadefender_credentials()))
        .await
        .unwrap();
    let refresh = num(&s, "refreshExpiresAt").expect("refreshExpiresAt");
    assert!(num(&s, "expiresAt").unwrap() > refresh + 50_000.0);
    let e = wait_event(&events, "expired", 4500.0)
        .await
        .expect("no expired event after refreshExpiresAt");
    let at = now();
    assert!(
        at >= refresh - 50.0 && at <= refresh + 600.0,
        "expired {} ms from refreshExpiresAt",
        at - refresh
    );
    assert!(get(&e, "session").is_null());
    assert!(client.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&o)), None);
    client.dispose();
}

#[wasm_bindgen_test]
async fn metadefender_profile_is_the_stored_user_without_a_request() {
    assert_profile_is_the_stored_user("metadefender").await;
}

#[wasm_bindgen_test]
async fn metadefender_logout_is_local() {
    assert_logout_is_local("metadefender").await;
}
