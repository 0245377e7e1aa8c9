//! Duplicated tabs. "Duplicate tab" copies `sessionStorage`, so two tabs can
//! hold the same refresh token; with rotating tokens, the second to use it
//! would be logged out. Tabs holding the same session id talk over a
//! `BroadcastChannel` and take turns refreshing under a Web Lock, or, where
//! Web Locks do not exist (insecure contexts), by claims on the channel
//! (`Claims`). No wait for a turn outlasts the client's `timeout`.

use ::core::cell::Cell;
use js_sys::{Function, Promise};
use std::rc::Rc;
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
    /// The till's state changed (locked, unlocked): the record as stored.
    Till(String),
    /// A wrong password counted: the record as stored.
    Wrong(String),
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
            Message::Wrong(record) => ["w", record].concat(),
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
            ("w", record) => Some(Message::Wrong(record.to_owned())),
            ("a", at) => at.parse().ok().map(Message::Activity),
            ("m", "") => Some(Message::TooManyAttempts),
            _ => None,
        }
    }
}

/// The channel of one session, closed on drop.
pub struct Channel {
    pub name: String,
    claims: Rc<Claims>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Channel {
    pub fn open(name: String, mut on_message: impl FnMut(Message) + 'static) -> Option<Channel> {
        let channel = BroadcastChannel::new(&name).ok()?;
        let claims = Rc::new(Claims {
            channel,
            id: (js_sys::Math::random() * 9e15) as u64,
            mine: Cell::new(None),
            peer: Cell::new(None),
            peers: Cell::new(false),
            opened_at: crate::web::convert::now(),
        });
        let c = claims.clone();
        let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            if !c.receive(&text) {
                if let Some(m) = Message::decode(&text) {
                    on_message(m);
                }
            }
        });
        claims
            .channel
            .set_onmessage(Some(handler.as_ref().unchecked_ref()));
        crate::web::timer::unref(&claims.channel);
        // Present: the tabs already on the channel know of this one.
        claims.post("p");
        Some(Channel {
            name,
            claims,
            _on_message: handler,
        })
    }

    pub fn send(&self, message: &Message) {
        self.claims.post(&message.encode());
    }

    /// This tab's claims, for `turn` (kept across awaits, unlike the channel).
    pub fn claims(&self) -> Rc<Claims> {
        self.claims.clone()
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        // A disposed or signed-out tab gives its turn back.
        self.claims.done();
        self.claims.channel.set_onmessage(None);
        self.claims.channel.close();
    }
}

/// Turns to refresh where Web Locks do not exist, by messages on the
/// channel: `c{generation}.{id}` claims the turn to refresh `generation`,
/// `h{generation}.{id}` answers a claim while this tab holds it, `d` gives
/// it back. A claim that a peer saw first, or that came at once from a
/// larger (generation, random id), or a held turn, goes first; claims of an
/// older generation than ours never hold us up.
pub struct Claims {
    channel: BroadcastChannel,
    /// Random: breaks ties between claims.
    id: u64,
    /// The generation this tab claimed, and whether it holds the turn.
    mine: Cell<Option<(u64, bool)>>,
    /// The generation of a peer's claim that goes before ours, until it is
    /// given back.
    peer: Cell<Option<u64>>,
    /// Whether another tab has spoken on the channel, and when this one
    /// opened it: a tab alone (no peer heard, and none could still be on
    /// its way) takes the turn at once and waits for no answer, so a single
    /// tab pays nothing, and a test's fake timers, which would hold that
    /// wait forever, are not involved.
    peers: Cell<bool>,
    opened_at: i64,
}

impl Claims {
    fn post(&self, text: &str) {
        let _ = self.channel.post_message(&JsValue::from_str(text));
    }

    fn claim(&self, generation: u64, held: bool) {
        self.mine.set(Some((generation, held)));
        let kind = if held { "h" } else { "c" };
        self.post(&[kind, &generation.to_string(), ".", &self.id.to_string()].concat());
    }

    fn done(&self) {
        if self.mine.take().is_some() {
            self.post("d");
        }
    }

