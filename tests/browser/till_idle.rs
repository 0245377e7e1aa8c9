//! `idleLock`: the session locks after that many seconds without input
//! (`pointerdown`, `keydown`, `touchstart`, `wheel` reaching `globalThis`,
//! seen in the capture phase). Every wait here is a poll with a deadline.

use crate::hostile::js;
use crate::support::*;
use crate::till::*;
use pos_auth::web::AuthClient;
use wasm_bindgen_test::wasm_bindgen_test;

/// Input of `kind` dispatched at `target` ("window", "document" or "element":
/// a button in the page, created once).
fn input(kind: &str, target: &str) {
    js(&format!(
        r#"(() => {{
            const kind = "{kind}";
            let target = globalThis;
            if ("{target}" === "document") target = document;
            if ("{target}" === "element") {{
                target = document.getElementById("till-button");
                if (!target) {{
                    target = document.createElement("button");
                    target.id = "till-button";
                    document.body.appendChild(target);
                }}
            }}
            const init = {{ bubbles: true, cancelable: true, composed: true }};
            const event =
                kind === "keydown" ? new KeyboardEvent(kind, {{ ...init, key: "a" }}) :
                kind === "pointerdown" ? new (globalThis.PointerEvent || MouseEvent)(kind, init) :
                kind === "wheel" ? new WheelEvent(kind, {{ ...init, deltaY: 10 }}) :
                new Event(kind, init);
            target.dispatchEvent(event);
        }})()"#
    ));
}

/// Lets the verifier's derivation run: it starts right after a `login()` or
/// an online `unlock()` resolves and blocks the page meanwhile (PBKDF2,
/// about 0.1 s in the release build, well over a second in the debug build
/// the tests run), so no timer, the idle lock's included, fires during it.
/// Returns how long the page was blocked. This test's own timer was set
/// first, so it runs before an idle lock that fell due meanwhile.
async fn after_the_verifier() -> f64 {
    let start = now();
    sleep(0).await;
    now() - start
}

/// When (local clock) the client was first seen locked, polling every 20 ms
/// for at most `ms`; `None` if it did not lock.
async fn locked_at(client: &AuthClient, ms: f64) -> Option<f64> {
    until(|| is_locked(client), ms).await.then(now)
}

