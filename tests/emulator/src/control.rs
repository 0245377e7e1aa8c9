//! `[/t/{tenant}]/__emulator/...`: what tests use to steer and observe a
//! tenant. Control calls are neither counted, logged nor faulted.

use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::faults::Fault;
use crate::http::{Request, Response};
use crate::state::{lock, Shared, Tenant, TenantConfig};

const ENDPOINTS: [(&str, &str); 7] = [
    ("config", "GET, POST"),
    ("fault", "GET, POST, DELETE"),
    ("counts", "GET, DELETE"),
    ("requests", "GET, DELETE"),
    ("revoke", "POST"),
    ("reset", "POST"),
    ("now", "GET"),
];

fn error(status: u16, message: &str) -> Response {
    Response::json(status, &json!({"error": message}))
}

/// The JSON body; an empty body counts as `{}`.
fn body(req: &Request) -> Result<Value, Response> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(&req.body).map_err(|e| error(400, &format!("body is not JSON: {e}")))
}

pub fn handle(shared: &Shared, tenant: &Mutex<Tenant>, req: &Request, endpoint: &str) -> Response {
    let ok = |v: Value| Response::json(200, &v);
    let result = match (endpoint, req.method.as_str()) {
        ("config", "GET") => Ok(ok(lock(tenant).config.to_json())),
        ("config", "POST") => body(req).and_then(|b| {
            let mut t = lock(tenant);
            let config = apply_config(&t.config, &b).map_err(|e| error(400, &e))?;
            t.config = config;
            Ok(ok(t.config.to_json()))
        }),
        ("fault", "POST") => body(req).and_then(|b| {
            let fault = Fault::from_json(&b).map_err(|e| error(400, &e))?;
            let mut t = lock(tenant);
            t.faults.push(fault);
            Ok(ok(faults_json(&t)))
        }),
        ("fault", "GET") => Ok(ok(faults_json(&lock(tenant)))),
        ("fault", "DELETE") => {
            let mut t = lock(tenant);
            t.faults.clear();
            Ok(ok(faults_json(&t)))
        }
        ("counts", "GET") => {
            let t = lock(tenant);
            Ok(ok(Value::Object(
                t.counts
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(*v)))
                    .collect(),
            )))
        }
        ("counts", "DELETE") => {
            lock(tenant).counts.clear();
            Ok(ok(json!({})))
        }
        ("requests", "GET") => {
            let t = lock(tenant);
            Ok(ok(Value::Array(
                t.log.iter().map(|e| e.to_json()).collect(),
            )))
        }
        ("requests", "DELETE") => {
            lock(tenant).log.clear();
            Ok(ok(json!([])))
        }
        ("revoke", "POST") => Ok(ok(json!({"revoked": lock(tenant).revoke_all()}))),
        ("reset", "POST") => {
            let mut t = lock(tenant);
            *t = Tenant::new(shared.defaults.clone());
            Ok(ok(t.config.to_json()))
        }
        ("now", "GET") => Ok(ok(
            json!({"serverTime": lock(tenant).now_ns().div_euclid(1_000_000)}),
        )),
        _ => Err(match ENDPOINTS.iter().find(|(name, _)| *name == endpoint) {
            Some((_, allow)) => error(405, "method not allowed").with_header("Allow", allow),
            None => error(404, "unknown control endpoint"),
        }),
    };
    result.unwrap_or_else(|resp| resp)
}

fn faults_json(t: &Tenant) -> Value {
    json!({"faults": t.faults.iter().map(Fault::to_json).collect::<Vec<_>>()})
}

const MAX_SECS: f64 = 100.0 * 365.0 * 86_400.0;

/// Validates all fields before changing anything.
pub fn apply_config(current: &TenantConfig, body: &Value) -> Result<TenantConfig, String> {
    let obj = body.as_object().ok_or("config must be a JSON object")?;
    let mut next = current.clone();
    for (key, value) in obj {
        let secs = || {
            value
                .as_f64()
                .filter(|s| s.is_finite() && s.abs() <= MAX_SECS)
                .ok_or(format!("{key} must be a number of seconds"))
        };
        match key.as_str() {
            "tokenLifetime" | "refreshLifetime" => {
                let s = secs()?;
                if s <= 0.0 {
                    return Err(format!("{key} must be positive"));
                }
                if key == "tokenLifetime" {
                    next.token_lifetime = s;
                } else {
                    next.refresh_lifetime = s;
                }
            }
            "clockOffset" => next.clock_offset = secs()?,
            "jwt" => next.jwt = value.as_bool().ok_or("jwt must be true or false")?,
            other => return Err(format!("unknown config field {other:?}")),
        }
    }
    Ok(next)
}
