//! OPSWAT MetaDefender Storage Security (`/metadefender`): login and
//! rotating refresh, expiry as .NET UTC timestamps. See seeds/metadefender-obtain-a-jwt.txt.

use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::clock;
use crate::http::{Request, Response};
use crate::state::{lock, Tenant};
use crate::tokens::{Dialect, Issued, Subject};
use crate::util::get_ci;

const USER_ID: &str = "5dee9f46803ca60007f46b88";

pub fn handle(tenant: &Mutex<Tenant>, req: &Request, sub: &str) -> Response {
    match (sub, req.method.as_str()) {
        ("/api/user/authenticate", "POST") => authenticate(tenant, req),
        ("/api/user/refreshToken", "POST") => refresh(tenant, req),
        ("/api/user/authenticate" | "/api/user/refreshToken", _) => {
            keyed(405, "Request_MethodNotAllowed", "Method not allowed.")
                .with_header("Allow", "POST")
        }
        _ => keyed(404, "Request_NotFound", "Not found."),
    }
}

fn keyed(status: u16, key: &str, message: &str) -> Response {
    Response::json(
        status,
        &json!({"responseKey": key, "responseMessage": message}),
    )
}

/// Two required string fields of a JSON object body.
fn two_fields(req: &Request, a: &str, b: &str) -> Result<(String, String), Response> {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
        return Err(keyed(
            400,
            "Request_InvalidBody",
            "The request body must be a JSON object.",
        ));
    };
    let get = |k: &str| match get_ci(&body, k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    match (get(a), get(b)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(keyed(
            400,
            "Request_InvalidModel",
            &format!("Both {a} and {b} are required."),
        )),
    }
}

fn token_pair(issued: &Issued) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("accessToken".into(), Value::from(issued.access.as_str()));
    m.insert(
        "accessTokenExpiryTime".into(),
        clock::iso8601_ticks(issued.access_expires_ns).into(),
    );
    m.insert("refreshToken".into(), Value::from(issued.refresh.as_str()));
    m.insert(
        "refreshTokenExpiryTime".into(),
        clock::iso8601_ticks(issued.refresh_expires_ns).into(),
    );
    m.insert("responseKey".into(), "SUCCESS".into());
    m.insert("responseMessage".into(), "Successful request".into());
    m
}

fn authenticate(tenant: &Mutex<Tenant>, req: &Request) -> Response {
    let (user_name, password) = match two_fields(req, "userName", "password") {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    if !user_name.eq_ignore_ascii_case("admin") || password != "AdminPassword" {
        return keyed(
            401,
            "Authentication_InvalidCredentials",
            "Invalid username or password.",
        );
    }
    let mut claims = Map::new();
    claims.insert("nameid".into(), USER_ID.into());
    claims.insert("unique_name".into(), "admin".into());
    claims.insert("email".into(), "admin@example.com".into());
    let subject = Subject {
        user: USER_ID.into(),
        device: String::new(),
        claims,
    };
    let issued = {
        let mut t = lock(tenant);
        let jwt = t.config.jwt;
        t.issue(Dialect::Metadefender, subject, None, jwt)
    };
    let mut body = token_pair(&issued);
    body.insert("email".into(), "admin@example.com".into());
    body.insert("fullName".into(), "Administrator".into());
    body.insert("role".into(), 1.into());
    body.insert("userName".into(), "admin".into());
    Response::json(200, &Value::Object(body))
}

fn refresh(tenant: &Mutex<Tenant>, req: &Request) -> Response {
    let (access, refresh) = match two_fields(req, "accessToken", "refreshToken") {
        Ok(p) => p,
        Err(resp) => return resp,
    };
    let mut t = lock(tenant);
    match t.redeem(Dialect::Metadefender, &access, &refresh) {
        Ok((subject, session)) => {
            let jwt = t.config.jwt;
            let issued = t.issue(Dialect::Metadefender, subject, Some(session), jwt);
            Response::json(200, &Value::Object(token_pair(&issued)))
        }
        Err(crate::tokens::Reject::Expired) => keyed(
            401,
            "Authentication_RefreshTokenExpired",
            "The refresh token has expired. Please log in again.",
        ),
        Err(r) => keyed(401, "Authentication_InvalidRefreshToken", r.detail()),
    }
}