    /// A peer's turn message; false for any other message.
    fn receive(&self, text: &str) -> bool {
        self.peers.set(true);
        let (held, rest) = match text.split_at_checked(1) {
            // A tab that just opened the channel (it learns of us from our
            // first claim or answer).
            Some(("p", "")) => return true,
            Some(("d", "")) => {
                self.peer.set(None);
                return true;
            }
            Some(("c", rest)) => (false, rest),
            Some(("h", rest)) => (true, rest),
            _ => return false,
        };
        let Some((generation, id)) = rest
            .split_once('.')
            .and_then(|(g, id)| Some((g.parse::<u64>().ok()?, id.parse::<u64>().ok()?)))
        else {
            return false;
        };
        match self.mine.get() {
            // Held here: tell the claimer to wait.
            Some((mine, true)) if !held => self.claim(mine, true),
            // Both claimed at once, and ours goes first.
            Some((mine, false)) if !held && (generation, id) < (mine, self.id) => {}
            _ => self.peer.set(Some(generation)),
        }
        true
    }

    fn waits_for_peer(&self, generation: u64) -> bool {
        self.peer.get().is_some_and(|g| g >= generation)
    }
}

#[wasm_bindgen(module = "/target/js/page.js")]
extern "C" {
    #[wasm_bindgen(js_name = lock)]
    fn js_lock(name: &str, ms: f64) -> Promise;

    /// What `lock` resolves to, read by name.
    type HeldLock;
    #[wasm_bindgen(method, getter)]
    fn release(this: &HeldLock) -> JsValue;
    #[wasm_bindgen(method, getter)]
    fn waited(this: &HeldLock) -> bool;
}

/// This tab's turn to refresh, given back when dropped.
#[derive(Default)]
pub struct Turn {
    /// A peer had the turn first, and gave it back (so may have just
    /// rotated the tokens); false after waiting `timeout` in vain.
    pub waited: bool,
    release: Option<Function>,
    claims: Option<Rc<Claims>>,
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(release) = &self.release {
            let _ = release.call0(&JsValue::NULL);
        }
        if let Some(claims) = &self.claims {
            claims.done();
        }
    }
}

/// How long a claim waits for peers' answers, and how often a tab waiting
/// for a peer's turn looks again (ms).
const ANSWER_MS: i32 = 100;
const STEP_MS: i32 = 50;
/// How long after opening the channel a peer's presence may still be on
/// its way (ms).
const PRESENCE_MS: i64 = 1000;

/// Waits for the turn to refresh `generation` of the session whose lock is
/// `name`, at most `timeout_ms`; then goes on without it. The Web Lock where
/// it exists; else the claims on the channel (none without a channel), a
/// wait that also ends once `adopted()` (a peer's rotated tokens arrived).
pub async fn turn(
    name: &str,
    claims: Option<Rc<Claims>>,
    generation: u64,
    timeout_ms: i64,
    adopted: impl Fn() -> bool,
) -> Turn {
    if let Ok(held) = JsFuture::from(js_lock(name, timeout_ms as f64)).await {
        if !held.is_null() {
            let held: HeldLock = held.unchecked_into();
            return Turn {
                waited: held.waited(),
                release: held.release().dyn_into().ok(),
                claims: None,
            };
        }
    }
    let Some(claims) = claims else {
        return Turn::default();
    };
    let now = crate::web::convert::now();
    if !claims.peers.get() && now - claims.opened_at >= PRESENCE_MS {
        // Alone: the turn is ours, and said so for a tab that opens now.
        claims.claim(generation, true);
        return Turn {
            waited: false,
            release: None,
            claims: Some(claims),
        };
    }
    let deadline = crate::web::convert::now() + timeout_ms;
    let mut waited = false;
    loop {
        let ms = if crate::web::convert::now() >= deadline {
            // The peer stopped answering: go on without it.
            claims.peer.set(None);
            waited = false;
            0
        } else if claims.waits_for_peer(generation) {
            // A peer goes first (our claim, if any, lost): wait for its
            // tokens, or for it to give the turn back.
            claims.mine.set(None);
            waited = true;
            if adopted() {
                break;
            }
            STEP_MS
        } else if claims.mine.get().is_none() {
            claims.claim(generation, false);
            ANSWER_MS
        } else {
            // No peer's claim came before ours.
            0
        };
        if ms == 0 {
            claims.mine.set(Some((generation, true)));
            break;
        }
        sleep(ms).await;
    }
    Turn {
        waited,
        release: None,
        claims: Some(claims),
    }
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
