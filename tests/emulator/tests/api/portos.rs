use std::thread::sleep;
use std::time::Duration;

use base64::Engine;
use serde_json::json;

use crate::client::*;

const AUTH: &str = "/portos/api/auth";
const REFRESH: &str = "/portos/api/auth/refresh";

fn seed_profile() -> serde_json::Value {
    json!({
        "id": "635f7ae3072edfeae7c26a1e",
        "isVirtual": false,
        "name": "Majiteľ",
        "userName": "999",
        "featureName": null,
        "rights": ["admin"],
        "device": {
            "name": "P01",
            "envName": "CashRegister",
            "description": "P01",
            "preferences": {},
            "settings": {
                "MaxQuantity": "200",
                "OpenedPrices": "false",
                "NoticeOnNegativeSale": "false",
                "VisibleQuantities": "false",
                "DefaultFiscalName": "eKasa",
                "DefaultOrderEndpointName": "",
                "DefaultStockName": "S01"
            }
        }
    })
}

fn profile(t: &str, token: &str) -> Resp {
    get(&format!("{t}{AUTH}"), &[("Authorization", &bearer(token))])
}

fn refresh(t: &str, token: &str, refresh: &str) -> Resp {
    post_json(
        &format!("{t}{REFRESH}"),
        &json!({"tokenId": token, "refreshToken": refresh}),
    )
}

#[test]
fn login_returns_a_signed_jwt_and_the_seed_profile() {
    let t = "/t/portos-login";
    let r = post_json(
        &format!("{t}{AUTH}"),
        &json!({"UserName": "999", "Password": "1234", "DeviceName": "P01"}),
    );
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap()
        .starts_with("application/json"));
    let v = r.json();
    assert_eq!(v["user"], seed_profile());
    assert_eq!(v.as_object().unwrap().len(), 3);

    let token = v["tokenId"].as_str().unwrap();
    assert_eq!(jwt_part(token, 0), json!({"alg": "HS256", "typ": "JWT"}));
    let c = jwt_part(token, 1);
    assert_eq!(c["sub"], "635f7ae3072edfeae7c26a1e");
    assert_eq!(c["unique_name"], "999");
    assert!(c["jti"].as_str().is_some_and(|j| !j.is_empty()));
    let iat = c["iat"].as_i64().unwrap();
    assert_near(iat, real_secs(), 2);
    assert_eq!(c["nbf"].as_i64(), Some(iat));
    assert_eq!(c["exp"].as_i64(), Some(iat + 300));

    let rt = v["refreshToken"].as_str().unwrap();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(rt)
        .expect("refresh token is base64");
    assert_eq!(raw.len(), 32);

    let (second, _) = portos_login(t);
    assert_ne!(jwt_part(&second, 1)["jti"], c["jti"], "jti is unique");
}

