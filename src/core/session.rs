//! The session: the record kept in storage, built from what a login or
//! refresh grants, and the `Session` object JavaScript sees.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use super::backend::{is_sendable_token, Backend, Grant, HttpRequest};
use super::error::{AuthError, Code};
use super::profile::UserProfile;
use super::time;

/// When a grant was requested and received on the local clock, and the
/// server's `Date` header if it was readable.
#[derive(Clone, Copy, Debug, Default)]
pub struct Exchange {
    pub sent_at: i64,
    pub received_at: i64,
    pub server_date: Option<i64>,
}

/// The stored session: one JSON record under the storage key.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    #[serde(rename = "v")]
    pub version: Version,
    pub backend: Backend,
    pub base_url: String,
    /// Random 128-bit id (hex) shared by duplicated tabs of one session.
    pub id: String,
    /// Bumped by every refresh, so tabs can tell the newer token.
    pub generation: u64,
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Local time the current token arrived.
    pub obtained_at: i64,
    /// Local clock, skew-corrected.
    #[serde(default, deserialize_with = "time_ms::option")]
    pub expires_at: Option<i64>,
    #[serde(default, deserialize_with = "time_ms::option")]
    pub refresh_expires_at: Option<i64>,
    /// Server clock minus local clock, as last measured.
    #[serde(deserialize_with = "time_ms::number")]
    pub skew: i64,
    pub user: UserProfile,
    /// The till is locked (docs/API.md "The till"); kept here so that a
    /// reload and every tab holding the session see it.
    #[serde(default)]
    pub locked: bool,
    /// Wrong passwords at `unlock` in a row (`core::till`); kept here so
    /// that a reload does not reset it.
    #[serde(default)]
    pub failed_unlocks: u32,
}

/// The record format's version, written as `"v": 2`. A version-1 record
/// (from before the till) differs only in lacking `locked` and
/// `failedUnlocks`, so it still reads, unlocked with no wrong passwords, and
/// is written back as version 2. A record of any other version does not read.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct Version;

const VERSION: u32 = 2;
const READABLE: [u32; 2] = [1, VERSION];

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(VERSION)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u32::deserialize(d)? {
            v if READABLE.contains(&v) => Ok(Version),
            _ => Err(de::Error::custom("another record version")),
        }
    }
}

/// The record's times that come from a JWT's claims, read back. A claim far
/// past any real date (`exp` 1e300) makes a time past 2^53, which the
/// wasm's reader (`JSON.parse`, `web::storage`) holds only to the nearest
/// double: such a time reads as that double, so the session survives a
/// reload, a few milliseconds off in a year past 280,000. Every other time
/// reads exactly, as an integer, as before.
mod time_ms {
    use serde::de::{self, Deserializer, Visitor};
    use std::fmt;

    /// 2^53: from here on, an f64 holds no fraction, and not every integer.
    const INEXACT: f64 = 9_007_199_254_740_992.0;

    pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        d.deserialize_any(Ms)
    }

    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        d.deserialize_option(MaybeMs)
    }

    struct Ms;

    impl Visitor<'_> for Ms {
        type Value = i64;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a time in ms")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::custom("time out of range"))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
            // i64::MAX reads back as 2^63, which `as` saturates to i64::MAX.
            (INEXACT..=-(i64::MIN as f64))
                .contains(&v.abs())
                .then_some(v as i64)
                .ok_or_else(|| E::custom("not a time in ms"))
        }
    }

    struct MaybeMs;

    impl<'de> Visitor<'de> for MaybeMs {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a time in ms or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<i64>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<i64>, D::Error> {
            number(d).map(Some)
        }
    }
}

/// The `Session` object of docs/API.md; `U` is the profile as JavaScript gets it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionView<'a, U> {
    pub backend: Backend,
    pub access_token: &'a str,
    // Times as f64: any i64 goes out as a number, never as an error.
    pub expires_at: Option<f64>,
    pub refresh_expires_at: Option<f64>,
    pub can_refresh: bool,
    pub locked: bool,
    pub user: U,
}

/// Tokens never appear in logs, even in a debug print.
impl ::core::fmt::Debug for Record {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Record")
            .field("backend", &self.backend)
            .field("id", &self.id)
            .field("generation", &self.generation)
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .field("locked", &self.locked)
            .field("failed_unlocks", &self.failed_unlocks)
            .finish_non_exhaustive()
    }
}

