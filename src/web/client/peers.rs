//! What duplicated tabs holding the same session tell this one: rotated
//! tokens, the till's state, input (for the idle lock), and the end of the
//! session.

use super::state::{emit, end_session, replan, Shared};
use super::till::too_many;
use crate::core::error::{AuthError, Code};
use crate::core::session::Record;
use crate::core::till::{self, Attempt};
use crate::web::convert::now;
use crate::web::storage;
use crate::web::tabs::Message;

pub fn on_peer_message(rc: &Shared, message: Message) {
    match message {
        Message::Rotated(text) => adopt(rc, &text, Kind::Refresh),
        Message::Till(text) => adopt(rc, &text, Kind::Till),
        Message::Wrong(text) => adopt(rc, &text, Kind::Wrong),
        Message::Activity(at) => {
            let mut inner = rc.borrow_mut();
            inner.last_activity = inner.last_activity.max(at);
        }
        Message::SignedOut => end_session(rc, "signedOut", None),
        Message::TooManyAttempts => {
            end_session(rc, "signedOut", Some(&AuthError::of(Code::TooManyAttempts)))
        }
        Message::Expired(generation) => {
            // A peer whose token is older than ours says nothing about ours.
            let ours = rc.borrow().record.as_ref().map(|r| r.generation);
            if ours.is_some_and(|g| g <= generation) {
                end_session(rc, "expired", Some(&AuthError::of(Code::SessionExpired)));
            }
        }
    }
}

/// What a peer's record is news of.
enum Kind {
    /// New tokens only: it says nothing of the lock (it may have been
    /// taken before a lock here).
    Refresh,
    /// The lock state and count, as the peer set them.
    Till,
    /// One more wrong password, counted with this tab's own.
    Wrong,
}

/// A peer's record of this session: its newer tokens, and, from a till
/// message, its lock state and wrong-password count.
fn adopt(rc: &Shared, text: &str, kind: Kind) {
    let event = {
        let mut inner = rc.borrow_mut();
        let Some(mine) = inner.record.clone() else {
            return;
        };
        let Some(theirs) = storage::record_from_text(text, mine.backend, &mine.base_url)
            .filter(|r| r.id == mine.id)
        else {
            return;
        };
        let newer = theirs.generation > mine.generation;
        let (locked, failed_unlocks) = match kind {
            Kind::Refresh => (mine.locked, mine.failed_unlocks),
            Kind::Till => (theirs.locked, theirs.failed_unlocks),
            Kind::Wrong => {
                let limit = inner.cfg.unlock_attempts;
                match till::peer_wrong_attempt(mine.failed_unlocks, theirs.failed_unlocks, limit) {
                    Attempt::Counted(count) => (theirs.locked, count),
                    Attempt::TooMany => {
                        drop(inner);
                        too_many(rc, &AuthError::of(Code::TooManyAttempts));
                        return;
                    }
                }
            }
        };
        let next = Record {
            locked,
            failed_unlocks,
            ..if newer { theirs } else { mine.clone() }
        };
        if next == mine {
            return;
        }
        let event = if next.locked != mine.locked {
            Some(if next.locked { "locked" } else { "unlocked" })
        } else if next.access_token != mine.access_token {
            Some("refreshed")
        } else {
            None
        };
        if event.is_some() {
            if event == Some("unlocked") {
                inner.last_activity = now();
            }
            inner.commit(Some(next));
        } else {
            // Only the count changed: the `Session` object stays the same.
            inner.store.save(&next);
            inner.record = Some(next);
        }
        event
    };
    if let Some(event) = event {
        emit(rc, event, None);
        replan(rc);
    }
}
