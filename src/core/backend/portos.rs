//! PORTOS: `POST/GET/DELETE /api/auth`, `POST /api/auth/refresh`, JWT
//! expiry only (the login answer has no expiry field), ProblemDetails errors.

use crate::prelude::*;

use super::{bad_body, check_credentials, object, token_field, HttpRequest};
use crate::core::error::AuthError;
use crate::core::json::{obj, Json};
use crate::core::session::{Grant, ProfileParts};

pub fn login_request(base_url: &str, credentials: &Json) -> Result<HttpRequest, AuthError> {
    check_credentials(credentials, &["userName", "deviceName"], &["password"])?;
    let field = |k| Json::opt_str(credentials.str_at(k));
    let mut body = vec![("UserName".to_owned(), field("userName"))];
    if credentials.get("password").is_some() {
        body.push(("Password".to_owned(), field("password")));
    }
    body.push(("DeviceName".to_owned(), field("deviceName")));
    Ok(HttpRequest { method: "POST", url: [base_url, "/api/auth"].concat(), bearer: None, body: Some(Json::Obj(body).into_secret_text()) })
}

pub fn parse_login(body: &str) -> Result<Grant, AuthError> {
    let j = object(body)?;
    let user = j.get("user").filter(|u| matches!(u, Json::Obj(_))).ok_or_else(|| bad_body("user"))?;
    Ok(Grant {
        access_token: token_field(&j, "tokenId")?,
        refresh_token: Some(token_field(&j, "refreshToken")?),
        expires_field: None,
        refresh_expires_field: None,
        expires_wall: None,
        user: Some(profile(user)),
    })
}

pub fn refresh_request(base_url: &str, access_token: &str, refresh_token: &str) -> HttpRequest {
    let body = obj([("tokenId", Json::str(access_token)), ("refreshToken", Json::str(refresh_token))]);
    HttpRequest { method: "POST", url: [base_url, "/api/auth/refresh"].concat(), bearer: None, body: Some(body.to_text()) }
}

pub fn parse_refresh(body: &str) -> Result<Grant, AuthError> {
    let j = object(body)?;
    Ok(Grant {
        access_token: token_field(&j, "tokenId")?,
        refresh_token: Some(token_field(&j, "refreshToken")?),
        expires_field: None,
        refresh_expires_field: None,
        expires_wall: None,
        user: None,
    })
}

pub fn profile_request(base_url: &str, access_token: &str) -> HttpRequest {
    HttpRequest { method: "GET", url: [base_url, "/api/auth"].concat(), bearer: Some(access_token.to_owned()), body: None }
}

pub fn parse_profile(body: &str) -> Result<Json, AuthError> {
    Ok(profile(&object(body)?))
}

pub fn logout_request(base_url: &str, access_token: &str) -> HttpRequest {
    HttpRequest { method: "DELETE", url: [base_url, "/api/auth"].concat(), bearer: Some(access_token.to_owned()), body: None }
}

/// The normalised profile of a `UserProfileContext`; a missing or mistyped
/// single field is `null`, never an error.
fn profile(user: &Json) -> Json {
    let rights = match user.get("rights") {
        Some(Json::Arr(items)) => items.iter().filter(|r| r.as_str().is_some()).cloned().collect(),
        _ => Vec::new(),
    };
    ProfileParts {
        id: user.str_at("id"),
        user_name: user.str_at("userName"),
        name: user.str_at("name"),
        email: user.str_at("email"),
        rights,
        role: Json::Null,
        device: user.get("device").map_or(Json::Null, device),
        raw: user.clone(),
    }
    .build()
}

fn device(d: &Json) -> Json {
    let Some(name) = d.str_at("name") else { return Json::Null };
    let settings = match d.get("settings") {
        Some(Json::Obj(m)) => m.iter().filter(|(_, v)| v.as_str().is_some()).cloned().collect(),
        _ => Vec::new(),
    };
    let preferences = d.get("preferences").filter(|p| matches!(p, Json::Obj(_))).cloned();
    obj([
        ("name", Json::str(name)),
        ("envName", Json::opt_str(d.str_at("envName"))),
        ("description", Json::opt_str(d.str_at("description"))),
        ("settings", Json::Obj(settings)),
        ("preferences", preferences.unwrap_or_else(|| obj([]))),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::Code;

    const SEED_LOGIN: &str = r#"{
        "tokenId": "eyJhbG.eyJ.GLvNNavSk0A", "refreshToken": "pC73A....63GkAAEpwtWA=",
        "user": { "id": "635f7ae3072edfeae7c26a1e", "isVirtual": false, "name": "Majiteľ", "userName": "999",
            "featureName": null, "rights": ["admin"],
            "device": { "name": "P01", "envName": "CashRegister", "description": "P01", "preferences": {},
                "settings": { "MaxQuantity": "200", "DefaultStockName": "S01" } } } }"#;

    #[test]
    fn login_body_uses_vendor_casing_and_keeps_empty_password() {
        let creds = Json::parse(r#"{"userName":"100","password":"","deviceName":"P02"}"#).unwrap();
        let req = login_request("https://pos", &creds).unwrap();
        assert_eq!(req.url, "https://pos/api/auth");
        assert_eq!(req.body.as_deref(), Some(r#"{"UserName":"100","Password":"","DeviceName":"P02"}"#));
    }

    #[test]
    fn bad_credentials_are_refused_before_sending() {
        for bad in [r#"{"userName":"999","deviceName":""}"#, r#"{"userName":"999"}"#,
            r#"{"userName":999,"deviceName":"P01"}"#, r#"{"userName":"9","deviceName":"P","pin":"1"}"#, "null", "[]"] {
            let e = login_request("https://pos", &Json::parse(bad).unwrap()).unwrap_err();
            assert_eq!(e.code, Code::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn seed_login_normalises_the_profile() {
        let g = parse_login(SEED_LOGIN).unwrap();
        let u = g.user.unwrap();
        assert_eq!(u.str_at("name"), Some("Majiteľ"));
        assert_eq!(u.str_at("userName"), Some("999"));
        assert_eq!(u.get("rights"), Some(&Json::Arr(vec![Json::str("admin")])));
        let d = u.get("device").unwrap();
        assert_eq!(d.str_at("envName"), Some("CashRegister"));
        assert_eq!(d.get("settings").and_then(|s| s.str_at("MaxQuantity")), Some("200"));
        assert_eq!(u.get("raw").and_then(|r| r.get("isVirtual")), Some(&Json::Bool(false)));
        assert_eq!(g.refresh_token.as_deref(), Some("pC73A....63GkAAEpwtWA="));
    }

    #[test]
    fn missing_token_or_user_is_bad_response() {
        for bad in [r#"{"refreshToken":"r","user":{}}"#, r#"{"tokenId":5,"refreshToken":"r","user":{}}"#,
            r#"{"tokenId":"t","refreshToken":"r"}"#, r#"{"tokenId":"t","refreshToken":"r","user":"x"}"#, "<html>", ""] {
            assert_eq!(parse_login(bad).unwrap_err().code, Code::BadResponse, "{bad}");
        }
        assert_eq!(parse_refresh(r#"{"tokenId":"t"}"#).unwrap_err().code, Code::BadResponse);
    }

    #[test]
    fn missing_single_fields_are_null() {
        let u = parse_profile(r#"{"id":"1","rights":"admin","device":{"description":"x"}}"#).unwrap();
        assert_eq!(u.get("name"), Some(&Json::Null));
        assert_eq!(u.get("rights"), Some(&Json::Arr(vec![])));
        assert_eq!(u.get("device"), Some(&Json::Null));
    }
}
