//! The client's side of `fetch` (`web::fetch::TokenGate`): the same token
//! gate, refresh-first rule and 401 rule as every other caller, held
//! weakly (the client holds the gate).

use ::core::cell::RefCell;
use js_sys::{Object, Promise, Reflect};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;

use super::refresh::{after_401, refresh_if_due, After401};
use super::state::{check, Inner, Shared};
use crate::core::error::{AuthError, Code};
use crate::web::convert;
use crate::web::fetch::TokenGate;

pub struct ClientGate {
    client: Weak<RefCell<Inner>>,
}

impl ClientGate {
    pub fn new(client: &Shared) -> ClientGate {
        ClientGate {
            client: Rc::downgrade(client),
        }
    }

    fn client(&self) -> Result<Shared, JsValue> {
        let rc = self
            .client
            .upgrade()
            .ok_or_else(|| convert::code_error(Code::Disposed))?;
        check(&rc)?;
        Ok(rc)
    }
}

impl TokenGate for ClientGate {
    fn token(&self) -> Result<JsValue, JsValue> {
        let rc = self.client()?;
        let mut inner = rc.borrow_mut();
        Ok(match inner.record() {
            None => JsValue::UNDEFINED,
            Some(_) if inner.refresh_due() => JsValue::NULL,
            Some(_) => inner.session_value(),
        })
    }

    fn ready(&self) -> Promise {
        let client = self.client();
        convert::promise(async move {
            let rc = client?;
            if rc.borrow().record().is_none() {
                return Err(error(AuthError::of(Code::NoSession)));
            }
            // A refresh that failed without ending the session leaves the current token.
            refresh_if_due(&rc, None).await.map_err(error)?;
            current_token(&rc)
        })
    }

    fn after_401(&self, token: String, refreshed: bool) -> Promise {
        let client = self.client();
        convert::promise(async move {
            let rc = client?;
            let mut refreshed = refreshed;
            match after_401(
                &rc,
                &token,
                &mut refreshed,
                &AuthError::of(Code::SessionExpired),
            )
            .await
            {
                After401::Retry => Ok(retry_with(current_token(&rc)?, refreshed)),
                After401::Ended => Ok(JsValue::NULL),
                // A refresh that ended the session rejects; one that failed otherwise leaves the 401.
                After401::RefreshFailed(e) if rc.borrow().record().is_none() => Err(e),
                After401::RefreshFailed(_) => Ok(JsValue::NULL),
            }
        })
    }
}

fn error(e: AuthError) -> JsValue {
    convert::error(&e)
}

/// What `js/fetch.js` retries with, by name: `{ token, refreshed }`.
fn retry_with(token: JsValue, refreshed: bool) -> JsValue {
    let retry = Object::new();
    let _ = Reflect::set(&retry, &"token".into(), &token);
    let _ = Reflect::set(&retry, &"refreshed".into(), &refreshed.into());
    retry.into()
}

fn current_token(rc: &Shared) -> Result<JsValue, JsValue> {
    let inner = rc.borrow();
    let record = inner
        .record()
        .ok_or_else(|| error(AuthError::of(Code::SessionExpired)))?;
    Ok(JsValue::from_str(&record.access_token))
}
