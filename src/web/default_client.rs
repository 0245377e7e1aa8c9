//! The default client, for pages that need one session: `configure` and the
//! module-level functions. Listeners added here survive `configure`.

use crate::core::error::Code;
use crate::web::client::{self, Shared};
use crate::web::convert;
use crate::web::events::{self, SharedListeners};
use ::core::cell::{OnceCell, RefCell};
use js_sys::{Function, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

thread_local! {
    static DEFAULT: RefCell<Option<Shared>> = const { RefCell::new(None) };
    /// The module-level listeners, kept across `configure`.
    static LISTENERS: OnceCell<SharedListeners> = const { OnceCell::new() };
}

fn listeners() -> SharedListeners {
    LISTENERS.with(|l| l.get_or_init(Rc::default).clone())
}

fn current() -> Result<Shared, JsValue> {
    DEFAULT
        .with(|d| d.borrow().clone())
        .ok_or_else(|| convert::code_error(Code::NotConfigured))
}

fn rejecting(e: JsValue) -> Promise {
    Promise::reject(&e)
}

/// (Re)creates the default client; the previous one is disposed and the
/// module-level listeners receive a new `initial` event.
#[wasm_bindgen]
pub fn configure(options: JsValue) -> Result<(), JsValue> {
    let listeners = listeners();
    let fresh = client::create(&options, listeners.clone())?;
    if let Some(old) = DEFAULT.with(|d| d.borrow_mut().replace(fresh)) {
        client::dispose(&old);
    }
    let subscribed: Vec<(u32, Function)> = listeners.borrow().ids_and_functions();
    for (id, f) in subscribed {
        events::deliver_initial(Rc::downgrade(&listeners), id, Rc::new(default_session), f);
    }
    Ok(())
}

fn default_session() -> JsValue {
    current()
        .and_then(|c| client::session(&c))
        .unwrap_or(JsValue::NULL)
}

fn with_default<F>(f: impl FnOnce(Shared) -> F) -> Promise
where
    F: ::core::future::Future<Output = Result<JsValue, JsValue>> + 'static,
{
    match current() {
        Ok(inner) => convert::promise(f(inner)),
        Err(e) => rejecting(e),
    }
}

#[wasm_bindgen(js_name = login)]
pub fn default_login(credentials: JsValue) -> Promise {
    with_default(|c| client::login(c, credentials))
}

#[wasm_bindgen(js_name = profile)]
pub fn default_profile() -> Promise {
    with_default(client::profile)
}

#[wasm_bindgen(js_name = refresh)]
pub fn default_refresh() -> Promise {
    with_default(client::refresh)
}

#[wasm_bindgen(js_name = logout)]
pub fn default_logout() -> Promise {
    with_default(client::logout)
}

#[wasm_bindgen(js_name = accessToken)]
pub fn default_access_token(options: JsValue) -> Promise {
    with_default(|c| client::access_token(c, options))
}

#[wasm_bindgen(js_name = session)]
pub fn default_session_fn() -> Result<JsValue, JsValue> {
    client::session(&current()?)
}

#[wasm_bindgen(js_name = authFetch)]
pub fn default_auth_fetch(input: JsValue, init: JsValue) -> Promise {
    match current() {
        Ok(c) => client::auth_fetch(&c, &input, &init),
        Err(e) => rejecting(e),
    }
}

#[wasm_bindgen(js_name = onChange)]
pub fn default_on_change(listener: JsValue) -> Result<JsValue, JsValue> {
    current()?;
    let listener: Function = listener.dyn_into().map_err(|_| {
        convert::error(&crate::core::error::AuthError::invalid(
            "onChange needs a function",
        ))
    })?;
    let listeners = listeners();
    Ok(events::subscribe(
        &listeners,
        Rc::new(default_session),
        listener,
    ))
}

#[wasm_bindgen(js_name = lock)]
pub fn default_lock() -> Result<(), JsValue> {
    client::lock(&current()?)
}

#[wasm_bindgen(js_name = unlock)]
pub fn default_unlock(password: JsValue) -> Promise {
    with_default(|c| client::unlock(c, password))
}

#[wasm_bindgen(js_name = approve)]
pub fn default_approve(credentials: JsValue, options: JsValue) -> Promise {
    with_default(|c| client::approve(c, credentials, options))
}
