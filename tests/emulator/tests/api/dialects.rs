//! CashDesk and MetaDefender.

use serde_json::{json, Value};

use crate::client::*;

const CD: &str = "/cashdesk/api/v2/authenticate";
const MD_AUTH: &str = "/metadefender/api/user/authenticate";
const MD_REFRESH: &str = "/metadefender/api/user/refreshToken";

fn cashdesk(t: &str, headers: &[(&str, &str)], body: &Value) -> Resp {
    request("POST", &format!("{t}{CD}"), headers, &body.to_string())
}

const JSON_HEADERS: [(&str, &str); 2] = [
    ("Accept", "application/json"),
    ("Content-Type", "application/json"),
];

fn is_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn cashdesk_login() {
    let t = "/t/cashdesk-ok";
    let mut headers = JSON_HEADERS.to_vec();
    headers.push(("developer-id", "pos-auth"));
    let r = cashdesk(
        t,
        &headers,
        &json!({"email": "cashier@example.com", "password": "secret"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let token = v["token"].as_str().unwrap();
    let jwt = token
        .strip_prefix("Bearer ")
        .expect("token starts with Bearer");
    let c = jwt_part(jwt, 1);
    let exp = c["exp"].as_i64().unwrap();
    assert_eq!(exp - c["iat"].as_i64().unwrap(), 300);
    assert_eq!(v["active_rro"], true);
    assert!(v["opened_shift"].is_string() && v.get("developer_id").is_some());

    // "dd.MM.yyyy HH:mm", Kyiv wall time of exp (UTC+2 or +3).
    let at = v["token_expires_at"].as_str().unwrap();
    let p: Vec<&str> = at.split(['.', ' ', ':']).collect();
    assert_eq!(
        p.iter().map(|s| s.len()).collect::<Vec<_>>(),
        [2, 2, 4, 2, 2],
        "{at}"
    );
    assert!(p.iter().all(|s| is_digits(s)));
    let minutes_of_day = |secs: i64| secs.rem_euclid(86_400) / 60;
    let shown = p[3].parse::<i64>().unwrap() * 60 + p[4].parse::<i64>().unwrap();
    assert!(
        [2, 3]
            .iter()
            .any(|h| minutes_of_day(exp + h * 3600) == shown),
        "{at} vs exp {exp}"
    );

    let u = &v["user"];
    assert!(u["full_name"]
        .as_str()
        .unwrap()
        .chars()
        .any(|c| ('А'..='я').contains(&c)));
    assert_eq!(u["email"], "cashier@example.com");
    for k in ["uuid", "edrpou", "drfo", "subject_key_id"] {
        assert!(u[k].as_str().is_some_and(|s| !s.is_empty()), "{k}");
    }
    let lo = u["last_online"].as_str().unwrap();
    assert_eq!(
        lo.split(['-', ' ', ':']).map(str::len).collect::<Vec<_>>(),
        [2, 2, 4, 2, 2, 2],
        "{lo}"
    );
    assert!(u["signature"]["serial"].is_string() && u["signature"]["cert_end_data"].is_string());

    // The request log shows whether developer-id came.
    let log = control(t, "GET", "requests", json!(null)).json();
    assert_eq!(log[0]["headers"]["developer-id"], "pos-auth");
}

#[test]
fn cashdesk_errors() {
    let t = "/t/cashdesk-err";
    let good = json!({"email": "cashier@example.com", "password": "secret"});
    let r = cashdesk(
        t,
        &[("Accept", "*/*"), ("Content-Type", "application/json")],
        &good,
    );
    assert_eq!(r.status, 406);
    assert!(r.json()["message"].is_string());
    let r = cashdesk(
        t,
        &[
            ("Accept", "application/json"),
            ("Content-Type", "text/plain"),
        ],
        &good,
    );
    assert_eq!(r.status, 415);
    assert!(r.json()["message"].is_string());
    let r = cashdesk(
        t,
        &JSON_HEADERS,
        &json!({"email": "cashier@example.com", "password": "wrong"}),
    );
    assert_eq!(r.status, 401);
    assert!(r.json()["message"].is_string());
    let r = cashdesk(t, &JSON_HEADERS, &json!({"email": "cashier@example.com"}));
    assert_eq!(r.status, 422);
    assert!(r.json()["errors"]["password"].is_array());
    // Accept with several types and parameters is fine.
    let r = cashdesk(
        t,
        &[
            ("Accept", "text/html, application/json;q=0.9"),
            ("Content-Type", "application/json; charset=utf-8"),
        ],
        &good,
    );
    assert_eq!(r.status, 200);
}

fn md_login(t: &str) -> Value {
    let r = post_json(
        &format!("{t}{MD_AUTH}"),
        &json!({"userName": "admin", "password": "AdminPassword"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn assert_ticks_time(s: &str) {
    // 2020-07-09T23:12:29.3560169Z
    assert_eq!(s.len(), 28, "{s}");
    let (date, frac) = s.split_once('.').unwrap();
    assert_eq!(date.len(), 19);
    assert!(
        frac.ends_with('Z') && frac.len() == 8 && is_digits(&frac[..7]),
        "{s}"
    );
}

#[test]
fn metadefender_login_and_rotating_refresh() {
    let t = "/t/md";
    let v = md_login(t);
    for k in [
        "accessToken",
        "refreshToken",
        "email",
        "fullName",
        "userName",
    ] {
        assert!(v[k].as_str().is_some_and(|s| !s.is_empty()), "{k}");
    }
    assert_eq!(
        (v["role"].as_i64(), v["responseKey"].as_str()),
        (Some(1), Some("SUCCESS"))
    );
    assert!(v["responseMessage"].is_string());
    assert_ticks_time(v["accessTokenExpiryTime"].as_str().unwrap());
    assert_ticks_time(v["refreshTokenExpiryTime"].as_str().unwrap());
    let c = jwt_part(v["accessToken"].as_str().unwrap(), 1);
    assert_eq!(c["unique_name"], "admin");
    assert_near(c["exp"].as_i64().unwrap(), real_secs() + 300, 2);

    let refresh = |a: &Value, r: &Value| {
        post_json(
            &format!("{t}{MD_REFRESH}"),
            &json!({"accessToken": a, "refreshToken": r}),
        )
    };
    let r = refresh(&v["accessToken"], &v["refreshToken"]);
    assert_eq!(r.status, 200, "{}", r.text());
    let n = r.json();
    assert_ne!(n["accessToken"], v["accessToken"]);
    assert_eq!(n["responseKey"], "SUCCESS");
    assert_ticks_time(n["accessTokenExpiryTime"].as_str().unwrap());
    let again = refresh(&v["accessToken"], &v["refreshToken"]);
    assert_eq!(again.status, 401);
    assert_eq!(
        again.json()["responseKey"],
        "Authentication_InvalidRefreshToken"
    );

    config(t, json!({"clockOffset": 3700}));
    let expired = refresh(&n["accessToken"], &n["refreshToken"]);
    assert_eq!(expired.status, 401);
    assert_eq!(
        expired.json()["responseKey"],
        "Authentication_RefreshTokenExpired"
    );
}

#[test]
fn metadefender_errors() {
    let t = "/t/md-err";
    let r = post_json(
        &format!("{t}{MD_AUTH}"),
        &json!({"userName": "admin", "password": "nope"}),
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["responseKey"], "Authentication_InvalidCredentials");
    assert!(r.json()["responseMessage"].is_string());
    let r = post_json(&format!("{t}{MD_AUTH}"), &json!({"userName": "admin"}));
    assert_eq!(r.status, 400);
    assert!(r.json()["responseKey"].is_string());
    // The vendor's own sample logs in as "Admin".
    let r = post_json(
        &format!("{t}{MD_AUTH}"),
        &json!({"userName": "Admin", "password": "AdminPassword"}),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn jwt_false_issues_opaque_tokens() {
    let t = "/t/opaque";
    config(t, json!({"jwt": false}));
    let v = md_login(t);
    let access = v["accessToken"].as_str().unwrap();
    assert!(!access.contains('.'), "{access}");
    let r = post_json(
        &format!("{t}{MD_REFRESH}"),
        &json!({"accessToken": access, "refreshToken": v["refreshToken"]}),
    );
    assert_eq!(r.status, 200);
    assert!(!r.json()["accessToken"].as_str().unwrap().contains('.'));

    let r = cashdesk(
        t,
        &JSON_HEADERS,
        &json!({"email": "cashier@example.com", "password": "secret"}),
    );
    let token = r.json()["token"].as_str().unwrap().to_string();
    assert!(
        token.starts_with("Bearer ") && !token.contains('.'),
        "{token}"
    );
    // PORTOS has no expiry field, so it keeps issuing JWTs.
    assert_eq!(portos_login(t).0.matches('.').count(), 2);
}
