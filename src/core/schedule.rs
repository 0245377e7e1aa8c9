//! When to refresh, warn and end a session, and how long to back off after a
//! failed refresh. The web layer asks [`plan`] on every timer tick and page
//! wake-up, so a throttled or sleeping tab catches up at once.

use super::options::MAX_TIMER_MS;
use super::session::Record;

/// The shortest time between receiving a token and refreshing it.
pub const MIN_REFRESH_GAP_MS: i64 = 1000;

/// What the client should do now.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    Idle,
    /// Refresh in the background.
    Refresh,
    /// Tell listeners the token is about to run out (no refresh will come).
    Expiring,
    /// The session can no longer be used: drop it.
    End,
}

/// The decision at one instant: act now, and when to look again.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Plan {
    pub action: Action,
    pub wake_at: Option<i64>,
}

/// The client's state beside the record that the plan depends on.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    /// Set after a failed refresh: the next background attempt.
    pub retry_at: Option<i64>,
    /// `expiring` was already sent for the current token.
    pub expiring_sent: bool,
    /// Failed refreshes of the current token in a row.
    pub failures: u32,
}

/// `min(refreshMargin, lifetime / 2)`: a short-lived token is refreshed at
/// half its life rather than at once.
pub fn margin(record: &Record, refresh_margin_ms: i64) -> i64 {
    match record.expires_at {
        Some(e) => refresh_margin_ms.min((e - record.obtained_at).max(0) / 2),
        None => refresh_margin_ms,
    }
}

/// Whether the token is close enough to expiry that a request should
/// refresh it first.
pub fn inside_margin(record: &Record, refresh_margin_ms: i64, now: i64) -> bool {
    expires_within(record, margin(record, refresh_margin_ms), now)
}

/// Whether the token expires within `validity_ms` from `now`.
pub fn expires_within(record: &Record, validity_ms: i64, now: i64) -> bool {
    record
        .expires_at
        .is_some_and(|e| now >= e.saturating_sub(validity_ms))
}

/// Until when the token can go out as it is, with no refresh first and the
/// session not over; `None`: no time limit is known.
pub fn fresh_until(record: &Record, refresh_margin_ms: i64) -> Option<i64> {
    let token_limit = match record.expires_at {
        Some(e) if record.can_refresh() => Some(e - margin(record, refresh_margin_ms)),
        other => other,
    };
    earliest(token_limit, record.refresh_expires_at)
}

/// Whether the session has ended by time alone.
pub fn ended(record: &Record, now: i64) -> bool {
    record.refresh_expires_at.is_some_and(|t| now >= t)
        || (!record.can_refresh() && record.expires_at.is_some_and(|e| now >= e))
}

pub fn plan(
    record: &Record,
    auto_refresh: bool,
    refresh_margin_ms: i64,
    progress: Progress,
    now: i64,
) -> Plan {
    if ended(record, now) {
        return Plan {
            action: Action::End,
            wake_at: None,
        };
    }
    // A token that arrives already expired must not make the client spin.
    let due = record.expires_at.map(|e| {
        (e - margin(record, refresh_margin_ms)).max(record.obtained_at + MIN_REFRESH_GAP_MS)
    });
    let mut wake: Option<i64> = record.refresh_expires_at;
    if !record.can_refresh() {
        wake = earliest(wake, record.expires_at);
    }
    let refreshes_itself = auto_refresh && record.can_refresh();
    let (next, action) = if refreshes_itself {
        (progress.retry_at.or(due), Action::Refresh)
    } else if !progress.expiring_sent {
        (due, Action::Expiring)
    } else {
        (None, Action::Idle)
    };
    match next {
        Some(at) if now >= at => Plan {
            action,
            wake_at: wake,
        },
        _ => Plan {
            action: Action::Idle,
            wake_at: earliest(wake, next),
        },
    }
}

