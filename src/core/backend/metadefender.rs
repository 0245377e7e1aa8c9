//! OPSWAT MetaDefender Storage Security: `POST /api/user/authenticate` and
//! `POST /api/user/refreshToken`, expiry fields in ISO 8601 UTC with seven
//! fractional digits, `responseKey` / `responseMessage` errors. No profile or
//! logout call: the login answer is the user.

use serde::Deserialize;

use super::wire::{bad_body, object, token_field, Answer, Credentials, HttpRequest, StringMembers};
use super::{Dialect, Grant, OwnError};
use crate::core::error::{AuthError, Scalar};
use crate::core::field::{Field, Secret};
use crate::core::profile::UserProfile;
use crate::core::time;

/// Every answer, success or error (a refresh has no user members, an error
/// only the response key and message).
#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenBody {
    #[serde(rename = "accessToken")]
    access_token: Field<Secret>,
    #[serde(rename = "accessTokenExpiryTime")]
    access_token_expiry_time: Field<String>,
    #[serde(rename = "refreshToken")]
    refresh_token: Field<Secret>,
    #[serde(rename = "refreshTokenExpiryTime")]
    refresh_token_expiry_time: Field<String>,
    #[serde(rename = "userName")]
    user_name: Field<String>,
    #[serde(rename = "fullName")]
    full_name: Field<String>,
    email: Field<String>,
    role: Field<f64>,
    #[serde(rename = "responseKey")]
    response_key: Field<Scalar>,
    #[serde(rename = "responseMessage")]
    response_message: Field<String>,
}

/// The MetaDefender dialect.
pub struct MetaDefender;

impl Dialect for MetaDefender {
    const NAME: &'static str = "metadefender";
    const CAN_REFRESH: bool = true;

    fn login_request(
        base_url: &str,
        credentials: Option<&Credentials>,
    ) -> Result<HttpRequest, AuthError> {
        let c = Credentials::check(credentials, &["userName", "password"], &[])?;
        let body = StringMembers(&[
            ("userName", c.user_name.str().unwrap_or_default()),
            ("password", c.password.str().unwrap_or_default()),
        ])
        .secret_text();
        Ok(HttpRequest {
            method: "POST",
            url: [base_url, "/api/user/authenticate"].concat(),
            bearer: None,
            body: Some(body),
        })
    }

    fn refresh_request(
        base_url: &str,
        access_token: &str,
        refresh_token: &str,
    ) -> Option<HttpRequest> {
        let body = StringMembers(&[
            ("accessToken", access_token),
            ("refreshToken", refresh_token),
        ])
        .text();
        Some(HttpRequest {
            method: "POST",
            url: [base_url, "/api/user/refreshToken"].concat(),
            bearer: None,
            body: Some(body),
        })
    }