/// Server-clock expiry and skew of a grant: the JWT `exp` wins over a field;
/// skew comes from `iat`, else from the `Date` header.
fn expiry_and_skew(grant: &Grant, ex: Exchange) -> (Option<i64>, i64) {
    let claims = grant.claims;
    let server_now = claims
        .iat
        .map(|s| (s * 1000.0).round() as i64)
        .or(ex.server_date);
    let skew = server_now.map_or(0, |now| time::skew(now, ex.sent_at, ex.received_at));
    let expires = claims
        .exp
        .map(|s| (s * 1000.0).round() as i64)
        .or(grant.expires_field);
    (expires, skew)
}

impl Record {
    /// A new session from a login answer: unlocked, no wrong passwords.
    pub fn from_login(
        backend: Backend,
        base_url: &str,
        id: String,
        grant: Grant,
        ex: Exchange,
    ) -> Record {
        let (expires, skew) = expiry_and_skew(&grant, ex);
        Record {
            version: Version,
            backend,
            base_url: base_url.to_owned(),
            id,
            generation: 0,
            expires_at: expires.map(|e| e - skew),
            refresh_expires_at: grant.refresh_expires_field.map(|e| e - skew),
            obtained_at: ex.received_at,
            skew,
            access_token: grant.access_token,
            refresh_token: grant.refresh_token,
            user: grant.user.unwrap_or_else(UserProfile::empty),
            locked: false,
            failed_unlocks: 0,
        }
    }

    /// The session after a successful refresh: same id, next generation;
    /// the lock and the wrong-password count stay as they were.
    pub fn refreshed(&self, grant: Grant, ex: Exchange) -> Record {
        let (expires, skew) = expiry_and_skew(&grant, ex);
        Record {
            generation: self.generation + 1,
            expires_at: expires.map(|e| e - skew),
            refresh_expires_at: grant
                .refresh_expires_field
                .map(|e| e - skew)
                .or(self.refresh_expires_at),
            obtained_at: ex.received_at,
            skew,
            access_token: grant.access_token,
            // A back end that does not rotate keeps the refresh token it had.
            refresh_token: grant.refresh_token.or_else(|| self.refresh_token.clone()),
            user: grant.user.unwrap_or_else(|| self.user.clone()),
            ..self.clone()
        }
    }

    pub fn can_refresh(&self) -> bool {
        self.backend.can_refresh() && self.refresh_token.is_some()
    }

    /// The refresh request, or `refresh_unsupported` for a session that
    /// cannot refresh.
    pub fn refresh_request(&self) -> Result<HttpRequest, AuthError> {
        let refresh_token = self.refresh_token.as_deref();
        refresh_token
            .and_then(|token| {
                self.backend
                    .refresh_request(&self.base_url, &self.access_token, token)
            })
            .ok_or_else(|| AuthError::of(Code::RefreshUnsupported))
    }

    /// The profile request, or `None` where the back end has no such call
    /// and the stored user is the answer.
    pub fn profile_request(&self) -> Option<HttpRequest> {
        self.backend
            .profile_request(&self.base_url, &self.access_token)
    }

    /// The server-side logout, where the back end documents one.
    pub fn logout_request(&self) -> Option<HttpRequest> {
        self.backend
            .logout_request(&self.base_url, &self.access_token)
    }

    /// The `Session` object of docs/API.md, with the profile as `user`.
    pub fn session_view<U>(&self, user: U) -> SessionView<'_, U> {
        SessionView {
            backend: self.backend,
            access_token: &self.access_token,
            expires_at: self.expires_at.map(|t| t as f64),
            refresh_expires_at: self.refresh_expires_at.map(|t| t as f64),
            can_refresh: self.can_refresh(),
            locked: self.locked,
            user,
        }
    }

    /// The record as stored.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored record; `None` when it is unreadable, of another
    /// version, back end or base URL, or of the wrong shape. Native (tests,
    /// fuzz); the wasm reads records with the browser's `JSON.parse`
    /// (`web::storage`), so that serde_json's parser is not in it.
    #[cfg(any(test, not(target_arch = "wasm32")))]
    pub fn from_text(text: &str, backend: Backend, base_url: &str) -> Option<Record> {
        serde_json::from_str::<Record>(text)
            .ok()?
            .accepted(backend, base_url)
    }

    /// The record read back, when it is this client's (its back end and base
    /// URL) and sound.
    pub fn accepted(self, backend: Backend, base_url: &str) -> Option<Record> {
        (self.backend == backend && self.base_url == base_url && self.is_sound()).then_some(self)
    }

    /// What the types cannot say: ids and tokens that a request can carry.
    fn is_sound(&self) -> bool {
        !self.id.is_empty()
            && is_sendable_token(&self.access_token)
            && self.refresh_token.as_deref().is_none_or(|t| !t.is_empty())
            && self.user.is_sound()
    }
}

#[cfg(test)]
pub(crate) mod tests;
