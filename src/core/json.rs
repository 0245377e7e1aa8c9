//! A small, strict JSON value with its own parser and writer.
//!
//! The module needs JSON in three places: server bodies, JWT payloads and the
//! stored session record. A hand-written parser keeps the wasm small (no
//! serde monomorphisation, no float formatting) and lets every parse be
//! tested natively. Numbers keep their source text, so a value read from a
//! server is written back byte for byte in `user.raw`.

use crate::prelude::*;

/// A parsed JSON value. Object members keep their order; duplicate keys are
/// kept as they came and [`Json::get`] answers with the first.
#[derive(Clone, PartialEq, Debug)]
pub enum Json {
    Null,
    Bool(bool),
    /// The number's JSON text, already checked to be a valid JSON number.
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

impl Json {
    /// Parses strict JSON (RFC 8259): no comments, no trailing commas, no
    /// leading zeros, surrounding whitespace only. `None` for anything else.
    pub fn parse(text: &str) -> Option<Json> {
        let mut p = Parser { s: text.as_bytes(), i: 0 };
        let v = p.value(0)?;
        p.ws();
        (p.i == p.s.len()).then_some(v)
    }

    /// A number from an integer, e.g. a time in milliseconds.
    pub fn int(n: i64) -> Json {
        Json::Num(decimal(n))
    }

    pub fn str(s: &str) -> Json {
        Json::Str(s.to_owned())
    }

    pub fn opt_str(s: Option<&str>) -> Json {
        s.map_or(Json::Null, Json::str)
    }

    pub fn opt_int(n: Option<i64>) -> Json {
        n.map_or(Json::Null, Json::int)
    }

    /// The first member named `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(text) => number_value(text),
            _ => None,
        }
    }

    /// An integral number that fits an `i64` (fractions are refused).
    pub fn as_i64(&self) -> Option<i64> {
        let f = self.as_f64()?;
        crate::core::float::is_safe_integer(f).then_some(f as i64)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// A string member, `None` when absent or of another type.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Json::as_str)
    }

    /// The object without the named members.
    pub fn without(&self, keys: &[&str]) -> Json {
        match self {
            Json::Obj(members) => Json::Obj(
                members.iter().filter(|(k, _)| !keys.contains(&k.as_str())).cloned().collect(),
            ),
            other => other.clone(),
        }
    }

    /// Writes compact JSON.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(n),
            Json::Str(s) => write_str(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// Compact JSON text. The buffer is sized up front so it never moves:
    /// a moved buffer would leave a copy (maybe of a password) in freed memory.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.max_text_len());
        self.write(&mut out);
        out
    }

    /// An upper bound of the written length: an escaped char takes at most
    /// six bytes (`\u001f`), so six per byte of string is always enough.
    fn max_text_len(&self) -> usize {
        match self {
            Json::Null | Json::Bool(_) => 5,
            Json::Num(n) => n.len(),
            Json::Str(s) => 2 + 6 * s.len(),
            Json::Arr(items) => 2 + items.iter().map(|v| 1 + v.max_text_len()).sum::<usize>(),
            Json::Obj(members) => {
                2 + members.iter().map(|(k, v)| 4 + 6 * k.len() + v.max_text_len()).sum::<usize>()
            }
        }
    }

    /// Overwrites every string inside with zero bytes (credentials, bodies
    /// that carried a password) before the memory is freed.
    pub fn wipe(&mut self) {
        match self {
            Json::Str(s) => {
                // Safety: zero bytes are valid UTF-8, so the String stays valid.
                unsafe { s.as_bytes_mut() }.fill(0);
            }
            Json::Obj(members) => members.iter_mut().for_each(|(_, v)| v.wipe()),
            Json::Arr(items) => items.iter_mut().for_each(Json::wipe),
            _ => {}
        }
    }

    /// The text of a request body that holds a secret; the value is wiped.
    pub fn into_secret_text(mut self) -> String {
        let text = self.to_text();
        self.wipe();
        text
    }
}

