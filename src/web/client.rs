//! `AuthClient`: the session's state, the flows of login, refresh, profile
//! and logout, and the events they report.
//!
//! State sits in `Rc<RefCell<Inner>>` and every method takes `&self` and
//! returns its promise at once, so a timer, a listener or `free()` can come
//! in while a request is in flight. No borrow is held across an `.await` or
//! while a listener runs (listeners call back in).

use crate::core::backend::{self, HttpRequest};
use crate::core::error::{self, AuthError, Call, Code};
use crate::core::options::{self, Config, Options};
use crate::core::machine::{self, On401, Settled};
use crate::core::schedule::{self, Action, Progress};
use crate::core::session::Record;
use crate::web::convert::{self, now};
use crate::core::field::Field;
use crate::web::events::{self, SharedListeners};
use crate::web::guard;
use crate::web::http::{self, Answer};
use crate::web::storage::Store;
use crate::web::tabs::{self, Channel, Message};
use crate::web::timer::Timer;
use js_sys::{Function, Promise, Reflect};
use ::core::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

mod access_token;
mod login;
mod profile;
mod refresh;
pub use access_token::access_token;
pub use login::{login, logout};
pub use profile::profile;
pub use refresh::{after_401, refresh, refresh_if_due, refresh_shared, After401};

pub type Shared = Rc<RefCell<Inner>>;

pub struct Inner {
    pub cfg: Config,
    store: Store,
    record: Option<Record>,
    /// The `Session` object handed out, the same until the session changes.
    session_js: Option<JsValue>,
    listeners: SharedListeners,
    progress: Progress,
    /// Bumped by login, logout and the end of a session, so a refresh that
    /// answers afterwards is discarded.
    epoch: u64,
    refresh_flight: Option<(u64, Promise)>,
    flights: u64,
    /// Settles when the latest login is done: logins run one at a time.
    login_tail: Option<Promise>,
    timer: Option<Timer>,
    /// The channel to duplicated tabs holding the same session.
    channel: Option<Channel>,
    self_weak: Weak<RefCell<Inner>>,
    /// This client's requests in flight (see `guard.js`).
    inflight: JsValue,
    pub disposed: bool,
    /// What `fetch.js` asks for tokens (see `web::fetch`).
    pub fetch_gate: JsValue,
}

/// An authentication client for one POS back end.
#[wasm_bindgen]
pub struct AuthClient {
    pub(crate) inner: Shared,
}

impl Inner {
    pub fn record(&self) -> Option<&Record> {
        self.record.as_ref()
    }

    /// The current `Session` object, or null. A session that cannot refresh
    /// reads as null once past its expiry, before the timer removes it.
    pub fn session_value(&mut self) -> JsValue {
        let Some(record) = &self.record else { return JsValue::NULL };
        if schedule::ended(record, now()) {
            return JsValue::NULL;
        }
        self.session_js.get_or_insert_with(|| convert::session(record)).clone()
    }

    /// Whether the token is inside the refresh margin and can be refreshed.
    pub fn refresh_due(&self) -> bool {
        self.refresh_due_within(None)
    }

    /// Whether the session can refresh and its token expires within
    /// `validity_ms` (`None`: the refresh margin).
    pub fn refresh_due_within(&self, validity_ms: Option<i64>) -> bool {
        self.record.as_ref().is_some_and(|r| {
            let validity = validity_ms.unwrap_or_else(|| schedule::margin(r, self.cfg.refresh_margin_ms));
            r.can_refresh() && schedule::expires_within(r, validity, now())
        })
    }

    /// Replaces the session and commits it to storage.
    fn commit(&mut self, record: Option<Record>) {
        match &record {
            Some(r) => self.store.save(r),
            None => self.store.remove(),
        }
        if record.as_ref().map(|r| &r.access_token) != self.record.as_ref().map(|r| &r.access_token) {
            self.progress = Progress::default();
        }
        self.record = record;
        self.session_js = None;
        self.sync_channel();
        self.publish_to_fetch();
    }

