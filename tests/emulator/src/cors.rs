//! CORS for loopback origins only: the demo page and browser tests run on
//! some other localhost port than the emulator (or the same one).

use crate::http::{Request, Response};

const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";

/// `http(s)://127.0.0.1`, `localhost` or `[::1]`, any port or none.
pub fn is_loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|host| match rest.strip_prefix(host) {
            Some("") => true,
            Some(port) => port.strip_prefix(':').is_some_and(|p| {
                (1..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
            }),
            None => false,
        })
}

fn allowed_origin(req: &Request) -> Option<&str> {
    req.header("origin").filter(|o| is_loopback_origin(o))
}

/// Adds the CORS headers of an actual (non-preflight) response.
pub fn decorate(resp: &mut Response, req: &Request) {
    if let Some(origin) = allowed_origin(req) {
        resp.set_header("Access-Control-Allow-Origin", origin);
        resp.set_header("Vary", "Origin");
        // Clients read Retry-After on 503/429 and Date to detect clock skew.
        resp.set_header("Access-Control-Expose-Headers", "Retry-After, Date");
    }
}

/// Answer to any `OPTIONS`, control paths included.
pub fn preflight(req: &Request) -> Response {
    let mut resp = Response::empty(204).with_header("Allow", ALLOW_METHODS);
    if let Some(origin) = allowed_origin(req) {
        resp.set_header("Access-Control-Allow-Origin", origin);
        resp.set_header("Vary", "Origin");
        resp.set_header("Access-Control-Allow-Methods", ALLOW_METHODS);
        if let Some(h) = req.header("access-control-request-headers") {
            resp.set_header("Access-Control-Allow-Headers", h);
        }
        if req
            .header("access-control-request-private-network")
            .is_some()
        {
            resp.set_header("Access-Control-Allow-Private-Network", "true");
        }
        resp.set_header("Access-Control-Max-Age", "600");
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::is_loopback_origin as ok;

    #[test]
    fn loopback_origins() {
        for o in [
            "http://127.0.0.1:9999",
            "http://localhost:8080",
            "http://[::1]:1",
            "http://localhost",
        ] {
            assert!(ok(o), "{o}");
        }
        for o in [
            "http://example.com",
            "http://127.0.0.1.evil.com",
            "http://localhost.evil.com:80",
            "http://127.0.0.1:80/x",
            "http://127.0.0.1:",
            "http://127.0.0.1:123456",
            "null",
            "",
        ] {
            assert!(!ok(o), "{o}");
        }
    }
}