/// An integer in decimal, without `core::fmt` (heavy in wasm).
pub fn decimal(n: i64) -> String {
    let mut digits = Vec::with_capacity(20);
    let mut rest = n.unsigned_abs();
    loop {
        digits.push(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        digits.push(b'-');
    }
    digits.iter().rev().map(|&d| d as char).collect()
}

/// The value of a number's text: JSON's grammar, plus JavaScript's `NaN`
/// and `±Infinity` (option values arrive formatted by JavaScript). Exact for
/// integers up to 2^53 and within a few ulps otherwise, which timestamps and
/// options need; `f64::from_str` would be exact but weighs ~15 KB of wasm.
pub fn number_value(text: &str) -> Option<f64> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = match body {
        "Infinity" => f64::INFINITY,
        "NaN" => f64::NAN,
        _ => decimal_value(body)?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

fn decimal_value(body: &str) -> Option<f64> {
    let (number, exponent) = match body.find(['e', 'E']) {
        Some(at) => (body.get(..at)?, Some(body.get(at + 1..)?)),
        None => (body, None),
    };
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.is_empty() || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut scale: i64 = 0;
    for (i, b) in int.bytes().chain(frac.bytes()).enumerate() {
        // Digits past what a u64 holds only shift the scale.
        if mantissa < 1_000_000_000_000_000_000 {
            mantissa = mantissa * 10 + u64::from(b - b'0');
            if i >= int.len() {
                scale -= 1;
            }
        } else if i < int.len() {
            scale += 1;
        }
    }
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let e = digits.bytes().fold(0i64, |n, b| (n * 10 + i64::from(b - b'0')).min(100_000));
        scale += if exponent.starts_with('-') { -e } else { e };
    }
    let m = mantissa as f64;
    let scale = scale.clamp(-400, 400) as i32;
    let pow10 = |n: i32| crate::core::float::pow10(n.unsigned_abs());
    // Dividing by an exact power of ten rounds once, where multiplying by its inexact inverse would round twice.
    Some(if scale < 0 { m / pow10(scale) } else { m * pow10(scale) })
}

/// Builds an object from `(key, value)` pairs.
pub fn obj<const N: usize>(members: [(&str, Json); N]) -> Json {
    Json::Obj(members.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let n = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(HEX[((n >> shift) & 0xf) as usize] as char);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn literal(&mut self, word: &str, v: Json) -> Option<Json> {
        let end = self.i.checked_add(word.len())?;
        (self.s.get(self.i..end)? == word.as_bytes()).then(|| {
            self.i = end;
            v
        })
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'n' => self.literal("null", Json::Null),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'"' => self.string().map(Json::Str),
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(b']').is_some() {
                    return Some(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat(b']').is_some() {
                        return Some(Json::Arr(items));
                    }
                    self.eat(b',')?;
                }
            }
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.eat(b'}').is_some() {
                    return Some(Json::Obj(members));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.ws();
                    self.eat(b':')?;
                    members.push((key, self.value(depth + 1)?));
                    self.ws();
                    if self.eat(b'}').is_some() {
                        return Some(Json::Obj(members));
                    }
                    self.eat(b',')?;
                }
            }
            _ => self.number(),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Option<Json> {
        let start = self.i;
        let _ = self.eat(b'-');
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.eat(b'.').is_some() && self.digits() == 0 {
            return None;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        let text = ::core::str::from_utf8(self.s.get(start..self.i)?).ok()?;
        Some(Json::Num(text.to_owned()))
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut n = 0;
        for _ in 0..4 {
            let d = (self.peek()? as char).to_digit(16)?;
            n = n * 16 + d;
            self.i += 1;
        }
        Some(n)
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = Vec::new();
        loop {
            let c = self.peek()?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape(),
                        _ => return None,
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => return None,
                _ => out.push(c),
            }
        }
    }

    /// A `\u` escape; lone surrogates become U+FFFD, as JavaScript's own
    /// strings turn into when they cross into Rust.
    fn unicode_escape(&mut self) -> char {
        let Some(hi) = self.hex4() else { return '\u{fffd}' };
        if (0xd800..0xdc00).contains(&hi) {
            let save = self.i;
            if self.eat(b'\\').is_some() && self.eat(b'u').is_some() {
                if let Some(lo) = self.hex4().filter(|lo| (0xdc00..0xe000).contains(lo)) {
                    let n = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                    return char::from_u32(n).unwrap_or('\u{fffd}');
                }
            }
            self.i = save;
        }
        char::from_u32(hi).unwrap_or('\u{fffd}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_values_and_keeps_number_text() {
        let text = r#"{"a":[1,-0.5,2e10,true,null],"b":"Majiteľ \"q\" \u0001","c":{}}"#;
        let v = Json::parse(text).unwrap();
        assert_eq!(v.get("a"), Some(&Json::Arr(vec![
            Json::Num("1".into()), Json::Num("-0.5".into()), Json::Num("2e10".into()),
            Json::Bool(true), Json::Null,
        ])));
        assert_eq!(v.str_at("b"), Some("Majiteľ \"q\" \u{1}"));
        assert_eq!(Json::parse(&v.to_text()), Some(v));
    }

    #[test]
    fn refuses_what_strict_json_refuses() {
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "+1", "NaN", "'a'", "{a:1}",
            "\"\t\"", "[1] x", "tru", "\"\\x\"", "1e", "{\"a\" 1}"] {
            assert_eq!(Json::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn surrogate_pairs_join_and_lone_ones_become_replacement() {
        assert_eq!(Json::parse(r#""\ud83d\ude00""#), Some(Json::str("😀")));
        assert_eq!(Json::parse(r#""\ud83d x""#), Some(Json::str("\u{fffd} x")));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = "[".repeat(100_000);
        assert_eq!(Json::parse(&deep), None);
        let ok = format!("{}{}", "[".repeat(60), "]".repeat(60));
        assert!(Json::parse(&ok).is_some());
    }

    #[test]
    fn integers_only_when_integral() {
        assert_eq!(Json::parse("1700000000").unwrap().as_i64(), Some(1_700_000_000));
        assert_eq!(Json::parse("1.5").unwrap().as_i64(), None);
        assert_eq!(Json::parse("1e400").unwrap().as_i64(), None);
    }

    #[test]
    fn decimals() {
        for n in [0, 7, -7, 10, 1_700_000_000_000, i64::MAX, i64::MIN] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn number_values() {
        let cases = [("0", 0.0), ("-0", 0.0), ("1700000300", 1_700_000_300.0), ("1.5", 1.5), ("-2.25e2", -225.0),
            ("1e+21", 1e21), ("60", 60.0), ("0.001", 0.001), ("9007199254740993", 9_007_199_254_740_992.0),
            ("123456789012345678901234567890", 1.2345678901234568e29), ("1E-3", 0.001)];
        for (text, want) in cases {
            let got = number_value(text).unwrap();
            assert!((got - want).abs() <= want.abs() * 1e-15, "{text}: {got} != {want}");
        }
        assert!(number_value("NaN").unwrap().is_nan());
        assert_eq!(number_value("-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(number_value("1e999"), Some(f64::INFINITY));
        for bad in ["", "-", "1e", "1e+", "abc", ".5", "1.2.3", "0x10"] {
            assert_eq!(number_value(bad), None, "{bad}");
        }
    }

    #[test]
    fn number_values_match_the_standard_parser_closely() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let text = format!("{}.{}e{}", x % 10_000_000_000, (x >> 20) % 1000, (x >> 40) as i64 % 40 - 20);
            let want: f64 = text.parse().unwrap();
            let got = number_value(&text).unwrap();
            assert!((got - want).abs() <= want.abs() * 4e-16, "{text}: {got} != {want}");
        }
    }

    #[test]
    fn text_never_outgrows_its_first_buffer() {
        let v = Json::parse(r#"{"a":["\u0001\u0002","x",1e5,null,true,{"b":"ľ😀"}],"\u0003":false}"#).unwrap();
        let text = v.to_text();
        assert!(text.capacity() >= text.len() && text.capacity() == v.max_text_len());
    }

    #[test]
    fn wipe_zeroes_every_string() {
        let mut v = Json::parse(r#"{"password":"hunter2","list":["secret"]}"#).unwrap();
        v.wipe();
        assert_eq!(v.str_at("password"), Some("\0\0\0\0\0\0\0"));
    }

    #[test]
    fn writes_control_characters_escaped() {
        assert_eq!(Json::str("a\u{1f}\n").to_text(), "\"a\\u001f\\n\"");
    }
}
