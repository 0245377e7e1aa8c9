//! Change listeners and the events they receive. Listeners are called with
//! no borrow of the client held: they may call back into it.

use crate::core::error::AuthError;
use crate::web::convert;
use crate::web::guard::{self, Preserved};
use ::core::cell::RefCell;
use js_sys::Function;
use serde::Serialize;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &JsValue);
}

#[wasm_bindgen(module = "/target/js/page.js")]
extern "C" {
    /// `listener`, bound to run in the zone.js zone current now (Angular's:
    /// see `js/zone.js`); itself without zone.js.
    #[wasm_bindgen(js_name = boundToCurrentZone)]
    fn bound_to_current_zone(listener: Function) -> Function;
}

/// Change listeners; the default client's list outlives the client itself.
#[derive(Default)]
pub struct Listeners {
    next_id: u32,
    list: Vec<(u32, Function)>,
}

pub type SharedListeners = Rc<RefCell<Listeners>>;

impl Listeners {
    pub fn ids_and_functions(&self) -> Vec<(u32, Function)> {
        self.list.clone()
    }

    pub fn functions(&self) -> Vec<Function> {
        self.list.iter().map(|(_, f)| f.clone()).collect()
    }
}

/// Calls each listener in subscription order; one that throws is reported
/// and does not stop the others.
pub fn dispatch(listeners: &[Function], kind: &str, session: &JsValue, error: Option<&AuthError>) {
    let event = event(kind, session, error);
    for listener in listeners {
        if let Err(e) = listener.call1(&JsValue::NULL, &event) {
            convert::report(&e);
        }
    }
}

/// An `AuthEvent` of docs/API.md.
#[derive(Serialize)]
struct Event<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    session: Preserved,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Preserved>,
}

fn event(kind: &str, session: &JsValue, error: Option<&AuthError>) -> JsValue {
    guard::to_js(&Event {
        kind,
        session: Preserved(session.clone()),
        error: error.map(|e| Preserved(convert::error(e))),
    })
}

/// Adds a listener, bound to the zone.js zone it subscribed from, and
/// delivers `initial` to it in a microtask, with the session current at
/// delivery. Returns the unsubscribe function.
pub fn subscribe(
    listeners: &SharedListeners,
    session_of: Rc<dyn Fn() -> JsValue>,
    listener: Function,
) -> JsValue {
    let listener = bound_to_current_zone(listener);
    let id = {
        let mut l = listeners.borrow_mut();
        l.next_id += 1;
        let id = l.next_id;
        l.list.push((id, listener.clone()));
        id
    };
    let weak = Rc::downgrade(listeners);
    deliver_initial(weak.clone(), id, session_of, listener);
    Closure::<dyn FnMut()>::new(move || {
        if let Some(l) = weak.upgrade() {
            l.borrow_mut().list.retain(|(i, _)| *i != id);
        }
    })
    .into_js_value()
}

pub fn deliver_initial(
    listeners: Weak<RefCell<Listeners>>,
    id: u32,
    session_of: Rc<dyn Fn() -> JsValue>,
    listener: Function,
) {
    let deliver = Closure::<dyn FnMut(JsValue)>::once_into_js(move |_: JsValue| {
        let subscribed = listeners
            .upgrade()
            .is_some_and(|l| l.borrow().list.iter().any(|(i, _)| *i == id));
        if subscribed {
            if let Err(e) = listener.call1(&JsValue::NULL, &event("initial", &session_of(), None)) {
                convert::report(&e);
            }
        }
    });
    queue_microtask(&deliver);
}