    /// Hands `fetch.js` the session and how long its token is good for, so a
    /// request with a fresh token needs no call into wasm.
    fn publish_to_fetch(&mut self) {
        let (session, until) = match &self.record {
            Some(r) if !self.disposed => {
                let until = schedule::fresh_until(r, self.cfg.refresh_margin_ms).map_or(f64::INFINITY, |t| t as f64);
                (self.session_value(), until)
            }
            _ => (JsValue::NULL, 0.0),
        };
        crate::web::fetch::publish(&self.fetch_gate, &session, until);
    }

    /// `${storageKey}:${id}`: the channel and lock of the current session.
    fn channel_name(&self) -> Option<String> {
        let record = self.record.as_ref().filter(|_| self.store.shared_with_tabs() && !self.disposed)?;
        Some([self.cfg.storage_key.as_str(), ":", record.id.as_str()].concat())
    }

    /// Keeps one channel open, to the peers of the current session only.
    fn sync_channel(&mut self) {
        let name = self.channel_name();
        if self.channel.as_ref().map(|c| &c.name) == name.as_ref() {
            return;
        }
        let weak = self.self_weak.clone();
        self.channel = name.and_then(|n| {
            Channel::open(n, move |m| {
                if let Some(rc) = weak.upgrade() {
                    on_peer_message(&rc, m);
                }
            })
        });
    }

    fn broadcast(&self, message: &Message) {
        if let Some(c) = &self.channel {
            c.send(message);
        }
    }
}

/// A peer tab refreshed, signed out or lost the session.
fn on_peer_message(rc: &Shared, message: Message) {
    match message {
        Message::Rotated(text) => {
            let adopted = {
                let mut inner = rc.borrow_mut();
                let newer = inner.record.as_ref().and_then(|mine| {
                    Record::from_text(&text, mine.backend, &mine.base_url)
                        .filter(|r| r.id == mine.id && r.generation > mine.generation)
                });
                let adopted = newer.is_some();
                if adopted {
                    inner.commit(newer);
                }
                adopted
            };
            if adopted {
                emit(rc, "refreshed", None);
                tick(rc);
            }
        }
        Message::SignedOut => end_session(rc, "signedOut", None),
        Message::Expired(generation) => {
            // A peer whose token is older than ours says nothing about ours.
            let ours = rc.borrow().record.as_ref().map(|r| r.generation);
            if ours.is_some_and(|g| g <= generation) {
                end_session(rc, "expired", Some(&AuthError::of(Code::SessionExpired)));
            }
        }
    }
}

pub fn check(rc: &Shared) -> Result<(), JsValue> {
    if rc.borrow().disposed {
        Err(convert::code_error(Code::Disposed))
    } else {
        Ok(())
    }
}

/// Builds a client from JS options (shared by the constructor and `configure`).
pub fn create(options: &JsValue, listeners: SharedListeners) -> Result<Shared, JsValue> {
    let storage_like = guard::storage_option(options);
    let cfg = parse_options(options, storage_like.is_some()).map_err(|e| convert::error(&e))?;
    let store = Store::new(&cfg.storage_key, cfg.session_storage, storage_like);
    let record = restore(&store, &cfg);
    let rc = Rc::new_cyclic(|self_weak| RefCell::new(Inner {
        cfg,
        store,
        record,
        session_js: None,
        listeners,
        progress: Progress::default(),
        epoch: 0,
        refresh_flight: None,
        flights: 0,
        login_tail: None,
        timer: None,
        channel: None,
        self_weak: self_weak.clone(),
        inflight: http::make_inflight(),
        disposed: false,
        fetch_gate: JsValue::UNDEFINED,
    }));
    let gate = crate::web::fetch::gate_for(&rc);
    rc.borrow_mut().fetch_gate = gate;
    rc.borrow_mut().publish_to_fetch();
    let weak = Rc::downgrade(&rc);
    let timer = Timer::new(Closure::new(move || {
        if let Some(rc) = weak.upgrade() {
            tick(&rc);
        }
    }));
    let mut t = timer;
    // The first look at the clock waits for a task, so that listeners added
    // right after construction get `initial` before any `expiring`.
    t.arm(0);
    {
        let mut inner = rc.borrow_mut();
        inner.timer = Some(t);
        inner.sync_channel();
    }
    Ok(rc)
}

