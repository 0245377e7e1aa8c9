//! A deliberately dumb HTTP/1.1 client for the tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use pos_emulator::{start, Config, Handle};
use serde_json::{json, Value};

/// The shared server of this test binary.
pub fn server() -> SocketAddr {
    static SERVER: OnceLock<Handle> = OnceLock::new();
    SERVER
        .get_or_init(|| start(Config::default()).expect("server starts"))
        .addr
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    s
}

/// Request bytes; `Content-Length` is added for any body.
pub fn encode(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
    close: bool,
) -> Vec<u8> {
    let mut out = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        out.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    if close {
        out.push_str("Connection: close\r\n");
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

/// Reads one response, framed by Content-Length (or EOF without one).
pub fn read_response<R: BufRead>(r: &mut R, head_only: bool) -> Resp {
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    let status = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).expect("header line");
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').expect("header colon");
        headers.push((k.to_string(), v.trim().to_string()));
    }
    let mut resp = Resp {
        status,
        headers,
        body: Vec::new(),
    };
    if head_only || status == 204 {
        return resp;
    }
    match resp
        .header("content-length")
        .map(|v| v.parse::<usize>().unwrap())
    {
        Some(n) => {
            resp.body = vec![0; n];
            r.read_exact(&mut resp.body).expect("body");
        }
        None => {
            r.read_to_end(&mut resp.body).expect("body to EOF");
        }
    }
    resp
}

pub fn request(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    request_to(server(), method, path, headers, body)
}

pub fn request_to(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Resp {
    let mut s = connect(addr);
    s.write_all(&encode(method, path, headers, body, true))
        .unwrap();
    read_response(&mut BufReader::new(s), method == "HEAD")
}

/// Everything the server sends until it closes the connection.
pub fn raw(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut s = connect(addr);
    s.write_all(bytes).unwrap();
    // Half-sent requests then end at once instead of waiting for a timeout.
    let _ = s.shutdown(std::net::Shutdown::Write);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}

pub fn get(path: &str, headers: &[(&str, &str)]) -> Resp {
    request("GET", path, headers, "")
}

pub fn post_json(path: &str, body: &Value) -> Resp {
    request(
        "POST",
        path,
        &[("Content-Type", "application/json")],
        &body.to_string(),
    )
}

/// A control call of a tenant (`t` = "/t/name" or "").
pub fn control(t: &str, method: &str, endpoint: &str, body: Value) -> Resp {
    let body = if body.is_null() {
        String::new()
    } else {
        body.to_string()
    };
    let r = request(
        method,
        &format!("{t}/__emulator/{endpoint}"),
        &[("Content-Type", "application/json")],
        &body,
    );
    assert!(
        r.status == 200 || r.status >= 400,
        "control {endpoint}: {r:?}"
    );
    r
}

pub fn config(t: &str, body: Value) -> Value {
    let r = control(t, "POST", "config", body);
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

pub fn fault(t: &str, body: Value) {
    let r = control(t, "POST", "fault", body);
    assert_eq!(r.status, 200, "{}", r.text());
}

/// Logs the seeded PORTOS owner in: (tokenId, refreshToken).
pub fn portos_login(t: &str) -> (String, String) {
    let v = portos_login_as(t, "999", "1234", "P01");
    (
        v["tokenId"].as_str().unwrap().into(),
        v["refreshToken"].as_str().unwrap().into(),
    )
}

/// Logs a seeded PORTOS user in; the whole `AuthResult`.
pub fn portos_login_as(t: &str, user: &str, password: &str, device: &str) -> Value {
    let r = post_json(
        &format!("{t}/portos/api/auth"),
        &json!({"UserName": user, "Password": password, "DeviceName": device}),
    );
    assert_eq!(r.status, 200, "{user} on {device}: {}", r.text());
    r.json()
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub fn jwt_part(token: &str, i: usize) -> Value {
    let part = token.split('.').nth(i).expect("JWT part");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).expect("base64url")).expect("JSON")
}

pub fn real_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to Unix seconds.
pub fn parse_http_date(s: &str) -> i64 {
    let p: Vec<&str> = s.split([' ', ':']).collect();
    assert_eq!((p.len(), p[7]), (8, "GMT"), "{s}");
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = months.iter().position(|m| *m == p[2]).unwrap() as i64 + 1;
    let (y, d): (i64, i64) = (p[3].parse().unwrap(), p[1].parse().unwrap());
    // Days from civil (Howard Hinnant), independent of the server's copy.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    let hms: Vec<i64> = p[4..7].iter().map(|x| x.parse().unwrap()).collect();
    days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2]
}

pub fn assert_near(actual: i64, expected: i64, slack: i64) {
    assert!(
        (actual - expected).abs() <= slack,
        "{actual} not within {slack} of {expected}"
    );
}
