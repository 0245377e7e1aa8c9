//! The session: what a login or refresh grants, the record kept in storage,
//! and the `Session` object JavaScript sees.

use crate::prelude::*;

use super::json::{obj, Json};
use super::float;
use super::jwt;
use super::options::Backend;
use super::time;

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
    /// The normalised `UserProfile`; `None` for a refresh that sends no user.
    pub user: Option<Json>,
}

/// When a grant was requested and received on the local clock, and the
/// server's `Date` header if it was readable.
#[derive(Clone, Copy, Debug, Default)]
pub struct Exchange {
    pub sent_at: i64,
    pub received_at: i64,
    pub server_date: Option<i64>,
}

/// The stored session: one JSON record under the storage key.
#[derive(Clone, PartialEq)]
pub struct Record {
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
    pub user: Json,
}

/// Tokens never appear in logs, even in a debug print.
impl ::core::fmt::Debug for Record {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Record")
            .field("backend", &self.backend)
            .field("id", &self.id)
            .field("generation", &self.generation)
            .field("access_token", &"<redacted>")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl ::core::fmt::Debug for Grant {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("Grant").field("access_token", &"<redacted>").finish_non_exhaustive()
    }
}

/// The record format's version; a record of any other version is dropped.
const VERSION: i64 = 1;

/// Server-clock expiry and skew of a grant: the JWT `exp` wins over a field;
/// skew comes from `iat`, else from the `Date` header.
fn expiry_and_skew(grant: &Grant, ex: Exchange) -> (Option<i64>, i64) {
    let claims = jwt::claims(&grant.access_token).unwrap_or_default();
    let server_now = claims.iat.map(|s| float::round(s * 1000.0)).or(ex.server_date);
    let skew = server_now.map_or(0, |now| time::skew(now, ex.sent_at, ex.received_at));
    let expires = claims.exp.map(|s| float::round(s * 1000.0)).or(grant.expires_field);
    (expires, skew)
}

impl Record {
    /// A new session from a login answer.
    pub fn from_login(backend: Backend, base_url: &str, id: String, grant: Grant, ex: Exchange) -> Record {
        let (expires, skew) = expiry_and_skew(&grant, ex);
        Record {
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
            user: grant.user.unwrap_or_else(|| obj([])),
        }
    }