fn parse_options(options: &JsValue, storage_like: bool) -> Result<Config, AuthError> {
    let cfg = read_options(options, storage_like)?;
    // Asking Intl about a zone loads that zone's data: 20-50 ms in a fresh
    // page, most of the start-up. The default needs no asking (zoneOffset
    // falls back to its old name on an older ICU), so only a zone the page
    // chose is checked here.
    let chosen = cfg.server_time_zone != crate::core::options::DEFAULT_SERVER_TIME_ZONE;
    if chosen && convert::offset_in(&cfg.server_time_zone, 0).is_none() {
        return Err(AuthError::invalid("serverTimeZone must be an IANA time zone such as \"Europe/Kyiv\""));
    }
    Ok(cfg)
}

fn read_options(options: &JsValue, storage_like: bool) -> Result<Config, AuthError> {
    let mut read = guard::read_object::<Options>(options);
    if let Some(o) = read.as_mut() {
        o.storage_like = storage_like;
    }
    if let Some(Field::Given(s)) = read.as_mut().map(|o| &mut o.base_url) {
        *s = resolve_base_url(s)?;
    }
    options::parse(read.as_ref())
}

/// The browser's own parser normalises case, ports and dot segments. A
/// relative `baseUrl` (`/portos`, `./api`, `../pos`), as a same-origin
/// deployment behind a proxy has, is resolved against the page's or
/// Worker's `location`, once: the session and `fetch` use the absolute form.
fn resolve_base_url(given: &str) -> Result<String, AuthError> {
    let relative = given.starts_with('/') || given.starts_with("./") || given.starts_with("../");
    let url = if relative {
        let location = js_sys::Reflect::get(&js_sys::global(), &"location".into())
            .ok()
            .and_then(|l| js_sys::Reflect::get(&l, &"href".into()).ok())
            .and_then(|href| href.as_string())
            .ok_or_else(|| AuthError::invalid("baseUrl is relative, and there is no location to resolve it against here (Node): give an absolute URL"))?;
        web_sys::Url::new_with_base(given, &location)
    } else {
        web_sys::Url::new(given)
    };
    let url = url.map_err(|_| AuthError::invalid("baseUrl must be an absolute URL, or one relative to the page starting with /, ./ or ../"))?;
    Ok(url.href())
}

/// The stored session, if it is valid and still alive; anything else is removed.
fn restore(store: &Store, cfg: &Config) -> Option<Record> {
    let record = store.load()?.accepted(cfg.backend, &cfg.base_url).filter(|r| !schedule::ended(r, now()));
    if record.is_none() {
        store.remove();
    }
    record
}

/// Calls the listeners with an event; the session is read after the change
/// was committed, and no borrow is held while they run.
pub fn emit(rc: &Shared, kind: &str, error: Option<&AuthError>) {
    let (session, listeners) = {
        let mut inner = rc.borrow_mut();
        let session = if kind == "expired" || kind == "signedOut" { JsValue::NULL } else { inner.session_value() };
        let listeners = inner.listeners.borrow().functions();
        (session, listeners)
    };
    events::dispatch(&listeners, kind, &session, error);
}

/// Looks at the clock: refreshes, warns or ends the session when due, then
/// re-arms the timer for the next moment that matters.
pub fn tick(rc: &Shared) {
    loop {
        let plan = {
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
            schedule::plan(record, inner.cfg.auto_refresh, inner.cfg.refresh_margin_ms, inner.progress, now())
        };
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
        if let Some(t) = rc.borrow_mut().timer.as_mut() {
            match plan.wake_at {
                Some(at) => t.arm(schedule::timer_delay(at, now())),
                None => t.clear(),
            }
        }
        return;
    }
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
        inner.commit(None);
        if let Some(t) = inner.timer.as_mut() {
            t.clear();
        }
    }
    emit(rc, kind, error);
}

