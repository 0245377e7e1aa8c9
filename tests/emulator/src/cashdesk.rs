//! CashDesk (`/cashdesk`): Ukrainian PRRO API, Laravel-style `{"message"}`
//! errors. Login only: the token lasts a shift. See seeds/cashdesk-authenticate.txt.

use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::clock::{self, NS};
use crate::http::{Request, Response};
use crate::state::{lock, Tenant};
use crate::tokens::{Dialect, Subject};
use crate::util::{self, get_ci};

/// A cashier of the company (`edrpou`), each with a personal tax number
/// (`drfo`) and qualified signature key of their own.
struct User {
    email: &'static str,
    password: &'static str,
    full_name: &'static str,
    uuid: &'static str,
    drfo: &'static str,
    subject_key_id: &'static str,
    serial: &'static str,
}

const USERS: [User; 3] = [
    User {
        email: "cashier@example.com",
        password: "secret",
        full_name: "Коваленко Олена Петрівна",
        uuid: "67c3a1d2-8f4b-4e6a-9d49-bcc7e4631977",
        drfo: "3104502014",
        subject_key_id: "88b920a191b2402e86f5f3c1d2e4f78735b0d9734b7266b80f156a2c4e9d1b37",
        serial: "14F3E0A70700000000000000000000000000000001",
    },
    // The manager and second cashier of a manager approval (issue 18).
    // CashDesk answers carry no rights: the approving client knows who may.
    User {
        email: "manager@example.com",
        password: "manager-secret",
        full_name: "Шевченко Андрій Іванович",
        uuid: "0b7e4c52-1d93-4f8a-a6e2-5c1f9d3b7a40",
        drfo: "2987601530",
        subject_key_id: "3f6d1a8e92c4475bb0e7d5a1c9f28e6404b3a7d2e15c9f8b6a0d4e7c2b1f9a35",
        serial: "14F3E0A70700000000000000000000000000000002",
    },
    User {
        email: "cashier2@example.com",
        password: "secret2",
        full_name: "Бондар Ігор Миколайович",
        uuid: "d2a9f1e7-64c0-4b3e-8f15-7a6c3e9b0d28",
        drfo: "3350917455",
        subject_key_id: "c71e5b9a04d2468f93a6e0b8d4f1c7a25e9b3d6f0a8c4e1b7d2f5a9c3e6b0d14",
        serial: "14F3E0A70700000000000000000000000000000003",
    },
];

pub fn handle(tenant: &Mutex<Tenant>, req: &Request, sub: &str) -> Response {
    match (sub, req.method.as_str()) {
        ("/api/v2/authenticate", "POST") => authenticate(tenant, req),
        ("/api/v2/authenticate", _) => message(
            405,
            "The method is not supported for this route. Supported methods: POST.",
        )
        .with_header("Allow", "POST"),
        _ => message(404, "Not Found"),
    }
}

fn message(status: u16, text: &str) -> Response {
    Response::json(status, &json!({"message": text}))
}

fn accepts_json(req: &Request) -> bool {
    req.header("accept").is_some_and(|a| {
        a.split(',')
            .any(|item| util::media_type(item) == "application/json")
    })
}

fn authenticate(tenant: &Mutex<Tenant>, req: &Request) -> Response {
    // The vendor page: both headers are mandatory.
    if !accepts_json(req) {
        return message(406, "The Accept header must be application/json.");
    }
    if req.header("content-type").map(util::media_type).as_deref() != Some("application/json") {
        return message(415, "The Content-Type header must be application/json.");
    }
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&req.body) else {
        return message(400, "The request body must be a JSON object.");
    };
    let mut errors = Map::new();
    let mut field = |name: &str| match get_ci(&body, name) {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        _ => {
            errors.insert(
                name.into(),
                json!([format!("The {name} field is required.")]),
            );
            String::new()
        }
    };
    let (email, password) = (field("email"), field("password"));
    if let Some(first) = errors.values().next().and_then(|v| v[0].as_str()) {
        return Response::json(422, &json!({"message": first, "errors": errors}));
    }
    let Some(user) = USERS
        .iter()
        .find(|u| email.eq_ignore_ascii_case(u.email) && password == u.password)
    else {
        return message(401, "Невірний email або пароль.");
    };

    let mut claims = Map::new();
    claims.insert("sub".into(), Value::from(user.uuid));
    claims.insert("email".into(), Value::from(user.email));
    let subject = Subject {
        user: user.uuid.into(),
        login: user.email.into(),
        device: String::new(),
        claims,
    };
    let (issued, now) = {
        let mut t = lock(tenant);
        let jwt = t.config.jwt;
        (t.issue(Dialect::Cashdesk, subject, None, jwt), t.now_ns())
    };
    // developer_id is a number in the vendor's table; echo the header if it is one.
    let developer_id = req
        .header("developer-id")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(Value::Null, Value::from);
    let now_secs = now.div_euclid(NS);
    Response::json(
        200,
        &json!({
            "active_rro": true,
            "developer_id": developer_id,
            "opened_shift": "4000055255",
            "token": format!("Bearer {}", issued.access),
            "token_expires_at": clock::kyiv_minutes(issued.exp),
            "user": {
                "full_name": user.full_name,
                "uuid": user.uuid,
                "email": user.email,
                "edrpou": "34554362",
                "drfo": user.drfo,
                "last_online": clock::kyiv_seconds_dashed(now_secs),
                "subject_key_id": user.subject_key_id,
                "signature": {
                    "serial": user.serial,
                    "cert_end_data": clock::dotted_date(now_secs + 400 * 86_400),
                },
            },
        }),
    )
}
