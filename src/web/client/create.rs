//! A client from the caller's options: validated, its `baseUrl` resolved
//! once, the stored session restored (or removed), the timer armed.

use ::core::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

use super::clock::tick;
use super::fetch_gate::ClientGate;
use super::peers::on_peer_message;
use super::state::{Inner, Shared};
use super::till::note_input;
use crate::core::error::AuthError;
use crate::core::field::Field;
use crate::core::options::{self, Config, Options, DEFAULT_SERVER_TIME_ZONE};
use crate::core::schedule::{self, Progress};
use crate::core::session::Record;
use crate::web::convert::{self, now};
use crate::web::events::SharedListeners;
use crate::web::fetch;
use crate::web::guard;
use crate::web::http;
use crate::web::idle::InputWatch;
use crate::web::storage::Store;
use crate::web::timer::Timer;
use crate::web::verifier::Keeper;

/// Builds a client from JS options (shared by the constructor and `configure`).
pub fn create(options: &JsValue, listeners: SharedListeners) -> Result<Shared, JsValue> {
    let storage_like = guard::storage_option(options);
    let cfg = parse_options(options, storage_like.is_some()).map_err(|e| convert::error(&e))?;
    let store = Store::new(&cfg.storage_key, cfg.session_storage, storage_like);
    let record = restore(&store, &cfg);
    let rc = Rc::new_cyclic(|self_weak| {
        RefCell::new(Inner {
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
            on_peer: on_peer_message,
            tick,
            inflight: http::make_inflight(),
            disposed: false,
            fetch_gate: JsValue::UNDEFINED,
            verifier: Keeper::default(),
            last_activity: now(),
            activity_told: 0,
            input: None,
        })
    });
    let gate = {
        let inner = rc.borrow();
        fetch::make_gate(
            Box::new(ClientGate::new(&rc)),
            inner.cfg.base_origin_and_path(),
            inner.cfg.extra_headers(),
        )
    };
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
    let input = (rc.borrow().cfg.idle_lock_ms > 0)
        .then(|| {
            let weak = Rc::downgrade(&rc);
            InputWatch::start(move || {
                if let Some(rc) = weak.upgrade() {
                    note_input(&rc);
                }
            })
        })
        .flatten();
    {
        let mut inner = rc.borrow_mut();
        inner.timer = Some(t);
        inner.input = input;
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
    let chosen = cfg.server_time_zone != DEFAULT_SERVER_TIME_ZONE;
    if chosen && convert::offset_in(&cfg.server_time_zone, 0).is_none() {
        return Err(AuthError::invalid(
            "serverTimeZone must be an IANA time zone such as \"Europe/Kyiv\"",
        ));
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
    let record = store
        .load()?
        .accepted(cfg.backend, &cfg.base_url)
        .filter(|r| !schedule::ended(r, now()));
    if record.is_none() {
        store.remove();
    }
    record
}
