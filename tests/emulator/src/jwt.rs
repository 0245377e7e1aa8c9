//! HS256 JSON Web Tokens, signed with a per-tenant secret so that a token
//! from one tenant is worthless in another.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

fn mac(secret: &[u8]) -> Option<HmacSha256> {
    // HMAC takes keys of any length; the error arm cannot happen.
    HmacSha256::new_from_slice(secret).ok()
}

pub fn sign(secret: &[u8], claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let sig = mac(secret)
        .map(|mut m| {
            m.update(input.as_bytes());
            m.finalize().into_bytes().to_vec()
        })
        .unwrap_or_default();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// The claims when the signature checks out (expiry is the caller's business).
pub fn verify(secret: &[u8], token: &str) -> Option<Value> {
    let (input, sig) = token.rsplit_once('.')?;
    let (header, payload) = input.split_once('.')?;
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if header.get("alg")?.as_str()? != "HS256" {
        return None; // no "alg": "none" tricks
    }
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    let mut m = mac(secret)?;
    m.update(input.as_bytes());
    m.verify_slice(&sig).ok()?;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

pub fn looks_like_jwt(token: &str) -> bool {
    token.bytes().filter(|b| *b == b'.').count() == 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hmac_sha256_rfc4231_case_2() {
        let mut m = mac(b"Jefe").unwrap();
        m.update(b"what do ya want for nothing?");
        let hex: String = m
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn known_token() {
        // The classic jwt.io example, secret "your-256-bit-secret".
        let t = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        assert_eq!(
            verify(b"your-256-bit-secret", t).unwrap()["name"],
            "John Doe"
        );
        assert!(verify(b"other", t).is_none());
    }

    #[test]
    fn round_trip_and_tamper() {
        let t = sign(b"k", &json!({"sub": "x", "exp": 5}));
        assert!(t.starts_with("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."));
        assert_eq!(verify(b"k", &t).unwrap()["sub"], "x");
        let forged = t.replacen(".e", ".f", 1);
        assert!(verify(b"k", &forged).is_none());
        assert!(verify(b"k", "a.b").is_none());
        assert!(verify(b"k", "...").is_none());
    }
}
