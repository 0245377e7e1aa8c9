//! HTTP plumbing: keep-alive, malformed input, CORS, Date, static files, CLI.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use pos_emulator::{start, Config};
use serde_json::json;

use crate::client::*;

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let t = "/t/keepalive";
    let s = connect(server());
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    let login = json!({"UserName": "999", "Password": "1234", "DeviceName": "P01"}).to_string();
    w.write_all(&encode(
        "POST",
        &format!("{t}/portos/api/auth"),
        &[("Content-Type", "application/json")],
        &login,
        false,
    ))
    .unwrap();
    let resp = read_response(&mut r, false);
    assert_eq!(resp.status, 200);
    assert!(resp.header("connection").is_none());
    let token = resp.json()["tokenId"].as_str().unwrap().to_string();
    for _ in 0..3 {
        w.write_all(&encode(
            "GET",
            &format!("{t}/portos/api/auth"),
            &[("Authorization", &bearer(&token))],
            "",
            false,
        ))
        .unwrap();
        assert_eq!(read_response(&mut r, false).status, 200);
    }
    // Two pipelined requests in one write.
    let mut both = encode("GET", &format!("{t}/__emulator/now"), &[], "", false);
    both.extend(encode(
        "GET",
        &format!("{t}/__emulator/counts"),
        &[],
        "",
        false,
    ));
    w.write_all(&both).unwrap();
    assert!(read_response(&mut r, false).json()["serverTime"].is_i64());
    assert_eq!(
        read_response(&mut r, false).json()["GET /portos/api/auth"],
        3
    );
    // Connection: close is honoured.
    w.write_all(&encode(
        "GET",
        &format!("{t}/__emulator/now"),
        &[],
        "",
        true,
    ))
    .unwrap();
    let last = read_response(&mut r, false);
    assert_eq!(last.header("connection"), Some("close"));
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
}

#[test]
fn http10_closes_and_expect_continue_works() {
    let out = raw(server(), b"GET /__emulator/now HTTP/1.0\r\n\r\n");
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.starts_with("HTTP/1.1 200 OK\r\n") && text.contains("Connection: close"),
        "{text}"
    );

    let mut s = connect(server());
    let body = json!({"UserName": "999", "Password": "1234", "DeviceName": "P01"}).to_string();
    let head = format!(
        "POST /t/expect/portos/api/auth HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert_eq!(line, "HTTP/1.1 100 Continue\r\n");
    r.read_line(&mut line).unwrap();
    s.write_all(body.as_bytes()).unwrap();
    assert_eq!(read_response(&mut r, false).status, 200);
}

#[test]
fn malformed_requests_get_errors_and_the_server_survives() {
    let addr = server();
    let cases: [(&[u8], &str); 8] = [
        (b"HELLO\r\n\r\n", "400"),
        (b"GET / HTTP/3.0\r\n\r\n", "505"),
        (b"GET / HTTP/1.1\r\nBad header\r\n\r\n", "400"),
        (b"POST / HTTP/1.1\r\nContent-Length: nope\r\n\r\n", "400"),
        (
            b"POST /portos/api/auth HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "501",
        ),
        (
            b"POST / HTTP/1.1\r\nContent-Length: 999999999999\r\n\r\n",
            "413",
        ),
        (b"GET nowhere HTTP/1.1\r\n\r\n", "400"),
        (b"\xff\xfe\x00garbage\x00 \x01 HTTP/1.1\r\n\r\n", "400"),
    ];
    for (bytes, status) in cases {
        let out = String::from_utf8_lossy(&raw(addr, bytes)).into_owned();
        assert!(
            out.starts_with(&format!("HTTP/1.1 {status} ")),
            "{:?} -> {out:?}",
            String::from_utf8_lossy(bytes)
        );
        assert!(out.contains("\r\nDate: "));
    }
    let mut huge = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
    huge.extend(vec![b'a'; 70_000]);
    huge.extend(b"\r\n\r\n");
    assert!(String::from_utf8_lossy(&raw(addr, &huge)).starts_with("HTTP/1.1 431 "));
    // Half a request, then the client vanishes.
    assert!(raw(
        addr,
        b"POST /portos/api/auth HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"a\""
    )
    .is_empty());
    // Malformed JSON of every kind at every back end.
    for path in [
        "/t/junk/portos/api/auth",
        "/t/junk/portos/api/auth/refresh",
        "/t/junk/cashdesk/api/v2/authenticate",
        "/t/junk/metadefender/api/user/authenticate",
        "/t/junk/metadefender/api/user/refreshToken",
        "/t/junk/__emulator/fault",
    ] {
        for body in [
            "",
            "null",
            "[]",
            "\"s\"",
            "{\"a\":",
            "{\"UserName\":{\"x\":1},\"tokenId\":[],\"email\":5}",
            "\u{0}\u{1}",
        ] {
            let r = request(
                "POST",
                path,
                &[
                    ("Content-Type", "application/json"),
                    ("Accept", "application/json"),
                ],
                body,
            );
            assert!(
                (400..500).contains(&r.status),
                "{path} {body:?} -> {}",
                r.status
            );
        }
    }
    assert_eq!(get("/__emulator/now", &[]).status, 200);
}

