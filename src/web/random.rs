//! Random bytes from the platform's CSPRNG (`crypto.getRandomValues`), on
//! `globalThis`: a Worker and Node have `crypto` but no `window`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["globalThis", "crypto"], js_name = getRandomValues, catch)]
    fn get_random_values(bytes: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// Fills `bytes` from the CSPRNG; `false` where there is none (or it threw).
pub fn fill(bytes: &mut [u8]) -> bool {
    get_random_values(bytes).is_ok()
}
