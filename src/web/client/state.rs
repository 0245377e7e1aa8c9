//! One client's state, `Inner` behind `Shared`, and the moves every flow
//! makes on it: commit a session (to storage, peer tabs and `fetch`),
//! report an event, end the session, send a request.
//!
//! Every method of `AuthClient` takes `&self` and returns its promise at
//! once, so a timer, a listener or `free()` can come in while a request is
//! in flight: no borrow is held across an `.await` or while a listener runs
//! (listeners call back in).

use ::core::cell::RefCell;
use js_sys::Promise;
use std::rc::Rc;
use std::rc::Weak;
use wasm_bindgen::prelude::*;

use crate::core::backend::HttpRequest;
use crate::core::error::{AuthError, Code};
use crate::core::options::Config;
use crate::core::schedule::{self, Progress};
use crate::core::session::Record;
use crate::web::convert::{self, now};
use crate::web::events::{self, SharedListeners};
use crate::web::fetch;
use crate::web::http::{self, Answer};
use crate::web::idle::InputWatch;
use crate::web::storage::Store;
use crate::web::tabs::{Channel, Message};
use crate::web::timer::Timer;
use crate::web::verifier::Keeper;

pub type Shared = Rc<RefCell<Inner>>;

pub struct Inner {
    pub(super) cfg: Config,
    pub(super) store: Store,
    pub(super) record: Option<Record>,
    /// The `Session` object handed out, the same until the session changes.
    pub(super) session_js: Option<JsValue>,
    pub(super) listeners: SharedListeners,
    pub(super) progress: Progress,
    /// Bumped by login, logout and the end of a session, so a refresh that
    /// answers afterwards is discarded.
    pub(super) epoch: u64,
    pub(super) refresh_flight: Option<(u64, Promise)>,
    pub(super) flights: u64,
    /// Settles when the latest login is done: logins run one at a time.
    pub(super) login_tail: Option<Promise>,
    pub(super) timer: Option<Timer>,
    /// The channel to duplicated tabs holding the same session.
    pub(super) channel: Option<Channel>,
    pub(super) self_weak: Weak<RefCell<Inner>>,
    /// What a message from a peer tab does (`peers::on_peer_message`), and
    /// the timer's look at the clock (`clock::tick`): handed in at creation,
    /// so that this module needs nothing above it.
    pub(super) on_peer: fn(&Shared, Message),
    pub(super) tick: fn(&Shared),
    /// This client's requests in flight (see `js/http.js`).
    pub(super) inflight: JsValue,
    pub(super) disposed: bool,
    /// What `js/fetch.js` asks for tokens (see `web::fetch`).
    pub(super) fetch_gate: JsValue,
    /// The offline unlock's verifier of the session's cashier.
    pub(super) verifier: Keeper,
    /// For the idle lock: the latest of the session's start or restore in
    /// this page, the last unlock and the last input in any tab (local ms).
    pub(super) last_activity: i64,
    /// When this tab last told its peers of input (at most once a second).
    pub(super) activity_told: i64,
    /// The page's input listeners, while `idleLock` is on.
    pub(super) input: Option<InputWatch>,
}

impl Inner {
    pub fn record(&self) -> Option<&Record> {
        self.record.as_ref()
    }

    /// The current `Session` object, or null. A session that cannot refresh
    /// reads as null once past its expiry, before the timer removes it.
    pub fn session_value(&mut self) -> JsValue {
        let Some(record) = &self.record else {
            return JsValue::NULL;
        };
        if schedule::ended(record, now()) {
            return JsValue::NULL;
        }
        self.session_js
            .get_or_insert_with(|| convert::session(record))
            .clone()
    }

    /// Whether the token is inside the refresh margin and can be refreshed.
    pub fn refresh_due(&self) -> bool {
        self.refresh_due_within(None)
    }

    /// Whether the session can refresh and its token expires within
    /// `validity_ms` (`None`: the refresh margin).
    pub fn refresh_due_within(&self, validity_ms: Option<i64>) -> bool {
        self.record.as_ref().is_some_and(|r| {
            let validity =
                validity_ms.unwrap_or_else(|| schedule::margin(r, self.cfg.refresh_margin_ms));
            r.can_refresh() && schedule::expires_within(r, validity, now())
        })
    }

