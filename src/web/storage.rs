//! The session record in `sessionStorage`, or in this page only. Storage
//! that is disabled, missing or full degrades to memory with one warning.

use crate::prelude::*;

use ::core::cell::Cell;
use crate::web::runtime::PageLocal;
use web_sys::Storage;

/// The page is warned once, however many clients it makes.
static WARNED: PageLocal<Cell<bool>> = PageLocal::new(Cell::new(false));

pub struct Store {
    key: String,
    /// Cleared when the page's storage fails: from then on, memory only.
    persistent: Cell<bool>,
}

impl Store {
    pub fn new(key: &str, session_storage: bool) -> Store {
        let store = Store { key: key.to_owned(), persistent: Cell::new(session_storage) };
        if session_storage && storage().is_none() {
            store.degrade();
        }
        store
    }

    pub fn load(&self) -> Option<String> {
        if !self.persistent.get() {
            return None;
        }
        storage()?.get_item(&self.key).ok().flatten()
    }

    pub fn save(&self, text: &str) {
        if self.persistent.get() && storage().and_then(|s| s.set_item(&self.key, text).ok()).is_none() {
            self.degrade();
        }
    }

    /// Always tries, even in memory mode: a record written before the
    /// storage failed must not outlive the session.
    pub fn remove(&self) {
        if let Some(s) = storage() {
            let _ = s.remove_item(&self.key);
        }
    }

    fn degrade(&self) {
        self.persistent.set(false);
        // The last record that did get written is stale from now on.
        self.remove();
        if WARNED.with(|w| w.replace(true)) {
            return;
        }
        web_sys::console::warn_1(&"pos-auth: sessionStorage is unavailable; the session is kept in this page only.".into());
    }
}

fn storage() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}
