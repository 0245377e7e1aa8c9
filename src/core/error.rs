//! `AuthError`: every failure the module reports, and how a server's error
//! body becomes one.

use crate::prelude::*;

use super::json::{obj, Json};

/// The error codes of API.md.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
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
#[derive(Clone, PartialEq, Debug)]
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

#[derive(Clone, PartialEq, Debug)]
pub struct AuthErrorFields {
    pub code: Code,
    pub message: String,
    pub status: Option<u16>,
    pub title: Option<String>,
    pub detail: Option<String>,
    pub trace_id: Option<String>,
    /// The back end's own code: a string or a number, kept as JSON.
    pub error_code: Option<Json>,
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
            if let Some(scrubbed) = super::text::replace_all(s, secret, "•••") {
                *s = scrubbed;
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

    /// The fields of the JavaScript `AuthError`, as JSON.
    pub fn to_json(&self) -> Json {
        let errors = self
            .errors
            .iter()
            .map(|e| {
                obj([
                    ("memberName", Json::str(&e.member_name)),
                    ("message", Json::str(&e.message)),
                    ("code", Json::opt_str(e.code.as_deref())),
                ])
            })
            .collect();
        obj([
            ("code", Json::str(self.code.as_str())),
            ("message", Json::str(&self.message)),
            ("status", Json::opt_int(self.status.map(i64::from))),
            ("title", Json::opt_str(self.title.as_deref())),
            ("detail", Json::opt_str(self.detail.as_deref())),
            ("traceId", Json::opt_str(self.trace_id.as_deref())),
            ("errorCode", self.error_code.clone().unwrap_or(Json::Null)),
            ("errors", Json::Arr(errors)),
            ("retryable", Json::Bool(self.code.retryable())),
            ("retryAfter", Json::opt_int(self.retry_after.map(i64::from))),
        ])
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
pub fn from_status(call: Call, status: u16, body: &str, retry_after: Option<u32>) -> AuthError {
    let json = Json::parse(body).filter(|j| matches!(j, Json::Obj(_)));
    let errors = json.as_ref().map(field_errors).unwrap_or_default();
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
    if let Some(j) = &json {
        let text = |k| j.str_at(k).filter(|s| !s.is_empty()).map(str::to_owned);
        e.title = text("title");
        e.detail = text("detail");
        e.trace_id = text("traceId");
        e.error_code = ["errorCode", "responseKey"]
            .iter()
            .filter_map(|k| j.get(k))
            .find(|v| matches!(v, Json::Str(_) | Json::Num(_)))
            .cloned();
        if let Some(m) = ["detail", "title", "responseMessage", "message"].iter().find_map(|k| text(k)) {
            e.message = m;
        }
    }
    e
}

/// Validation details: PORTOS's `[{memberName, message, code}]`, or the
/// ASP.NET dictionary `{"Field": ["message", …]}`.
fn field_errors(body: &Json) -> Vec<FieldError> {
    match body.get("errors") {
        Some(Json::Arr(items)) => items
            .iter()
            .filter_map(|it| {
                Some(FieldError {
                    member_name: it.str_at("memberName").unwrap_or_default().to_owned(),
                    message: it.str_at("message")?.to_owned(),
                    code: match it.get("code") {
                        Some(Json::Str(s)) => Some(s.clone()),
                        Some(Json::Num(n)) => Some(n.clone()),
                        _ => None,
                    },
                })
            })
            .collect(),
        Some(Json::Obj(fields)) => fields
            .iter()
            .flat_map(|(name, msgs)| {
                let msgs = match msgs {
                    Json::Arr(m) => m.iter().filter_map(Json::as_str).collect(),
                    Json::Str(s) => vec![s.as_str()],
                    _ => Vec::new(),
                };
                msgs.into_iter().map(move |m| FieldError {
                    member_name: name.clone(),
                    message: m.to_owned(),
                    code: None,
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_401: &str = r#"{"title":"Nesprávne meno alebo heslo.","status":401,"instance":"/api/auth","errorCode":"Unauthorized","traceId":"0HMM3ODQRAVOG:00000002"}"#;

    #[test]
    fn seed_login_401_is_invalid_credentials_with_problem_fields() {
        let e = from_status(Call::Login, 401, SEED_401, None);
        assert_eq!(e.code, Code::InvalidCredentials);
        assert_eq!(e.message, "Nesprávne meno alebo heslo.");
        assert_eq!(e.title.as_deref(), Some("Nesprávne meno alebo heslo."));
        assert_eq!(e.trace_id.as_deref(), Some("0HMM3ODQRAVOG:00000002"));
        assert_eq!(e.error_code, Some(Json::str("Unauthorized")));
        assert_eq!(e.status, Some(401));
        assert!(!e.code.retryable());
    }

    #[test]
    fn validation_needs_field_errors() {
        let body = r#"{"title":"One or more validation errors occurred.","status":400,"errorCode":1001,
            "errors":[{"memberName":"UserName","message":"The UserName field is required.","code":"Required"}]}"#;
        let e = from_status(Call::Login, 400, body, None);
        assert_eq!(e.code, Code::Validation);
        assert_eq!(e.error_code, Some(Json::Num("1001".into())));
        assert_eq!(e.errors[0].member_name, "UserName");
        let dict = r#"{"errors":{"Password":["Too short","Too simple"]}}"#;
        let e = from_status(Call::Profile, 422, dict, None);
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
            assert_eq!(from_status(call, status, "<html>", Some(3)).code, code, "{call:?} {status}");
        }
    }

    #[test]
    fn a_quoted_password_is_redacted() {
        let body = r#"{"title":"Bad password hunter2","detail":"hunter2 is wrong","errors":[{"memberName":"Password","message":"'hunter2' too weak"}]}"#;
        let mut e = from_status(Call::Login, 400, body, None);
        e.redact("hunter2");
        let all = format!("{} {:?} {:?} {:?}", e.message, e.title, e.detail, e.errors);
        assert!(!all.contains("hunter2"), "{all}");
        let mut e = from_status(Call::Login, 401, r#"{"title":"a 1 b"}"#, None);
        e.redact("1");
        assert_eq!(e.message, "a 1 b");
    }

    #[test]
    fn retry_after_only_where_retrying_makes_sense() {
        assert_eq!(from_status(Call::Login, 429, "", Some(7)).retry_after, Some(7));
        assert_eq!(from_status(Call::Login, 401, "", Some(7)).retry_after, None);
    }

    #[test]
    fn message_order_and_metadefender_keys() {
        let e = from_status(Call::Refresh, 401, r#"{"responseKey":"Auth_Expired","responseMessage":"Token expired","message":"x"}"#, None);
        assert_eq!(e.message, "Token expired");
        assert_eq!(e.error_code, Some(Json::str("Auth_Expired")));
        let e = from_status(Call::Login, 500, "<h1>boom</h1>", None);
        assert_eq!(e.message, Code::Server.default_message());
    }
}
