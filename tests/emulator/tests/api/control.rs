//! The control API: faults, counts, request log, config, reset, tenants.

use std::io::{BufReader, Read, Write};
use std::time::Instant;

use serde_json::{json, Value};

use crate::client::*;

const AUTH: &str = "/portos/api/auth";

fn login_body() -> Value {
    json!({"UserName": "999", "Password": "1234", "DeviceName": "P01"})
}

fn login(t: &str) -> Resp {
    post_json(&format!("{t}{AUTH}"), &login_body())
}

#[test]
fn fault_respond_with_status_body_and_headers_then_normal() {
    let t = "/t/fault-respond";
    fault(
        t,
        json!({"method": "POST", "path": AUTH, "status": 503, "body": "{\"title\":\"busy\"}",
        "contentType": "application/json", "headers": {"Retry-After": "2"}}),
    );
    let r = request(
        "POST",
        &format!("{t}{AUTH}"),
        &[
            ("Content-Type", "application/json"),
            ("Origin", "http://localhost:3000"),
        ],
        &login_body().to_string(),
    );
    assert_eq!(r.status, 503);
    assert_eq!(r.text(), "{\"title\":\"busy\"}");
    assert_eq!(r.header("retry-after"), Some("2"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://localhost:3000")
    );
    assert_eq!(login(t).status, 200, "times defaults to 1");
    assert_eq!(
        control(t, "GET", "counts", json!(null)).json(),
        json!({"POST /portos/api/auth": 2})
    );
}

#[test]
fn fault_delay_without_status_then_handles_normally() {
    let t = "/t/fault-delay";
    fault(t, json!({"path": AUTH, "delayMs": 300}));
    let start = Instant::now();
    assert_eq!(login(t).status, 200);
    assert!(start.elapsed().as_millis() >= 300);
    let start = Instant::now();
    assert_eq!(login(t).status, 200);
    assert!(start.elapsed().as_millis() < 300);
}

#[test]
fn fault_drop_closes_without_a_byte() {
    let t = "/t/fault-drop";
    fault(t, json!({"path": AUTH, "action": "drop"}));
    let out = raw(
        server(),
        &encode(
            "POST",
            &format!("{t}{AUTH}"),
            &[("Content-Type", "application/json")],
            &login_body().to_string(),
            false,
        ),
    );
    assert!(out.is_empty(), "{:?}", String::from_utf8_lossy(&out));
    assert_eq!(login(t).status, 200);
    assert_eq!(
        control(t, "GET", "counts", json!(null)).json()["POST /portos/api/auth"],
        2
    );
}

#[test]
fn fault_truncate_announces_more_than_it_sends() {
    let t = "/t/fault-truncate";
    fault(t, json!({"path": AUTH, "action": "truncate"}));
    let mut s = connect(server());
    s.write_all(&encode(
        "POST",
        &format!("{t}{AUTH}"),
        &[("Content-Type", "application/json")],
        &login_body().to_string(),
        false,
    ))
    .unwrap();
    let mut r = BufReader::new(s);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut r, &mut line).unwrap();
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    assert!(head.starts_with("HTTP/1.1 200 OK"));
    let announced: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .unwrap()
        .parse()
        .unwrap();
    let mut body = Vec::new();
    r.read_to_end(&mut body).unwrap();
    assert!(
        !body.is_empty() && body.len() < announced,
        "{} of {announced}",
        body.len()
    );
    assert!(serde_json::from_slice::<Value>(&body).is_err());
}

#[test]
fn fault_html_gateway_page() {
    let t = "/t/fault-html";
    fault(t, json!({"path": AUTH, "action": "html"}));
    let r = login(t);
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(
        r.text(),
        "<html><body><h1>502 Bad Gateway</h1></body></html>"
    );
    fault(t, json!({"path": AUTH, "action": "html", "status": 504}));
    assert_eq!(login(t).status, 504);
}

#[test]
fn fault_huge_is_valid_json_over_one_mebibyte() {
    let t = "/t/fault-huge";
    fault(t, json!({"method": "POST", "path": AUTH, "action": "huge"}));
    let r = login(t);
    assert_eq!(r.status, 200);
    assert!(r.body.len() > 1 << 20);
    assert!(r.json().is_object());
}

#[test]
fn faults_match_method_and_path_queue_in_order_and_persist_with_times_zero() {
    let t = "/t/fault-queue";
    fault(
        t,
        json!({"path": AUTH, "method": "get", "status": 500, "times": 0}),
    );
    fault(
        t,
        json!({"path": AUTH, "method": "POST", "status": 503, "times": 2}),
    );
    fault(t, json!({"path": AUTH, "method": "POST", "status": 429}));
    for _ in 0..3 {
        assert_eq!(get(&format!("{t}{AUTH}"), &[]).status, 500);
    }
    assert_eq!(login(t).status, 503);
    assert_eq!(login(t).status, 503);
    assert_eq!(login(t).status, 429);
    assert_eq!(login(t).status, 200);
    // Other paths of the dialect are untouched.
    assert_eq!(
        post_json(&format!("{t}{AUTH}/refresh"), &json!({})).status,
        400
    );
    let q = control(t, "GET", "fault", json!(null)).json();
    assert_eq!(q["faults"].as_array().unwrap().len(), 1);
    assert_eq!(
        control(t, "DELETE", "fault", json!(null)).json(),
        json!({"faults": []})
    );
    assert_eq!(get(&format!("{t}{AUTH}"), &[]).status, 401);
}

