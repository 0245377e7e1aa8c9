//! One re-armed timer per client, and the page events after which the wall
//! clock is checked again (a sleeping or throttled tab may have missed it).

use crate::core::options::MAX_TIMER_MS;
use wasm_bindgen::prelude::*;
use web_sys::EventTarget;

const WAKE_EVENTS: [(bool, &str); 4] =
    [(true, "visibilitychange"), (false, "online"), (false, "focus"), (false, "pageshow")];

/// Calls `tick` when armed time passes and whenever the page wakes up.
pub struct Timer {
    tick: Closure<dyn FnMut()>,
    handle: Option<i32>,
}

impl Timer {
    pub fn new(tick: Closure<dyn FnMut()>) -> Timer {
        for (on_document, event) in WAKE_EVENTS {
            if let Some(target) = target(on_document) {
                let _ = target.add_event_listener_with_callback(event, tick.as_ref().unchecked_ref());
            }
        }
        Timer { tick, handle: None }
    }

    /// Fires once after `delay_ms` (clamped to what `setTimeout` takes whole),
    /// replacing any earlier arming.
    pub fn arm(&mut self, delay_ms: i64) {
        self.clear();
        let delay = delay_ms.clamp(0, MAX_TIMER_MS) as i32;
        self.handle = web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(self.tick.as_ref().unchecked_ref(), delay).ok()
        });
    }

    pub fn clear(&mut self) {
        if let (Some(id), Some(w)) = (self.handle.take(), web_sys::window()) {
            w.clear_timeout_with_handle(id);
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.clear();
        for (on_document, event) in WAKE_EVENTS {
            if let Some(target) = target(on_document) {
                let _ = target.remove_event_listener_with_callback(event, self.tick.as_ref().unchecked_ref());
            }
        }
    }
}

fn target(document: bool) -> Option<EventTarget> {
    let window = web_sys::window()?;
    if document {
        window.document().map(Into::into)
    } else {
        Some(window.into())
    }
}
