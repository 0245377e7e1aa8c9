//! The back ends. Each dialect is one module that owns its wire types, its
//! requests, its answer parsing and its error reading, behind the `Dialect`
//! trait; `registry!` below maps `Backend` to them. A fourth back end is one
//! new module and one line in `registry!`.

pub mod cashdesk;
pub mod metadefender;
pub mod portos;
mod problem;
mod wire;

pub use problem::OwnError;
#[cfg(any(test, not(target_arch = "wasm32")))]
pub use wire::from_text;
pub use wire::{is_sendable_token, Answer, Credentials, HttpRequest};

use super::error::{AuthError, Call, Code};
use super::jwt::{self, Claims};
use super::profile::UserProfile;

/// What one successful login or refresh answer carries, before clock skew
/// is applied. Server times are on the server's clock.
#[derive(Clone, PartialEq)]
pub struct Grant {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Expiry from a back-end field, when the token has no `exp` claim.
    pub expires_field: Option<i64>,
    pub refresh_expires_field: Option<i64>,
    /// Expiry as the server's wall-clock time read as if UTC (CashDesk); the
    /// web layer turns it into an instant in `serverTimeZone`.
    pub expires_wall: Option<i64>,
    /// The normalised profile; `None` for a refresh that sends no user.
    pub user: Option<UserProfile>,
    /// The access token's claims (none for an opaque token), read by the
    /// registry after the dialect (`with_claims`).
    pub claims: Claims,
}

impl Grant {
    /// The grant with its access token's claims, the JWT payload read as
    /// the answer was (`A`): one JSON parser in the wasm, the browser's.
    fn with_claims<A: Answer>(mut self) -> Grant {
        self.claims = jwt::payload(&self.access_token)
            .and_then(|text| A::parse(&text).read::<jwt::Payload>(&[]))
            .map(jwt::Payload::claims)
            .unwrap_or_default();
        self
    }
}

impl ::core::fmt::Debug for Grant {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Grant")
            .field("access_token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Everything the module knows of one back end's API. A call the back end
/// does not have keeps its default: no request, or the error that says so.
pub trait Dialect {
    /// The `backend` option's value.
    const NAME: &'static str;
    /// Whether the dialect has a refresh call (`refresh_request`).
    const CAN_REFRESH: bool = false;

    /// The login request, after validating the credentials. Nothing is
    /// sent when this fails.
    fn login_request(
        base_url: &str,
        credentials: Option<&Credentials>,
    ) -> Result<HttpRequest, AuthError>;

    fn parse_login(answer: &impl Answer) -> Result<Grant, AuthError>;

    /// The refresh request; `None` for a back end that cannot refresh.
    fn refresh_request(
        _base_url: &str,
        _access_token: &str,
        _refresh_token: &str,
    ) -> Option<HttpRequest> {
        None
    }

    fn parse_refresh(_answer: &impl Answer) -> Result<Grant, AuthError> {
        Err(AuthError::of(Code::RefreshUnsupported))
    }

    /// The profile request; `None` where the stored user is the answer.
    fn profile_request(_base_url: &str, _access_token: &str) -> Option<HttpRequest> {
        None
    }

    fn parse_profile(_answer: &impl Answer) -> Result<UserProfile, AuthError> {
        Err(AuthError::of(Code::BadResponse))
    }

    /// The server-side logout, where the back end documents one.
    fn logout_request(_base_url: &str, _access_token: &str) -> Option<HttpRequest> {
        None
    }

    /// What an error body carries of this dialect's own, besides the
    /// members every server writes (`problem.rs`).
    fn own_error(_answer: &impl Answer) -> OwnError {
        OwnError::default()
    }
}

/// Declares `Backend` with one variant per dialect, and dispatches each
/// `Dialect` call on it.
macro_rules! registry {
    ($($variant:ident => $dialect:ty),* $(,)?) => {
        /// Which back end a client speaks (the `backend` option).
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        pub enum Backend {
            $($variant),*
        }

        impl Backend {
            pub const ALL: &'static [Backend] = &[$(Backend::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Backend::$variant => <$dialect>::NAME),* }
            }

            pub fn can_refresh(self) -> bool {
                match self { $(Backend::$variant => <$dialect>::CAN_REFRESH),* }
            }

            pub fn login_request(self, base_url: &str, credentials: Option<&Credentials>) -> Result<HttpRequest, AuthError> {
                match self { $(Backend::$variant => <$dialect>::login_request(base_url, credentials)),* }
            }

            pub fn parse_login<A: Answer>(self, answer: &A) -> Result<Grant, AuthError> {
                match self { $(Backend::$variant => <$dialect>::parse_login(answer)),* }.map(Grant::with_claims::<A>)
            }

            pub fn refresh_request(self, base_url: &str, access_token: &str, refresh_token: &str) -> Option<HttpRequest> {
                match self { $(Backend::$variant => <$dialect>::refresh_request(base_url, access_token, refresh_token)),* }
            }

            pub fn parse_refresh<A: Answer>(self, answer: &A) -> Result<Grant, AuthError> {
                match self { $(Backend::$variant => <$dialect>::parse_refresh(answer)),* }.map(Grant::with_claims::<A>)
            }

            pub fn profile_request(self, base_url: &str, access_token: &str) -> Option<HttpRequest> {
                match self { $(Backend::$variant => <$dialect>::profile_request(base_url, access_token)),* }
            }

            pub fn parse_profile(self, answer: &impl Answer) -> Result<UserProfile, AuthError> {
                match self { $(Backend::$variant => <$dialect>::parse_profile(answer)),* }
            }

            pub fn logout_request(self, base_url: &str, access_token: &str) -> Option<HttpRequest> {
                match self { $(Backend::$variant => <$dialect>::logout_request(base_url, access_token)),* }
            }

            /// A non-2xx answer to `call` as an error: the status decides
            /// the code, the body the message and details.
            pub fn answer_error(self, call: Call, status: u16, answer: &impl Answer, retry_after: Option<u32>) -> AuthError {
                let own = match self { $(Backend::$variant => <$dialect>::own_error(answer)),* };
                problem::answer_error(call, status, answer, retry_after, own)
            }
        }
    };
}

registry! {
    Portos => portos::Portos,
    CashDesk => cashdesk::CashDesk,
    MetaDefender => metadefender::MetaDefender,
}

impl Backend {
    pub fn parse(name: &str) -> Option<Backend> {
        Backend::ALL.iter().copied().find(|b| b.as_str() == name)
    }
}

/// As its name, a string (a derived enum would also read serde's
/// `{"variant": …}` form, code for nothing).
impl serde::Serialize for Backend {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Backend {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = <String as serde::Deserialize>::deserialize(d)?;
        Backend::parse(&name).ok_or_else(|| serde::de::Error::custom("not a back end"))
    }
}
