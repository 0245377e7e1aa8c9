//! Injected failures: the queue filled by `POST __emulator/fault` and what
//! each action does to a matching back-end request.

use serde_json::{json, Map, Value};

use crate::http::{self, Response};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Respond,
    Drop,
    Truncate,
    Html,
    Huge,
}

impl Action {
    fn name(self) -> &'static str {
        match self {
            Action::Respond => "respond",
            Action::Drop => "drop",
            Action::Truncate => "truncate",
            Action::Html => "html",
            Action::Huge => "huge",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Fault {
    /// `None`: any method.
    pub method: Option<String>,
    /// Tenant-relative path, exact; `None`: any back-end path.
    pub path: Option<String>,
    /// 0 = until cleared.
    pub times: u64,
    pub remaining: u64,
    pub status: Option<u16>,
    pub body: Option<String>,
    pub content_type: Option<String>,
    pub headers: Vec<(String, String)>,
    pub delay_ms: u64,
    pub action: Action,
}

/// What the connection does instead of (or before) normal handling.
pub enum Effect {
    Reply(Response),
    /// Close the socket without a byte.
    Drop,
    /// Announce the whole body, send only the first `usize` bytes, close.
    Truncate(Response, usize),
    /// Only a delay was asked for: handle the request normally.
    Proceed,
}

const MAX_DELAY_MS: u64 = 10 * 60 * 1000;

impl Fault {
    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .map_or(true, |m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().map_or(true, |p| p == path)
    }

    pub fn from_json(v: &Value) -> Result<Fault, String> {
        let obj = v.as_object().ok_or("fault must be a JSON object")?;
        const KEYS: [&str; 9] = [
            "method",
            "path",
            "times",
            "status",
            "body",
            "contentType",
            "headers",
            "delayMs",
            "action",
        ];
        if let Some(k) = obj.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!("unknown fault field {k:?}"));
        }
        let string = |k: &str| -> Result<Option<String>, String> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(format!("{k} must be a string")),
            }
        };
        let uint = |k: &str| -> Result<Option<u64>, String> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v
                    .as_u64()
                    .map(Some)
                    .ok_or(format!("{k} must be a non-negative integer")),
            }
        };
        let action = match string("action")?.as_deref() {
            None | Some("respond") => Action::Respond,
            Some("drop") => Action::Drop,
            Some("truncate") => Action::Truncate,
            Some("html") => Action::Html,
            Some("huge") => Action::Huge,
            Some(other) => return Err(format!("unknown action {other:?}")),
        };
        let status = match uint("status")? {
            None => None,
            Some(s @ 200..=599) => Some(s as u16),
            Some(s) => return Err(format!("status {s} is not in 200..=599")),
        };
        let path = string("path")?;
        if path.as_deref().is_some_and(|p| !p.starts_with('/')) {
            return Err(
                "path must start with / (relative to the tenant, e.g. /portos/api/auth)".into(),
            );
        }
        // Bodies may be given as JSON values for convenience.
        let body = match obj.get("body") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        };
        let mut headers = Vec::new();
        match obj.get("headers") {
            None | Some(Value::Null) => {}
            Some(Value::Object(h)) => {
                for (k, v) in h {
                    let v = match v {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        _ => return Err(format!("header {k} must be a string")),
                    };
                    if !k
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                        || k.is_empty()
                    {
                        return Err(format!("bad header name {k:?}"));
                    }
                    headers.push((k.clone(), v));
                }
            }
            Some(_) => return Err("headers must be an object".into()),
        }
        let delay_ms = uint("delayMs")?.unwrap_or(0);
        if delay_ms > MAX_DELAY_MS {
            return Err(format!("delayMs must be at most {MAX_DELAY_MS}"));
        }
        if action == Action::Respond && status.is_none() && delay_ms == 0 {
            return Err("a fault needs a status, a delayMs or an action other than respond".into());
        }
        let times = uint("times")?.unwrap_or(1);
        Ok(Fault {
            method: string("method")?.map(|m| m.to_ascii_uppercase()),
            path,
            times,
            remaining: times,
            status,
            body,
            content_type: string("contentType")?,
            headers,
            delay_ms,
            action,
        })
    }

    pub fn to_json(&self) -> Value {
        let headers: Map<String, Value> = self
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect();
        json!({
            "method": self.method,
            "path": self.path,
            "times": self.times,
            "remaining": if self.times == 0 { Value::Null } else { Value::from(self.remaining) },
            "status": self.status,
            "body": self.body,
            "contentType": self.content_type,
            "headers": headers,
            "delayMs": self.delay_ms,
            "action": self.action.name(),
        })
    }

    /// The effect once the delay has been served.
    pub fn effect(&self) -> Effect {
        let resp = |status: u16, default_type: &str, body: String| {
            let ct = self.content_type.as_deref().unwrap_or(default_type);
            let mut r = Response::with_body(status, ct, body);
            for (k, v) in &self.headers {
                r.set_header(k, v);
            }
            r
        };
        match self.action {
            Action::Drop => Effect::Drop,
            Action::Respond => match self.status {
                None => Effect::Proceed,
                Some(status) => {
                    let body = self.body.clone().unwrap_or_default();
                    let mut r = resp(status, http::JSON, body);
                    if r.body.is_empty() && self.content_type.is_none() {
                        r.headers
                            .retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
                    }
                    Effect::Reply(r)
                }
            },
            Action::Html => {
                let status = self.status.unwrap_or(502);
                let page = format!(
                    "<html><body><h1>{status} {}</h1></body></html>",
                    http::reason(status)
                );
                Effect::Reply(resp(status, "text/html", self.body.clone().unwrap_or(page)))
            }
            Action::Truncate => {
                let body = self
                    .body
                    .clone()
                    .unwrap_or_else(|| TRUNCATED_DEFAULT.to_string());
                let cut = body.len() / 2;
                Effect::Truncate(resp(self.status.unwrap_or(200), http::JSON, body), cut)
            }
            Action::Huge => {
                // Valid JSON just over 1 MiB: tests a client's size limit.
                let pad = "x".repeat(1024 * 1024);
                let body =
                    format!("{{\"padding\":\"{pad}\",\"note\":\"pos-emulator huge fault\"}}");
                Effect::Reply(resp(self.status.unwrap_or(200), http::JSON, body))
            }
        }
    }
}

