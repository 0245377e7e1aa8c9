//! `AuthError`: every failure the module reports. Imports nothing of the
//! crate: how a server's error body becomes one is each dialect's business
//! (`backend::answer_error`).

use serde::Serialize;

/// The error codes of docs/API.md. `tests/e2e/codes.test.mjs` checks the
/// JavaScript and TypeScript lists against this one.
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
    TooManyAttempts,
    Network,
    Timeout,
    RateLimited,
    Server,
    BadResponse,
}

impl Code {
    /// Whether trying again later may succeed.
    pub fn retryable(self) -> bool {
        matches!(
            self,
            Code::Network | Code::Timeout | Code::RateLimited | Code::Server
        )
    }

    pub fn default_message(self) -> &'static str {
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
            Code::TooManyAttempts => "Too many wrong passwords; sign in again.",
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
        for s in [&mut fields.title, &mut fields.detail]
            .into_iter()
            .flatten()
        {
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

/// A code of the back end's own, as it sent it: a string or a number.
#[derive(Clone, PartialEq, Debug, Serialize)]
#[serde(untagged)]
pub enum Scalar {
    Str(String),
    Num(f64),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_many_attempts_is_final_and_named_in_snake_case() {
        let code = Code::TooManyAttempts;
        assert!(!code.retryable());
        assert_eq!(
            serde_json::to_string(&code).unwrap(),
            "\"too_many_attempts\""
        );
        assert_eq!(AuthError::of(code).message, code.default_message());
    }
}