#[test]
fn cors_preflight_for_loopback_origins() {
    for origin in [
        "http://127.0.0.1:9999",
        "http://localhost:5173",
        "http://[::1]:8080",
    ] {
        for path in [
            "/t/cors/portos/api/auth",
            "/t/cors/__emulator/fault",
            "/anything",
        ] {
            let r = request(
                "OPTIONS",
                path,
                &[
                    ("Origin", origin),
                    ("Access-Control-Request-Method", "POST"),
                    (
                        "Access-Control-Request-Headers",
                        "content-type,authorization",
                    ),
                ],
                "",
            );
            assert_eq!(r.status, 204);
            assert_eq!(r.header("access-control-allow-origin"), Some(origin));
            assert_eq!(
                r.header("access-control-allow-methods"),
                Some("GET, POST, PUT, PATCH, DELETE, OPTIONS")
            );
            assert_eq!(
                r.header("access-control-allow-headers"),
                Some("content-type,authorization")
            );
            assert_eq!(r.header("access-control-max-age"), Some("600"));
            assert_eq!(r.header("vary"), Some("Origin"));
            assert!(r.header("content-length").is_none());
        }
    }
    let r = request(
        "OPTIONS",
        "/t/cors/portos/api/auth",
        &[
            ("Origin", "http://evil.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
        "",
    );
    assert_eq!(r.status, 204);
    assert!(r
        .headers
        .iter()
        .all(|(k, _)| !k.to_ascii_lowercase().starts_with("access-control-")));
    // Preflights are not back-end requests.
    assert_eq!(
        control("/t/cors", "GET", "counts", json!(null)).json(),
        json!({})
    );
}

#[test]
fn cors_headers_on_actual_responses() {
    let origin = ("Origin", "http://127.0.0.1:4000");
    let r = request(
        "POST",
        "/t/cors2/portos/api/auth",
        &[origin, ("Content-Type", "application/json")],
        "{}",
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:4000")
    );
    assert_eq!(
        r.header("access-control-expose-headers"),
        Some("Retry-After, Date")
    );
    assert_eq!(r.header("vary"), Some("Origin"));
    let r = get("/t/cors2/__emulator/now", &[origin]);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("http://127.0.0.1:4000")
    );
    let r = get(
        "/t/cors2/__emulator/now",
        &[("Origin", "https://pos.example.com")],
    );
    assert!(r.header("access-control-allow-origin").is_none());
}

#[test]
fn clock_offset_shifts_iat_date_and_server_time() {
    let t = "/t/clock";
    let r = get(&format!("{t}/__emulator/now"), &[]);
    assert_near(parse_http_date(r.header("date").unwrap()), real_secs(), 2);
    config(t, json!({"clockOffset": 600}));

    let now = get(&format!("{t}/__emulator/now"), &[]).json()["serverTime"]
        .as_i64()
        .unwrap();
    assert_near(now / 1000, real_secs() + 600, 2);
    let r = post_json(
        &format!("{t}/portos/api/auth"),
        &json!({"UserName": "999", "Password": "1234", "DeviceName": "P01"}),
    );
    assert_near(
        parse_http_date(r.header("date").unwrap()),
        real_secs() + 600,
        2,
    );
    let iat = jwt_part(r.json()["tokenId"].as_str().unwrap(), 1)["iat"]
        .as_i64()
        .unwrap();
    assert_near(iat, real_secs() + 600, 2);
    // Other tenants keep the real clock.
    let r = get("/t/clock-other/__emulator/now", &[]);
    assert_near(parse_http_date(r.header("date").unwrap()), real_secs(), 2);
}

#[test]
fn command_line_defaults_apply_to_every_tenant() {
    let h = start(Config {
        clock_offset: -3600.0,
        token_lifetime: 42.0,
        ..Config::default()
    })
    .unwrap();
    let r = request_to(h.addr, "GET", "/t/any/__emulator/config", &[], "");
    assert_eq!(
        r.json(),
        json!({"tokenLifetime": 42, "refreshLifetime": 3600, "clockOffset": -3600, "jwt": true})
    );
    assert_near(
        parse_http_date(r.header("date").unwrap()),
        real_secs() - 3600,
        2,
    );
    h.stop();
}

#[test]
fn static_files_with_types_and_no_traversal() {
    let dir = std::env::temp_dir().join(format!("pos-emulator-static-{}", std::process::id()));
    let (www, pkg) = (dir.join("www"), dir.join("pkg"));
    std::fs::create_dir_all(www.join("sub")).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<h1>demo</h1>").unwrap();
    std::fs::write(www.join("sub/index.html"), "sub").unwrap();
    std::fs::write(www.join("app.mjs"), "export {}").unwrap();
    std::fs::write(www.join("style.css"), "a{}").unwrap();
    std::fs::write(pkg.join("pos_auth.js"), "export {}").unwrap();
    std::fs::write(pkg.join("pos_auth_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("pos_auth.d.ts"), "export {}").unwrap();
    std::fs::write(dir.join("secret.txt"), "secret").unwrap();
    let h = start(Config {
        www: Some(www),
        pkg: Some(pkg),
        ..Config::default()
    })
    .unwrap();
    let fetch = |path: &str| request_to(h.addr, "GET", path, &[], "");

    for (path, ctype, body) in [
        ("/", "text/html", "<h1>demo</h1>"),
        ("/index.html", "text/html", "<h1>demo</h1>"),
        ("/sub/", "text/html", "sub"),
        ("/app.mjs", "text/javascript", "export {}"),
        ("/style.css?v=1", "text/css", "a{}"),
        ("/pkg/pos_auth.js", "text/javascript", "export {}"),
        (
            "/pkg/pos_auth_bg.wasm",
            "application/wasm",
            "\0asm\x01\0\0\0",
        ),
        ("/pkg/pos_auth.d.ts", "text/plain", "export {}"),
    ] {
        let r = fetch(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type").unwrap().starts_with(ctype),
            "{path}"
        );
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert_eq!(r.text(), body);
    }
    for path in [
        "/../secret.txt",
        "/pkg/../secret.txt",
        "/%2e%2e/secret.txt",
        "/pkg/..%2fsecret.txt",
        "/pkg/%2e%2e%2fsecret.txt",
        "/missing.js",
        "/pkg/",
        "/t/x/index.html",
        "/t/bad!tenant/portos/api/auth",
    ] {
        assert_eq!(fetch(path).status, 404, "{path}");
    }
    let head = request_to(h.addr, "HEAD", "/pkg/pos_auth.js", &[], "");
    assert_eq!(
        (head.status, head.header("content-length"), head.body.len()),
        (200, Some("9"), 0)
    );
    assert_eq!(
        request_to(h.addr, "POST", "/index.html", &[], "").status,
        405
    );
    h.stop();
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn binary_prints_its_url_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pos-emulator"))
        .args(["--port", "0", "--token-lifetime", "5", "--verbose"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim_end().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let addr = url.trim_start_matches("http://").parse().unwrap();
    let r = request_to(addr, "GET", "/__emulator/config", &[], "");
    assert_eq!(r.json()["tokenLifetime"], 5);
    child.kill().unwrap();
    let _ = child.wait();

    let bad = Command::new(env!("CARGO_BIN_EXE_pos-emulator"))
        .args(["--port", "x"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(bad.code(), Some(2));
}