#[test]
fn login_accepts_camel_case_keys_and_an_empty_password() {
    let t = "/t/portos-camel";
    let r = post_json(
        &format!("{t}{AUTH}"),
        &json!({"userName": "100", "password": "", "deviceName": "P02"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let user = &r.json()["user"];
    assert_eq!(user["name"], "Pokladníčka Jana");
    assert_eq!(user["rights"], json!(["sale"]));
    assert_eq!(user["device"]["name"], "P02");
    // Password is optional: absent means empty.
    let r = post_json(
        &format!("{t}{AUTH}"),
        &json!({"USERNAME": "100", "devicename": "P02"}),
    );
    assert_eq!(r.status, 200);
}

#[test]
fn login_with_bad_credentials_is_401_with_the_seed_body() {
    let t = "/t/portos-401";
    for body in [
        json!({"UserName": "999", "Password": "0000", "DeviceName": "P01"}),
        json!({"UserName": "nobody", "Password": "1234", "DeviceName": "P01"}),
        json!({"UserName": "999", "Password": "1234", "DeviceName": "P99"}),
        json!({"UserName": "999", "Password": "1234", "DeviceName": "P02"}),
        json!({"UserName": "100", "Password": "x", "DeviceName": "P02"}),
    ] {
        let r = post_json(&format!("{t}{AUTH}"), &body);
        assert_eq!(r.status, 401, "{body}");
        assert!(r
            .header("content-type")
            .unwrap()
            .starts_with("application/problem+json"));
        let v = r.json();
        assert_eq!(v["title"], "Nesprávne meno alebo heslo.");
        assert_eq!(v["status"], 401);
        assert_eq!(v["instance"], "/api/auth");
        assert_eq!(v["errorCode"], "Unauthorized");
        assert!(v["traceId"].as_str().unwrap().contains(':'));
    }
}

#[test]
fn login_validation_errors_are_400_problem_details() {
    let t = "/t/portos-400";
    let url = format!("{t}{AUTH}");
    let check = |r: Resp, members: &[&str]| {
        assert_eq!(r.status, 400, "{}", r.text());
        assert!(r
            .header("content-type")
            .unwrap()
            .starts_with("application/problem+json"));
        let v = r.json();
        assert_eq!(v["status"], 400);
        let names: Vec<&str> = v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["memberName"].as_str().unwrap())
            .collect();
        assert_eq!(names, members);
        for e in v["errors"].as_array().unwrap() {
            assert!(e["message"].is_string() && e["code"].is_string());
        }
    };
    check(
        post_json(&url, &json!({"Password": "1234", "DeviceName": "P01"})),
        &["UserName"],
    );
    check(
        post_json(
            &url,
            &json!({"UserName": "999", "Password": "1234", "DeviceName": ""}),
        ),
        &["DeviceName"],
    );
    check(post_json(&url, &json!({})), &["UserName", "DeviceName"]);
    check(
        post_json(&url, &json!({"UserName": 999, "DeviceName": "P01"})),
        &["UserName"],
    );
    check(post_json(&url, &json!([1, 2])), &["$"]);
    check(
        request(
            "POST",
            &url,
            &[("Content-Type", "application/json")],
            "{not json",
        ),
        &["$"],
    );
    check(
        request("POST", &url, &[("Content-Type", "application/json")], ""),
        &["$"],
    );
    // ASP.NET answers a non-JSON content type with 415.
    let r = request(
        "POST",
        &url,
        &[("Content-Type", "text/plain")],
        r#"{"UserName":"999"}"#,
    );
    assert_eq!(r.status, 415);
}

#[test]
fn profile_needs_a_valid_live_unrevoked_token() {
    let t = "/t/portos-profile";
    let (token, _) = portos_login(t);
    let r = profile(t, &token);
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), seed_profile());

    let unauthorized = |r: Resp| {
        assert_eq!(r.status, 401, "{}", r.text());
        let v = r.json();
        assert_eq!(
            (
                v["title"].as_str(),
                v["errorCode"].as_str(),
                v["status"].as_i64()
            ),
            (Some("Unauthorized"), Some("Unauthorized"), Some(401))
        );
    };
    unauthorized(get(&format!("{t}{AUTH}"), &[]));
    unauthorized(get(
        &format!("{t}{AUTH}"),
        &[("Authorization", "Basic OTk5OjEyMzQ=")],
    ));
    unauthorized(profile(t, "garbage"));
    // Same claims, other signature.
    let forged = format!("{}.AAAA", token.rsplit_once('.').unwrap().0);
    unauthorized(profile(t, &forged));

    // Expired on the server clock: jump the clock past exp, then back.
    config(t, json!({"clockOffset": 301}));
    unauthorized(profile(t, &token));
    config(t, json!({"clockOffset": 0}));
    assert_eq!(profile(t, &token).status, 200);

    // Expired in real time with a short lifetime.
    config(t, json!({"tokenLifetime": 1}));
    let (short, _) = portos_login(t);
    let c = jwt_part(&short, 1);
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 1);
    sleep(Duration::from_millis(2100));
    unauthorized(profile(t, &short));

    // Revoked by the control API.
    let (other, rt) = portos_login(t);
    config(t, json!({"tokenLifetime": 300}));
    let (live, _) = portos_login(t);
    assert_eq!(control(t, "POST", "revoke", json!(null)).status, 200);
    unauthorized(profile(t, &live));
    unauthorized(refresh(t, &other, &rt));
}

