//! OPSWAT MetaDefender Storage Security: `POST /api/user/authenticate` and
//! `POST /api/user/refreshToken`, expiry fields in ISO 8601 UTC with seven
//! fractional digits, `responseKey` / `responseMessage` errors. No profile or
//! logout call: the login answer is the user.

use super::{bad_body, check_credentials, object, token_field, Answer, Body, Credentials, HttpRequest, StringMembers};
use crate::core::error::AuthError;
use crate::core::field::Field;
use crate::core::session::{Grant, UserProfile};
use crate::core::time;

const TOKEN_FIELDS: [&str; 4] = ["accessToken", "refreshToken", "accessTokenExpiryTime", "refreshTokenExpiryTime"];

pub fn login_request(base_url: &str, credentials: Option<&Credentials>) -> Result<HttpRequest, AuthError> {
    let c = check_credentials(credentials, &["userName", "password"], &[])?;
    let body = StringMembers(&[("userName", c.user_name.str().unwrap_or_default()), ("password", c.password.str().unwrap_or_default())]).secret_text();
    Ok(HttpRequest { method: "POST", url: [base_url, "/api/user/authenticate"].concat(), bearer: None, body: Some(body) })
}

pub fn refresh_request(base_url: &str, access_token: &str, refresh_token: &str) -> HttpRequest {
    let body = StringMembers(&[("accessToken", access_token), ("refreshToken", refresh_token)]).text();
    HttpRequest { method: "POST", url: [base_url, "/api/user/refreshToken"].concat(), bearer: None, body: Some(body) }
}

fn expiry(value: &Field<String>, key: &str) -> Result<i64, AuthError> {
    value.str().and_then(time::parse_iso_utc).ok_or_else(|| bad_body(key))
}

fn grant(body: &Body, user: Option<UserProfile>) -> Result<Grant, AuthError> {
    Ok(Grant {
        access_token: token_field(&body.access_token, "accessToken")?,
        refresh_token: Some(token_field(&body.refresh_token, "refreshToken")?),
        expires_field: Some(expiry(&body.access_token_expiry_time, "accessTokenExpiryTime")?),
        refresh_expires_field: Some(expiry(&body.refresh_token_expiry_time, "refreshTokenExpiryTime")?),
        expires_wall: None,
        user,
    })
}

/// A role that is a whole number JavaScript holds exactly.
fn integer(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0).then_some(n as i64)
}

pub fn parse_login(answer: &impl Answer) -> Result<Grant, AuthError> {
    let body: Body = object(answer)?;
    let raw = answer.raw(&[], &TOKEN_FIELDS).ok_or_else(|| bad_body("not a JSON object"))?;
    let user = UserProfile {
        user_name: body.user_name.str().map(str::to_owned),
        name: body.full_name.str().map(str::to_owned),
        email: body.email.str().map(str::to_owned),
        role: body.role.as_ref().given().copied().and_then(integer),
        raw,
        ..UserProfile::empty()
    };
    grant(&body, Some(user))
}

pub fn parse_refresh(answer: &impl Answer) -> Result<Grant, AuthError> {
    grant(&object(answer)?, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::backend::tests::{answer, credentials};
    use crate::core::error::Code;

    const LOGIN: &str = r#"{"accessToken":"opaque-a","accessTokenExpiryTime":"2020-07-09T23:12:29.3560169Z",
        "refreshToken":"opaque-r","refreshTokenExpiryTime":"2020-07-10T22:12:29.3560169Z","email":"admin@local",
        "fullName":"Admin User","role":1,"userName":"admin","responseKey":"Auth_Success","responseMessage":"OK"}"#;

    #[test]
    fn login_maps_profile_and_expiry_to_the_millisecond() {
        let g = parse_login(&answer(LOGIN)).unwrap();
        assert_eq!(g.expires_field, time::civil_ms(2020, 7, 9, 23, 12, 29, 356));
        assert_eq!(g.refresh_expires_field, time::civil_ms(2020, 7, 10, 22, 12, 29, 356));
        let u = g.user.unwrap();
        assert_eq!((u.user_name.as_deref(), u.name.as_deref(), u.role), (Some("admin"), Some("Admin User"), Some(1)));
        assert_eq!(u.id, None);
        let raw: serde_json::Value = serde_json::from_str(u.raw.text()).unwrap();
        assert!(raw.get("accessToken").is_none() && raw.get("refreshTokenExpiryTime").is_none());
        assert_eq!(raw["responseKey"], "Auth_Success");
    }

    #[test]
    fn missing_or_mistyped_expiry_is_bad_response() {
        for bad in [LOGIN.replace("\"accessTokenExpiryTime\"", "\"x\""), LOGIN.replace("2020-07-09T23:12:29.3560169Z", "tomorrow"),
            LOGIN.replace("\"opaque-r\"", "7")] {
            assert_eq!(parse_login(&answer(&bad)).unwrap_err().code, Code::BadResponse);
        }
    }

    #[test]
    fn credentials_need_both_fields() {
        let ok = credentials(r#"{"userName":"admin","password":"AdminPassword"}"#);
        let req = login_request("https://md", ok.as_ref()).unwrap();
        assert!(req.url.ends_with("/api/user/authenticate"));
        assert_eq!(req.body.as_deref(), Some(r#"{"userName":"admin","password":"AdminPassword"}"#));
        let bad = credentials(r#"{"userName":"admin","password":""}"#);
        assert_eq!(login_request("https://md", bad.as_ref()).unwrap_err().code, Code::InvalidArgument);
    }
}
