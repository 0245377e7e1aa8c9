//! The session: the record kept in storage, built from what a login or
//! refresh grants, and the `Session` object JavaScript sees.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use super::backend::{is_sendable_token, Backend, Grant, HttpRequest};
use super::error::{AuthError, Code};
use super::jwt;
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
    pub expires_at: Option<i64>,
    pub refresh_expires_at: Option<i64>,
    /// Server clock minus local clock, as last measured.
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
    let claims = jwt::claims(&grant.access_token).unwrap_or_default();
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
    /// version, back end or base URL, or of the wrong shape.
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
pub(crate) mod tests {
    use super::*;
    use crate::core::profile::RawJson;

    /// A JWT with the given payload (unsigned: claims are only read).
    pub fn jwt(payload: &str) -> String {
        fn b64(b: &[u8]) -> String {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for chunk in b.chunks(3) {
                let n = chunk
                    .iter()
                    .enumerate()
                    .fold(0u32, |n, (i, &x)| n | (u32::from(x) << (16 - 8 * i)));
                for i in 0..=chunk.len() {
                    out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
                }
            }
            out
        }
        format!(
            "{}.{}.c2ln",
            b64(br#"{"alg":"HS256","typ":"JWT"}"#),
            b64(payload.as_bytes())
        )
    }

    fn profile() -> UserProfile {
        UserProfile {
            id: Some("1".into()),
            user_name: Some("999".into()),
            name: Some("Majiteľ".into()),
            rights: vec!["admin".into()],
            raw: RawJson::object(r#"{"id":"1","n":1.50}"#.into()).unwrap(),
            ..UserProfile::empty()
        }
    }

    fn grant(token: String) -> Grant {
        Grant {
            access_token: token,
            refresh_token: Some("r1".into()),
            expires_field: None,
            refresh_expires_field: None,
            expires_wall: None,
            user: Some(profile()),
        }
    }

    const NOW: i64 = 1_700_000_000_000;

    /// An exchange sent and answered at `t`, without a `Date` header.
    fn at(t: i64) -> Exchange {
        Exchange {
            sent_at: t,
            received_at: t,
            server_date: None,
        }
    }

    #[test]
    fn server_ten_minutes_ahead_is_corrected_from_iat() {
        // Server clock is 600 s ahead; token lives 300 s on the server's clock.
        let token = jwt(r#"{"iat":1700000600,"exp":1700000900}"#);
        let ex = Exchange {
            sent_at: NOW - 100,
            received_at: NOW + 100,
            server_date: None,
        };
        let r = Record::from_login(Backend::Portos, "https://a", "id".into(), grant(token), ex);
        assert_eq!(r.skew, 600_000);
        assert_eq!(r.expires_at, Some(NOW + 300_000));
    }

    #[test]
    fn date_header_when_no_iat_and_field_when_no_exp() {
        let ex = Exchange {
            sent_at: NOW,
            received_at: NOW,
            server_date: Some(NOW - 3_600_000),
        };
        let mut g = grant("opaque".into());
        g.expires_field = Some(NOW - 3_600_000 + 60_000);
        let r = Record::from_login(Backend::MetaDefender, "https://a", "id".into(), g, ex);
        assert_eq!((r.skew, r.expires_at), (-3_600_000, Some(NOW + 60_000)));
    }

    #[test]
    fn unknown_expiry_is_null() {
        let g = grant("opaque".into());
        let r = Record::from_login(Backend::Portos, "https://a", "id".into(), g, at(NOW));
        assert_eq!(r.expires_at, None);
        assert_eq!(r.session_view(()).expires_at, None);
    }

    fn login() -> Record {
        let g = grant(jwt(r#"{"exp":1700000300}"#));
        Record::from_login(Backend::Portos, "https://a", "abc".into(), g, at(NOW))
    }

    fn read(text: &str) -> Option<Record> {
        Record::from_text(text, Backend::Portos, "https://a")
    }

    #[test]
    fn record_round_trips_and_rejects_mismatches() {
        let r = login();
        let text = r.to_text();
        assert!(text.starts_with(r#"{"v":2,"backend":"portos","#), "{text}");
        assert!(
            text.ends_with(r#","locked":false,"failedUnlocks":0}"#),
            "{text}"
        );
        assert!(
            text.contains(r#""raw":{"id":"1","n":1.50}"#),
            "raw is kept as it came: {text}"
        );
        assert_eq!(read(&text), Some(r.clone()));
        assert_eq!(
            Record::from_text(&text, Backend::CashDesk, "https://a"),
            None
        );
        assert_eq!(Record::from_text(&text, Backend::Portos, "https://b"), None);
        for other in ["\"v\":0", "\"v\":3", "\"v\":2.5", "\"v\":\"2\"", "\"w\":2"] {
            assert_eq!(read(&text.replace("\"v\":2", other)), None, "{other}");
        }
        for tampered in [
            ("\"rights\":[\"admin\"]", "\"rights\":\"admin\""),
            ("\"locked\":false", "\"locked\":0"),
            ("\"failedUnlocks\":0", "\"failedUnlocks\":-1"),
            ("\"failedUnlocks\":0", "\"failedUnlocks\":1.5"),
        ] {
            assert_eq!(
                read(&text.replace(tampered.0, tampered.1)),
                None,
                "{tampered:?}"
            );
        }
        assert_eq!(read("{"), None);
        assert_eq!(read("null"), None);
    }

    #[test]
    fn version_1_reads_unlocked_and_is_written_back_as_version_2() {
        let mut locked = login();
        (locked.locked, locked.failed_unlocks) = (true, 3);
        let v2 = locked.to_text();
        assert!(v2.contains(r#""locked":true,"failedUnlocks":3"#), "{v2}");
        // Today's v1 format: the same record without the till's members.
        let v1 = v2
            .replace("\"v\":2", "\"v\":1")
            .replace(r#","locked":true,"failedUnlocks":3"#, "");
        let read_v1 = read(&v1).unwrap();
        assert_eq!((read_v1.locked, read_v1.failed_unlocks), (false, 0));
        assert_eq!(read_v1, login());
        assert!(read_v1.to_text().starts_with(r#"{"v":2,"#));
        assert_eq!(read(&v2), Some(locked));
    }

    #[test]
    fn refresh_bumps_generation_and_keeps_user_lock_and_count() {
        let mut r = login();
        assert!(!r.locked && r.failed_unlocks == 0 && !r.session_view(()).locked);
        (r.locked, r.failed_unlocks) = (true, 2);
        let g = Grant {
            access_token: jwt(r#"{"exp":1700000600}"#),
            refresh_token: Some("r2".into()),
            expires_field: None,
            refresh_expires_field: None,
            expires_wall: None,
            user: None,
        };
        let r2 = r.refreshed(g, at(NOW + 1000));
        assert_eq!(
            (r2.generation, r2.expires_at, r2.obtained_at),
            (1, Some(NOW + 600_000), NOW + 1000)
        );
        assert_eq!(r2.user, r.user);
        assert_eq!(r2.id, "abc");
        assert_eq!((r2.locked, r2.failed_unlocks), (true, 2));
        assert!(r2.session_view(()).locked);
    }

    #[test]
    fn debug_redacts_tokens() {
        let g = grant("secret-token".into());
        let r = Record::from_login(Backend::Portos, "https://a", "abc".into(), g, at(0));
        let text = format!("{r:?} {:?}", grant("secret-token".into()));
        assert!(
            !text.contains("secret-token") && !text.contains("r1"),
            "{text}"
        );
    }
}