#[test]
fn refresh_rotates_and_each_refresh_token_works_once() {
    let t = "/t/portos-refresh";
    let (token, rt) = portos_login(t);
    let r = refresh(t, &token, &rt);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    assert_eq!(v.as_object().unwrap().len(), 2);
    let (token2, rt2) = (
        v["tokenId"].as_str().unwrap().to_string(),
        v["refreshToken"].as_str().unwrap().to_string(),
    );
    assert_ne!(token2, token);
    assert_ne!(rt2, rt);
    assert_eq!(jwt_part(&token2, 1)["sub"], "635f7ae3072edfeae7c26a1e");
    assert_eq!(profile(t, &token2).status, 200);

    // Second use of the same refresh token.
    let again = refresh(t, &token, &rt);
    assert_eq!(again.status, 401);
    assert_eq!(again.json()["errorCode"], "Unauthorized");
    // A refresh token only goes with its own tokenId.
    assert_eq!(refresh(t, &token, &rt2).status, 401);
    assert_eq!(refresh(t, "x.y.z", &rt2).status, 401);

    // An expired access token can still be refreshed within refreshLifetime.
    config(t, json!({"clockOffset": 400}));
    assert_eq!(profile(t, &token2).status, 401);
    let r = refresh(t, &token2, &rt2);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let (token3, rt3) = (
        v["tokenId"].as_str().unwrap().to_string(),
        v["refreshToken"].as_str().unwrap().to_string(),
    );
    assert_near(
        jwt_part(&token3, 1)["iat"].as_i64().unwrap(),
        real_secs() + 400,
        2,
    );
    assert_eq!(profile(t, &token3).status, 200);

    // ... but not past it.
    config(t, json!({"clockOffset": 400 + 3601}));
    assert_eq!(refresh(t, &token3, &rt3).status, 401);

    // Missing fields.
    let r = post_json(&format!("{t}{REFRESH}"), &json!({"tokenId": token3}));
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["errors"][0]["memberName"], "refreshToken");
}

#[test]
fn logout_always_answers_200_with_an_empty_body() {
    let t = "/t/portos-logout";
    let (token, rt) = portos_login(t);
    let (token_b, rt_b) = portos_login(t);
    let url = format!("{t}{AUTH}");
    let r = request("DELETE", &url, &[("Authorization", &bearer(&token))], "");
    assert_eq!(
        (r.status, r.body.len(), r.header("content-length")),
        (200, 0, Some("0"))
    );
    assert_eq!(profile(t, &token).status, 401);
    assert_eq!(refresh(t, &token, &rt).status, 401);
    // Another session is untouched.
    assert_eq!(profile(t, &token_b).status, 200);

    for headers in [
        vec![],
        vec![("Authorization", "Bearer nonsense")],
        vec![("Authorization", "Bearer")],
    ] {
        let r = request("DELETE", &url, &headers, "");
        assert_eq!((r.status, r.body.len()), (200, 0));
    }

    // Logging out with a refreshed token ends the whole session.
    let v = refresh(t, &token_b, &rt_b).json();
    let token_c = v["tokenId"].as_str().unwrap();
    request("DELETE", &url, &[("Authorization", &bearer(token_c))], "");
    assert_eq!(profile(t, &token_b).status, 401);
    assert_eq!(profile(t, token_c).status, 401);
}

#[test]
fn fractional_lifetime_rounds_exp_to_whole_seconds() {
    let t = "/t/portos-fraction";
    config(t, json!({"tokenLifetime": 1.6}));
    let c = jwt_part(&portos_login(t).0, 1);
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 2);
    config(t, json!({"tokenLifetime": 0.2}));
    let c = jwt_part(&portos_login(t).0, 1);
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 1);
}

#[test]
fn wrong_method_and_unknown_paths() {
    let t = "/t/portos-routes";
    let r = request("PUT", &format!("{t}{AUTH}"), &[], "");
    assert_eq!(r.status, 405);
    assert!(r.header("allow").unwrap().contains("POST"));
    assert_eq!(get(&format!("{t}/portos/api/nothing"), &[]).status, 404);
    // ASP.NET routes ignore case.
    let (token, _) = portos_login(t);
    assert_eq!(
        get(
            &format!("{t}/portos/API/Auth"),
            &[("Authorization", &bearer(&token))]
        )
        .status,
        200
    );
}
