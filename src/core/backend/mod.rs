//! The three dialects behind one interface: what to send, and how to read
//! what comes back.

use crate::prelude::*;

pub mod cashdesk;
pub mod metadefender;
pub mod portos;

use super::error::{AuthError, Code};
use super::json::Json;
use super::options::{Backend, Config};
use super::session::{Grant, Record};

/// A request the module makes itself. The web layer adds `Accept`,
/// `Content-Type` (when there is a body), the `headers` option,
/// `developer-id`, and `Authorization` from `bearer`.
#[derive(PartialEq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub bearer: Option<String>,
    pub body: Option<String>,
}

/// Bodies can hold a password or a refresh token: never print them.
impl ::core::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("HttpRequest").field("method", &self.method).field("url", &self.url).finish_non_exhaustive()
    }
}

/// The login request for the configured dialect, after validating the
/// credentials. Nothing is sent when this fails.
pub fn login_request(cfg: &Config, credentials: &Json) -> Result<HttpRequest, AuthError> {
    match cfg.backend {
        Backend::Portos => portos::login_request(&cfg.base_url, credentials),
        Backend::CashDesk => cashdesk::login_request(&cfg.base_url, credentials),
        Backend::MetaDefender => metadefender::login_request(&cfg.base_url, credentials),
    }
}

pub fn parse_login(backend: Backend, body: &str) -> Result<Grant, AuthError> {
    match backend {
        Backend::Portos => portos::parse_login(body),
        Backend::CashDesk => cashdesk::parse_login(body),
        Backend::MetaDefender => metadefender::parse_login(body),
    }
}

/// The refresh request, or `refresh_unsupported` for a back end without one.
pub fn refresh_request(record: &Record) -> Result<HttpRequest, AuthError> {
    let Some(refresh_token) = record.refresh_token.as_deref().filter(|_| record.backend.can_refresh()) else {
        return Err(AuthError::of(Code::RefreshUnsupported));
    };
    match record.backend {
        Backend::Portos => Ok(portos::refresh_request(&record.base_url, &record.access_token, refresh_token)),
        Backend::MetaDefender => Ok(metadefender::refresh_request(&record.base_url, &record.access_token, refresh_token)),
        Backend::CashDesk => Err(AuthError::of(Code::RefreshUnsupported)),
    }
}

pub fn parse_refresh(backend: Backend, body: &str) -> Result<Grant, AuthError> {
    match backend {
        Backend::Portos => portos::parse_refresh(body),
        Backend::MetaDefender => metadefender::parse_refresh(body),
        Backend::CashDesk => Err(AuthError::of(Code::RefreshUnsupported)),
    }
}

/// The profile request, or `None` where the back end has no such call and
/// the stored user is the answer.
pub fn profile_request(record: &Record) -> Option<HttpRequest> {
    (record.backend == Backend::Portos).then(|| portos::profile_request(&record.base_url, &record.access_token))
}

pub fn parse_profile(backend: Backend, body: &str) -> Result<Json, AuthError> {
    match backend {
        Backend::Portos => portos::parse_profile(body),
        _ => Err(AuthError::of(Code::BadResponse)),
    }
}

/// The server-side logout, where the back end documents one.
pub fn logout_request(record: &Record) -> Option<HttpRequest> {
    (record.backend == Backend::Portos).then(|| portos::logout_request(&record.base_url, &record.access_token))
}

/// A successful body that is not what the dialect documents.
pub(crate) fn bad_body(what: &str) -> AuthError {
    AuthError::new(Code::BadResponse, ["The server's answer was not understood: ", what, "."].concat())
}

/// Parses a body that must be a JSON object.
pub(crate) fn object(body: &str) -> Result<Json, AuthError> {
    Json::parse(body).filter(|j| matches!(j, Json::Obj(_))).ok_or_else(|| bad_body("not a JSON object"))
}

/// A required, non-empty string field.
pub(crate) fn token_field(j: &Json, key: &str) -> Result<String, AuthError> {
    j.str_at(key).filter(|s| !s.is_empty()).map(str::to_owned).ok_or_else(|| bad_body(key))
}

/// Validates a credentials object: a plain object with exactly the allowed
/// fields, each a string; `required` ones non-empty.
pub(crate) fn check_credentials(credentials: &Json, required: &[&str], optional: &[&str]) -> Result<(), AuthError> {
    let Json::Obj(members) = credentials else {
        let fields = [required, optional].concat().join(", ");
        return Err(AuthError::invalid(["credentials must be an object with ", &fields].concat()));
    };
    if let Some((k, _)) = members.iter().find(|(k, _)| !required.contains(&k.as_str()) && !optional.contains(&k.as_str())) {
        return Err(AuthError::invalid(["unknown credentials field \"", k, "\""].concat()));
    }
    for (k, v) in members {
        if !matches!(v, Json::Str(_)) {
            return Err(AuthError::invalid([k.as_str(), " must be a string"].concat()));
        }
    }
    for k in required {
        if credentials.str_at(k).map_or(true, str::is_empty) {
            return Err(AuthError::invalid([*k, " is required"].concat()));
        }
    }
    Ok(())
}