const TRUNCATED_DEFAULT: &str = r#"{"tokenId":"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ0cnVuY2F0ZWQifQ.c2lnbmF0dXJl","refreshToken":"cEM3M0FiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDE=","user":{"id":"635f7ae3072edfeae7c26a1e","name":"Majiteľ"}}"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_validates() {
        let f = Fault::from_json(
            &json!({"path": "/portos/api/auth", "status": 503, "headers": {"Retry-After": 2}}),
        )
        .unwrap();
        assert_eq!(
            (f.times, f.status, f.action),
            (1, Some(503), Action::Respond)
        );
        assert!(
            f.matches("POST", "/portos/api/auth") && !f.matches("POST", "/portos/api/auth/refresh")
        );
        for bad in [
            json!([]),
            json!({"action": "explode"}),
            json!({"status": 42}),
            json!({"times": -1}),
            json!({"path": "portos"}),
            json!({"headers": {"Bad\r\nName": "x"}}),
            json!({"statu": 500}),
            json!({"path": "/portos/api/auth"}),
        ] {
            assert!(Fault::from_json(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn huge_is_valid_json_over_a_mebibyte() {
        let f = Fault::from_json(&json!({"action": "huge"})).unwrap();
        let Effect::Reply(r) = f.effect() else {
            panic!()
        };
        assert!(r.body.len() > 1024 * 1024 && r.body.len() < 1024 * 1024 + 1024);
        serde_json::from_slice::<Value>(&r.body).unwrap();
    }
}
