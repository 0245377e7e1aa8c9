//! `AuthError`: every failure the module reports, and how a server's error
//! body becomes one.

use serde::Serialize;

use super::backend::{Answer, Body, FieldErrors};
use super::field::Scalar;

/// The error codes of API.md.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    InvalidArgument,
    NotConfigured,
    Disposed,
    InvalidCredentials,
    Validation,
    NoSession,
    SessionExpired,
    RefreshUnsupported,
    Forbidden,
    Network,
    Timeout,
    RateLimited,
    Server,
    BadResponse,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidArgument => "invalid_argument",
            Code::NotConfigured => "not_configured",
            Code::Disposed => "disposed",
            Code::InvalidCredentials => "invalid_credentials",
            Code::Validation => "validation",
            Code::NoSession => "no_session",
            Code::SessionExpired => "session_expired",
            Code::RefreshUnsupported => "refresh_unsupported",
            Code::Forbidden => "forbidden",
            Code::Network => "network",
            Code::Timeout => "timeout",
            Code::RateLimited => "rate_limited",
            Code::Server => "server",
            Code::BadResponse => "bad_response",
        }
    }

    /// Whether trying again later may succeed.
    pub fn retryable(self) -> bool {
        matches!(self, Code::Network | Code::Timeout | Code::RateLimited | Code::Server)
    }

    fn default_message(self) -> &'static str {
        match self {
            Code::InvalidArgument => "Invalid argument.",
            Code::NotConfigured => "Call configure() first.",
            Code::Disposed => "This client has been disposed.",
            Code::InvalidCredentials => "Wrong user name or password.",
            Code::Validation => "The server rejected the request's fields.",
            Code::NoSession => "Not signed in.",
            Code::SessionExpired => "The session has expired; sign in again.",
            Code::RefreshUnsupported => "This back end cannot refresh a session; sign in again.",
            Code::Forbidden => "Access denied.",
            Code::Network => "The server could not be reached.",
            Code::Timeout => "The server did not answer in time.",
            Code::RateLimited => "Too many requests; try again later.",
            Code::Server => "The server had an error; try again later.",
            Code::BadResponse => "The server's answer was not understood.",
        }
    }
}

/// One validation failure of a field.
#[derive(Clone, PartialEq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldError {
    pub member_name: String,
    pub message: String,
    pub code: Option<String>,
}

/// An error of the module: what JavaScript sees as `AuthError`. Boxed, so
/// that every `Result` carrying one stays a pointer wide (the fields are
/// 168 bytes, and moving them through each call cost code size).
#[derive(Clone, PartialEq, Debug)]
pub struct AuthError(Box<AuthErrorFields>);

impl ::core::ops::Deref for AuthError {
    type Target = AuthErrorFields;
    fn deref(&self) -> &AuthErrorFields {
        &self.0
    }
}

impl ::core::ops::DerefMut for AuthError {
    fn deref_mut(&mut self) -> &mut AuthErrorFields {
        &mut self.0
    }
}

/// The fields of the JavaScript `AuthError` (its `retryable` follows from
/// the code, there).
#[derive(Clone, PartialEq, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthErrorFields {
    pub code: Code,
    pub message: String,
    pub status: Option<u16>,
    pub title: Option<String>,
    pub detail: Option<String>,
    pub trace_id: Option<String>,
    /// The back end's own code: a string or a number.
    pub error_code: Option<Scalar>,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u32>,
}

impl AuthError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        AuthError(Box::new(AuthErrorFields {
            code,
            message: message.into(),
            status: None,
            title: None,
            detail: None,
            trace_id: None,
            error_code: None,
            errors: Vec::new(),
            retry_after: None,
        }))
    }

    /// The error with the code's standard message.
    pub fn of(code: Code) -> Self {
        Self::new(code, code.default_message())
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidArgument, message)
    }

    /// The HTTP status of the answer this error came from.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Blanks `secret` (the password) wherever a server quoted it back.
    pub fn redact(&mut self, secret: &str) {
        // Very short secrets would blank ordinary words; no server quotes those anyway.
        if secret.chars().count() < 4 {
            return;
        }
        let scrub = |s: &mut String| {
            if s.contains(secret) {
                *s = s.replace(secret, "•••");
            }
        };
        let fields = &mut *self.0;
        scrub(&mut fields.message);
        for s in [&mut fields.title, &mut fields.detail].into_iter().flatten() {
            scrub(s);
        }
        for f in &mut fields.errors {
            scrub(&mut f.message);
        }
    }
}

/// Which of the module's own calls an HTTP answer belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Call {
    Login,
    Profile,
    Refresh,
    Logout,
}

/// Maps a non-2xx answer to an error. `body` is the text as received (maybe
/// not JSON at all); `retry_after` is the header's value, if readable.
pub fn from_status(call: Call, status: u16, answer: &impl Answer, retry_after: Option<u32>) -> AuthError {
    let body: Option<Body> = answer.read();
    let errors = body.as_ref().map(field_errors).unwrap_or_default();
    let code = match status {
        400 | 401 | 403 if call == Call::Refresh => Code::SessionExpired,
        400 | 422 if !errors.is_empty() => Code::Validation,
        400 | 401 | 403 if call == Call::Login => Code::InvalidCredentials,
        401 => Code::SessionExpired,
        403 => Code::Forbidden,
        429 => Code::RateLimited,
        500..=599 => Code::Server,
        _ => Code::BadResponse,
    };
    let mut e = AuthError::of(code);
    e.status = Some(status);
    e.errors = errors;
    if code == Code::RateLimited || code == Code::Server {
        e.retry_after = retry_after;
    }
    if let Some(b) = body {
        let text = |f: &super::field::Field<String>| f.text().map(str::to_owned);
        e.title = text(&b.title);
        e.detail = text(&b.detail);
        e.trace_id = text(&b.trace_id);
        e.error_code = b.error_code.given().or(b.response_key.given());
        if let Some(m) = [&b.detail, &b.title, &b.response_message, &b.message].into_iter().find_map(text) {
            e.message = m;
        }
    }
    e
}

