//! The offline unlock's verifier: PBKDF2-HMAC-SHA256 of the cashier's
//! password with a random salt, so a locked till opens while the server is
//! out of reach. Held in memory only, never stored, sent, logged or put in
//! an event; the key and salt are zeroed when it is dropped.

use pbkdf2::pbkdf2_hmac;
use sha2::Sha256;
use wasm_bindgen::JsValue;

use crate::core::field::wipe;
use crate::core::till::Offline;
use crate::web::random;

/// Iterations of PBKDF2: slow enough that a memory dump does not give the
/// password away cheaply (OWASP asks 600,000 for stored hashes; this one
/// never leaves the page and lives one shift), fast enough for one login.
const ITERATIONS: u32 = 100_000;

pub struct Verifier {
    salt: [u8; 16],
    key: [u8; 32],
}

impl Verifier {
    /// The verifier of `password`; `None` where the platform has no CSPRNG
    /// (then an offline unlock is not possible, and the online one is).
    pub fn derive(password: &str) -> Option<Verifier> {
        let mut salt = [0u8; 16];
        if !random::fill(&mut salt) {
            return None;
        }
        let mut verifier = Verifier { salt, key: [0; 32] };
        pbkdf2_hmac::<Sha256>(
            password.as_bytes(),
            &verifier.salt,
            ITERATIONS,
            &mut verifier.key,
        );
        Some(verifier)
    }

    /// Whether `password` is the one this verifier was derived from. The
    /// comparison takes the same time whichever byte differs.
    pub fn matches(&self, password: &str) -> bool {
        let mut key = [0u8; 32];
        pbkdf2_hmac::<Sha256>(password.as_bytes(), &self.salt, ITERATIONS, &mut key);
        let difference = key.iter().zip(&self.key).fold(0u8, |d, (a, b)| d | (a ^ b));
        key.fill(0);
        std::hint::black_box(&key);
        difference == 0
    }
}

impl Drop for Verifier {
    fn drop(&mut self) {
        self.key.fill(0);
        self.salt.fill(0);
        std::hint::black_box(&self);
    }
}

/// The verifier of the session's cashier, as one client holds it: derived
/// from the password of its last successful `login()` or `unlock()`, after
/// that call has resolved (the derivation takes about 0.1 s), or at once by
/// an offline unlock that needs it first.
#[derive(Default)]
pub struct Keeper(Held);

#[derive(Default)]
enum Held {
    #[default]
    Nothing,
    /// The password as the caller's JavaScript string (wasm memory keeps
    /// no copy of it until the derivation).
    Pending(JsValue),
    Ready(Verifier),
}

impl Keeper {
    /// Keeps `password` (a JavaScript string) for a verifier to come.
    pub fn expect(&mut self, password: JsValue) {
        self.0 = Held::Pending(password);
    }

    /// Forgets the verifier (logout, the end of the session, dispose).
    pub fn clear(&mut self) {
        self.0 = Held::Nothing;
    }

    /// Derives the pending verifier now.
    pub fn settle(&mut self) {
        if let Held::Pending(password) = &self.0 {
            let mut text = password.as_string().unwrap_or_default();
            self.0 = Verifier::derive(&text).map_or(Held::Nothing, Held::Ready);
            wipe(&mut text);
        }
    }

    /// What the verifier says of `password`.
    pub fn check(&mut self, password: &str) -> Offline {
        self.settle();
        match &self.0 {
            Held::Ready(verifier) if verifier.matches(password) => Offline::Matches,
            Held::Ready(_) => Offline::Differs,
            _ => Offline::NoVerifier,
        }
    }
}
