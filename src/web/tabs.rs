//! Duplicated tabs. "Duplicate tab" copies `sessionStorage`, so two tabs can
//! hold the same refresh token; with rotating tokens, the second to use it
//! would be logged out. Tabs holding the same session id talk over a
//! `BroadcastChannel` and take turns refreshing under a Web Lock.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{BroadcastChannel, MessageEvent};

/// What tabs tell each other.
pub enum Message {
    /// A refresh succeeded: the new record, as stored.
    Rotated(String),
    /// The user signed out.
    SignedOut,
    /// The server rejected the refresh token of this generation.
    Expired(u64),
    /// The till's state changed (locked, unlocked, a wrong password
    /// counted): the record as stored.
    Till(String),
    /// Input at this time (ms since epoch), for the idle lock.
    Activity(i64),
    /// Too many wrong passwords: the session ended.
    TooManyAttempts,
}

impl Message {
    fn encode(&self) -> String {
        match self {
            Message::Rotated(record) => ["r", record].concat(),
            Message::SignedOut => "o".into(),
            Message::Expired(generation) => ["x", &generation.to_string()].concat(),
            Message::Till(record) => ["t", record].concat(),
            Message::Activity(at) => ["a", &at.to_string()].concat(),
            Message::TooManyAttempts => "m".into(),
        }
    }

    fn decode(text: &str) -> Option<Message> {
        match text.split_at_checked(1)? {
            ("r", record) => Some(Message::Rotated(record.to_owned())),
            ("o", "") => Some(Message::SignedOut),
            ("x", generation) => generation.parse().ok().map(Message::Expired),
            ("t", record) => Some(Message::Till(record.to_owned())),
            ("a", at) => at.parse().ok().map(Message::Activity),
            ("m", "") => Some(Message::TooManyAttempts),
            _ => None,
        }
    }
}

/// The channel of one session, closed on drop.
pub struct Channel {
    pub name: String,
    channel: BroadcastChannel,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Channel {
    pub fn open(name: String, mut on_message: impl FnMut(Message) + 'static) -> Option<Channel> {
        let channel = BroadcastChannel::new(&name).ok()?;
        let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Some(m) = e.data().as_string().as_deref().and_then(Message::decode) {
                on_message(m);
            }
        });
        channel.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        crate::web::timer::unref(&channel);
        Some(Channel {
            name,
            channel,
            _on_message: handler,
        })
    }

    pub fn send(&self, message: &Message) {
        let _ = self
            .channel
            .post_message(&JsValue::from_str(&message.encode()));
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}

#[wasm_bindgen(module = "/target/js/page.js")]
extern "C" {
    #[wasm_bindgen(js_name = lock)]
    fn js_lock(name: &str) -> Promise;

    /// What `lock` resolves to, read by name.
    type HeldLock;
    #[wasm_bindgen(method, getter)]
    fn release(this: &HeldLock) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn waited(this: &HeldLock) -> bool;
}

/// A held Web Lock; released when dropped.
pub struct LockGuard {
    release: Function,
    /// Another tab held the lock first.
    pub waited: bool,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.release.call0(&JsValue::NULL);
    }
}

/// Waits for the exclusive lock `name`. `None` where Web Locks do not exist
/// (insecure contexts): then tabs coordinate by messages alone.
pub async fn lock(name: &str) -> Option<LockGuard> {
    let held = JsFuture::from(js_lock(name)).await.ok()?;
    if held.is_null() {
        return None;
    }
    let held: HeldLock = held.unchecked_into();
    Some(LockGuard {
        release: held.release().dyn_into().ok()?,
        waited: held.waited(),
    })
}

/// Lets messages that peers posted before releasing the lock arrive.
pub async fn settle() {
    sleep(0).await;
}

pub async fn sleep(ms: i32) {
    // Not unref'd like the background timer: a caller awaits this one.
    let p = Promise::new(&mut |resolve, _| {
        if crate::web::timer::schedule(&resolve, ms).is_none() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(p).await;
}
