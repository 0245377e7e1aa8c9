//! Reads the claims of a JWT. It never verifies a signature: the client is
//! not the audience of the token, it only needs to know when it expires.

use serde::Deserialize;

use super::field::Field;

/// The time claims of a token, in seconds since the epoch on the server's clock.
#[derive(Clone, Copy, PartialEq, Debug, Default)]
pub struct Claims {
    pub exp: Option<f64>,
    pub iat: Option<f64>,
    pub nbf: Option<f64>,
}

/// The payload of `token` as text when it is a JWT (three base64url parts,
/// the payload UTF-8); `None` for an opaque token. The back end's answer
/// reader parses it (`Grant`'s claims, `core::backend`): in the wasm, the
/// browser's `JSON.parse`, so that serde_json's parser is not in the wasm.
pub fn payload(token: &str) -> Option<String> {
    let mut parts = token.split('.');
    let (_header, payload, _sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    String::from_utf8(base64url_decode(payload)?).ok()
}

/// The time claims read from a payload (an object; all other members are
/// skipped).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Payload {
    exp: Field<f64>,
    iat: Field<f64>,
    nbf: Field<f64>,
}

crate::object_shape!(Payload);

impl Payload {
    /// The claims that are finite numbers.
    pub fn claims(self) -> Claims {
        let num = |f: Field<f64>| f.given().filter(|n| n.is_finite());
        Claims {
            exp: num(self.exp),
            iat: num(self.iat),
            nbf: num(self.nbf),
        }
    }
}

/// The claims of `token` when it is a JWT whose payload is strict JSON
/// (an object); `None` for an opaque token. Native (tests, fuzz): the
/// module reads claims through its answer reader (`Grant`).
#[cfg(any(test, not(target_arch = "wasm32")))]
pub fn claims(token: &str) -> Option<Claims> {
    let text = payload(token)?;
    let payload = serde_json::from_str::<Field<Payload>>(&text)
        .ok()?
        .given()?;
    Some(payload.claims())
}

/// Decodes unpadded (or padded) base64url; `None` on any other character.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A single leftover sextet cannot encode a byte.
    (bits < 6).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let b = s.as_bytes();
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

    fn token(payload: &str) -> String {
        format!("{}.{}.sig", b64(r#"{"alg":"HS256"}"#), b64(payload))
    }

    #[test]
    fn reads_time_claims() {
        let c = claims(&token(
            r#"{"sub":"1","iat":1700000000,"nbf":1700000000,"exp":1700000300}"#,
        ))
        .unwrap();
        assert_eq!(
            c,
            Claims {
                exp: Some(1_700_000_300.0),
                iat: Some(1_700_000_000.0),
                nbf: Some(1_700_000_000.0)
            }
        );
    }

    #[test]
    fn string_exp_is_not_an_expiry() {
        let c = claims(&token(r#"{"exp":"1700000300"}"#)).unwrap();
        assert_eq!(c.exp, None);
    }

    #[test]
    fn opaque_and_broken_tokens_have_no_claims() {
        for t in [
            "pC73A63GkAAEpwtWA=",
            "a.b",
            "a.b.c.d",
            "a.!!!.c",
            &token("[1]"),
            &token("{\"exp\":1,}"),
            "",
        ] {
            assert_eq!(claims(t), None, "{t}");
        }
    }

    #[test]
    fn base64url_matches_known_vectors() {
        assert_eq!(base64url_decode("TWFu").unwrap(), b"Man");
        assert_eq!(base64url_decode("TWE").unwrap(), b"Ma");
        assert_eq!(base64url_decode("TQ==").unwrap(), b"M");
        assert_eq!(base64url_decode("_-8").unwrap(), [0xff, 0xef]);
        assert_eq!(base64url_decode("T"), None);
    }
}
