//! Wall-clock formatting without a date crate: HTTP dates, .NET-style ISO
//! 8601 with seven fractional digits, and Kyiv wall time for CashDesk.

use std::time::{SystemTime, UNIX_EPOCH};

pub const NS: i64 = 1_000_000_000;

/// Real time in nanoseconds since the Unix epoch.
pub fn real_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday.
    pub weekday: u32,
}

/// Days since 1970-01-01 → (year, month, day); Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn weekday(days: i64) -> u32 {
    (days + 4).rem_euclid(7) as u32 // 1970-01-01 was a Thursday
}

pub fn civil(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
        weekday: weekday(days),
    }
}

/// RFC 9110 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
pub fn imf_fixdate(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = civil(secs);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[c.weekday as usize % 7],
        c.day,
        MONTHS[(c.month as usize + 11) % 12],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// UTC ISO 8601 with .NET's seven fractional digits (100 ns ticks),
/// e.g. `2020-07-09T23:12:29.3560169Z`.
pub fn iso8601_ticks(ns: i64) -> String {
    let c = civil(ns.div_euclid(NS));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        ns.rem_euclid(NS) / 100
    )
}

/// Kyiv's UTC offset at a UTC instant: EU rules, UTC+3 from the last
/// Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC.
pub fn kyiv_offset_secs(utc_secs: i64) -> i64 {
    let year = civil(utc_secs).year;
    let last_sunday = |month| {
        let last = days_from_civil(year, month, 31);
        last - i64::from(weekday(last))
    };
    let start = last_sunday(3) * 86_400 + 3600;
    let end = last_sunday(10) * 86_400 + 3600;
    if (start..end).contains(&utc_secs) {
        3 * 3600
    } else {
        2 * 3600
    }
}

/// CashDesk's `token_expires_at`: `dd.MM.yyyy HH:mm`, Kyiv wall time.
pub fn kyiv_minutes(utc_secs: i64) -> String {
    let c = civil(utc_secs + kyiv_offset_secs(utc_secs));
    format!(
        "{:02}.{:02}.{:04} {:02}:{:02}",
        c.day, c.month, c.year, c.hour, c.minute
    )
}

/// CashDesk's `last_online`: `dd-MM-yyyy HH:mm:ss`, Kyiv wall time.
pub fn kyiv_seconds_dashed(utc_secs: i64) -> String {
    let c = civil(utc_secs + kyiv_offset_secs(utc_secs));
    format!(
        "{:02}-{:02}-{:04} {:02}:{:02}:{:02}",
        c.day, c.month, c.year, c.hour, c.minute, c.second
    )
}

/// Calendar date `dd.MM.yyyy` (UTC), for certificate end dates.
pub fn dotted_date(utc_secs: i64) -> String {
    let c = civil(utc_secs);
    format!("{:02}.{:02}.{:04}", c.day, c.month, c.year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_date() {
        assert_eq!(imf_fixdate(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(imf_fixdate(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(imf_fixdate(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
    }

    #[test]
    fn seven_digit_ticks() {
        let ns = 1_594_336_349 * NS + 356_016_900;
        assert_eq!(iso8601_ticks(ns), "2020-07-09T23:12:29.3560169Z");
    }

    #[test]
    fn round_trip_days() {
        for d in [-1_000_000, -1, 0, 59, 365 * 30 + 7, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn kyiv_dst_boundaries() {
        // 2024: DST from Sun 31 March 01:00 UTC to Sun 27 October 01:00 UTC.
        let start = 1_711_846_800; // 2024-03-31T01:00:00Z
        let end = 1_729_990_800; // 2024-10-27T01:00:00Z
        assert_eq!(kyiv_offset_secs(start - 1), 7200);
        assert_eq!(kyiv_offset_secs(start), 10_800);
        assert_eq!(kyiv_offset_secs(end - 1), 10_800);
        assert_eq!(kyiv_offset_secs(end), 7200);
        assert_eq!(kyiv_minutes(start), "31.03.2024 04:00");
        assert_eq!(kyiv_minutes(start - 60), "31.03.2024 02:59");
        // 2023-07-08T08:25:00Z is 11:25 in Kyiv (the vendor example's time).
        assert_eq!(kyiv_minutes(1_688_804_700), "08.07.2023 11:25");
        assert_eq!(kyiv_seconds_dashed(1_597_155_331), "11-08-2020 17:15:31");
    }
}
