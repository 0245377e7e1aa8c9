//! Substring search without core's two-way `StrSearcher`, whose panic paths
//! pull string formatting into the wasm. Inputs here are short (URLs, error
//! messages), so a plain window scan is as fast.

use crate::prelude::*;

/// The byte offset of the first `needle` in `haystack`.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.as_bytes().windows(needle.len()).position(|w| w == needle.as_bytes())
}

/// `haystack` with every `needle` replaced by `with` (`None`: there was
/// none, or the needle is empty).
pub fn replace_all(haystack: &str, needle: &str, with: &str) -> Option<String> {
    if needle.is_empty() {
        return None;
    }
    let mut at = find(haystack, needle)?;
    let mut out = String::with_capacity(haystack.len());
    let mut rest = haystack;
    loop {
        // `at` ends a match of a whole &str, so both cuts are char boundaries.
        out.push_str(rest.get(..at)?);
        out.push_str(with);
        rest = rest.get(at + needle.len()..)?;
        match find(rest, needle) {
            Some(next) => at = next,
            None => break,
        }
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agree_with_std() {
        let cases = [("https://pos.example/api", "://"), ("aaa", "aa"), ("žžž heslo žž", "heslo"), ("", "x"), ("abc", "abcd"), ("ab", "")];
        for (hay, needle) in cases {
            assert_eq!(find(hay, needle), hay.find(needle), "{hay} / {needle}");
            if !needle.is_empty() {
                let expected = hay.contains(needle).then(|| hay.replace(needle, "•••"));
                assert_eq!(replace_all(hay, needle, "•••"), expected, "{hay} / {needle}");
            }
        }
    }
}