#[wasm_bindgen_test]
async fn till_idle_lock_locks_about_a_second_after_the_sign_in_without_input() {
    let t = tenant();
    let start = now();
    let (client, o, _) = signed_in(&t, r#","idleLock":1"#).await;
    let signed_in_at = now();
    assert!(!is_locked(&client), "locked at once");
    let (events, _) = listen(&client);
    let blocked = after_the_verifier().await;
    let at = locked_at(&client, blocked + 4000.0)
        .await
        .expect("no idle lock");
    assert!(at - start >= 950.0, "locked after {} ms", at - start);
    // Due a second after the sign-in, or as soon as the page is free again.
    assert!(
        at - signed_in_at <= blocked.max(1000.0) + 1000.0,
        "locked {} ms after the sign-in (the page was blocked {blocked} ms)",
        at - signed_in_at
    );
    assert_eq!(types(&events), ["initial", "locked"]);
    assert_eq!(stored_locked(&o), Some(true));
    // Locked, it stays locked: no second event.
    sleep(300).await;
    assert_eq!(types(&events), ["initial", "locked"]);
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_idle_lock_input_on_the_window_and_the_document_keeps_it_unlocked() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, r#","idleLock":1"#).await;
    after_the_verifier().await;
    let kinds = [
        ("keydown", "window"),
        ("pointerdown", "document"),
        ("touchstart", "window"),
        ("wheel", "document"),
        ("keydown", "document"),
        ("pointerdown", "window"),
    ];
    let mut last_input = now();
    // 2.4 s of input every 200 ms, more than twice the idle time.
    for i in 0..12 {
        let (kind, target) = kinds[i % kinds.len()];
        input(kind, target);
        last_input = now();
        sleep(200).await;
        assert!(!is_locked(&client), "locked despite {kind} on the {target}");
    }
    let at = locked_at(&client, 4000.0)
        .await
        .expect("no idle lock once the input stopped");
    assert!(
        at - last_input >= 950.0,
        "locked {} ms after the last input",
        at - last_input
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_idle_lock_sees_input_an_app_stops_from_propagating() {
    // The app's capture listener on window comes first, and a target
    // listener stops the event too; neither hides it from the module.
    js(r#"(() => {
        const stop = (e) => e.stopPropagation();
        globalThis.__tillStop = stop;
        for (const kind of ["keydown", "pointerdown"]) addEventListener(kind, stop, true);
    })()"#);
    let t = tenant();
    let (client, _, _) = signed_in(&t, r#","idleLock":1"#).await;
    after_the_verifier().await;
    input("keydown", "element");
    js(r#"(() => {
        const button = document.getElementById("till-button");
        for (const kind of ["keydown", "pointerdown"]) button.addEventListener(kind, globalThis.__tillStop);
    })()"#);
    let mut quiet = true;
    for i in 0..12 {
        input(
            if i % 2 == 0 { "keydown" } else { "pointerdown" },
            "element",
        );
        sleep(200).await;
        quiet &= !is_locked(&client);
    }
    js(r#"(() => {
        const button = document.getElementById("till-button");
        for (const kind of ["keydown", "pointerdown"]) {
            removeEventListener(kind, globalThis.__tillStop, true);
            button.removeEventListener(kind, globalThis.__tillStop);
        }
        delete globalThis.__tillStop;
    })()"#);
    assert!(
        quiet,
        "input stopped by the app was not seen: the session locked"
    );
    assert!(
        locked_at(&client, 4000.0).await.is_some(),
        "no idle lock after the input"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_idle_lock_zero_or_absent_never_locks() {
    let t = tenant();
    let (off, _, _) = signed_in(&t, r#","idleLock":0"#).await;
    let (default, _, _) = signed_in(&t, "").await;
    let (events, _) = listen(&off);
    // Longer than the shortest idle lock the other tests see fire.
    sleep(1500).await;
    assert!(!is_locked(&off), "idleLock: 0 locked");
    assert!(!is_locked(&default), "the default idleLock locked");
    assert_eq!(types(&events), ["initial"]);
    off.dispose();
    default.dispose();
}

#[wasm_bindgen_test]
async fn till_idle_lock_counts_again_from_the_unlock() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, r#","idleLock":1"#).await;
    let blocked = after_the_verifier().await;
    locked_at(&client, blocked + 4000.0)
        .await
        .expect("no first idle lock");
    // Offline, so no new verifier is derived after the unlock: the page is
    // not blocked, and a lock falling due at once would be seen at once.
    offline(&t).await;
    let s = await_js(client.unlock("1234".into()))
        .await
        .expect("unlock");
    let unlocked_at = now();
    online(&t).await;
    assert_eq!(locked_of(&s), Some(false));
    // Not locked again at once: the idle time starts at the unlock.
    sleep(400).await;
    assert!(!is_locked(&client), "locked again at once after the unlock");
    let at = locked_at(&client, 4000.0)
        .await
        .expect("no idle lock after the unlock");
    assert!(
        at - unlocked_at >= 950.0,
        "locked {} ms after the unlock",
        at - unlocked_at
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_idle_lock_counts_from_the_restore_in_this_page() {
    let t = tenant();
    let (first, o, _) = signed_in(&t, r#","idleLock":1"#).await;
    first.dispose();
    after_the_verifier().await;
    sleep(200).await;
    // A reload after the sign-in: a full second from the restore.
    let restored_at = now();
    let client = AuthClient::new(o).unwrap();
    assert!(!is_locked(&client));
    let at = locked_at(&client, 4000.0)
        .await
        .expect("a restored session did not idle-lock");
    assert!(
        at - restored_at >= 950.0,
        "locked {} ms after the restore",
        at - restored_at
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_idle_lock_stops_with_dispose() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, r#","idleLock":1"#).await;
    client.dispose();
    after_the_verifier().await;
    sleep(1400).await;
    assert_eq!(
        stored_locked(&o),
        Some(false),
        "a disposed client locked the record"
    );
}
