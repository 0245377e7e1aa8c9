//! PORTOS: `POST/GET/DELETE /api/auth`, `POST /api/auth/refresh`, JWT
//! expiry only (the login answer has no expiry field), ProblemDetails errors.

use serde::Deserialize;

use super::wire::{bad_body, object, token_field, Answer, Credentials, HttpRequest, StringMembers};
use super::{Dialect, Grant};
use crate::core::error::AuthError;
use crate::core::field::{Field, Members, Secret, StringMap};
use crate::core::profile::{Device, RawJson, UserProfile};

/// The login and refresh answers' tokens (the login's `user` is read on
/// its own).
#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenBody {
    #[serde(rename = "tokenId")]
    token_id: Field<Secret>,
    #[serde(rename = "refreshToken")]
    refresh_token: Field<Secret>,
}

/// A `UserProfileContext`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct User {
    id: Field<String>,
    #[serde(rename = "userName")]
    user_name: Field<String>,
    name: Field<String>,
    email: Field<String>,
    rights: Field<Vec<String>>,
}

/// The cash register of a user.
#[derive(Deserialize, Default)]
#[serde(default)]
struct UserDevice {
    name: Field<String>,
    #[serde(rename = "envName")]
    env_name: Field<String>,
    description: Field<String>,
    settings: Field<Members<String>>,
}

/// The PORTOS dialect.
pub struct Portos;

impl Dialect for Portos {
    const NAME: &'static str = "portos";
    const CAN_REFRESH: bool = true;

    fn login_request(
        base_url: &str,
        credentials: Option<&Credentials>,
    ) -> Result<HttpRequest, AuthError> {
        let c = Credentials::check(credentials, &["userName", "deviceName"], &["password"])?;
        let user_name = c.user_name.str().unwrap_or_default();
        let device_name = c.device_name.str().unwrap_or_default();
        let body = match c.password.str() {
            Some(password) => StringMembers(&[
                ("UserName", user_name),
                ("Password", password),
                ("DeviceName", device_name),
            ])
            .secret_text(),
            None => {
                StringMembers(&[("UserName", user_name), ("DeviceName", device_name)]).secret_text()
            }
        };
        Ok(HttpRequest {
            method: "POST",
            url: [base_url, "/api/auth"].concat(),
            bearer: None,
            body: Some(body),
        })
    }

    fn parse_login(answer: &impl Answer) -> Result<Grant, AuthError> {
        let body: TokenBody = object(answer)?;
        let user = answer.read(&["user"]).ok_or_else(|| bad_body("user"))?;
        let mut grant = tokens(&body)?;
        grant.user = Some(profile(user, answer, &["user"])?);
        Ok(grant)
    }

    fn refresh_request(
        base_url: &str,
        access_token: &str,
        refresh_token: &str,
    ) -> Option<HttpRequest> {
        let body =
            StringMembers(&[("tokenId", access_token), ("refreshToken", refresh_token)]).text();
        Some(HttpRequest {
            method: "POST",
            url: [base_url, "/api/auth/refresh"].concat(),
            bearer: None,
            body: Some(body),
        })
    }

    fn parse_refresh(answer: &impl Answer) -> Result<Grant, AuthError> {
        tokens(&object(answer)?)
    }

    fn profile_request(base_url: &str, access_token: &str) -> Option<HttpRequest> {
        Some(HttpRequest {
            method: "GET",
            url: [base_url, "/api/auth"].concat(),
            bearer: Some(access_token.to_owned()),
            body: None,
        })
    }

    fn parse_profile(answer: &impl Answer) -> Result<UserProfile, AuthError> {
        profile(object(answer)?, answer, &[])
    }

    fn logout_request(base_url: &str, access_token: &str) -> Option<HttpRequest> {
        Some(HttpRequest {
            method: "DELETE",
            url: [base_url, "/api/auth"].concat(),
            bearer: Some(access_token.to_owned()),
            body: None,
        })
    }
}

/// The tokens of a login or refresh answer (PORTOS sends no expiry field:
/// the JWT's `exp` is the expiry).
fn tokens(body: &TokenBody) -> Result<Grant, AuthError> {
    Ok(Grant {
        access_token: token_field(&body.token_id, "tokenId")?,
        refresh_token: Some(token_field(&body.refresh_token, "refreshToken")?),
        expires_field: None,
        refresh_expires_field: None,
        expires_wall: None,
        user: None,
        claims: Default::default(),
    })
}

