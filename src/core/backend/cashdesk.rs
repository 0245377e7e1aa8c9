//! CashDesk (PRRO): `POST /api/v2/authenticate` only. The token arrives as
//! `"Bearer …"`; its expiry is the JWT `exp` or else `token_expires_at`, a
//! wall-clock time of the server (`serverTimeZone`). No refresh, profile or
//! logout call: a token lasts one shift.

use crate::prelude::*;

use super::{bad_body, check_credentials, object, HttpRequest};
use crate::core::error::AuthError;
use crate::core::json::{obj, Json};
use crate::core::session::{Grant, ProfileParts};
use crate::core::time;

pub fn login_request(base_url: &str, credentials: &Json) -> Result<HttpRequest, AuthError> {
    check_credentials(credentials, &["email", "password"], &[])?;
    let body = obj([
        ("email", Json::opt_str(credentials.str_at("email"))),
        ("password", Json::opt_str(credentials.str_at("password"))),
    ]);
    Ok(HttpRequest { method: "POST", url: [base_url, "/api/v2/authenticate"].concat(), bearer: None, body: Some(body.into_secret_text()) })
}

pub fn parse_login(body: &str) -> Result<Grant, AuthError> {
    let j = object(body)?;
    let token = j.str_at("token").ok_or_else(|| bad_body("token"))?;
    // The vendor sends the scheme inside the token; never send "Bearer Bearer".
    let token = token.strip_prefix("Bearer ").or_else(|| token.strip_prefix("bearer ")).unwrap_or(token).trim();
    if token.is_empty() {
        return Err(bad_body("token"));
    }
    let wall = j.str_at("token_expires_at").and_then(time::parse_day_month_year).ok_or_else(|| bad_body("token_expires_at"))?;
    let user = j.get("user").filter(|u| matches!(u, Json::Obj(_))).ok_or_else(|| bad_body("user"))?;
    let profile = ProfileParts {
        id: user.str_at("uuid"),
        user_name: user.str_at("email"),
        name: user.str_at("full_name"),
        email: user.str_at("email"),
        rights: Vec::new(),
        role: Json::Null,
        device: Json::Null,
        raw: j.without(&["token", "token_expires_at"]),
    }
    .build();
    Ok(Grant {
        access_token: token.to_owned(),
        refresh_token: None,
        expires_field: None,
        refresh_expires_field: None,
        expires_wall: Some(wall),
        user: Some(profile),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::Code;

    const LOGIN: &str = r#"{"active_rro":"4000123456","developer_id":null,"opened_shift":"1234","token":"Bearer abc.def",
        "token_expires_at":"25.10.2026 03:30","user":{"full_name":"Іваненко Марія","uuid":"u-1","email":"cashier@example.com",
        "edrpou":"12345678"}}"#;

    #[test]
    fn strips_bearer_and_keeps_shift_data_in_raw() {
        let g = parse_login(LOGIN).unwrap();
        assert_eq!(g.access_token, "abc.def");
        assert_eq!(g.refresh_token, None);
        assert_eq!(g.expires_wall, time::civil_ms(2026, 10, 25, 3, 30, 0, 0));
        let u = g.user.unwrap();
        assert_eq!((u.str_at("id"), u.str_at("name")), (Some("u-1"), Some("Іваненко Марія")));
        let raw = u.get("raw").unwrap();
        assert_eq!(raw.str_at("opened_shift"), Some("1234"));
        assert!(raw.get("developer_id").is_some() && raw.get("user").is_some());
        assert!(raw.get("token").is_none() && raw.get("token_expires_at").is_none());
    }

    #[test]
    fn bad_bodies() {
        for bad in [LOGIN.replace("\"user\":{", "\"usr\":{"), LOGIN.replace("25.10.2026 03:30", "2026-10-25"),
            LOGIN.replace("\"Bearer abc.def\"", "\"Bearer \""), LOGIN.replace("\"token\":\"Bearer abc.def\",", "")] {
            assert_eq!(parse_login(&bad).unwrap_err().code, Code::BadResponse, "{bad}");
        }
    }

    #[test]
    fn credentials() {
        let bad = Json::parse(r#"{"email":"a@b","password":"x","userName":"u"}"#).unwrap();
        assert_eq!(login_request("https://c", &bad).unwrap_err().code, Code::InvalidArgument);
    }
}