#[test]
fn fault_and_config_validation() {
    let t = "/t/control-validation";
    for bad in [
        json!({"action": "explode", "status": 500}),
        json!({"status": 99}),
        json!({"path": "no-slash", "status": 500}),
        json!({}),
    ] {
        assert_eq!(
            control(t, "POST", "fault", bad.clone()).status,
            400,
            "{bad}"
        );
    }
    for bad in [
        json!({"tokenLifetime": 0}),
        json!({"refreshLifetime": -1}),
        json!({"clockOffset": "x"}),
        json!({"jwt": 1}),
        json!({"tokenLifeTime": 5}),
        json!([]),
    ] {
        assert_eq!(
            control(t, "POST", "config", bad.clone()).status,
            400,
            "{bad}"
        );
    }
    // A rejected change leaves the config alone.
    assert_eq!(
        control(
            t,
            "POST",
            "config",
            json!({"tokenLifetime": 9, "jwt": "no"})
        )
        .status,
        400
    );
    assert_eq!(
        control(t, "GET", "config", json!(null)).json()["tokenLifetime"],
        300
    );
    let all = config(
        t,
        json!({"tokenLifetime": 2.5, "refreshLifetime": 10, "clockOffset": -30, "jwt": false}),
    );
    assert_eq!(
        all,
        json!({"tokenLifetime": 2.5, "refreshLifetime": 10, "clockOffset": -30, "jwt": false})
    );
    assert_eq!(control(t, "GET", "nothing", json!(null)).status, 404);
    assert_eq!(control(t, "DELETE", "now", json!(null)).status, 405);
}

#[test]
fn counts_and_request_log() {
    let t = "/t/counts";
    let (token, rt) = portos_login(t);
    get(&format!("{t}{AUTH}"), &[("Authorization", &bearer(&token))]);
    post_json(
        &format!("{t}{AUTH}/refresh"),
        &json!({"tokenId": token, "refreshToken": rt}),
    );
    request(
        "OPTIONS",
        &format!("{t}{AUTH}"),
        &[("Origin", "http://127.0.0.1:1")],
        "",
    );
    control(t, "GET", "now", json!(null));
    assert_eq!(
        control(t, "GET", "counts", json!(null)).json(),
        json!({"POST /portos/api/auth": 1, "GET /portos/api/auth": 1, "POST /portos/api/auth/refresh": 1})
    );
    let log = control(t, "GET", "requests", json!(null)).json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(
        (log[0]["method"].as_str(), log[0]["path"].as_str()),
        (Some("POST"), Some(AUTH))
    );
    assert_eq!(
        serde_json::from_str::<Value>(log[0]["body"].as_str().unwrap()).unwrap(),
        login_body()
    );
    assert_eq!(log[0]["headers"]["content-type"], "application/json");
    assert_eq!(log[1]["headers"]["authorization"], bearer(&token));
    assert_near(log[2]["at"].as_i64().unwrap() / 1000, real_secs(), 2);

    assert_eq!(control(t, "POST", "reset", json!(null)).status, 200);
    assert_eq!(control(t, "GET", "counts", json!(null)).json(), json!({}));
    assert_eq!(control(t, "GET", "requests", json!(null)).json(), json!([]));
    // Reset forgets tokens too.
    assert_eq!(
        get(&format!("{t}{AUTH}"), &[("Authorization", &bearer(&token))]).status,
        401
    );
}

#[test]
fn request_log_keeps_the_last_200() {
    let t = "/t/log-cap";
    let s = connect(server());
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    for i in 0..205 {
        w.write_all(&encode(
            "GET",
            &format!("{t}/portos/api/x{i}"),
            &[],
            "",
            false,
        ))
        .unwrap();
        read_response(&mut r, false);
    }
    let log = control(t, "GET", "requests", json!(null)).json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 200);
    assert_eq!(log[0]["path"], "/portos/api/x5");
    assert_eq!(
        control(t, "GET", "counts", json!(null))
            .json()
            .as_object()
            .unwrap()
            .len(),
        205
    );
}

#[test]
fn tenants_are_isolated() {
    let (a, b) = ("/t/iso-a", "/t/iso-b");
    let (token, rt) = portos_login(a);
    let auth = [("Authorization", bearer(&token))];
    let auth: Vec<(&str, &str)> = auth.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(get(&format!("{a}{AUTH}"), &auth).status, 200);
    assert_eq!(
        get(&format!("{b}{AUTH}"), &auth).status,
        401,
        "token of a is not valid in b"
    );
    assert_eq!(
        post_json(
            &format!("{b}{AUTH}/refresh"),
            &json!({"tokenId": token, "refreshToken": rt})
        )
        .status,
        401
    );

    config(a, json!({"tokenLifetime": 7}));
    fault(
        a,
        json!({"method": "POST", "path": AUTH, "status": 500, "times": 0}),
    );
    assert_eq!(login(a).status, 500);
    let v = login(b).json();
    let c = jwt_part(v["tokenId"].as_str().unwrap(), 1);
    assert_eq!(c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(), 300);
    control(a, "POST", "revoke", json!(null));
    assert_eq!(get(&format!("{a}{AUTH}"), &auth).status, 401);
    let tb = v["tokenId"].as_str().unwrap();
    assert_eq!(
        get(&format!("{b}{AUTH}"), &[("Authorization", &bearer(tb))]).status,
        200
    );

    let counts_b = control(b, "GET", "counts", json!(null)).json();
    assert_eq!(
        counts_b,
        json!({"GET /portos/api/auth": 2, "POST /portos/api/auth": 1, "POST /portos/api/auth/refresh": 1})
    );
    // The unprefixed default tenant saw none of it.
    let default_log = control("", "GET", "requests", json!(null)).json();
    assert!(default_log
        .as_array()
        .unwrap()
        .iter()
        .all(|e| !e["path"].as_str().unwrap().contains("iso")));
}
