//! Error bodies: how a non-2xx answer becomes an `AuthError`. The status
//! decides the code; the body gives the message and details, read as the
//! servers behind all three dialects write it (RFC 7807 ProblemDetails for
//! PORTOS, Laravel's `{message, errors}` for CashDesk, ASP.NET's errors
//! dictionary), plus whatever the dialect adds of its own
//! (`Dialect::own_error`).

use serde::Deserialize;

use super::wire::Answer;
use crate::core::error::{AuthError, Call, Code, FieldError, Scalar};
use crate::core::field::{Field, Members, Shape};
use crate::object_shape;

/// An error body's common members. Every member may be absent or mistyped.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Problem {
    title: Field<String>,
    detail: Field<String>,
    #[serde(rename = "traceId")]
    trace_id: Field<String>,
    #[serde(rename = "errorCode")]
    error_code: Field<Scalar>,
    message: Field<String>,
    errors: Field<FieldErrors>,
}

/// What a dialect reads of an error body besides the common members: its
/// own code and message (the message ranks after `detail` and `title`,
/// before a bare `message`).
#[derive(Default)]
pub struct OwnError {
    pub code: Option<Scalar>,
    pub message: Option<String>,
}

/// Maps a non-2xx answer to an error. `answer` is the body as parsed (maybe
/// not JSON at all); `retry_after` is the header's value, if readable.
pub fn answer_error(
    call: Call,
    status: u16,
    answer: &impl Answer,
    retry_after: Option<u32>,
    own: OwnError,
) -> AuthError {
    let body: Option<Problem> = answer.read(&[]);
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
    let text = |f: &Field<String>| f.text().map(str::to_owned);
    let common = body.as_ref();
    e.title = common.and_then(|b| text(&b.title));
    e.detail = common.and_then(|b| text(&b.detail));
    e.trace_id = common.and_then(|b| text(&b.trace_id));
    e.error_code = body
        .as_ref()
        .and_then(|b| b.error_code.as_ref().given().cloned())
        .or(own.code);
    let message = e
        .detail
        .clone()
        .or_else(|| e.title.clone())
        .or(own.message)
        .or_else(|| common.and_then(|b| text(&b.message)));
    if let Some(m) = message {
        e.message = m;
    }
    e
}

/// `errors` of an error body: PORTOS's `[{memberName, message, code}]` or
/// ASP.NET's `{"Field": ["message", …]}` (a lone string for a list, too).
#[derive(Debug, PartialEq)]
enum FieldErrors {
    List(Vec<ErrorItem>),
    Dict(Vec<(String, Vec<String>)>),
}

/// One entry of PORTOS's validation list.
#[derive(Deserialize, Default, Debug, PartialEq)]
#[serde(default)]
struct ErrorItem {
    #[serde(rename = "memberName")]
    member_name: Field<String>,
    message: Field<String>,
    code: Field<Scalar>,
}

object_shape!(ErrorItem);

impl Shape for FieldErrors {
    fn from_seq<'de, A: serde::de::SeqAccess<'de>>(mut seq: A) -> Result<Option<Self>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Field<ErrorItem>>()? {
            items.extend(item.given());
        }
        Ok(Some(FieldErrors::List(items)))
    }

    fn from_map<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Option<Self>, A::Error> {
        let Some(Members(members)) = Members::<Messages>::from_map(map)? else {
            return Ok(None);
        };
        let fields = members
            .into_iter()
            .map(|(name, messages)| (name, messages.given().map_or_else(Vec::new, |m| m.0)))
            .collect();
        Ok(Some(FieldErrors::Dict(fields)))
    }
}

/// The messages of one field: a list of strings, or one string.
#[derive(Debug)]
struct Messages(Vec<String>);

impl Shape for Messages {
    fn from_string(s: String) -> Option<Self> {
        Some(Messages(vec![s]))
    }

    fn from_seq<'de, A: serde::de::SeqAccess<'de>>(seq: A) -> Result<Option<Self>, A::Error> {
        Ok(Vec::<String>::from_seq(seq)?.map(Messages))
    }
}

/// Validation details, as `AuthError.errors` lists them.
fn field_errors(body: &Problem) -> Vec<FieldError> {
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
                messages.iter().map(move |m| FieldError {
                    member_name: name.clone(),
                    message: m.clone(),
                    code: None,
                })
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
    use crate::core::backend::from_text::answer;

    /// The common reading alone, as PORTOS and CashDesk have it.
    fn error(call: Call, status: u16, answer: &impl Answer, retry_after: Option<u32>) -> AuthError {
        answer_error(call, status, answer, retry_after, OwnError::default())
    }

    const SEED_401: &str = r#"{"title":"Nesprávne meno alebo heslo.","status":401,"instance":"/api/auth","errorCode":"Unauthorized","traceId":"0HMM3ODQRAVOG:00000002"}"#;

    #[test]
    fn seed_login_401_is_invalid_credentials_with_problem_fields() {
        let e = error(Call::Login, 401, &answer(SEED_401), None);
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
        let e = error(Call::Login, 400, &answer(body), None);
        assert_eq!(e.code, Code::Validation);
        assert_eq!(e.error_code, Some(Scalar::Num(1001.0)));
        assert_eq!(e.errors[0].member_name, "UserName");
        let dict = r#"{"errors":{"Password":["Too short","Too simple"]}}"#;
        let e = error(Call::Profile, 422, &answer(dict), None);
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
            assert_eq!(
                error(call, status, &answer("<html>"), Some(3)).code,
                code,
                "{call:?} {status}"
            );
        }
    }

    #[test]
    fn a_quoted_password_is_redacted() {
        let body = r#"{"title":"Bad password hunter2","detail":"hunter2 is wrong","errors":[{"memberName":"Password","message":"'hunter2' too weak"}]}"#;
        let mut e = error(Call::Login, 400, &answer(body), None);
        e.redact("hunter2");
        let all = format!("{} {:?} {:?} {:?}", e.message, e.title, e.detail, e.errors);
        assert!(!all.contains("hunter2"), "{all}");
        let mut e = error(Call::Login, 401, &answer(r#"{"title":"a 1 b"}"#), None);
        e.redact("1");
        assert_eq!(e.message, "a 1 b");
    }

    #[test]
    fn retry_after_only_where_retrying_makes_sense() {
        assert_eq!(
            error(Call::Login, 429, &answer(""), Some(7)).retry_after,
            Some(7)
        );
        assert_eq!(
            error(Call::Login, 401, &answer(""), Some(7)).retry_after,
            None
        );
    }

    #[test]
    fn message_order_without_dialect_keys() {
        let e = error(
            Call::Refresh,
            401,
            &answer(
                r#"{"responseKey":"Auth_Expired","responseMessage":"Token expired","message":"x"}"#,
            ),
            None,
        );
        assert_eq!((e.message.as_str(), e.error_code.clone()), ("x", None));
        let e = error(Call::Login, 500, &answer("<h1>boom</h1>"), None);
        assert_eq!(e.message, Code::Server.default_message());
    }
}
