//! The timer's look at the clock (`tick`): refresh, warn or end the
//! session when due, lock it when the till has been idle for `idleLock`,
//! then re-arm the one timer for the next moment that matters.

use wasm_bindgen_futures::JsFuture;

use super::refresh::refresh_shared;
use super::state::{emit, end_session, Shared};
use super::till::lock_session;
use crate::core::error::{AuthError, Code};
use crate::core::schedule::{self, Action};
use crate::core::till::idle_deadline;
use crate::web::convert::now;

pub fn tick(rc: &Shared) {
    loop {
        let (plan, idle_at) = {
            let inner = rc.borrow();
            if inner.disposed {
                return;
            }
            let Some(record) = &inner.record else {
                drop(inner);
                if let Some(t) = rc.borrow_mut().timer.as_mut() {
                    t.clear();
                }
                return;
            };
            let plan = schedule::plan(
                record,
                inner.cfg.auto_refresh,
                inner.cfg.refresh_margin_ms,
                inner.progress,
                now(),
            );
            let idle_at = (!record.locked && inner.input.is_some())
                .then(|| idle_deadline(inner.last_activity, inner.cfg.idle_lock_ms))
                .flatten();
            (plan, idle_at)
        };
        if idle_at.is_some_and(|at| at <= now()) {
            lock_session(rc);
            continue;
        }
        match plan.action {
            Action::End => {
                end_session(rc, "expired", Some(&AuthError::of(Code::SessionExpired)));
                return;
            }
            Action::Expiring => {
                rc.borrow_mut().progress.expiring_sent = true;
                emit(rc, "expiring", None);
                continue;
            }
            Action::Refresh => {
                // The refresh re-plans when it settles; a failure is reported by events.
                let flight = JsFuture::from(refresh_shared(rc, true));
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = flight.await;
                });
            }
            Action::Idle => {}
        }
        let wake_at = match (plan.wake_at, idle_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let Some(t) = rc.borrow_mut().timer.as_mut() {
            match wake_at {
                Some(at) => t.arm(schedule::timer_delay(at, now())),
                None => t.clear(),
            }
        }
        return;
    }
}
