//! Dates the servers send, and clock-skew arithmetic. All instants are
//! milliseconds since the Unix epoch; nothing here reads a clock.

/// Skews smaller than this are measurement noise (second-granular claims,
/// request latency) and are ignored.
pub const SKEW_THRESHOLD_MS: i64 = 5_000;

/// Server clock minus local clock, from a server timestamp taken while the
/// request was in flight, measured against the request's midpoint.
pub fn skew(server_ms: i64, sent_at: i64, received_at: i64) -> i64 {
    let midpoint = sent_at + (received_at - sent_at) / 2;
    let skew = server_ms - midpoint;
    if skew.abs() < SKEW_THRESHOLD_MS {
        0
    } else {
        skew
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Milliseconds of a civil date-time read as UTC, after range checks.
pub fn civil_ms(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32, ms: u32) -> Option<i64> {
    let valid = (1..=12).contains(&mo)
        && d >= 1
        && d <= days_in_month(y, mo)
        && h < 24
        && mi < 60
        && s < 60
        && ms < 1000
        && (1..=9999).contains(&y);
    valid.then(|| {
        days_from_civil(y, mo, d) * 86_400_000
            + i64::from(h) * 3_600_000
            + i64::from(mi) * 60_000
            + i64::from(s) * 1000
            + i64::from(ms)
    })
}

/// A fixed-width run of ASCII digits.
fn num(s: &str, from: usize, len: usize) -> Option<u32> {
    let part = s.get(from..from + len)?;
    part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
}

/// An HTTP date in the IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`),
/// the only form servers are required to send.
pub fn parse_http_date(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let s = s.trim();
    if s.len() != 29 || s.get(3..5)? != ", " || s.get(25..)? != " GMT" {
        return None;
    }
    let mon = MONTHS.iter().position(|m| Some(*m) == s.get(8..11))? as u32 + 1;
    let sep = |i| s.as_bytes().get(i).copied();
    if sep(7) != Some(b' ') || sep(11) != Some(b' ') || sep(16) != Some(b' ') || sep(19) != Some(b':') || sep(22) != Some(b':') {
        return None;
    }
    civil_ms(i64::from(num(s, 12, 4)?), mon, num(s, 5, 2)?, num(s, 17, 2)?, num(s, 20, 2)?, num(s, 23, 2)?, 0)
}

/// `Retry-After` in whole seconds: delay-seconds, or an HTTP date measured
/// against the server's own `Date` (so a wrong local clock does not matter).
pub fn parse_retry_after(value: &str, server_now: Option<i64>) -> Option<u32> {
    let v = value.trim();
    if !v.is_empty() && v.len() <= 9 && v.bytes().all(|b| b.is_ascii_digit()) {
        return v.parse().ok();
    }
    let at = parse_http_date(v)?;
    let secs = (at - server_now?).max(0) / 1000;
    u32::try_from(secs).ok()
}

/// ISO 8601 UTC as MetaDefender writes it: `2020-07-09T23:12:29.3560169Z`
/// (any number of fractional digits, truncated to the millisecond).
pub fn parse_iso_utc(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if s.len() < 20 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') || !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':') || b.get(16) != Some(&b':')
    {
        return None;
    }
    let mut rest = s.get(19..)?;
    let mut ms = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (i, d) in frac.bytes().take(3).enumerate().filter(|(i, _)| *i < digits) {
            ms += u32::from(d - b'0') * [100, 10, 1][i];
        }
        rest = frac.get(digits..)?;
    }
    if rest != "Z" && rest != "z" {
        return None;
    }
    civil_ms(i64::from(num(s, 0, 4)?), num(s, 5, 2)?, num(s, 8, 2)?, num(s, 11, 2)?, num(s, 14, 2)?, num(s, 17, 2)?, ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_skews_are_noise() {
        assert_eq!(skew(10_000 + 4_999, 9_000, 11_000), 0);
        assert_eq!(skew(600_000 + 10_000, 9_000, 11_000), 600_000);
        assert_eq!(skew(10_000 - 600_000, 9_000, 11_000), -600_000);
    }

    #[test]
    fn civil_days_match_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(civil_ms(2024, 2, 30, 0, 0, 0, 0), None);
        assert!(civil_ms(2024, 2, 29, 0, 0, 0, 0).is_some());
        assert_eq!(civil_ms(2023, 2, 29, 0, 0, 0, 0), None);
    }

    #[test]
    fn http_dates() {
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777_000));
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"), None);
        assert_eq!(parse_http_date("Sun, 06 Xyz 1994 08:49:37 GMT"), None);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("120", None), Some(120));
        assert_eq!(parse_retry_after(" 3 ", None), Some(3));
        assert_eq!(parse_retry_after("-1", None), None);
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", Some(784_111_767_000)), Some(10));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", None), None);
    }

    #[test]
    fn iso_with_seven_fraction_digits() {
        let t = parse_iso_utc("2020-07-09T23:12:29.3560169Z").unwrap();
        assert_eq!(t, civil_ms(2020, 7, 9, 23, 12, 29, 356).unwrap());
        assert_eq!(parse_iso_utc("2020-07-09T23:12:29Z"), civil_ms(2020, 7, 9, 23, 12, 29, 0));
        assert_eq!(parse_iso_utc("2020-07-09T23:12:29.Z"), None);
        assert_eq!(parse_iso_utc("2020-07-09T23:12:29+02:00"), None);
        assert_eq!(parse_iso_utc("2020-13-09T23:12:29Z"), None);
        assert_eq!(parse_iso_utc("2020-07-09T23:12:29.5ü"), None);
    }
}
