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
    part.bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| part.parse().ok())?
}

/// An HTTP date in the IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37 GMT`),
/// the only form servers are required to send.
pub fn parse_http_date(s: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let s = s.trim();
    if s.len() != 29 || s.get(3..5)? != ", " || s.get(25..)? != " GMT" {
        return None;
    }
    let mon = MONTHS.iter().position(|m| Some(*m) == s.get(8..11))? as u32 + 1;
    let sep = |i| s.as_bytes().get(i).copied();
    if sep(7) != Some(b' ')
        || sep(11) != Some(b' ')
        || sep(16) != Some(b' ')
        || sep(19) != Some(b':')
        || sep(22) != Some(b':')
    {
        return None;
    }
    civil_ms(
        i64::from(num(s, 12, 4)?),
        mon,
        num(s, 5, 2)?,
        num(s, 17, 2)?,
        num(s, 20, 2)?,
        num(s, 23, 2)?,
        0,
    )
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
    if s.len() < 20
        || b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
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
        for (i, d) in frac
            .bytes()
            .take(3)
            .enumerate()
            .filter(|(i, _)| *i < digits)
        {
            ms += u32::from(d - b'0') * [100, 10, 1][i];
        }
        rest = frac.get(digits..)?;
    }
    if rest != "Z" && rest != "z" {
        return None;
    }
    civil_ms(
        i64::from(num(s, 0, 4)?),
        num(s, 5, 2)?,
        num(s, 8, 2)?,
        num(s, 11, 2)?,
        num(s, 14, 2)?,
        num(s, 17, 2)?,
        ms,
    )
}

/// CashDesk's `dd.MM.yyyy HH:mm`, as a wall-clock time read as if UTC.
pub fn parse_day_month_year(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if s.len() != 16
        || b.get(2) != Some(&b'.')
        || b.get(5) != Some(&b'.')
        || b.get(10) != Some(&b' ')
        || b.get(13) != Some(&b':')
    {
        return None;
    }
    civil_ms(
        i64::from(num(s, 6, 4)?),
        num(s, 3, 2)?,
        num(s, 0, 2)?,
        num(s, 11, 2)?,
        num(s, 14, 2)?,
        0,
        0,
    )
}

/// The instant of a wall-clock time in a zone whose UTC offset (ms) at an
/// instant `offset_at` tells. A time that happens twice (autumn) takes the
/// earlier instant; one inside the spring-forward gap is read with the offset
/// in force before the gap: Temporal's `"compatible"`.
pub fn resolve_wall(wall: i64, offset_at: impl Fn(i64) -> Option<i64>) -> Option<i64> {
    const DAY: i64 = 86_400_000;
    // Offsets a day either side bracket any transition near this time.
    let before = offset_at(wall - DAY)?;
    let after = offset_at(wall + DAY)?;
    let fits = |offset: i64| offset_at(wall - offset) == Some(offset);
    match (fits(before), fits(after)) {
        (true, true) => Some((wall - before).min(wall - after)),
        (true, false) => Some(wall - before),
        (false, true) => Some(wall - after),
        (false, false) => Some(wall - before),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Europe/Kyiv since 2011: UTC+2, UTC+3 from the last Sunday of March
    /// 01:00 UTC to the last Sunday of October 01:00 UTC.
    fn kyiv(utc: i64) -> Option<i64> {
        let year = 1970 + utc.div_euclid(86_400_000 * 365);
        let last_sunday = |y: i64, m: u32| {
            let last = days_from_civil(y, m, 31);
            last - (last + 4).rem_euclid(7)
        };
        let in_year = |y: i64| {
            let start = last_sunday(y, 3) * 86_400_000 + 3_600_000;
            let end = last_sunday(y, 10) * 86_400_000 + 3_600_000;
            utc >= start && utc < end
        };
        let summer = (year - 1..=year + 1).any(in_year);
        Some(if summer { 3 } else { 2 } * 3_600_000)
    }

    #[test]
    fn kyiv_wall_times_across_daylight_saving() {
        let wall = |d, mo, h, mi| {
            parse_day_month_year(&format!("{d:02}.{mo:02}.2026 {h:02}:{mi:02}")).unwrap()
        };
        let utc = |d, mo, h, mi| civil_ms(2026, mo, d, h, mi, 0, 0).unwrap();
        // Winter and summer.
        assert_eq!(
            resolve_wall(wall(15, 1, 12, 0), kyiv),
            Some(utc(15, 1, 10, 0))
        );
        assert_eq!(
            resolve_wall(wall(15, 7, 12, 0), kyiv),
            Some(utc(15, 7, 9, 0))
        );
        // 29 March 2026: 03:00 jumps to 04:00; 03:30 does not exist and is read at +2.
        assert_eq!(
            resolve_wall(wall(29, 3, 2, 59), kyiv),
            Some(utc(29, 3, 0, 59))
        );
        assert_eq!(
            resolve_wall(wall(29, 3, 3, 30), kyiv),
            Some(utc(29, 3, 1, 30))
        );
        assert_eq!(
            resolve_wall(wall(29, 3, 4, 0), kyiv),
            Some(utc(29, 3, 1, 0))
        );
        // 25 October 2026: 04:00 falls back to 03:00; 03:30 happens twice, the earlier (+3) wins.
        assert_eq!(
            resolve_wall(wall(25, 10, 3, 30), kyiv),
            Some(utc(25, 10, 0, 30))
        );
        assert_eq!(
            resolve_wall(wall(25, 10, 4, 0), kyiv),
            Some(utc(25, 10, 2, 0))
        );
        assert_eq!(
            resolve_wall(wall(25, 10, 2, 59), kyiv),
            Some(utc(24, 10, 23, 59))
        );
    }

    #[test]
    fn day_month_year_format() {
        assert_eq!(
            parse_day_month_year("09.07.2020 23:12"),
            civil_ms(2020, 7, 9, 23, 12, 0, 0)
        );
        for bad in [
            "9.07.2020 23:12",
            "09.07.2020T23:12",
            "31.02.2020 10:00",
            "09.07.2020 24:00",
            "09-07-2020 23:12",
            "09.07.2020 23:12:00",
        ] {
            assert_eq!(parse_day_month_year(bad), None, "{bad}");
        }
    }

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
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000)
        );
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"), None);
        assert_eq!(parse_http_date("Sun, 06 Xyz 1994 08:49:37 GMT"), None);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("120", None), Some(120));
        assert_eq!(parse_retry_after(" 3 ", None), Some(3));
        assert_eq!(parse_retry_after("-1", None), None);
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", Some(784_111_767_000)),
            Some(10)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", None),
            None
        );
    }

    #[test]
    fn iso_with_seven_fraction_digits() {
        let t = parse_iso_utc("2020-07-09T23:12:29.3560169Z").unwrap();
        assert_eq!(t, civil_ms(2020, 7, 9, 23, 12, 29, 356).unwrap());
        assert_eq!(
            parse_iso_utc("2020-07-09T23:12:29Z"),
            civil_ms(2020, 7, 9, 23, 12, 29, 0)
        );
        assert_eq!(parse_iso_utc("2020-07-09T23:12:29.Z"), None);
        assert_eq!(parse_iso_utc("2020-07-09T23:12:29+02:00"), None);
        assert_eq!(parse_iso_utc("2020-13-09T23:12:29Z"), None);
        assert_eq!(parse_iso_utc("2020-07-09T23:12:29.5ü"), None);
    }
}
