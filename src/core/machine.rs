//! What a settled refresh does to the session: commit the new tokens, end
//! the session, or keep it and schedule the next attempt. Pure: time and
//! jitter come in as arguments.

use super::backend::Backend;
use super::backend::Grant;
use super::error::{AuthError, Code};
use super::schedule::{backoff_ms, Progress};
use super::session::{Exchange, Record};

/// The session after a refresh settled.
// (The record is moved once per refresh; boxing it would cost code, not save it.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq)]
pub enum Settled {
    /// The server granted new tokens.
    Refreshed(Record),
    /// The server rejected the refresh token: the session is over.
    End(AuthError),
    /// Anything else: the session is kept; `warn` asks for an `expiring`
    /// event carrying the error (once per token, for background refreshes).
    Kept { error: AuthError, warn: bool },
}

/// How the refresh was started and what the client may do about a failure.
#[derive(Clone, Copy, Debug)]
pub struct Context {
    pub auto_refresh: bool,
    /// Started by the timer rather than by a call.
    pub background: bool,
    pub now: i64,
    /// Uniform in [0, 1), for the retry jitter.
    pub jitter: f64,
}

pub fn settle_refresh(
    record: &Record,
    progress: &mut Progress,
    result: Result<(Grant, Exchange), AuthError>,
    cx: Context,
) -> Settled {
    match result {
        Ok((grant, exchange)) => Settled::Refreshed(record.refreshed(grant, exchange)),
        Err(e) if e.code == Code::SessionExpired => Settled::End(e),
        Err(error) => {
            progress.failures = progress.failures.saturating_add(1);
            if cx.auto_refresh {
                progress.retry_at =
                    Some(cx.now + backoff_ms(progress.failures, cx.jitter, error.retry_after));
            }
            let warn = cx.background && !progress.expiring_sent;
            progress.expiring_sent |= warn;
            Settled::Kept { error, warn }
        }
    }
}

/// What a 401 to an authorised request (`fetch`, `profile()`) calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On401 {
    /// The token changed while the request was in flight: retry with it.
    RetryWithCurrent,
    /// Refresh once, then retry once.
    RefreshThenRetry,
    /// The token is refused for good: end the session.
    End,
    /// The session is already gone.
    NoSession,
}

pub fn on_401(
    backend: Backend,
    sent_token: &str,
    current_token: Option<&str>,
    refreshed_already: bool,
) -> On401 {
    match current_token {
        None => On401::NoSession,
        Some(current) if current != sent_token => On401::RetryWithCurrent,
        // CashDesk cannot refresh: its token is simply over.
        Some(_) if backend == Backend::CashDesk || refreshed_already => On401::End,
        Some(_) => On401::RefreshThenRetry,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::backend::Backend;
    use crate::core::profile::UserProfile;
    use crate::core::schedule::{plan, Action};
    use crate::core::session::Version;

    const T0: i64 = 1_700_000_000_000;

    fn record() -> Record {
        Record {
            version: Version,
            backend: Backend::Portos,
            base_url: "https://a".into(),
            id: "id".into(),
            generation: 4,
            access_token: "old".into(),
            refresh_token: Some("r".into()),
            obtained_at: T0,
            expires_at: Some(T0 + 300_000),
            refresh_expires_at: None,
            skew: 0,
            user: UserProfile::empty(),
            locked: false,
            failed_unlocks: 0,
        }
    }

    fn cx(now: i64, background: bool) -> Context {
        Context {
            auto_refresh: true,
            background,
            now,
            jitter: 0.5,
        }
    }

    fn failure(code: Code) -> AuthError {
        AuthError::of(code)
    }

    #[test]
    fn a_grant_commits_the_next_generation() {
        let grant = Grant {
            access_token: "new".into(),
            refresh_token: Some("r2".into()),
            expires_field: None,
            refresh_expires_field: None,
            expires_wall: None,
            user: None,
            claims: Default::default(),
        };
        let ex = Exchange {
            sent_at: T0 + 240_000,
            received_at: T0 + 240_000,
            server_date: None,
        };
        let mut p = Progress::default();
        let Settled::Refreshed(r) =
            settle_refresh(&record(), &mut p, Ok((grant, ex)), cx(T0 + 240_000, true))
        else {
            panic!()
        };
        assert_eq!(
            (r.generation, r.access_token.as_str(), r.id.as_str()),
            (5, "new", "id")
        );
    }

    #[test]
    fn a_rejected_refresh_ends_the_session() {
        let mut p = Progress::default();
        let s = settle_refresh(
            &record(),
            &mut p,
            Err(failure(Code::SessionExpired)),
            cx(T0, true),
        );
        assert_eq!(s, Settled::End(failure(Code::SessionExpired)));
    }

    #[test]
    fn an_offline_cashier_keeps_the_session_and_retries_with_backoff() {
        let r = record();
        let mut p = Progress::default();
        let mut now = T0 + 240_000;
        let mut waits = Vec::new();
        for attempt in 0..6 {
            let s = settle_refresh(&r, &mut p, Err(failure(Code::Network)), cx(now, true));
            // Only the first background failure of a token warns.
            assert_eq!(
                s,
                Settled::Kept {
                    error: failure(Code::Network),
                    warn: attempt == 0
                }
            );
            let at = p.retry_at.unwrap();
            waits.push(at - now);
            assert_eq!(plan(&r, true, 60_000, p, at).action, Action::Refresh);
            now = at;
        }
        assert_eq!(waits, [1000, 2000, 4000, 8000, 16000, 30000]);
        // Past the token's expiry the session is still there, waiting for the network.
        assert!(now > r.expires_at.unwrap() - 60_000);
        assert!(!crate::core::schedule::ended(&r, now + 3_600_000));
    }

    #[test]
    fn retry_after_is_honoured_and_manual_failures_do_not_warn() {
        let mut p = Progress::default();
        let mut e = failure(Code::RateLimited);
        e.retry_after = Some(20);
        let s = settle_refresh(&record(), &mut p, Err(e.clone()), cx(T0, false));
        assert_eq!(
            s,
            Settled::Kept {
                error: e,
                warn: false
            }
        );
        assert_eq!(p.retry_at, Some(T0 + 20_000));
    }

    #[test]
    fn the_401_rule() {
        assert_eq!(
            on_401(Backend::Portos, "a", Some("a"), false),
            On401::RefreshThenRetry
        );
        assert_eq!(on_401(Backend::Portos, "a", Some("a"), true), On401::End);
        assert_eq!(
            on_401(Backend::Portos, "a", Some("b"), true),
            On401::RetryWithCurrent
        );
        assert_eq!(on_401(Backend::Portos, "a", None, false), On401::NoSession);
        assert_eq!(on_401(Backend::CashDesk, "a", Some("a"), false), On401::End);
        assert_eq!(
            on_401(Backend::MetaDefender, "a", Some("a"), false),
            On401::RefreshThenRetry
        );
    }

    #[test]
    fn without_auto_refresh_nothing_is_scheduled() {
        let mut p = Progress::default();
        let c = Context {
            auto_refresh: false,
            ..cx(T0, false)
        };
        settle_refresh(&record(), &mut p, Err(failure(Code::Server)), c);
        assert_eq!((p.retry_at, p.failures), (None, 1));
    }
}
