//! CashDesk (PRRO): `POST /api/v2/authenticate` only. The token arrives as
//! `"Bearer …"`; its expiry is the JWT `exp` or else `token_expires_at`, a
//! wall-clock time of the server (`serverTimeZone`). No refresh, profile or
//! logout call: a token lasts one shift.

use serde::Deserialize;

use super::wire::{
    bad_body, is_sendable_token, object, Answer, Credentials, HttpRequest, StringMembers,
};
use super::{Dialect, Grant};
use crate::core::error::AuthError;
use crate::core::field::{Field, Secret};
use crate::core::profile::UserProfile;
use crate::core::time;

/// The login answer's token and its expiry; the cashier (`user`) is read on
/// its own, and the rest, such as `opened_shift`, is kept only in `raw`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginBody {
    token: Field<Secret>,
    token_expires_at: Field<String>,
}

/// The cashier.
#[derive(Deserialize, Default)]
#[serde(default)]
struct User {
    uuid: Field<String>,
    email: Field<String>,
    full_name: Field<String>,
}

/// The CashDesk dialect.
pub struct CashDesk;

impl Dialect for CashDesk {
    const NAME: &'static str = "cashdesk";

    fn login_request(
        base_url: &str,
        credentials: Option<&Credentials>,
    ) -> Result<HttpRequest, AuthError> {
        let c = Credentials::check(credentials, &["email", "password"], &[])?;
        let body = StringMembers(&[
            ("email", c.email.str().unwrap_or_default()),
            ("password", c.password.str().unwrap_or_default()),
        ])
        .secret_text();
        Ok(HttpRequest {
            method: "POST",
            url: [base_url, "/api/v2/authenticate"].concat(),
            bearer: None,
            body: Some(body),
        })
    }

    fn parse_login(answer: &impl Answer) -> Result<Grant, AuthError> {
        let body: LoginBody = object(answer)?;
        let token = body.token.str().ok_or_else(|| bad_body("token"))?;
        // The vendor sends the scheme inside the token; never send "Bearer Bearer".
        let token = token
            .strip_prefix("Bearer ")
            .or_else(|| token.strip_prefix("bearer "))
            .unwrap_or(token)
            .trim();
        if !is_sendable_token(token) {
            return Err(bad_body("token"));
        }
        let wall = body
            .token_expires_at
            .str()
            .and_then(time::parse_day_month_year)
            .ok_or_else(|| bad_body("token_expires_at"))?;
        let user: User = answer.read(&["user"]).ok_or_else(|| bad_body("user"))?;
        let raw = answer
            .raw(&[], &["token", "token_expires_at"])
            .ok_or_else(|| bad_body("not a JSON object"))?;
        let profile = UserProfile {
            id: user.uuid.given(),
            user_name: user.email.str().map(str::to_owned),
            name: user.full_name.given(),
            email: user.email.given(),
            raw,
            ..UserProfile::empty()
        };
        Ok(Grant {
            access_token: token.to_owned(),
            refresh_token: None,
            expires_field: None,
            refresh_expires_field: None,
            expires_wall: Some(wall),
            user: Some(profile),
            claims: Default::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::backend::from_text::{answer, credentials};
    use crate::core::error::Code;

    const LOGIN: &str = r#"{"active_rro":"4000123456","developer_id":null,"opened_shift":"1234","token":"Bearer abc.def",
        "token_expires_at":"25.10.2026 03:30","user":{"full_name":"Іваненко Марія","uuid":"u-1","email":"cashier@example.com",
        "edrpou":"12345678"}}"#;

    #[test]
    fn strips_bearer_and_keeps_shift_data_in_raw() {
        let g = CashDesk::parse_login(&answer(LOGIN)).unwrap();
        assert_eq!(g.access_token, "abc.def");
        assert_eq!(g.refresh_token, None);
        assert_eq!(g.expires_wall, time::civil_ms(2026, 10, 25, 3, 30, 0, 0));
        let u = g.user.unwrap();
        assert_eq!(
            (u.id.as_deref(), u.name.as_deref()),
            (Some("u-1"), Some("Іваненко Марія"))
        );
        let raw: serde_json::Value = serde_json::from_str(u.raw.text()).unwrap();
        assert_eq!(raw["opened_shift"], "1234");
        assert!(raw.get("developer_id").is_some() && raw.get("user").is_some());
        assert!(raw.get("token").is_none() && raw.get("token_expires_at").is_none());
    }

    #[test]
    fn bad_bodies() {
        for bad in [
            LOGIN.replace("\"user\":{", "\"usr\":{"),
            LOGIN.replace("25.10.2026 03:30", "2026-10-25"),
            LOGIN.replace("\"Bearer abc.def\"", "\"Bearer \""),
            LOGIN.replace("\"token\":\"Bearer abc.def\",", ""),
        ] {
            assert_eq!(
                CashDesk::parse_login(&answer(&bad)).unwrap_err().code,
                Code::BadResponse,
                "{bad}"
            );
        }
    }

    #[test]
    fn credentials_are_checked() {
        let bad = credentials(r#"{"email":"a@b","password":"x","userName":"u"}"#);
        assert_eq!(
            CashDesk::login_request("https://c", bad.as_ref())
                .unwrap_err()
                .code,
            Code::InvalidArgument
        );
    }
}