    fn parse_login(answer: &impl Answer) -> Result<Grant, AuthError> {
        let body: TokenBody = object(answer)?;
        let raw = answer
            .raw(&[], &TOKEN_FIELDS)
            .ok_or_else(|| bad_body("not a JSON object"))?;
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

    fn parse_refresh(answer: &impl Answer) -> Result<Grant, AuthError> {
        grant(&object(answer)?, None)
    }

    fn own_error(answer: &impl Answer) -> OwnError {
        let body: TokenBody = answer.read(&[]).unwrap_or_default();
        OwnError {
            code: body.response_key.given(),
            message: body.response_message.text().map(str::to_owned),
        }
    }
}

const TOKEN_FIELDS: [&str; 4] = [
    "accessToken",
    "refreshToken",
    "accessTokenExpiryTime",
    "refreshTokenExpiryTime",
];

fn expiry(value: &Field<String>, key: &str) -> Result<i64, AuthError> {
    value
        .str()
        .and_then(time::parse_iso_utc)
        .ok_or_else(|| bad_body(key))
}

fn grant(body: &TokenBody, user: Option<UserProfile>) -> Result<Grant, AuthError> {
    Ok(Grant {
        access_token: token_field(&body.access_token, "accessToken")?,
        refresh_token: Some(token_field(&body.refresh_token, "refreshToken")?),
        expires_field: Some(expiry(
            &body.access_token_expiry_time,
            "accessTokenExpiryTime",
        )?),
        refresh_expires_field: Some(expiry(
            &body.refresh_token_expiry_time,
            "refreshTokenExpiryTime",
        )?),
        expires_wall: None,
        user,
        claims: Default::default(),
    })
}

/// A role that is a whole number JavaScript holds exactly.
fn integer(n: f64) -> Option<i64> {
    (n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0).then_some(n as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::backend::from_text::{answer, credentials};
    use crate::core::backend::Backend;
    use crate::core::error::{Call, Code};

    const LOGIN: &str = r#"{"accessToken":"opaque-a","accessTokenExpiryTime":"2020-07-09T23:12:29.3560169Z",
        "refreshToken":"opaque-r","refreshTokenExpiryTime":"2020-07-10T22:12:29.3560169Z","email":"admin@local",
        "fullName":"Admin User","role":1,"userName":"admin","responseKey":"Auth_Success","responseMessage":"OK"}"#;

    #[test]
    fn login_maps_profile_and_expiry_to_the_millisecond() {
        let g = MetaDefender::parse_login(&answer(LOGIN)).unwrap();
        assert_eq!(g.expires_field, time::civil_ms(2020, 7, 9, 23, 12, 29, 356));
        assert_eq!(
            g.refresh_expires_field,
            time::civil_ms(2020, 7, 10, 22, 12, 29, 356)
        );
        let u = g.user.unwrap();
        assert_eq!(
            (u.user_name.as_deref(), u.name.as_deref(), u.role),
            (Some("admin"), Some("Admin User"), Some(1))
        );
        assert_eq!(u.id, None);
        let raw: serde_json::Value = serde_json::from_str(u.raw.text()).unwrap();
        assert!(raw.get("accessToken").is_none() && raw.get("refreshTokenExpiryTime").is_none());
        assert_eq!(raw["responseKey"], "Auth_Success");
    }

    #[test]
    fn missing_or_mistyped_expiry_is_bad_response() {
        for bad in [
            LOGIN.replace("\"accessTokenExpiryTime\"", "\"x\""),
            LOGIN.replace("2020-07-09T23:12:29.3560169Z", "tomorrow"),
            LOGIN.replace("\"opaque-r\"", "7"),
        ] {
            assert_eq!(
                MetaDefender::parse_login(&answer(&bad)).unwrap_err().code,
                Code::BadResponse
            );
        }
    }

    #[test]
    fn credentials_need_both_fields() {
        let ok = credentials(r#"{"userName":"admin","password":"AdminPassword"}"#);
        let req = MetaDefender::login_request("https://md", ok.as_ref()).unwrap();
        assert!(req.url.ends_with("/api/user/authenticate"));
        assert_eq!(
            req.body.as_deref(),
            Some(r#"{"userName":"admin","password":"AdminPassword"}"#)
        );
        let bad = credentials(r#"{"userName":"admin","password":""}"#);
        assert_eq!(
            MetaDefender::login_request("https://md", bad.as_ref())
                .unwrap_err()
                .code,
            Code::InvalidArgument
        );
    }

    #[test]
    fn error_keys_rank_after_detail_and_title() {
        let error = |status, text: &str| {
            Backend::MetaDefender.answer_error(Call::Refresh, status, &answer(text), None)
        };
        let e = error(
            401,
            r#"{"responseKey":"Auth_Expired","responseMessage":"Token expired","message":"x"}"#,
        );
        assert_eq!(e.message, "Token expired");
        assert_eq!(e.error_code, Some(Scalar::Str("Auth_Expired".into())));
        assert_eq!(
            error(401, r#"{"title":"t","responseMessage":"m"}"#).message,
            "t"
        );
        assert_eq!(
            error(500, "<h1>boom</h1>").message,
            Code::Server.default_message()
        );
    }
}