async fn send(rc: &Shared, req: HttpRequest) -> Result<Answer, AuthError> {
    let pending = {
        let inner = rc.borrow();
        http::start(req, &inner.cfg, &inner.inflight)
    };
    http::answer(pending).await
}

fn is_success(status: u16) -> bool {
    (200..300).contains(&status)
}

pub fn dispose(rc: &Shared) {
    let mut inner = rc.borrow_mut();
    if inner.disposed {
        return;
    }
    inner.disposed = true;
    inner.timer = None;
    inner.channel = None;
    http::abort_all(&inner.inflight);
    // Drop this client's hold on the listeners without an event; a shared
    // (default-client) list lives on for the next client.
    inner.listeners = Rc::default();
    inner.refresh_flight = None;
    inner.publish_to_fetch();
}

pub fn session(rc: &Shared) -> Result<JsValue, JsValue> {
    check(rc)?;
    Ok(rc.borrow_mut().session_value())
}

pub fn on_change(rc: &Shared, listener: JsValue) -> Result<JsValue, JsValue> {
    check(rc)?;
    let listener: Function = listener
        .dyn_into()
        .map_err(|_| convert::error(&AuthError::invalid("onChange needs a function")))?;
    let weak = Rc::downgrade(rc);
    let session_of: Rc<dyn Fn() -> JsValue> =
        Rc::new(move || weak.upgrade().map_or(JsValue::NULL, |rc| rc.borrow_mut().session_value()));
    let listeners = rc.borrow().listeners.clone();
    Ok(events::subscribe(&listeners, session_of, listener))
}

#[wasm_bindgen]
impl AuthClient {
    /// Creates a client; throws `AuthError("invalid_argument")` on bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<AuthClient, JsValue> {
        Ok(AuthClient { inner: create(&options, Rc::default())? })
    }

    /// Signs in; resolves with the new session.
    pub fn login(&self, credentials: JsValue) -> Promise {
        convert::promise(login(self.inner.clone(), credentials))
    }

    /// The signed-in user (PORTOS asks the server).
    pub fn profile(&self) -> Promise {
        convert::promise(profile(self.inner.clone()))
    }

    /// Refreshes the session now (shared with any refresh in flight).
    pub fn refresh(&self) -> Promise {
        convert::promise(refresh(self.inner.clone()))
    }

    /// Signs out: the local session is cleared even when the server call fails.
    pub fn logout(&self) -> Promise {
        convert::promise(logout(self.inner.clone()))
    }

    /// The current session, or null.
    pub fn session(&self) -> Result<JsValue, JsValue> {
        session(&self.inner)
    }

    /// The access token, refreshed first when it expires within
    /// `minValidity` seconds (default: the refresh margin).
    #[wasm_bindgen(js_name = accessToken)]
    pub fn access_token(&self, options: JsValue) -> Promise {
        convert::promise(access_token(self.inner.clone(), options))
    }

    /// `fetch` that adds the bearer token to requests under `baseUrl`.
    pub fn fetch(&self, input: JsValue, init: JsValue) -> Promise {
        crate::web::fetch::auth_fetch(&self.inner, &input, &init)
    }

    /// Subscribes to session changes; returns the unsubscribe function.
    #[wasm_bindgen(js_name = onChange)]
    pub fn on_change(&self, listener: JsValue) -> Result<JsValue, JsValue> {
        on_change(&self.inner, listener)
    }

    /// Stops timers, listeners and requests; the stored session stays.
    pub fn dispose(&self) {
        dispose(&self.inner);
    }
}

impl Drop for AuthClient {
    fn drop(&mut self) {
        dispose(&self.inner);
    }
}