/// The normalised profile of the `UserProfileContext` at `at`; a missing or
/// mistyped single field is `null`, never an error.
fn profile(user: User, answer: &impl Answer, at: &[&str]) -> Result<UserProfile, AuthError> {
    let raw = answer.raw(at, &[]).ok_or_else(|| bad_body("user"))?;
    let device_at = [at, &["device"]].concat();
    let device = match answer.read::<UserDevice>(&device_at) {
        Some(d) => d.name.given().map(|name| {
            // Only the string members: what `Record<string, string>` promises.
            let settings = StringMap(
                d.settings
                    .given()
                    .map(|m| {
                        m.0.into_iter()
                            .filter_map(|(k, v)| Some((k, v.given()?)))
                            .collect()
                    })
                    .unwrap_or_default(),
            );
            let preferences = answer
                .raw(&[&device_at[..], &["preferences"]].concat(), &[])
                .unwrap_or_else(RawJson::empty_object);
            Device {
                name,
                env_name: d.env_name.given(),
                description: d.description.given(),
                settings,
                preferences,
            }
        }),
        None => None,
    };
    Ok(UserProfile {
        id: user.id.given(),
        user_name: user.user_name.given(),
        name: user.name.given(),
        email: user.email.given(),
        rights: user.rights.given().unwrap_or_default(),
        role: None,
        device,
        raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::backend::from_text::{answer, credentials};
    use crate::core::error::Code;

    const SEED_LOGIN: &str = r#"{
        "tokenId": "eyJhbG.eyJ.GLvNNavSk0A", "refreshToken": "pC73A....63GkAAEpwtWA=",
        "user": { "id": "635f7ae3072edfeae7c26a1e", "isVirtual": false, "name": "Majiteľ", "userName": "999",
            "featureName": null, "rights": ["admin"],
            "device": { "name": "P01", "envName": "CashRegister", "description": "P01", "preferences": {},
                "settings": { "MaxQuantity": "200", "DefaultStockName": "S01" } } } }"#;

    #[test]
    fn login_body_uses_vendor_casing_and_keeps_empty_password() {
        let creds = credentials(r#"{"userName":"100","password":"","deviceName":"P02"}"#);
        let req = Portos::login_request("https://pos", creds.as_ref()).unwrap();
        assert_eq!(req.url, "https://pos/api/auth");
        assert_eq!(
            req.body.as_deref(),
            Some(r#"{"UserName":"100","Password":"","DeviceName":"P02"}"#)
        );
    }

    #[test]
    fn bad_credentials_are_refused_before_sending() {
        for bad in [
            r#"{"userName":"999","deviceName":""}"#,
            r#"{"userName":"999"}"#,
            r#"{"userName":999,"deviceName":"P01"}"#,
            r#"{"userName":"9","deviceName":"P","pin":"1"}"#,
            "null",
            "[]",
        ] {
            let e = Portos::login_request("https://pos", credentials(bad).as_ref()).unwrap_err();
            assert_eq!(e.code, Code::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn seed_login_normalises_the_profile() {
        let g = Portos::parse_login(&answer(SEED_LOGIN)).unwrap();
        let u = g.user.unwrap();
        assert_eq!(u.name.as_deref(), Some("Majiteľ"));
        assert_eq!(u.user_name.as_deref(), Some("999"));
        assert_eq!(u.rights, ["admin"]);
        let d = u.device.unwrap();
        assert_eq!(d.env_name.as_deref(), Some("CashRegister"));
        // (serde_json's test values sort keys; the browser keeps their order)
        let mut settings = d.settings.0.clone();
        settings.sort();
        assert_eq!(
            settings,
            [
                ("DefaultStockName".to_owned(), "S01".to_owned()),
                ("MaxQuantity".to_owned(), "200".to_owned())
            ]
        );
        assert_eq!(d.preferences.text(), "{}");
        assert!(
            u.raw.text().contains(r#""isVirtual":false"#),
            "{}",
            u.raw.text()
        );
        assert_eq!(g.refresh_token.as_deref(), Some("pC73A....63GkAAEpwtWA="));
    }

    #[test]
    fn missing_token_or_user_is_bad_response() {
        for bad in [
            r#"{"refreshToken":"r","user":{}}"#,
            r#"{"tokenId":5,"refreshToken":"r","user":{}}"#,
            r#"{"tokenId":"t","refreshToken":"r"}"#,
            r#"{"tokenId":"t","refreshToken":"r","user":"x"}"#,
            r#"{"tokenId":"t","refreshToken":"r","user":[null]}"#,
            "<html>",
            "",
        ] {
            assert_eq!(
                Portos::parse_login(&answer(bad)).unwrap_err().code,
                Code::BadResponse,
                "{bad}"
            );
        }
        assert_eq!(
            Portos::parse_refresh(&answer(r#"{"tokenId":"t"}"#))
                .unwrap_err()
                .code,
            Code::BadResponse
        );
        // A token no header can carry could never be used.
        assert_eq!(
            Portos::parse_refresh(&answer(r#"{"tokenId":"tĀ","refreshToken":"r"}"#))
                .unwrap_err()
                .code,
            Code::BadResponse
        );
    }

    #[test]
    fn missing_single_fields_are_null() {
        let u = Portos::parse_profile(&answer(
            r#"{"id":"1","rights":"admin","device":{"description":"x"}}"#,
        ))
        .unwrap();
        assert_eq!(u.name, None);
        assert!(u.rights.is_empty());
        assert_eq!(u.device, None);
    }
}