/// Validation details: PORTOS's `[{memberName, message, code}]`, or the
/// ASP.NET dictionary `{"Field": ["message", …]}`.
fn field_errors(body: &Body) -> Vec<FieldError> {
    match body.errors.as_ref().given() {
        Some(FieldErrors::List(items)) => items
            .iter()
            .filter_map(|it| {
                Some(FieldError {
                    member_name: it.member_name.str().unwrap_or_default().to_owned(),
                    message: it.message.str()?.to_owned(),
                    code: match it.code.as_ref().given() {
                        Some(Scalar::Str(s)) => Some(s.clone()),
                        Some(Scalar::Num(n)) => integer_text(*n),
                        None => None,
                    },
                })
            })
            .collect(),
        Some(FieldErrors::Dict(fields)) => fields
            .iter()
            .flat_map(|(name, messages)| {
                messages.iter().map(move |m| FieldError { member_name: name.clone(), message: m.clone(), code: None })
            })
            .collect(),
        None => Vec::new(),
    }
}

/// A numeric code as text, for whole numbers (the codes servers send); no
/// float is ever formatted.
fn integer_text(n: f64) -> Option<String> {
    (n.fract() == 0.0 && n.abs() < 1e15).then(|| (n as i64).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::backend::tests::answer;

    const SEED_401: &str = r#"{"title":"Nesprávne meno alebo heslo.","status":401,"instance":"/api/auth","errorCode":"Unauthorized","traceId":"0HMM3ODQRAVOG:00000002"}"#;

    #[test]
    fn seed_login_401_is_invalid_credentials_with_problem_fields() {
        let e = from_status(Call::Login, 401, &answer(SEED_401), None);
        assert_eq!(e.code, Code::InvalidCredentials);
        assert_eq!(e.message, "Nesprávne meno alebo heslo.");
        assert_eq!(e.title.as_deref(), Some("Nesprávne meno alebo heslo."));
        assert_eq!(e.trace_id.as_deref(), Some("0HMM3ODQRAVOG:00000002"));
        assert_eq!(e.error_code, Some(Scalar::Str("Unauthorized".into())));
        assert_eq!(e.status, Some(401));
        assert!(!e.code.retryable());
    }

    #[test]
    fn validation_needs_field_errors() {
        let body = r#"{"title":"One or more validation errors occurred.","status":400,"errorCode":1001,
            "errors":[{"memberName":"UserName","message":"The UserName field is required.","code":"Required"}]}"#;
        let e = from_status(Call::Login, 400, &answer(body), None);
        assert_eq!(e.code, Code::Validation);
        assert_eq!(e.error_code, Some(Scalar::Num(1001.0)));
        assert_eq!(e.errors[0].member_name, "UserName");
        let dict = r#"{"errors":{"Password":["Too short","Too simple"]}}"#;
        let e = from_status(Call::Profile, 422, &answer(dict), None);
        assert_eq!((e.code, e.errors.len()), (Code::Validation, 2));
    }

    #[test]
    fn status_classes() {
        let cases = [
            (Call::Refresh, 401, Code::SessionExpired),
            (Call::Refresh, 400, Code::SessionExpired),
            (Call::Profile, 403, Code::Forbidden),
            (Call::Profile, 401, Code::SessionExpired),
            (Call::Login, 429, Code::RateLimited),
            (Call::Login, 503, Code::Server),
            (Call::Login, 302, Code::BadResponse),
            (Call::Profile, 404, Code::BadResponse),
        ];
        for (call, status, code) in cases {
            assert_eq!(from_status(call, status, &answer("<html>"), Some(3)).code, code, "{call:?} {status}");
        }
    }

    #[test]
    fn a_quoted_password_is_redacted() {
        let body = r#"{"title":"Bad password hunter2","detail":"hunter2 is wrong","errors":[{"memberName":"Password","message":"'hunter2' too weak"}]}"#;
        let mut e = from_status(Call::Login, 400, &answer(body), None);
        e.redact("hunter2");
        let all = format!("{} {:?} {:?} {:?}", e.message, e.title, e.detail, e.errors);
        assert!(!all.contains("hunter2"), "{all}");
        let mut e = from_status(Call::Login, 401, &answer(r#"{"title":"a 1 b"}"#), None);
        e.redact("1");
        assert_eq!(e.message, "a 1 b");
    }

    #[test]
    fn retry_after_only_where_retrying_makes_sense() {
        assert_eq!(from_status(Call::Login, 429, &answer(""), Some(7)).retry_after, Some(7));
        assert_eq!(from_status(Call::Login, 401, &answer(""), Some(7)).retry_after, None);
    }

    #[test]
    fn message_order_and_metadefender_keys() {
        let e = from_status(Call::Refresh, 401, &answer(r#"{"responseKey":"Auth_Expired","responseMessage":"Token expired","message":"x"}"#), None);
        assert_eq!(e.message, "Token expired");
        assert_eq!(e.error_code, Some(Scalar::Str("Auth_Expired".into())));
        let e = from_status(Call::Login, 500, &answer("<h1>boom</h1>"), None);
        assert_eq!(e.message, Code::Server.default_message());
    }
}
