//! The session record in `sessionStorage` (through gloo-storage and the
//! guard seam), or in this page only. A page's storage that is disabled,
//! blocked or full degrades to memory with one warning; where there is none
//! at all (a Worker, Node), memory is simply what "session" means.

use crate::core::backend::{Answer, Backend};
use crate::core::session::Record;
use crate::web::guard::{self, GuardedStorage, Lent, Parsed, StorageStatus};
use gloo_storage::Storage;
use std::cell::Cell;

thread_local! {
    /// The page is warned once, however many clients it makes.
    static WARNED: Cell<bool> = const { Cell::new(false) };
}

/// A record's text read as the record it is, whoever's (`JSON.parse` and
/// serde-wasm-bindgen; natively, `Record::from_text` reads it with serde_json).
fn read_record(text: &str) -> Option<Record> {
    Parsed::record(text).read(&[])
}

/// A record a peer tab sent, when it is this client's (its back end and
/// base URL) and sound: `Record::from_text` in the wasm.
pub fn record_from_text(text: &str, backend: Backend, base_url: &str) -> Option<Record> {
    read_record(text)?.accepted(backend, base_url)
}

pub struct Store {
    key: String,
    /// sessionStorage or the caller's StorageLike, guarded.
    storage: GuardedStorage,
    /// `storage` is the caller's (for the warning's wording).
    custom: bool,
    /// Cleared when the page's storage fails: from then on, memory only.
    persistent: Cell<bool>,
    /// Began in sessionStorage, which "Duplicate tab" copies, or in a
    /// StorageLike such as localStorage, which every tab reads: peers may
    /// hold this session, even after the storage failed.
    shared_with_tabs: bool,
}

impl Store {
    pub fn new(key: &str, session_storage: bool, custom: Option<GuardedStorage>) -> Store {
        let status = match (&custom, session_storage) {
            (Some(_), _) => StorageStatus::Usable,
            (None, true) => guard::session_storage_status(),
            (None, false) => StorageStatus::Absent,
        };
        let usable = status == StorageStatus::Usable;
        let store = Store {
            key: key.to_owned(),
            custom: custom.is_some(),
            storage: custom.unwrap_or_else(guard::session_storage),
            persistent: Cell::new(usable),
            shared_with_tabs: usable,
        };
        if status == StorageStatus::Failing {
            store.degrade();
        }
        store
    }

    pub fn shared_with_tabs(&self) -> bool {
        self.shared_with_tabs
    }

    /// The stored record as it reads (unchecked: the caller knows whose it
    /// must be). One that does not read as a record is removed.
    pub fn load(&self) -> Option<Record> {
        if !self.persistent.get() {
            return None;
        }
        // Not gloo-storage's `get`: it reads with serde_json, whose parser
        // would be in the wasm for the record alone (docs/size.md). The
        // guarded `getItem` answers a string or null, and never throws.
        let text = Lent::with(&self.storage, || Lent::raw().get_item(&self.key))
            .ok()
            .flatten()?;
        let record = read_record(&text);
        if record.is_none() {
            self.remove();
        }
        record
    }

    pub fn save(&self, record: &Record) {
        if !self.persistent.get() {
            return;
        }
        if Lent::with(&self.storage, || Lent::set(&self.key, record)).is_err() {
            self.degrade();
        }
    }

    /// Always tries, even in memory mode: a record written before the
    /// storage failed must not outlive the session.
    pub fn remove(&self) {
        Lent::with(&self.storage, || Lent::delete(&self.key));
    }

    fn degrade(&self) {
        self.persistent.set(false);
        // The last record that did get written is stale from now on.
        self.remove();
        if WARNED.with(|w| w.replace(true)) {
            return;
        }
        let which = if self.custom {
            "the storage option failed"
        } else {
            "sessionStorage is unavailable"
        };
        web_sys::console::warn_1(
            &[
                "pos-auth: ",
                which,
                "; the session is kept in this page only.",
            ]
            .concat()
            .into(),
        );
    }
}
