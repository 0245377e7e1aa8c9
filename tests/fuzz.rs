//! Property tests: no parser of the core panics on any input. A panic in
//! wasm kills the module for the rest of the shift, so every parser that
//! sees bytes from a server, a token or storage is fed random and mutated
//! inputs here. Set `POS_FUZZ_CASES` to run more (the default keeps
//! `cargo test` quick); `make test-core` runs half a million under the
//! `fuzz` profile (`cargo test --profile fuzz --test fuzz`).

#![cfg(not(target_arch = "wasm32"))]

use pos_auth::core::backend::from_text::{answer, credentials};
use pos_auth::core::backend::Backend;
use pos_auth::core::error::Call;
use pos_auth::core::options;
use pos_auth::core::session::Record;
use pos_auth::core::{jwt, till, time};

/// xorshift64*: a small deterministic generator, so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Valid inputs of every format, the seeds that mutations start from.
const SEEDS: &[&str] = &[
    r#"{"tokenId":"eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDAsImlhdCI6MTcwMDAwMDAwMH0.c2ln","refreshToken":"pC73A=","user":{"id":"1","name":"Majiteľ","rights":["admin"],"device":{"name":"P01","settings":{"a":"1"},"preferences":{}}}}"#,
    r#"{"active_rro":"1","opened_shift":null,"token":"Bearer abc","token_expires_at":"25.10.2026 03:30","user":{"uuid":"u","email":"e","full_name":"Ім'я"}}"#,
    r#"{"accessToken":"a","accessTokenExpiryTime":"2020-07-09T23:12:29.3560169Z","refreshToken":"r","refreshTokenExpiryTime":"2020-07-10T23:12:29.3560169Z","role":1,"userName":"admin"}"#,
    r#"{"title":"Nesprávne meno alebo heslo.","status":401,"errorCode":"Unauthorized","traceId":"0H:2","errors":[{"memberName":"UserName","message":"m","code":"c"}]}"#,
    r#"{"responseKey":"k","responseMessage":"m","errors":{"Password":["x","y"]}}"#,
    r#"{"v":1,"backend":"portos","baseUrl":"https://a","id":"abc","generation":3,"accessToken":"t","refreshToken":null,"obtainedAt":1,"expiresAt":null,"refreshExpiresAt":5,"skew":-600000,"user":{"id":null,"userName":"999","name":"n","email":null,"rights":[],"role":null,"device":null,"raw":{}}}"#,
    r#"{"v":2,"backend":"portos","baseUrl":"https://a","id":"abc","generation":3,"accessToken":"t","refreshToken":"r","obtainedAt":1,"expiresAt":9,"refreshExpiresAt":null,"skew":0,"user":{"id":"1","userName":"999","name":"n","email":null,"rights":["void"],"role":null,"device":{"name":"P01","envName":null,"description":null,"settings":{"a":"1"},"preferences":{}},"raw":{}},"locked":true,"failedUnlocks":2}"#,
    r#"{"baseUrl":"http://127.0.0.1:8080/x","backend":"cashdesk","timeout":5000,"refreshMargin":0,"headers":{"Accept-Language":"sk"}}"#,
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "2020-07-09T23:12:29.3560169Z",
    "25.10.2026 03:30",
    "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAzMDAsImlhdCI6MTcwMDAwMDAwMH0.c2ln",
    "[1,-0.5e+10,true,null,\"\\ud83d\\ude00\",{\"a\":[{}]}]",
];

