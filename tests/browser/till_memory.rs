//! What the till leaves in wasm memory: the password of an unlock (online
//! or checked by the verifier) and an approver's password are overwritten,
//! and an approver's tokens do not stay. Secrets are made in JS and never
//! pass through this test's Rust code, so any copy in linear memory is the
//! module's (as in secrets.rs).

use crate::hostile::js;
use crate::support::*;
use crate::till::*;
use crate::till_approve::{manager, storno, LoginAnswers};
use js_sys::Function;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// Whether the module's linear memory holds `needle` (a JS string, as UTF-8).
fn in_wasm_memory(needle: &JsValue) -> bool {
    js(r#"((memory, needle) => {
        const hay = new Uint8Array(memory.buffer);
        const n = new TextEncoder().encode(needle);
        outer: for (let i = hay.indexOf(n[0]); i !== -1 && i <= hay.length - n.length; i = hay.indexOf(n[0], i + 1)) {
            for (let j = 1; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer;
            return true;
        }
        return false;
    })"#)
    .unchecked_ref::<Function>()
    .call2(&JsValue::NULL, &wasm_bindgen::memory(), needle)
    .unwrap()
    .as_bool()
    .unwrap()
}

/// A password made in JS, never seen by this test's Rust code.
fn js_secret() -> JsValue {
    js(r#""Wq" + Math.random().toString(36).slice(2) + "Zj" + Date.now().toString(36)"#)
}

/// The search finds what the module keeps: a client's access token.
fn positive_control(client: &AuthClient) {
    let token = get(&client.session().unwrap(), "accessToken");
    assert!(
        token.is_string() && in_wasm_memory(&token),
        "the memory search does not find the stored access token: it proves nothing"
    );
}

#[wasm_bindgen_test]
async fn till_memory_unlock_passwords_are_wiped_from_wasm_memory() {
    let t = tenant();
    let (client, _) = locked_client(&t, "").await;
    let (online_secret, offline_secret) = (js_secret(), js_secret());
    assert!(!in_wasm_memory(&online_secret) && !in_wasm_memory(&offline_secret));
    rejects_with(client.unlock(online_secret.clone()), "invalid_credentials").await;
    offline(&t).await;
    // Checked against the verifier.
    rejects_with(client.unlock(offline_secret.clone()), "invalid_credentials").await;
    online(&t).await;
    let (after_online, after_offline) = (
        in_wasm_memory(&online_secret),
        in_wasm_memory(&offline_secret),
    );
    positive_control(&client);
    client.dispose();
    assert!(
        !after_online,
        "the password of an online unlock is still in wasm memory"
    );
    assert!(
        !after_offline,
        "the password of an offline unlock is still in wasm memory"
    );
}

#[wasm_bindgen_test]
async fn till_memory_approver_passwords_are_wiped_from_wasm_memory() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    let wrong = js_secret();
    // MetaDefender's seeded manager password, built in JS.
    let right = js(r#""Manager" + "Password""#);
    assert!(
        !in_wasm_memory(&wrong),
        "the password is in wasm memory before any call"
    );
    assert!(
        !in_wasm_memory(&right),
        "the password is in wasm memory before any call"
    );
    let creds = obj(&[
        ("userName", "300".into()),
        ("password", wrong.clone()),
        ("deviceName", "P01".into()),
    ]);
    rejects_with(client.approve(creds, storno()), "invalid_credentials").await;
    let md = AuthClient::new(backend_options(&t, "metadefender", "")).unwrap();
    let creds = obj(&[("userName", "manager".into()), ("password", right.clone())]);
    await_js(md.approve(creds, JsValue::UNDEFINED))
        .await
        .expect("metadefender approval");
    let (after_wrong, after_right) = (in_wasm_memory(&wrong), in_wasm_memory(&right));
    positive_control(&client);
    client.dispose();
    md.dispose();
    assert!(
        !after_wrong,
        "a refused approver's password is still in wasm memory"
    );
    assert!(
        !after_right,
        "an approver's password is still in wasm memory"
    );
}

#[wasm_bindgen_test]
async fn till_memory_approver_tokens_do_not_stay_in_wasm_memory() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    let answers = LoginAnswers::start();
    let approved = await_js(client.approve(manager(), storno())).await;
    let tokens = answers.stop().await;
    approved.expect("approve");
    assert!(
        !tokens.is_empty(),
        "no approver token was seen: the check proves nothing"
    );
    let kept: Vec<usize> = (0..tokens.len())
        .filter(|&i| in_wasm_memory(&tokens[i]))
        .collect();
    positive_control(&client);
    assert!(
        kept.is_empty(),
        "approver tokens #{kept:?} (of {}) are still in wasm memory",
        tokens.len()
    );
    client.dispose();
}
