//! The three dialects behind one interface: what to send, and how to read
//! what comes back.

pub mod cashdesk;
pub mod metadefender;
pub mod portos;

use serde::de::DeserializeOwned;

use super::error::{AuthError, Code};
use super::field::Field;
use super::options::{Backend, Config};
use super::session::{Grant, RawJson, Record, UserProfile};

mod body;
pub use body::{Body, Credentials, Device, ErrorItem, FieldErrors, User};

/// A server's answer once parsed as JSON: by the browser's `JSON.parse` in
/// the web layer, by serde_json in the tests. Nothing of it is read except
/// through these two questions, so the dialects decide everything here.
pub trait Answer {
    /// The answer read into `T`; `None` when it is not a JSON object.
    fn read<T: DeserializeOwned>(&self) -> Option<T>;
    /// The JSON text of the object at `path` (member of member of the
    /// answer), without the members named in `without`; `None` when no
    /// object is there.
    fn raw(&self, path: &[&str], without: &[&str]) -> Option<RawJson>;
}

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
pub fn login_request(cfg: &Config, credentials: Option<&Credentials>) -> Result<HttpRequest, AuthError> {
    match cfg.backend {
        Backend::Portos => portos::login_request(&cfg.base_url, credentials),
        Backend::CashDesk => cashdesk::login_request(&cfg.base_url, credentials),
        Backend::MetaDefender => metadefender::login_request(&cfg.base_url, credentials),
    }
}

pub fn parse_login(backend: Backend, body: &impl Answer) -> Result<Grant, AuthError> {
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

pub fn parse_refresh(backend: Backend, body: &impl Answer) -> Result<Grant, AuthError> {
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

pub fn parse_profile(backend: Backend, body: &impl Answer) -> Result<UserProfile, AuthError> {
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

/// The answer read into the dialects' one `Body`, when it is a JSON object.
pub(crate) fn object<T: DeserializeOwned>(answer: &impl Answer) -> Result<T, AuthError> {
    answer.read().ok_or_else(|| bad_body("not a JSON object"))
}

/// A token the module will send in an `Authorization` header: a non-empty
/// string of visible ASCII (what JWTs and opaque tokens are made of). The
/// browser refuses header values past Latin-1 or with CR/LF, so any other
/// token could never be used, and is a bad answer at once.
pub fn is_sendable_token(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic())
}

/// A required token field.
pub(crate) fn token_field(value: &Field<String>, key: &str) -> Result<String, AuthError> {
    value.str().filter(|t| is_sendable_token(t)).map(str::to_owned).ok_or_else(|| bad_body(key))
}

/// Validates credentials: a plain object (`None` otherwise) with exactly the
/// allowed members, each a string; `required` ones non-empty. Answers them
/// once checked.
pub(crate) fn check_credentials<'a>(credentials: Option<&'a Credentials>, required: &[&str], optional: &[&str]) -> Result<&'a Credentials, AuthError> {
    let Some(credentials) = credentials else {
        // (pushed one by one: `join` costs 0.9 KB of wasm for this one message)
        let mut message = String::from("credentials must be an object with");
        for field in required.iter().chain(optional) {
            message.push_str(if message.ends_with("with") { " " } else { ", " });
            message.push_str(field);
        }
        return Err(AuthError::invalid(message));
    };
    if let Some(k) = credentials.names.iter().find(|k| !required.contains(&k.as_str()) && !optional.contains(&k.as_str())) {
        return Err(AuthError::invalid(["unknown credentials field \"", k, "\""].concat()));
    }
    for k in [required, optional].concat() {
        if matches!(credentials.get(k), Field::Mistyped) {
            return Err(AuthError::invalid([k, " must be a string"].concat()));
        }
    }
    for k in required {
        if credentials.get(k).text().is_none() {
            return Err(AuthError::invalid([*k, " is required"].concat()));
        }
    }
    Ok(credentials)
}

/// A request body: a JSON object of string members, in this order.
pub(crate) struct StringMembers<'a>(pub &'a [(&'a str, &'a str)]);

impl serde::Serialize for StringMembers<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().copied())
    }
}

impl StringMembers<'_> {
    pub(crate) fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The text of a body that holds a secret, written into a buffer that
    /// never grows: a buffer that moved would leave a copy in freed memory.
    /// An escaped character takes at most six bytes (`\u001f`).
    pub(crate) fn secret_text(&self) -> String {
        let bound = 2 + self.0.iter().map(|(k, v)| 6 * (k.len() + v.len()) + 6).sum::<usize>();
        let mut out = Vec::with_capacity(bound);
        let _ = serde_json::to_writer(&mut out, self);
        String::from_utf8(out).unwrap_or_default()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::Value;

    /// What the browser's `JSON.parse` gives, as serde_json has it (`null`
    /// for text that is not JSON).
    pub fn answer(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or(Value::Null)
    }

    /// Credentials as the web layer reads them: `None` unless an object.
    pub fn credentials(text: &str) -> Option<Credentials> {
        let v = answer(text);
        let names = v.as_object()?.keys().cloned().collect();
        let mut c = Credentials::deserialize(&v).ok()?;
        c.names = names;
        Some(c)
    }

    impl Answer for Value {
        fn read<T: DeserializeOwned>(&self) -> Option<T> {
            self.is_object().then(|| T::deserialize(self).ok()).flatten()
        }

        fn raw(&self, path: &[&str], without: &[&str]) -> Option<RawJson> {
            let mut object = path.iter().try_fold(self, |v, k| v.get(k))?.as_object()?.clone();
            object.retain(|k, _| !without.contains(&k.as_str()));
            RawJson::object(serde_json::to_string(&object).ok()?)
        }
    }
}
