//! OPSWAT MetaDefender Storage Security: `POST /api/user/authenticate` and
//! `POST /api/user/refreshToken`, expiry fields in ISO 8601 UTC with seven
//! fractional digits, `responseKey` / `responseMessage` errors. No profile or
//! logout call: the login answer is the user.

use crate::prelude::*;

use super::{bad_body, check_credentials, object, token_field, HttpRequest};
use crate::core::error::AuthError;
use crate::core::json::{obj, Json};
use crate::core::session::{Grant, ProfileParts};
use crate::core::time;

const TOKEN_FIELDS: [&str; 4] = ["accessToken", "refreshToken", "accessTokenExpiryTime", "refreshTokenExpiryTime"];

pub fn login_request(base_url: &str, credentials: &Json) -> Result<HttpRequest, AuthError> {
    check_credentials(credentials, &["userName", "password"], &[])?;
    let body = obj([
        ("userName", Json::opt_str(credentials.str_at("userName"))),
        ("password", Json::opt_str(credentials.str_at("password"))),
    ]);
    Ok(HttpRequest { method: "POST", url: [base_url, "/api/user/authenticate"].concat(), bearer: None, body: Some(body.into_secret_text()) })
}

pub fn refresh_request(base_url: &str, access_token: &str, refresh_token: &str) -> HttpRequest {
    let body = obj([("accessToken", Json::str(access_token)), ("refreshToken", Json::str(refresh_token))]);
    HttpRequest { method: "POST", url: [base_url, "/api/user/refreshToken"].concat(), bearer: None, body: Some(body.to_text()) }
}

fn expiry(j: &Json, key: &str) -> Result<i64, AuthError> {
    j.str_at(key).and_then(time::parse_iso_utc).ok_or_else(|| bad_body(key))
}

fn grant(j: &Json, user: Option<Json>) -> Result<Grant, AuthError> {
    Ok(Grant {
        access_token: token_field(j, "accessToken")?,
        refresh_token: Some(token_field(j, "refreshToken")?),
        expires_field: Some(expiry(j, "accessTokenExpiryTime")?),
        refresh_expires_field: Some(expiry(j, "refreshTokenExpiryTime")?),
        expires_wall: None,
        user,
    })
}

pub fn parse_login(body: &str) -> Result<Grant, AuthError> {
    let j = object(body)?;
    let role = match j.get("role") {
        Some(n @ Json::Num(_)) if n.as_i64().is_some() => n.clone(),
        _ => Json::Null,
    };
    let user = ProfileParts {
        id: None,
        user_name: j.str_at("userName"),
        name: j.str_at("fullName"),
        email: j.str_at("email"),
        rights: Vec::new(),
        role,
        device: Json::Null,
        raw: j.without(&TOKEN_FIELDS),
    }
    .build();
    grant(&j, Some(user))
}

pub fn parse_refresh(body: &str) -> Result<Grant, AuthError> {
    grant(&object(body)?, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::Code;

    const LOGIN: &str = r#"{"accessToken":"opaque-a","accessTokenExpiryTime":"2020-07-09T23:12:29.3560169Z",
        "refreshToken":"opaque-r","refreshTokenExpiryTime":"2020-07-10T22:12:29.3560169Z","email":"admin@local",
        "fullName":"Admin User","role":1,"userName":"admin","responseKey":"Auth_Success","responseMessage":"OK"}"#;

    #[test]
    fn login_maps_profile_and_expiry_to_the_millisecond() {
        let g = parse_login(LOGIN).unwrap();
        assert_eq!(g.expires_field, time::civil_ms(2020, 7, 9, 23, 12, 29, 356));
        assert_eq!(g.refresh_expires_field, time::civil_ms(2020, 7, 10, 22, 12, 29, 356));
        let u = g.user.unwrap();
        assert_eq!((u.str_at("userName"), u.str_at("name"), u.get("role")), (Some("admin"), Some("Admin User"), Some(&Json::Num("1".into()))));
        assert_eq!(u.get("id"), Some(&Json::Null));
        let raw = u.get("raw").unwrap();
        assert!(raw.get("accessToken").is_none() && raw.get("refreshTokenExpiryTime").is_none());
        assert_eq!(raw.str_at("responseKey"), Some("Auth_Success"));
    }

    #[test]
    fn missing_or_mistyped_expiry_is_bad_response() {
        for bad in [LOGIN.replace("\"accessTokenExpiryTime\"", "\"x\""), LOGIN.replace("2020-07-09T23:12:29.3560169Z", "tomorrow"),
            LOGIN.replace("\"opaque-r\"", "7")] {
            assert_eq!(parse_login(&bad).unwrap_err().code, Code::BadResponse);
        }
    }

    #[test]
    fn credentials_need_both_fields() {
        let ok = Json::parse(r#"{"userName":"admin","password":"AdminPassword"}"#).unwrap();
        assert!(login_request("https://md", &ok).unwrap().url.ends_with("/api/user/authenticate"));
        let bad = Json::parse(r#"{"userName":"admin","password":""}"#).unwrap();
        assert_eq!(login_request("https://md", &bad).unwrap_err().code, Code::InvalidArgument);
    }
}
