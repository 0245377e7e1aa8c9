use super::*;
use crate::core::jwt;
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
        claims: jwt::claims(&token).unwrap_or_default(),
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
fn times_past_2_53_read_back_as_javascript_holds_them() {
    // exp 1e300 s: the expiry saturates; iat far ahead: a skew past 2^53.
    let g = grant(jwt(r#"{"iat":1e13,"exp":1e300}"#));
    let r = Record::from_login(Backend::Portos, "https://a", "abc".into(), g, at(NOW));
    assert_eq!(r.skew, 10_000_000_000_000_000 - NOW);
    let text = r.to_text();
    assert_eq!(read(&text), Some(r.clone()));
    // As JSON.parse gives them back: the nearest doubles.
    let (expires, skew) = (r.expires_at.unwrap(), r.skew);
    let js = text
        .replace(&expires.to_string(), &format!("{:e}", expires as f64))
        .replace(&skew.to_string(), &format!("{:e}", skew as f64));
    assert_ne!(js, text);
    let back = read(&js).unwrap();
    assert_eq!(back.expires_at.map(|t| t as f64), Some(expires as f64));
    assert_eq!(back.skew as f64, skew as f64);
    // Below 2^53, a time is an integer, as before.
    assert_eq!(
        read(&text.replace(r#""skew":"#, r#""skew":1.5,"x":"#)),
        None
    );
}

#[test]
fn refresh_bumps_generation_and_keeps_user_lock_and_count() {
    let mut r = login();
    assert!(!r.locked && r.failed_unlocks == 0 && !r.session_view(()).locked);
    (r.locked, r.failed_unlocks) = (true, 2);
    let token = jwt(r#"{"exp":1700000600}"#);
    let g = Grant {
        claims: jwt::claims(&token).unwrap_or_default(),
        access_token: token,
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
