//! OPSWAT MetaDefender Storage Security (`/metadefender`): login and
//! rotating refresh, expiry as .NET UTC timestamps. See seeds/metadefender-obtain-a-jwt.txt.

use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::clock;
use crate::http::{Request, Response};
use crate::state::{lock, Tenant};
use crate::tokens::{Dialect, Issued, Subject};
use crate::util::get_ci;

struct User {
    id: &'static str,
    user_name: &'static str,
    password: &'static str,
    email: &'static str,
    full_name: &'static str,
    /// The vendor documents only "a numeric value representing the user's
    /// role"; these numbers are the emulator's own, one per kind of user.
    role: i64,
}

const USERS: [User; 3] = [
    User {
        id: "5dee9f46803ca60007f46b88",
        user_name: "admin",
        password: "AdminPassword",
        email: "admin@example.com",
        full_name: "Administrator",
        role: 1,
    },
    // The manager and cashier of a manager approval (issue 18): no rights in
    // the answer, only a role that differs.
    User {
        id: "5dee9f46803ca60007f46b91",
        user_name: "manager",
        password: "ManagerPassword",
        email: "manager@example.com",
        full_name: "Shift Manager",
        role: 2,
    },
    User {
        id: "5dee9f46803ca60007f46b9a",
        user_name: "cashier",
        password: "CashierPassword",
        email: "cashier@example.com",
        full_name: "Cashier",
        role: 3,
    },
];

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
    let Some(user) = USERS
        .iter()
        .find(|u| user_name.eq_ignore_ascii_case(u.user_name) && password == u.password)
    else {
        return keyed(
            401,
            "Authentication_InvalidCredentials",
            "Invalid username or password.",
        );
    };
    let mut claims = Map::new();
    claims.insert("nameid".into(), user.id.into());
    claims.insert("unique_name".into(), user.user_name.into());
    claims.insert("email".into(), user.email.into());
    let subject = Subject {
        user: user.id.into(),
        login: user.user_name.into(),
        device: String::new(),
        claims,
    };
    let issued = {
        let mut t = lock(tenant);
        let jwt = t.config.jwt;
        t.issue(Dialect::Metadefender, subject, None, jwt)
    };
    let mut body = token_pair(&issued);
    body.insert("email".into(), user.email.into());
    body.insert("fullName".into(), user.full_name.into());
    body.insert("role".into(), user.role.into());
    body.insert("userName".into(), user.user_name.into());
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
