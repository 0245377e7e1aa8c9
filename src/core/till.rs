//! The till (docs/API.md "The till: lock, unlock, approve"). A POS
//! terminal is shared: its session locks, opens again only with its own
//! cashier's password, and ends after too many wrong ones in a row; a
//! second person approves one action with their own sign-in.
//!
//! Everything here decides from its arguments alone. The web layer brings
//! the stored record, the login call's outcome, what the password verifier
//! says and the time; it stores the record these functions return, fires
//! the events they name and settles the call's promise.
//!
//! An unlock goes:
//!
//! 1. `record.locked`? If not, `unlock` resolves the current session
//!    without a request.
//! 2. [`unlock_request`]: the back end's login call with the session's own
//!    identifiers and the password.
//! 3. [`settle_online`] with the call's outcome. It settles the unlock,
//!    except when the call got no HTTP answer (`network`, `timeout`):
//! 4. [`settle_offline`] with what the verifier says of the password.

use serde::Deserialize;

use super::backend::{Backend, Credentials, Grant, HttpRequest};
use super::error::{AuthError, Code};
use super::field::{Field, Named, Secret, Shape};
use super::profile::UserProfile;
use super::session::{Exchange, Record};

/// When the idle lock falls due: `idle_lock_ms` (the `idleLock` option)
/// after the latest activity, which is the latest of the session's start or
/// restore in this page, the last unlock and the last input in any tab.
/// `None` when `idleLock` is off (0). A deadline at or before `now` is due
/// now: a page that slept through it locks when it wakes.
pub fn idle_deadline(last_activity_ms: i64, idle_lock_ms: i64) -> Option<i64> {
    (idle_lock_ms > 0).then(|| last_activity_ms.saturating_add(idle_lock_ms))
}

/// `lock()` and the idle lock: the session locked (store it, a new
/// `Session` object, the `locked` event), or `None` when it already is
/// (nothing changes, no event). Tokens and generation stay: locking is no
/// new token, and refresh goes on while locked.
pub fn lock(record: &Record) -> Option<Record> {
    (!record.locked).then(|| Record {
        locked: true,
        ..record.clone()
    })
}

/// What one more wrong password comes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Counted: the new number of wrong passwords in a row, under the limit.
    Counted(u32),
    /// That was the `unlockAttempts`-th in a row: the session ends.
    TooMany,
}

/// The attempt rule: after a wrong password, with `failed_unlocks` wrong
/// ones already in a row and the `unlockAttempts` limit, the new count or
/// the end. A count at or past the limit (the limit was lowered since)
/// ends the session at the next wrong password.
pub fn wrong_attempt(failed_unlocks: u32, unlock_attempts: u32) -> Attempt {
    let count = failed_unlocks.saturating_add(1);
    if count >= unlock_attempts {
        Attempt::TooMany
    } else {
        Attempt::Counted(count)
    }
}

/// A peer tab's wrong password, counted here: the peer's count already
/// includes it, and this tab's may not include the peer's earlier ones nor
/// the peer its. Two tabs that each count a wrong password at the same time
/// (each at `n`, each telling `n + 1`) end at `n + 2`, not `n + 1`.
pub fn peer_wrong_attempt(failed_unlocks: u32, theirs: u32, unlock_attempts: u32) -> Attempt {
    wrong_attempt(
        failed_unlocks.max(theirs.saturating_sub(1)),
        unlock_attempts,
    )
}

