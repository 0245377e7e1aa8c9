//! What every dialect shares at the bottom: the request the module sends,
//! the parsed answer it reads, request bodies, token checks, and the
//! caller's credentials. Imports nothing of the dialects.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::core::error::AuthError;
use crate::core::field::{Field, Named, Secret};
use crate::core::profile::RawJson;

/// A server's answer once parsed as JSON: by the browser's `JSON.parse` in
/// the web layer, by serde_json natively. Nothing of it is read except
/// through these two questions, so the dialects decide everything.
pub trait Answer {
    /// The object at `path` (member of member of the answer; `&[]` for the
    /// answer itself) read into `T`; `None` when no object is there.
    /// Nested objects are read by path rather than as members of a
    /// derived struct: each nested struct costs about 3 KB of wasm.
    fn read<T: DeserializeOwned>(&self, path: &[&str]) -> Option<T>;
    /// The JSON text of the object at `path` (member of member of the
    /// answer), without the members named in `without`; `None` when no
    /// object is there.
    fn raw(&self, path: &[&str], without: &[&str]) -> Option<RawJson>;
    /// Other JSON text (a JWT's payload) parsed as answers are, so that the
    /// wasm has one JSON parser: the browser's.
    fn parse(text: &str) -> Self
    where
        Self: Sized;
}

/// serde_json's value as an answer: what the native tests and the fuzz
/// target feed the dialects (`null` stands for text that is not JSON).
#[cfg(any(test, not(target_arch = "wasm32")))]
impl Answer for serde_json::Value {
    fn read<T: DeserializeOwned>(&self, path: &[&str]) -> Option<T> {
        let at = path.iter().try_fold(self, |v, k| v.get(k))?;
        at.is_object().then(|| T::deserialize(at).ok()).flatten()
    }

    fn raw(&self, path: &[&str], without: &[&str]) -> Option<RawJson> {
        let mut object = path
            .iter()
            .try_fold(self, |v, k| v.get(k))?
            .as_object()?
            .clone();
        object.retain(|k, _| !without.contains(&k.as_str()));
        RawJson::object(serde_json::to_string(&object).ok()?)
    }

    fn parse(text: &str) -> Self {
        from_text::answer(text)
    }
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
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// A successful body that is not what the dialect documents.
pub fn bad_body(what: &str) -> AuthError {
    AuthError::new(
        crate::core::error::Code::BadResponse,
        ["The server's answer was not understood: ", what, "."].concat(),
    )
}

/// The answer read into a dialect's body type, when it is a JSON object.
pub fn object<T: DeserializeOwned>(answer: &impl Answer) -> Result<T, AuthError> {
    answer
        .read(&[])
        .ok_or_else(|| bad_body("not a JSON object"))
}

/// A token the module will send in an `Authorization` header: a non-empty
/// string of visible ASCII (what JWTs and opaque tokens are made of). The
/// browser refuses header values past Latin-1 or with CR/LF, so any other
/// token could never be used, and is a bad answer at once.
pub fn is_sendable_token(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic())
}

/// A required token field. Dialects read tokens as `Secret`s, so that the
/// copy serde made is wiped when their answer struct is dropped (an
/// approver's token must not outlive the approval in wasm memory).
pub fn token_field(value: &Field<impl AsRef<str>>, key: &str) -> Result<String, AuthError> {
    value
        .str()
        .filter(|t| is_sendable_token(t))
        .map(str::to_owned)
        .ok_or_else(|| bad_body(key))
}

/// The caller's credentials, the members of all three dialects in one; the
/// dialect says which it takes. Each is wiped when dropped.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct Credentials {
    /// The object's own member names, to refuse unknown ones.
    #[serde(skip)]
    pub names: Vec<String>,
    pub user_name: Field<Secret>,
    pub password: Field<Secret>,
    pub device_name: Field<Secret>,
    pub email: Field<Secret>,
}

impl Named for Credentials {
    fn set_names(&mut self, names: Vec<String>) {
        self.names = names;
    }
}

impl Credentials {
    /// A member by its JavaScript name; `Absent` for a name no dialect takes.
    pub fn get(&self, name: &str) -> &Field<Secret> {
        match name {
            "userName" => &self.user_name,
            "password" => &self.password,
            "deviceName" => &self.device_name,
            "email" => &self.email,
            _ => &Field::Absent,
        }
    }

    /// Validates credentials: a plain object (`None` otherwise) with exactly
    /// the allowed members, each a string; `required` ones non-empty.
    /// Answers them once checked.
    pub fn check<'a>(
        credentials: Option<&'a Credentials>,
        required: &[&str],
        optional: &[&str],
    ) -> Result<&'a Credentials, AuthError> {
        let Some(credentials) = credentials else {
            // (pushed one by one: `join` costs 0.9 KB of wasm for this one message)
            let mut message = String::from("credentials must be an object with");
            for field in required.iter().chain(optional) {
                message.push_str(if message.ends_with("with") { " " } else { ", " });
                message.push_str(field);
            }
            return Err(AuthError::invalid(message));
        };
        if let Some(k) = credentials
            .names
            .iter()
            .find(|k| !required.contains(&k.as_str()) && !optional.contains(&k.as_str()))
        {
            return Err(AuthError::invalid(
                ["unknown credentials field \"", k, "\""].concat(),
            ));
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
}

/// A request body: a JSON object of string members, in this order.
pub struct StringMembers<'a>(pub &'a [(&'a str, &'a str)]);

impl serde::Serialize for StringMembers<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().copied())
    }
}

impl StringMembers<'_> {
    pub fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The text of a body that holds a secret, written into a buffer that
    /// never grows: a buffer that moved would leave a copy in freed memory.
    /// An escaped character takes at most six bytes (`\u001f`).
    pub fn secret_text(&self) -> String {
        let bound = 2 + self
            .0
            .iter()
            .map(|(k, v)| 6 * (k.len() + v.len()) + 6)
            .sum::<usize>();
        let mut out = Vec::with_capacity(bound);
        let _ = serde_json::to_writer(&mut out, self);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Answers and credentials from JSON text, as the web layer reads them.
#[cfg(any(test, not(target_arch = "wasm32")))]
pub mod from_text {
    use super::Credentials;
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
        let mut c = <Credentials as serde::Deserialize>::deserialize(&v).ok()?;
        c.names = names;
        Some(c)
    }
}
