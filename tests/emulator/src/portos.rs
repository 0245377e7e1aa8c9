//! PORTOS (`/portos`): ASP.NET-style JWT bearer auth, ProblemDetails errors.
//! See shared/seeds/portos-jwt-bearer-authentication.md.

use std::sync::Mutex;

use serde_json::{json, Map, Value};

use crate::http::{Request, Response};
use crate::state::{lock, Tenant};
use crate::tokens::{Dialect, Subject};
use crate::util::{self, get_ci};

struct User {
    id: &'static str,
    user_name: &'static str,
    password: &'static str,
    name: &'static str,
    rights: &'static [&'static str],
    /// The devices (tills) the user may log in on.
    devices: &'static [&'static str],
}

/// A user may log in only on one of their own devices.
const USERS: [User; 4] = [
    User {
        id: "635f7ae3072edfeae7c26a1e",
        user_name: "999",
        password: "1234",
        name: "Majiteľ",
        rights: &["admin"],
        devices: &["P01"],
    },
    // Shows that an empty password is a valid password.
    User {
        id: "6361b2c4072edfeae7c26b42",
        user_name: "100",
        password: "",
        name: "Pokladníčka Jana",
        rights: &["sale"],
        devices: &["P02"],
    },
    // The manager and the cashier of a manager approval (issue 18), with
    // rights named as in the vendor's list (developers.portos.sk/user-rights):
    // `storno` is the right to decrease an item's quantity on a ticket, i.e.
    // to void a line, which the cashier lacks. A shift manager approves at
    // any till, so he may log in on both.
    User {
        id: "6361b2c4072edfeae7c26b57",
        user_name: "300",
        password: "4321",
        name: "Vedúci zmeny",
        rights: &["ticketCreate", "ticketUpdate", "ticketUpdateAny", "storno"],
        devices: &["P01", "P02"],
    },
    User {
        id: "6361b2c4072edfeae7c26b63",
        user_name: "200",
        password: "1111",
        name: "Pokladník Marek",
        rights: &["ticketCreate", "ticketUpdate"],
        devices: &["P01"],
    },
];

fn device_json(name: &str) -> Value {
    json!({
        "name": name,
        "envName": "CashRegister",
        "description": name,
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
    })
}

/// `UserProfileContext` of a seeded user on a device.
fn profile(user_id: &str, device: &str) -> Option<Value> {
    let u = USERS.iter().find(|u| u.id == user_id)?;
    Some(json!({
        "id": u.id,
        "isVirtual": false,
        "name": u.name,
        "userName": u.user_name,
        "featureName": null,
        "rights": u.rights,
        "device": device_json(device),
    }))
}

pub fn handle(tenant: &Mutex<Tenant>, req: &Request, sub: &str, trace: &str) -> Response {
    // ASP.NET routing ignores case and a trailing slash.
    let route = sub.trim_end_matches('/').to_ascii_lowercase();
    match (route.as_str(), req.method.as_str()) {
        ("/api/auth", "POST") => login(tenant, req, trace),
        ("/api/auth", "GET") => current_user(tenant, req, trace),
        ("/api/auth", "DELETE") => {
            if let Some(token) = util::bearer(req) {
                lock(tenant).logout(Dialect::Portos, token);
            }
            Response::empty(200) // always, empty body
        }
        ("/api/auth/refresh", "POST") => refresh(tenant, req, trace),
        ("/api/auth", _) => Response::empty(405).with_header("Allow", "DELETE, GET, POST"),
        ("/api/auth/refresh", _) => Response::empty(405).with_header("Allow", "POST"),
        _ => Response::empty(404),
    }
}

fn unauthorized(title: &str, instance: &str, trace: &str, detail: Option<&str>) -> Response {
    let mut body = json!({
        "title": title,
        "status": 401,
        "instance": instance,
        "errorCode": "Unauthorized",
        "traceId": trace,
    });
    if let Some(d) = detail {
        body["detail"] = Value::from(d);
    }
    Response::problem(401, &body)
}

fn bad_request(instance: &str, trace: &str, errors: Vec<Value>) -> Response {
    Response::problem(
        400,
        &json!({
            "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            "title": "One or more validation errors occurred.",
            "status": 400,
            "instance": instance,
            "errorCode": "BadRequest",
            "traceId": trace,
            "errors": errors,
        }),
    )
}

fn member_error(member: &str, message: &str, code: &str) -> Value {
    json!({"memberName": member, "message": message, "code": code})
}