/// The online unlock's request: the back end's login call with the stored
/// user's identifiers (portos `userName`, and the device's `name` as
/// `deviceName`; cashdesk `email`; metadefender `userName`) and `password`.
/// The copy of the password made here is wiped before this returns; the
/// caller wipes its own, and the body, as for a login.
///
/// Errors, with nothing sent and nothing counted: `invalid_argument` for a
/// password the back end's login refuses (cashdesk and metadefender take no
/// empty one); `bad_response` when the login answer that started the
/// session lacked the identifier, so no login call can prove this password
/// (the message says which; logout or another cashier's login still work).
pub fn unlock_request(record: &Record, password: &str) -> Result<HttpRequest, AuthError> {
    let user = &record.user;
    let identifier = |value: Option<&str>, name: &str| match value.filter(|v| !v.is_empty()) {
        Some(value) => Ok(secret(value)),
        None => Err(AuthError::new(
            Code::BadResponse,
            ["The session's user has no ", name, " to unlock with."].concat(),
        )),
    };
    let mut credentials = Credentials {
        password: secret(password),
        ..Credentials::default()
    };
    // A new back end must say here which of its stored fields proves who
    // the cashier is.
    match record.backend {
        Backend::Portos => {
            credentials.user_name = identifier(user.user_name.as_deref(), "userName")?;
            let device = user.device.as_ref().map(|d| d.name.as_str());
            credentials.device_name = identifier(device, "device name")?;
        }
        Backend::CashDesk => credentials.email = identifier(user.email.as_deref(), "email")?,
        Backend::MetaDefender => {
            credentials.user_name = identifier(user.user_name.as_deref(), "userName")?;
        }
    }
    record
        .backend
        .login_request(&record.base_url, Some(&credentials))
}

/// A credentials member holding a copy of `text`, wiped when dropped.
fn secret(text: &str) -> Field<Secret> {
    Secret::from_string(text.to_owned()).map_or(Field::Absent, Field::Given)
}

/// What an unlock does to the locked session. `unlocked` fires only for
/// `NewTokens` and `SameTokens`.
#[derive(Debug, PartialEq)]
pub enum Unlock {
    /// Proven online: the session continues with the login's tokens (same
    /// id, so the tabs holding it take them; next generation), unlocked,
    /// count reset. Store it, end the old token where the back end can
    /// (the old record's `logout_request`, best effort), renew the verifier,
    /// fire `unlocked` (not `signedIn`) and resolve the new session.
    NewTokens(Record),
    /// Proven offline by the verifier: the same tokens, unlocked, count
    /// reset. Store it, fire `unlocked`, resolve the new session.
    SameTokens(Record),
    /// A wrong password, counted: store `record` (still locked) and reject
    /// with `error` (`invalid_credentials`). The `Session` object stays the
    /// same and no event fires.
    Wrong { record: Record, error: AuthError },
    /// The last wrong password allowed: the session ends as `logout()` ends
    /// it; `signedOut` fires with this error (`too_many_attempts`) in every
    /// tab holding the session, and the call rejects with it.
    TooMany(AuthError),
    /// Nothing proven, nothing counted, nothing changed: reject with it.
    Reject(AuthError),
}

/// Where the online call leaves an unlock.
// (Moved once per unlock; boxing the record would cost code, not save it.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, PartialEq)]
pub enum Online {
    Settled(Unlock),
    /// No HTTP answer (`network`, `timeout`): the verifier decides, through
    /// [`settle_offline`] with this error.
    NoAnswer(AuthError),
}

/// The online unlock settled. `record` is the locked session as it is now
/// (the count may have grown in another tab while the call was out);
/// `answer` is the login call's grant, with `expires_field` resolved as for
/// a login, and its exchange, or its error with the password redacted.
/// Success unlocks with the new tokens; `invalid_credentials` counts a
/// wrong password; `network` and `timeout` go to the verifier; any other
/// error (`server`, `rate_limited`, `bad_response`, `validation`, …) is
/// rejected as it is, counting nothing.
pub fn settle_online(
    record: &Record,
    answer: Result<(Grant, Exchange), AuthError>,
    unlock_attempts: u32,
) -> Online {
    match answer {
        Ok((grant, exchange)) => {
            Online::Settled(Unlock::NewTokens(continued(record, grant, exchange)))
        }
        Err(error) if matches!(error.code, Code::Network | Code::Timeout) => {
            Online::NoAnswer(error)
        }
        Err(error) if error.code == Code::InvalidCredentials => {
            Online::Settled(wrong(record, error, unlock_attempts))
        }
        Err(error) => Online::Settled(Unlock::Reject(error)),
    }
}

