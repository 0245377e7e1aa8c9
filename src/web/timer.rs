//! One re-armed timer per client, and the page events after which the wall
//! clock is checked again (a sleeping or throttled tab may have missed it).
//!
//! Everything is looked up on `globalThis` at each call, never through
//! `window`: a Worker, Node, jsdom and a test runner's fake timers each have
//! their own `setTimeout`, and only a page has a `window`. Both are set up
//! outside Angular's zone (see `js/page.js`).

use crate::core::options::MAX_TIMER_MS;
use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = globalThis, js_name = clearTimeout, catch)]
    fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;
}

#[wasm_bindgen(module = "/target/js/page.js")]
extern "C" {
    #[wasm_bindgen(js_name = schedule)]
    fn set_timeout(callback: &Function, ms: i32) -> JsValue;
    fn listen(target: &JsValue, kind: &str, callback: &Function, capture: bool);
}

const WAKE_EVENTS: [(bool, &str); 4] = [
    (true, "visibilitychange"),
    (false, "online"),
    (false, "focus"),
    (false, "pageshow"),
];

/// Calls `tick` when armed time passes and whenever the page wakes up.
pub struct Timer {
    tick: Closure<dyn FnMut()>,
    handle: Option<Handle>,
}

/// What `setTimeout` answered: a browser's number is kept as a number, so an
/// armed timer holds no JavaScript value; Node answers an object.
enum Handle {
    Id(f64),
    Object(JsValue),
}

impl Timer {
    pub fn new(tick: Closure<dyn FnMut()>) -> Timer {
        for (on_document, event) in WAKE_EVENTS {
            if let Some(target) = wake_target(on_document) {
                listen(&target, event, tick.as_ref().unchecked_ref(), false);
            }
        }
        Timer { tick, handle: None }
    }

    /// Fires once after `delay_ms` (clamped to what `setTimeout` takes whole),
    /// replacing any earlier arming.
    pub fn arm(&mut self, delay_ms: i64) {
        self.clear();
        let delay = delay_ms.clamp(0, MAX_TIMER_MS) as i32;
        self.handle =
            schedule(self.tick.as_ref().unchecked_ref(), delay).map(|handle| {
                match handle.as_f64() {
                    Some(id) => Handle::Id(id),
                    None => {
                        unref(&handle);
                        Handle::Object(handle)
                    }
                }
            });
    }

    pub fn clear(&mut self) {
        let _ = match self.handle.take() {
            Some(Handle::Id(id)) => clear_timeout(&id.into()),
            Some(Handle::Object(handle)) => clear_timeout(&handle),
            None => Ok(()),
        };
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.clear();
        for (on_document, event) in WAKE_EVENTS {
            if let Some(target) = wake_target(on_document) {
                let _ = target
                    .remove_event_listener_with_callback(event, self.tick.as_ref().unchecked_ref());
            }
        }
    }
}

/// `setTimeout(callback, ms)` on `globalThis`; `None` where there is none.
pub fn schedule(callback: &Function, ms: i32) -> Option<JsValue> {
    Some(set_timeout(callback, ms)).filter(|handle| !handle.is_undefined())
}

/// Node's timers and channels keep the process alive: a background refresh
/// must not keep a server-rendering process or a script from exiting.
/// (Browsers' timer handles are numbers, and nothing there has `unref`.)
pub fn unref(handle: &JsValue) {
    if !handle.is_object() {
        return;
    }
    if let Ok(unref) = Reflect::get(handle, &"unref".into()).and_then(|f| f.dyn_into::<Function>())
    {
        let _ = unref.call0(handle);
    }
}

/// The document (for `visibilitychange`) or the global scope (a window or
/// a Worker), when it takes listeners. Duck-typed: jsdom's objects are not
/// instances of the global `EventTarget`.
fn wake_target(document: bool) -> Option<web_sys::EventTarget> {
    let global = js_sys::global();
    let target = if document {
        Reflect::get(&global, &"document".into()).ok()?
    } else {
        global.into()
    };
    let add = Reflect::get(&target, &"addEventListener".into()).ok()?;
    add.is_function().then(|| target.unchecked_into())
}
