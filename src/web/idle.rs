//! Input on the page, for the idle lock: `pointerdown`, `keydown`,
//! `touchstart` and `wheel` reaching `globalThis`, listened to in the
//! capture phase (an app's `stopPropagation` does not hide them), passive,
//! and outside Angular's zone (see `js/page.js`). A Worker or Node has no
//! such input: nothing is listened to there, and the idle lock never fires.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/target/js/page.js")]
extern "C" {
    fn listen(target: &JsValue, kind: &str, callback: &js_sys::Function, capture: bool);
    fn unlisten(target: &JsValue, kind: &str, callback: &js_sys::Function, capture: bool);
}

const INPUT_EVENTS: [&str; 4] = ["pointerdown", "keydown", "touchstart", "wheel"];

/// Calls `on_input` on every input until dropped.
pub struct InputWatch {
    target: JsValue,
    on_input: Closure<dyn FnMut()>,
}

impl InputWatch {
    /// `None` where no input ever comes: a scope without a `document` (a
    /// Worker has `addEventListener`, but no input reaches it, and its idle
    /// lock must never fire) or without listeners (Node).
    pub fn start(on_input: impl FnMut() + 'static) -> Option<InputWatch> {
        let target: JsValue = js_sys::global().into();
        let document = Reflect::get(&target, &"document".into()).ok()?;
        let add = Reflect::get(&target, &"addEventListener".into()).ok()?;
        if document.is_undefined() || document.is_null() || !add.is_function() {
            return None;
        }
        let on_input = Closure::<dyn FnMut()>::new(on_input);
        for event in INPUT_EVENTS {
            listen(&target, event, on_input.as_ref().unchecked_ref(), true);
        }
        Some(InputWatch { target, on_input })
    }
}

impl Drop for InputWatch {
    fn drop(&mut self) {
        for event in INPUT_EVENTS {
            unlisten(
                &self.target,
                event,
                self.on_input.as_ref().unchecked_ref(),
                true,
            );
        }
    }
}