/// What the verifier held in memory since this client's last successful
/// `login()` or `unlock()` says of the password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offline {
    /// None is held: the page was reloaded since, or this client never
    /// signed in itself (a restored or duplicated session).
    NoVerifier,
    Matches,
    Differs,
}

/// The unlock settled by the verifier after the login call got no answer
/// (`no_answer`, its `network` or `timeout` error). A match unlocks with
/// the same tokens; a mismatch counts a wrong password; no verifier rejects
/// with the network error and counts nothing.
pub fn settle_offline(
    record: &Record,
    no_answer: AuthError,
    offline: Offline,
    unlock_attempts: u32,
) -> Unlock {
    match offline {
        Offline::NoVerifier => Unlock::Reject(no_answer),
        Offline::Matches => Unlock::SameTokens(Record {
            locked: false,
            failed_unlocks: 0,
            ..record.clone()
        }),
        Offline::Differs => {
            let error = AuthError::new(Code::InvalidCredentials, "Wrong password.");
            wrong(record, error, unlock_attempts)
        }
    }
}

fn wrong(record: &Record, error: AuthError, unlock_attempts: u32) -> Unlock {
    match wrong_attempt(record.failed_unlocks, unlock_attempts) {
        Attempt::Counted(count) => Unlock::Wrong {
            record: Record {
                failed_unlocks: count,
                ..record.clone()
            },
            error,
        },
        Attempt::TooMany => Unlock::TooMany(AuthError::of(Code::TooManyAttempts)),
    }
}

/// The session continued with a login's tokens, as a second `login()`
/// replaces them, but keeping its id: unlocked, no wrong passwords.
fn continued(record: &Record, mut grant: Grant, exchange: Exchange) -> Record {
    grant.user = grant.user.or_else(|| Some(record.user.clone()));
    let id = record.id.clone();
    Record {
        generation: record.generation.saturating_add(1),
        ..Record::from_login(record.backend, &record.base_url, id, grant, exchange)
    }
}

/// Whether `user` holds `right`: portos `rights`; the other back ends send
/// none, so it is never so there.
pub fn has_right(user: &UserProfile, right: &str) -> bool {
    user.rights.iter().any(|held| held == right)
}

/// The approver accepted, or `forbidden` when `right` is asked and they
/// lack it. Their token is ended either way (`Backend::logout_request`).
pub fn check_approver(user: &UserProfile, right: Option<&str>) -> Result<(), AuthError> {
    match right {
        Some(right) if !has_right(user, right) => Err(AuthError::new(
            Code::Forbidden,
            ["The approver lacks the right \"", right, "\"."].concat(),
        )),
        _ => Ok(()),
    }
}

/// `approve(credentials, options)`'s options as the module reads them.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApproveOptions {
    /// The object's own member names, to refuse unknown ones.
    #[serde(skip)]
    pub names: Vec<String>,
    pub right: Field<String>,
}

impl Named for ApproveOptions {
    fn set_names(&mut self, names: Vec<String>) {
        self.names = names;
    }
}

/// The right an approval asks for (`None`: any approver who signs in).
/// `options` is `None` when the argument was neither an object nor
/// `undefined`; the web layer reads `undefined` as an empty object.
pub fn approval_right(options: Option<&ApproveOptions>) -> Result<Option<String>, AuthError> {
    let o = options.ok_or_else(|| {
        AuthError::invalid("approve options must be an object such as { right: \"void\" }")
    })?;
    if let Some(k) = o.names.iter().find(|k| k.as_str() != "right") {
        return Err(AuthError::invalid(
            ["unknown approve option \"", k, "\""].concat(),
        ));
    }
    match &o.right {
        Field::Absent => Ok(None),
        Field::Given(right) if !right.is_empty() => Ok(Some(right.clone())),
        _ => Err(AuthError::invalid("right must be a non-empty string")),
    }
}

// In their own file: with them this one would pass the 450-line limit.
#[cfg(test)]
mod tests;