const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u",
    "d800",
    "null",
    "true",
    "-",
    "0",
    "1e999",
    ".",
    "e",
    "Z",
    "T",
    " ",
    "\n",
    "ľ",
    "😀",
    "\u{0}",
    "=",
    "_",
    "Bearer ",
    "GMT",
    "29.02.2023 10:00",
    "24:00",
    "\"exp\":",
    "9999999999999999999",
];

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(5) {
            0 if !bytes.is_empty() => {
                let end = (at + rng.below(8)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            1 => bytes
                .splice(at..at, rng.pick(TOKENS).bytes())
                .for_each(drop),
            2 if at < bytes.len() => bytes[at] = rng.next() as u8,
            3 => {
                let n = rng.below(6);
                let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                bytes.splice(at..at, junk).for_each(drop);
            }
            _ => {
                let dup = bytes
                    .get(at..(at + rng.below(16)).min(bytes.len()))
                    .unwrap_or_default()
                    .to_vec();
                bytes.splice(at..at, dup).for_each(drop);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn soup(rng: &mut Rng) -> String {
    (0..rng.below(24)).map(|_| rng.pick(TOKENS)).collect()
}

/// Runs every parser on one input; the test fails if any of them panics.
fn exercise(input: &str) -> usize {
    let mut seen = 0;
    let parsed = answer(input);
    if !parsed.is_null() {
        if let Ok(o) = serde::Deserialize::deserialize(&parsed) {
            let mut o: options::Options = o;
            o.names = parsed
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            let _ = options::parse(Some(&o));
        }
        let creds = credentials(input);
        for b in Backend::ALL {
            let _ = b.login_request("https://a", creds.as_ref());
        }
        seen += 1;
    }
    for &b in Backend::ALL {
        let _ = b.parse_login(&parsed);
        let _ = b.parse_refresh(&parsed);
        let _ = b.parse_profile(&parsed);
        for status in [400, 401, 403, 422, 429, 500, 302] {
            let _ = b.answer_error(Call::Login, status, &parsed, None);
        }
        if let Some(r) = Record::from_text(input, b, "https://a") {
            // What we write, we read back identically.
            assert_eq!(
                Record::from_text(&r.to_text(), b, "https://a"),
                Some(r.clone())
            );
            // The till reads the stored user and count of any record that reads.
            let _ = till::unlock_request(&r, "pw");
            let _ = till::wrong_attempt(r.failed_unlocks, 5);
        }
    }
    let _ = jwt::claims(input);
    let _ = jwt::base64url_decode(input);
    let _ = time::parse_http_date(input);
    let _ = time::parse_retry_after(input, Some(0));
    let _ = time::parse_iso_utc(input);
    if let Some(wall) = time::parse_day_month_year(input) {
        let at = time::resolve_wall(wall, |_| Some(7_200_000)).unwrap_or_default();
        assert_eq!(at, wall - 7_200_000);
    }
    let _ = options::check_base_url(input, false);
    seen
}

fn cases() -> usize {
    std::env::var("POS_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(60_000)
}

#[test]
fn no_parser_panics_on_mutated_valid_inputs() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut parsed = 0;
    for _ in 0..cases() {
        let seed = SEEDS[rng.below(SEEDS.len())];
        parsed += exercise(&mutate(&mut rng, seed));
    }
    // The mutations must stay close enough to reach the deep paths.
    assert!(
        parsed > cases() / 20,
        "only {parsed} mutated inputs were valid JSON"
    );
}

#[test]
fn no_parser_panics_on_token_soup_and_random_bytes() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for i in 0..cases() {
        let input = if i % 2 == 0 {
            soup(&mut rng)
        } else {
            let bytes: Vec<u8> = (0..rng.below(64)).map(|_| rng.next() as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        exercise(&input);
    }
}

#[test]
fn no_parser_panics_on_every_short_ascii_string() {
    // Exhaustive over a small alphabet up to length 4: edge cases of lengths and separators.
    let alphabet: Vec<char> = "{}[]\":,.-0e".chars().collect();
    let mut stack = vec![String::new()];
    while let Some(s) = stack.pop() {
        exercise(&s);
        if s.chars().count() < 4 {
            for c in &alphabet {
                stack.push(format!("{s}{c}"));
            }
        }
    }
}

#[test]
fn the_record_seeds_read() {
    // Mutations start from records that read, so the deep paths are reached.
    let records: Vec<Record> = SEEDS
        .iter()
        .filter(|s| s.starts_with(r#"{"v":"#))
        .filter_map(|s| Record::from_text(s, Backend::Portos, "https://a"))
        .collect();
    assert_eq!(records.len(), 2);
    assert!(!records[0].locked && records[1].locked && records[1].failed_unlocks == 2);
}