    /// The session after a successful refresh: same id, next generation.
    pub fn refreshed(&self, grant: Grant, ex: Exchange) -> Record {
        let (expires, skew) = expiry_and_skew(&grant, ex);
        Record {
            generation: self.generation + 1,
            expires_at: expires.map(|e| e - skew),
            refresh_expires_at: grant.refresh_expires_field.map(|e| e - skew).or(self.refresh_expires_at),
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

    /// The `Session` object of API.md.
    pub fn session_json(&self) -> Json {
        obj([
            ("backend", Json::str(self.backend.as_str())),
            ("accessToken", Json::str(&self.access_token)),
            ("expiresAt", Json::opt_int(self.expires_at)),
            ("refreshExpiresAt", Json::opt_int(self.refresh_expires_at)),
            ("canRefresh", Json::Bool(self.can_refresh())),
            ("user", self.user.clone()),
        ])
    }

    pub fn to_json(&self) -> Json {
        obj([
            ("v", Json::int(VERSION)),
            ("backend", Json::str(self.backend.as_str())),
            ("baseUrl", Json::str(&self.base_url)),
            ("id", Json::str(&self.id)),
            ("generation", Json::int(self.generation as i64)),
            ("accessToken", Json::str(&self.access_token)),
            ("refreshToken", Json::opt_str(self.refresh_token.as_deref())),
            ("obtainedAt", Json::int(self.obtained_at)),
            ("expiresAt", Json::opt_int(self.expires_at)),
            ("refreshExpiresAt", Json::opt_int(self.refresh_expires_at)),
            ("skew", Json::int(self.skew)),
            ("user", self.user.clone()),
        ])
    }

    /// Reads a stored record; `None` when it is unreadable, of another
    /// version, back end or base URL, or of the wrong shape.
    pub fn from_text(text: &str, backend: Backend, base_url: &str) -> Option<Record> {
        let j = Json::parse(text)?;
        let int = |k| j.get(k).and_then(Json::as_i64);
        let opt_int = |k| match j.get(k)? {
            Json::Null => Some(None),
            v => v.as_i64().map(Some),
        };
        let opt_str = |k| match j.get(k)? {
            Json::Null => Some(None),
            Json::Str(s) => Some(Some(s.clone())),
            _ => None,
        };
        if int("v")? != VERSION || j.str_at("backend")? != backend.as_str() || j.str_at("baseUrl")? != base_url {
            return None;
        }
        let user = j.get("user")?;
        if !is_profile(user) {
            return None;
        }
        let id = j.str_at("id")?;
        let access_token = j.str_at("accessToken")?;
        if id.is_empty() || access_token.is_empty() {
            return None;
        }
        Some(Record {
            backend,
            base_url: base_url.to_owned(),
            id: id.to_owned(),
            generation: u64::try_from(int("generation")?).ok()?,
            access_token: access_token.to_owned(),
            refresh_token: opt_str("refreshToken")?,
            obtained_at: int("obtainedAt")?,
            expires_at: opt_int("expiresAt")?,
            refresh_expires_at: opt_int("refreshExpiresAt")?,
            skew: int("skew")?,
            user: user.clone(),
        })
    }
}

/// Whether a stored `user` has the shape of a `UserProfile`.
fn is_profile(u: &Json) -> bool {
    let opt_str = |k| matches!(u.get(k), Some(Json::Null | Json::Str(_)));
    let rights_ok = matches!(u.get("rights"), Some(Json::Arr(r)) if r.iter().all(|x| x.as_str().is_some()));
    let role_ok = matches!(u.get("role"), Some(Json::Null | Json::Num(_)));
    let device_ok = match u.get("device") {
        Some(Json::Null) => true,
        Some(d @ Json::Obj(_)) => {
            d.str_at("name").is_some()
                && matches!(d.get("settings"), Some(Json::Obj(s)) if s.iter().all(|(_, v)| v.as_str().is_some()))
                && matches!(d.get("preferences"), Some(Json::Obj(_)))
        }
        _ => false,
    };
    ["id", "userName", "name", "email"].into_iter().all(opt_str)
        && rights_ok
        && role_ok
        && device_ok
        && matches!(u.get("raw"), Some(Json::Obj(_)))
}

/// A `UserProfile` from its parts; `raw` is the back end's own user data.
pub struct ProfileParts<'a> {
    pub id: Option<&'a str>,
    pub user_name: Option<&'a str>,
    pub name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub rights: Vec<Json>,
    pub role: Json,
    pub device: Json,
    pub raw: Json,
}

impl ProfileParts<'_> {
    pub fn build(self) -> Json {
        obj([
            ("id", Json::opt_str(self.id)),
            ("userName", Json::opt_str(self.user_name)),
            ("name", Json::opt_str(self.name)),
            ("email", Json::opt_str(self.email)),
            ("rights", Json::Arr(self.rights)),
            ("role", self.role),
            ("device", self.device),
            ("raw", self.raw),
        ])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A JWT with the given payload (unsigned: claims are only read).
    pub fn jwt(payload: &str) -> String {
        fn b64(b: &[u8]) -> String {
            const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let mut out = String::new();
            for chunk in b.chunks(3) {
                let n = chunk.iter().enumerate().fold(0u32, |n, (i, &x)| n | (u32::from(x) << (16 - 8 * i)));
                for i in 0..=chunk.len() {
                    out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
                }
            }
            out
        }
        format!("{}.{}.c2ln", b64(br#"{"alg":"HS256","typ":"JWT"}"#), b64(payload.as_bytes()))
    }

    fn profile() -> Json {
        ProfileParts {
            id: Some("1"),
            user_name: Some("999"),
            name: Some("Majiteľ"),
            email: None,
            rights: vec![Json::str("admin")],
            role: Json::Null,
            device: Json::Null,
            raw: obj([("id", Json::str("1"))]),
        }
        .build()
    }

    fn grant(token: String) -> Grant {
        Grant { access_token: token, refresh_token: Some("r1".into()), expires_field: None, refresh_expires_field: None, expires_wall: None, user: Some(profile()) }
    }

    const NOW: i64 = 1_700_000_000_000;

    #[test]
    fn server_ten_minutes_ahead_is_corrected_from_iat() {
        // Server clock is 600 s ahead; token lives 300 s on the server's clock.
        let token = jwt(r#"{"iat":1700000600,"exp":1700000900}"#);
        let ex = Exchange { sent_at: NOW - 100, received_at: NOW + 100, server_date: None };
        let r = Record::from_login(Backend::Portos, "https://a", "id".into(), grant(token), ex);
        assert_eq!(r.skew, 600_000);
        assert_eq!(r.expires_at, Some(NOW + 300_000));
    }

    #[test]
    fn date_header_when_no_iat_and_field_when_no_exp() {
        let ex = Exchange { sent_at: NOW, received_at: NOW, server_date: Some(NOW - 3_600_000) };
        let mut g = grant("opaque".into());
        g.expires_field = Some(NOW - 3_600_000 + 60_000);
        let r = Record::from_login(Backend::MetaDefender, "https://a", "id".into(), g, ex);
        assert_eq!((r.skew, r.expires_at), (-3_600_000, Some(NOW + 60_000)));
    }

    #[test]
    fn unknown_expiry_is_null() {
        let ex = Exchange { sent_at: NOW, received_at: NOW, server_date: None };
        let r = Record::from_login(Backend::Portos, "https://a", "id".into(), grant("opaque".into()), ex);
        assert_eq!(r.expires_at, None);
        assert_eq!(r.session_json().get("expiresAt"), Some(&Json::Null));
    }

    #[test]
    fn record_round_trips_and_rejects_mismatches() {
        let ex = Exchange { sent_at: NOW, received_at: NOW, server_date: None };
        let r = Record::from_login(Backend::Portos, "https://a", "abc".into(), grant(jwt(r#"{"exp":1700000300}"#)), ex);
        let text = r.to_json().to_text();
        assert_eq!(Record::from_text(&text, Backend::Portos, "https://a"), Some(r.clone()));
        assert_eq!(Record::from_text(&text, Backend::CashDesk, "https://a"), None);
        assert_eq!(Record::from_text(&text, Backend::Portos, "https://b"), None);
        assert_eq!(Record::from_text(&text.replace("\"v\":1", "\"v\":2"), Backend::Portos, "https://a"), None);
        assert_eq!(Record::from_text(&text.replace("\"rights\":[\"admin\"]", "\"rights\":\"admin\""), Backend::Portos, "https://a"), None);
        assert_eq!(Record::from_text("{", Backend::Portos, "https://a"), None);
        assert_eq!(Record::from_text("null", Backend::Portos, "https://a"), None);
    }

    #[test]
    fn refresh_bumps_generation_and_keeps_user() {
        let ex = Exchange { sent_at: NOW, received_at: NOW, server_date: None };
        let r = Record::from_login(Backend::Portos, "https://a", "abc".into(), grant(jwt(r#"{"exp":1700000300}"#)), ex);
        let g = Grant { access_token: jwt(r#"{"exp":1700000600}"#), refresh_token: Some("r2".into()), expires_field: None, refresh_expires_field: None, expires_wall: None, user: None };
        let r2 = r.refreshed(g, Exchange { sent_at: NOW + 1000, received_at: NOW + 1000, server_date: None });
        assert_eq!((r2.generation, r2.expires_at, r2.obtained_at), (1, Some(NOW + 600_000), NOW + 1000));
        assert_eq!(r2.user, r.user);
        assert_eq!(r2.id, "abc");
    }

    #[test]
    fn debug_redacts_tokens() {
        let ex = Exchange::default();
        let r = Record::from_login(Backend::Portos, "https://a", "abc".into(), grant("secret-token".into()), ex);
        let text = format!("{r:?} {:?}", grant("secret-token".into()));
        assert!(!text.contains("secret-token") && !text.contains("r1"), "{text}");
    }
}