fn earliest(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

/// The wait to pass to `setTimeout`: never negative, never over 2^31 − 1 ms
/// (a longer wait is chained: the tick re-plans and re-arms).
pub fn timer_delay(wake_at: i64, now: i64) -> i64 {
    (wake_at - now).clamp(0, MAX_TIMER_MS)
}

/// The wait before background attempt number `failures + 1`: 1 s, 2 s, 4 s
/// … ±20 % (`jitter` in [0, 1)), at most 30 s, never sooner than `Retry-After`.
pub fn backoff_ms(failures: u32, jitter: f64, retry_after_s: Option<u32>) -> i64 {
    let base = 1000.0 * f64::from(1u32 << failures.saturating_sub(1).min(5));
    let jittered = (base * (0.8 + 0.4 * jitter.clamp(0.0, 1.0))).min(30_000.0) as i64;
    jittered.max(i64::from(retry_after_s.unwrap_or(0)) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::backend::Backend;
    use crate::core::profile::UserProfile;
    use crate::core::session::Version;

    const T0: i64 = 1_700_000_000_000;

    fn record(backend: Backend, lifetime_ms: Option<i64>) -> Record {
        Record {
            version: Version,
            backend,
            base_url: "https://a".into(),
            id: "id".into(),
            generation: 0,
            access_token: "t".into(),
            refresh_token: backend.can_refresh().then(|| "r".into()),
            obtained_at: T0,
            expires_at: lifetime_ms.map(|l| T0 + l),
            refresh_expires_at: None,
            skew: 0,
            user: UserProfile::empty(),
            locked: false,
            failed_unlocks: 0,
        }
    }

    #[test]
    fn refreshes_at_expiry_minus_margin() {
        let r = record(Backend::Portos, Some(3_600_000));
        let p = plan(&r, true, 60_000, Progress::default(), T0);
        assert_eq!(
            p,
            Plan {
                action: Action::Idle,
                wake_at: Some(T0 + 3_540_000)
            }
        );
        let p = plan(&r, true, 60_000, Progress::default(), T0 + 3_540_000);
        assert_eq!(p.action, Action::Refresh);
    }

    #[test]
    fn short_tokens_refresh_at_half_life() {
        let r = record(Backend::Portos, Some(8_000));
        assert_eq!(margin(&r, 60_000), 4_000);
        assert!(!inside_margin(&r, 60_000, T0 + 3_999));
        assert!(inside_margin(&r, 60_000, T0 + 4_000));
    }

    #[test]
    fn fresh_until_agrees_with_inside_margin_and_ended() {
        let margin_ms = 60_000;
        let mut cases = vec![
            record(Backend::Portos, Some(3_600_000)),
            record(Backend::Portos, Some(8_000)),
            record(Backend::Portos, None),
            record(Backend::CashDesk, Some(3_600_000)),
            record(Backend::CashDesk, None),
        ];
        let mut capped = record(Backend::MetaDefender, Some(3_600_000));
        capped.refresh_expires_at = Some(T0 + 1_000_000);
        cases.push(capped);
        for r in &cases {
            let until = fresh_until(r, margin_ms);
            for now in [
                T0,
                T0 + 3_999,
                T0 + 4_000,
                T0 + 999_999,
                T0 + 1_000_000,
                T0 + 3_540_000,
                T0 + 3_600_000,
                T0 + 9_000_000,
            ] {
                let usable =
                    !(ended(r, now) || r.can_refresh() && inside_margin(r, margin_ms, now));
                assert_eq!(
                    until.is_none_or(|u| now < u),
                    usable,
                    "{:?} at {}",
                    r.backend,
                    now - T0
                );
            }
        }
    }

    #[test]
    fn a_tab_asleep_past_the_refresh_time_refreshes_on_waking() {
        let r = record(Backend::Portos, Some(300_000));
        // Woken two hours late: the token is long expired, but a refresh can still save it.
        let p = plan(&r, true, 60_000, Progress::default(), T0 + 7_200_000);
        assert_eq!(p.action, Action::Refresh);
    }

    #[test]
    fn thirty_day_lifetime_is_chained_not_passed_whole() {
        let r = record(Backend::Portos, Some(30 * 86_400_000));
        let p = plan(&r, true, 60_000, Progress::default(), T0);
        let wake = p.wake_at.unwrap();
        assert_eq!(wake, T0 + 30 * 86_400_000 - 60_000);
        assert_eq!(timer_delay(wake, T0), MAX_TIMER_MS);
        // The first timer fires early; the re-plan arms the rest.
        let later = T0 + MAX_TIMER_MS;
        let p2 = plan(&r, true, 60_000, Progress::default(), later);
        assert_eq!(p2.action, Action::Idle);
        assert_eq!(timer_delay(p2.wake_at.unwrap(), later), wake - later);
    }

    #[test]
    fn retry_waits_replace_the_due_time() {
        let r = record(Backend::Portos, Some(10_000));
        let progress = Progress {
            retry_at: Some(T0 + 9_000),
            expiring_sent: true,
            failures: 1,
        };
        let p = plan(&r, true, 60_000, progress, T0 + 6_000);
        assert_eq!(
            p,
            Plan {
                action: Action::Idle,
                wake_at: Some(T0 + 9_000)
            }
        );
        assert_eq!(
            plan(&r, true, 60_000, progress, T0 + 9_000).action,
            Action::Refresh
        );
    }

    #[test]
    fn cashdesk_warns_then_ends() {
        let r = record(Backend::CashDesk, Some(600_000));
        let p = plan(&r, true, 60_000, Progress::default(), T0);
        assert_eq!(p.wake_at, Some(T0 + 540_000));
        assert_eq!(
            plan(&r, true, 60_000, Progress::default(), T0 + 540_000).action,
            Action::Expiring
        );
        let sent = Progress {
            retry_at: None,
            expiring_sent: true,
            failures: 0,
        };
        assert_eq!(
            plan(&r, true, 60_000, sent, T0 + 540_000).wake_at,
            Some(T0 + 600_000)
        );
        assert_eq!(
            plan(&r, true, 60_000, sent, T0 + 600_000).action,
            Action::End
        );
        assert!(ended(&r, T0 + 600_000));
    }

    #[test]
    fn without_auto_refresh_portos_warns_and_lives_on() {
        let r = record(Backend::Portos, Some(600_000));
        assert_eq!(
            plan(&r, false, 60_000, Progress::default(), T0 + 540_000).action,
            Action::Expiring
        );
        let sent = Progress {
            retry_at: None,
            expiring_sent: true,
            failures: 0,
        };
        assert_eq!(
            plan(&r, false, 60_000, sent, T0 + 900_000),
            Plan {
                action: Action::Idle,
                wake_at: None
            }
        );
        assert!(!ended(&r, T0 + 900_000));
    }

    #[test]
    fn refresh_expiry_ends_the_session() {
        let mut r = record(Backend::MetaDefender, Some(3_600_000));
        r.refresh_expires_at = Some(T0 + 7_200_000);
        assert_eq!(
            plan(
                &r,
                true,
                60_000,
                Progress {
                    retry_at: Some(T0 + 7_300_000),
                    expiring_sent: true,
                    failures: 3
                },
                T0 + 7_000_000
            )
            .wake_at,
            Some(T0 + 7_200_000)
        );
        assert_eq!(
            plan(&r, true, 60_000, Progress::default(), T0 + 7_200_000).action,
            Action::End
        );
    }

    #[test]
    fn an_already_expired_token_does_not_spin() {
        let mut r = record(Backend::Portos, Some(-5_000));
        r.expires_at = Some(T0 - 5_000);
        assert_eq!(
            plan(&r, true, 60_000, Progress::default(), T0).wake_at,
            Some(T0 + MIN_REFRESH_GAP_MS)
        );
    }

    #[test]
    fn unknown_expiry_schedules_nothing() {
        let r = record(Backend::Portos, None);
        assert_eq!(
            plan(&r, true, 60_000, Progress::default(), T0),
            Plan {
                action: Action::Idle,
                wake_at: None
            }
        );
    }

    #[test]
    fn backoff_doubles_with_jitter_caps_and_honours_retry_after() {
        assert_eq!(backoff_ms(1, 0.5, None), 1000);
        assert_eq!(backoff_ms(2, 0.5, None), 2000);
        assert_eq!(backoff_ms(3, 0.0, None), 3200);
        assert_eq!(backoff_ms(3, 0.999_999, None), 4799);
        assert_eq!(backoff_ms(10, 1.0, None), 30_000);
        assert_eq!(backoff_ms(40, 0.0, None), 25_600);
        assert_eq!(backoff_ms(1, 0.5, Some(45)), 45_000);
        for f in 1..50 {
            let b = backoff_ms(f, 0.7, None);
            assert!((800..=30_000).contains(&b));
        }
    }
}