    /// Replaces the session and commits it to storage.
    pub(super) fn commit(&mut self, record: Option<Record>) {
        match &record {
            Some(r) => self.store.save(r),
            None => self.store.remove(),
        }
        if record.as_ref().map(|r| &r.access_token) != self.record.as_ref().map(|r| &r.access_token)
        {
            self.progress = Progress::default();
        }
        self.record = record;
        self.session_js = None;
        self.sync_channel();
        self.publish_to_fetch();
    }

    /// Commits a change of the till's state (locked, unlocked) and tells
    /// the tabs holding the session.
    pub(super) fn commit_till(&mut self, record: Record) {
        self.broadcast(&Message::Till(record.to_text()));
        self.commit(Some(record));
    }

    /// Stores a record whose `Session` object is unchanged (a wrong
    /// password counted) and tells the tabs holding it.
    pub(super) fn commit_count(&mut self, record: Record) {
        self.store.save(&record);
        self.broadcast(&Message::Wrong(record.to_text()));
        self.record = Some(record);
    }

    /// Hands `js/fetch.js` the session and how long its token is good for, so a
    /// request with a fresh token needs no call into wasm.
    pub(super) fn publish_to_fetch(&mut self) {
        let (session, until) = match &self.record {
            Some(r) if !self.disposed => {
                let until = schedule::fresh_until(r, self.cfg.refresh_margin_ms)
                    .map_or(f64::INFINITY, |t| t as f64);
                (self.session_value(), until)
            }
            _ => (JsValue::NULL, 0.0),
        };
        fetch::publish(&self.fetch_gate, &session, until);
    }

    /// `${storageKey}:${id}`: the channel and lock of the current session.
    pub(super) fn channel_name(&self) -> Option<String> {
        let record = self
            .record
            .as_ref()
            .filter(|_| self.store.shared_with_tabs() && !self.disposed)?;
        Some([self.cfg.storage_key.as_str(), ":", record.id.as_str()].concat())
    }

    /// Keeps one channel open, to the peers of the current session only.
    pub(super) fn sync_channel(&mut self) {
        let name = self.channel_name();
        if self.channel.as_ref().map(|c| &c.name) == name.as_ref() {
            return;
        }
        let weak = self.self_weak.clone();
        self.channel = name.and_then(|n| {
            Channel::open(n, move |m| {
                if let Some(rc) = weak.upgrade() {
                    let on_peer = rc.borrow().on_peer;
                    on_peer(&rc, m);
                }
            })
        });
    }

    pub(super) fn broadcast(&self, message: &Message) {
        if let Some(c) = &self.channel {
            c.send(message);
        }
    }
}

/// Looks at the clock again after a change (`clock::tick`): the next
/// refresh, warning, end or idle lock.
pub fn replan(rc: &Shared) {
    let tick = rc.borrow().tick;
    tick(rc);
}

pub fn check(rc: &Shared) -> Result<(), JsValue> {
    if rc.borrow().disposed {
        Err(convert::code_error(Code::Disposed))
    } else {
        Ok(())
    }
}

/// Calls the listeners with an event; the session is read after the change
/// was committed, and no borrow is held while they run.
pub fn emit(rc: &Shared, kind: &str, error: Option<&AuthError>) {
    let (session, listeners) = {
        let mut inner = rc.borrow_mut();
        let session = if kind == "expired" || kind == "signedOut" {
            JsValue::NULL
        } else {
            inner.session_value()
        };
        let listeners = inner.listeners.borrow().functions();
        (session, listeners)
    };
    events::dispatch(&listeners, kind, &session, error);
}

/// Drops the session and reports `kind` (`expired` or `signedOut`).
pub fn end_session(rc: &Shared, kind: &str, error: Option<&AuthError>) {
    {
        let mut inner = rc.borrow_mut();
        if inner.record.is_none() {
            return;
        }
        inner.epoch += 1;
        inner.refresh_flight = None;
        inner.verifier.clear();
        inner.commit(None);
        if let Some(t) = inner.timer.as_mut() {
            t.clear();
        }
    }
    emit(rc, kind, error);
}

pub(super) async fn send(rc: &Shared, req: HttpRequest) -> Result<Answer, AuthError> {
    let pending = {
        let inner = rc.borrow();
        http::start(req, &inner.cfg, &inner.inflight)
    };
    http::answer(pending).await
}

pub(super) fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}