/// The JSON object body, or the 415/400 ASP.NET would answer with.
fn json_body(req: &Request, instance: &str, trace: &str) -> Result<Map<String, Value>, Response> {
    let ct = req
        .header("content-type")
        .map(util::media_type)
        .unwrap_or_default();
    if ct != "application/json" && !ct.ends_with("+json") {
        return Err(Response::problem(
            415,
            &json!({
                "type": "https://tools.ietf.org/html/rfc9110#section-15.5.16",
                "title": "Unsupported Media Type",
                "status": 415,
                "instance": instance,
                "traceId": trace,
            }),
        ));
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(bad_request(
            instance,
            trace,
            vec![member_error(
                "$",
                "The JSON value must be an object.",
                "InvalidJson",
            )],
        )),
        Err(e) => Err(bad_request(
            instance,
            trace,
            vec![member_error(
                "$",
                &format!("The request body is not valid JSON: {e}."),
                "InvalidJson",
            )],
        )),
    }
}

/// A string property; `required` ones must also be non-empty.
fn string_field(
    obj: &Map<String, Value>,
    name: &str,
    required: bool,
    errors: &mut Vec<Value>,
) -> String {
    match get_ci(obj, name) {
        Some(Value::String(s)) if !(required && s.is_empty()) => s.clone(),
        None | Some(Value::Null) | Some(Value::String(_)) => {
            if required {
                let msg = format!("The {name} field is required.");
                errors.push(member_error(name, &msg, "Required"));
            }
            String::new()
        }
        Some(_) => {
            let msg = "The JSON value could not be converted to System.String.";
            errors.push(member_error(name, msg, "InvalidType"));
            String::new()
        }
    }
}

fn login(tenant: &Mutex<Tenant>, req: &Request, trace: &str) -> Response {
    const INSTANCE: &str = "/api/auth";
    let body = match json_body(req, INSTANCE, trace) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut errors = Vec::new();
    let user_name = string_field(&body, "UserName", true, &mut errors);
    let password = string_field(&body, "Password", false, &mut errors);
    let device = string_field(&body, "DeviceName", true, &mut errors);
    if !errors.is_empty() {
        return bad_request(INSTANCE, trace, errors);
    }
    let Some(user) = USERS.iter().find(|u| {
        u.user_name == user_name && u.password == password && u.devices.contains(&device.as_str())
    }) else {
        return unauthorized("Nesprávne meno alebo heslo.", INSTANCE, trace, None);
    };
    let subject = Subject {
        user: user.id.into(),
        login: user.user_name.into(),
        device: device.clone(),
        claims: claims(user),
    };
    let issued = lock(tenant).issue(Dialect::Portos, subject, None, true);
    let profile = profile(user.id, &device).unwrap_or(Value::Null);
    Response::json(
        200,
        &json!({"tokenId": issued.access, "refreshToken": issued.refresh, "user": profile}),
    )
}

fn claims(user: &User) -> Map<String, Value> {
    let mut c = Map::new();
    c.insert("sub".into(), Value::from(user.id));
    c.insert("unique_name".into(), Value::from(user.user_name));
    c
}

fn current_user(tenant: &Mutex<Tenant>, req: &Request, trace: &str) -> Response {
    let result = match util::bearer(req) {
        None => Err("A bearer token is required."),
        Some(token) => lock(tenant)
            .check_access(Dialect::Portos, token)
            .map_err(|r| r.detail()),
    };
    let profile = result.and_then(|s| profile(&s.user, &s.device).ok_or("Unknown user."));
    match profile {
        Ok(p) => Response::json(200, &p),
        Err(detail) => unauthorized("Unauthorized", "/api/auth", trace, Some(detail))
            .with_header("WWW-Authenticate", "Bearer error=\"invalid_token\""),
    }
}

fn refresh(tenant: &Mutex<Tenant>, req: &Request, trace: &str) -> Response {
    const INSTANCE: &str = "/api/auth/refresh";
    let body = match json_body(req, INSTANCE, trace) {
        Ok(b) => b,
        Err(resp) => return resp,
    };
    let mut errors = Vec::new();
    let token_id = string_field(&body, "tokenId", true, &mut errors);
    let refresh = string_field(&body, "refreshToken", true, &mut errors);
    if !errors.is_empty() {
        return bad_request(INSTANCE, trace, errors);
    }
    let mut t = lock(tenant);
    match t.redeem(Dialect::Portos, &token_id, &refresh) {
        Ok((subject, session)) => {
            let issued = t.issue(Dialect::Portos, subject, Some(session), true);
            Response::json(
                200,
                &json!({"tokenId": issued.access, "refreshToken": issued.refresh}),
            )
        }
        Err(r) => unauthorized("Unauthorized", INSTANCE, trace, Some(r.detail())),
    }
}
