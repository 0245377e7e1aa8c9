//! Storage: the sessionStorage record, restoring, and refusing bad records;
//! session() identity.

use crate::hostile::js;
use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn the_record_lives_under_the_storage_key() {
    let t = tenant();
    let (client, o, s) = signed_in(&t, "").await;
    let text = stored(&key_of(&o)).expect("a record under storageKey");
    let record = json(&text);
    assert_eq!(get_str(&record, "accessToken"), Some(token_of(&s)));
    assert!(text.contains("portos"), "record names its back end: {text}");
    assert!(
        text.contains(&format!("{t}/portos")),
        "record names its baseUrl: {text}"
    );
    assert!(
        stored("pos-auth").is_none_or(|v| !v.contains(&token_of(&s))),
        "written under the default key too"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn a_new_client_with_the_same_options_restores_the_session() {
    let t = tenant();
    let (client, o, s) = signed_in(&t, "").await;
    client.dispose();
    let again = AuthClient::new(o.clone()).unwrap();
    let restored = again.session().unwrap();
    assert_eq!(token_of(&restored), token_of(&s));
    assert_eq!(
        get_str(&get(&restored, "user"), "name").as_deref(),
        Some("Majiteľ")
    );
    assert_eq!(num(&restored, "expiresAt"), num(&s, "expiresAt"));
    let (events, _) = listen(&again);
    microtasks().await;
    assert_eq!(types(&events), ["initial"]);
    let initial = events.borrow()[0].clone();
    assert_eq!(token_of(&get(&initial, "session")), token_of(&s));
    // The restored token works.
    await_js(again.profile())
        .await
        .expect("profile with the restored session");
    again.dispose();
}

/// Writes `text` under a fresh key, builds a client on it: no session, record removed.
async fn refused_record(t: &str, text: &str) {
    let o = options(t, "");
    let key = key_of(&o);
    session_storage().set_item(&key, text).unwrap();
    let client = AuthClient::new(o).expect("a bad record is never an exception");
    assert!(
        client.session().unwrap().is_null(),
        "record {text} gave a session"
    );
    assert_eq!(stored(&key), None, "record {text} was not removed");
    let (events, _) = listen(&client);
    microtasks().await;
    assert_eq!(types(&events), ["initial"]);
    assert!(get(&events.borrow()[0], "session").is_null());
    client.dispose();
}

/// A valid stored record of a fresh login, as text, and its options.
async fn good_record(t: &str) -> (String, JsValue) {
    let (client, o, _) = signed_in(t, "").await;
    client.dispose();
    (stored(&key_of(&o)).unwrap(), o)
}

fn edited(text: &str, edit: impl FnOnce(&JsValue)) -> String {
    let r = json(text);
    edit(&r);
    stringify(&r)
}

#[wasm_bindgen_test]
async fn corrupted_records_are_removed() {
    let t = tenant();
    for text in ["{not json", "", "null", "42", "[]", "\"pos\"", "{}"] {
        refused_record(&t, text).await;
    }
}

#[wasm_bindgen_test]
async fn wrong_version_records_are_removed() {
    let t = tenant();
    let (good, _) = good_record(&t).await;
    for v in [
        JsValue::from(3),
        JsValue::from(0),
        JsValue::from("1"),
        JsValue::NULL,
    ] {
        refused_record(&t, &edited(&good, |r| set(r, "v", &v))).await;
    }
    refused_record(
        &t,
        &edited(&good, |r| {
            js_sys::Reflect::delete_property(r.unchecked_ref::<js_sys::Object>(), &"v".into())
                .unwrap();
        }),
    )
    .await;
}

#[wasm_bindgen_test]
async fn records_of_another_base_url_or_back_end_are_removed() {
    let t = tenant();
    let (good, o) = good_record(&t).await;
    // Same key, other baseUrl.
    let key = key_of(&o);
    session_storage().set_item(&key, &good).unwrap();
    let other = tenant();
    let client = AuthClient::new(obj(&[
        ("baseUrl", format!("{other}/portos").into()),
        ("storageKey", key.clone().into()),
    ]))
    .unwrap();
    assert!(
        client.session().unwrap().is_null(),
        "a record of another baseUrl was used"
    );
    assert_eq!(stored(&key), None, "a record of another baseUrl was kept");
    client.dispose();
    // Another back end written in the record.
    refused_record(
        &t,
        &edited(&good, |r| set(r, "backend", &"metadefender".into())),
    )
    .await;
    refused_record(
        &t,
        &edited(&good, |r| {
            set(r, "baseUrl", &format!("{other}/portos").into())
        }),
    )
    .await;
}

#[wasm_bindgen_test]
async fn tampered_records_are_removed() {
    let t = tenant();
    let (good, _) = good_record(&t).await;
    let edits: Vec<(&str, JsValue)> = vec![
        ("accessToken", 5.into()),
        ("accessToken", JsValue::NULL),
        ("accessToken", "".into()),
        ("expiresAt", "tomorrow".into()),
        ("obtainedAt", JsValue::NULL),
        ("user", JsValue::NULL),
        ("user", "Majiteľ".into()),
        ("user", json(r#"{"name":5}"#)),
        ("refreshToken", 7.into()),
        ("skew", "0".into()),
    ];
    for (k, v) in edits {
        refused_record(&t, &edited(&good, |r| set(r, k, &v))).await;
    }
    // A user whose rights are not strings.
    refused_record(
        &t,
        &edited(&good, |r| set(&get(r, "user"), "rights", &json("[1]"))),
    )
    .await;
}

#[wasm_bindgen_test]
async fn memory_storage_writes_nothing() {
    let t = tenant();
    let ss = session_storage();
    let before = ss.length().unwrap();
    let (client, o, s) = signed_in(&t, r#","storage":"memory""#).await;
    assert_eq!(stored(&key_of(&o)), None);
    assert_eq!(ss.length().unwrap(), before, "sessionStorage grew");
    let token = token_of(&s);
    for i in 0..ss.length().unwrap() {
        let k = ss.key(i).unwrap().unwrap();
        assert!(
            !ss.get_item(&k)
                .unwrap()
                .unwrap_or_default()
                .contains(&token),
            "token found under {k}"
        );
    }
    await_js(client.refresh()).await.unwrap();
    assert_eq!(
        ss.length().unwrap(),
        before,
        "sessionStorage grew after a refresh"
    );
    assert!(!client.session().unwrap().is_null());
    client.dispose();
    // A new memory client has no session.
    let again = AuthClient::new(o).unwrap();
    assert!(again.session().unwrap().is_null());
    again.dispose();
}

#[wasm_bindgen_test]
async fn clients_with_different_keys_are_independent() {
    let t = tenant();
    let (a, oa, sa) = signed_in(&t, "").await;
    let ob = options(&t, "");
    let b = AuthClient::new(ob.clone()).unwrap();
    assert!(b.session().unwrap().is_null(), "b sees a's session");
    let sb = await_js(b.login(json(
        r#"{"userName":"100","password":"","deviceName":"P02"}"#,
    )))
    .await
    .unwrap();
    assert_eq!(
        get_str(&get(&a.session().unwrap(), "user"), "userName").as_deref(),
        Some("999")
    );
    assert_eq!(
        get_str(&get(&b.session().unwrap(), "user"), "userName").as_deref(),
        Some("100")
    );
    let (events_b, _) = listen(&b);
    microtasks().await;
    await_js(a.logout()).await.unwrap();
    assert!(a.session().unwrap().is_null());
    assert_eq!(stored(&key_of(&oa)), None);
    assert_eq!(current_token(&b), Some(token_of(&sb)));
    assert!(stored(&key_of(&ob)).unwrap().contains(&token_of(&sb)));
    assert_eq!(types(&events_b), ["initial"]);
    assert_ne!(token_of(&sa), token_of(&sb));
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn session_is_the_same_object_until_it_changes() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    assert!(client.session().unwrap().is_null(), "null when signed out");
    let s = await_js(client.login(portos_credentials())).await.unwrap();
    let a = client.session().unwrap();
    let b = client.session().unwrap();
    assert!(js_sys::Object::is(&a, &b), "session() !== session()");
    assert!(js_sys::Object::is(&a, &s), "login's result !== session()");
    await_js(client.profile()).await.unwrap();
    assert!(
        js_sys::Object::is(&a, &client.session().unwrap()),
        "an unchanged profile changed session()"
    );
    let r = await_js(client.refresh()).await.unwrap();
    let c = client.session().unwrap();
    assert!(!js_sys::Object::is(&a, &c), "refresh kept the old object");
    assert!(js_sys::Object::is(&c, &r), "refresh's result !== session()");
    assert!(js_sys::Object::is(&c, &client.session().unwrap()));
    await_js(client.logout()).await.unwrap();
    assert!(client.session().unwrap().is_null(), "null after logout");
    client.dispose();
}

/// Fills sessionStorage to its quota; returns the keys it added.
fn fill_storage() -> Vec<String> {
    let ss = session_storage();
    let mut keys = Vec::new();
    let mut size = 1usize << 20;
    while size >= 16 {
        let key = format!("pos-auth-test-fill-{}", keys.len());
        let value = "x".repeat(size);
        if ss.set_item(&key, &value).is_ok() {
            keys.push(key);
        } else {
            size /= 2;
        }
    }
    keys
}

#[wasm_bindgen_test]
async fn full_storage_degrades_to_memory_and_logout_still_clears() {
    let t = tenant();
    // b signs in while there is room: its record is stored.
    let (b, ob, _) = signed_in(&t, "").await;
    let key_b = key_of(&ob);
    let oa = options(&t, "");
    let key_a = key_of(&oa);
    let warned_before = module_warnings();

    let filler = fill_storage();
    // a signs in with storage full: it works in memory.
    let a = AuthClient::new(oa.clone()).unwrap();
    let a_login = await_js(a.login(portos_credentials()))
        .await
        .map(|s| token_of(&s));
    let a_session = current_token(&a);
    let a_stored = stored(&key_a);
    let a_refresh = await_js(a.refresh()).await.map(|s| token_of(&s));
    let a_in_memory = current_token(&a);
    // b's user grows past what fits: b goes on in memory; then it refreshes and signs out.
    let big_name = "M".repeat(4096);
    fault(&t, &format!(r#"{{"method":"GET","path":"/portos/api/auth","status":200,"body":{{"id":"635f7ae3072edfeae7c26a1e","name":"{big_name}","userName":"999","rights":["admin"]}}}}"#)).await;
    let b_profile = await_js(b.profile()).await.is_ok();
    let b_refresh = await_js(b.refresh()).await.map(|s| token_of(&s));
    let b_logout = await_js(b.logout()).await.is_ok();
    let b_left = stored(&key_b);
    let a_logout = await_js(a.logout()).await.is_ok();
    // Clean up before asserting, so a failure cannot poison later tests.
    for k in &filler {
        session_storage().remove_item(k).unwrap();
    }
    let warned_after = module_warnings();
    let b_again = AuthClient::new(ob).unwrap();
    let b_restored = b_again.session().unwrap();
    b_again.dispose();
    a.dispose();
    b.dispose();
    session_storage().remove_item(&key_a).unwrap();
    session_storage().remove_item(&key_b).unwrap();

    assert!(!filler.is_empty());
    let a_token = a_login.expect("login with full storage failed");
    assert_eq!(a_session.as_deref(), Some(a_token.as_str()));
    assert_eq!(a_stored, None, "a record was written into full storage");
    let a_new = a_refresh.expect("refresh in memory failed");
    assert_eq!(a_in_memory, Some(a_new));
    assert!(a_logout);
    // Two clients degraded: the page is warned once (maybe by an earlier test).
    assert!(
        warned_after - warned_before <= 1,
        "{warned_before} warnings, then {warned_after}"
    );
    assert_eq!(warned_after, 1, "the page is warned exactly once");
    assert!(b_profile, "b's profile failed");
    assert!(b_refresh.is_ok(), "b's refresh failed");
    assert!(b_logout);
    assert_eq!(
        b_left.as_deref().map(|_| "a stale record"),
        None,
        "after logout, b's stale record (with a spent refresh token) is still in sessionStorage"
    );
    assert!(
        b_restored.is_null(),
        "a reload after logout restores a session: {}",
        stringify(&b_restored)
    );
}

/// `storage: localStorage`, a dedicated terminal keeping its cashier signed
/// in across tab closes: the record is there, not in sessionStorage, and a
/// new client restores it.
#[wasm_bindgen_test]
async fn a_storage_like_such_as_local_storage_keeps_the_record() {
    let t = tenant();
    let local = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let key = format!("pos-auth-local-{t}");
    let o = obj(&[
        ("baseUrl", format!("{t}/portos").into()),
        ("storage", local.clone().into()),
        ("storageKey", key.clone().into()),
    ]);
    let client = AuthClient::new(o.clone()).unwrap();
    let s = await_js(client.login(portos_credentials())).await.unwrap();
    let text = local
        .get_item(&key)
        .unwrap()
        .expect("no record in localStorage");
    assert_eq!(get_str(&json(&text), "accessToken"), Some(token_of(&s)));
    assert_eq!(stored(&key), None, "the record went to sessionStorage too");
    client.dispose();
    let again = AuthClient::new(o.clone()).unwrap();
    assert_eq!(
        token_of(&again.session().unwrap()),
        token_of(&s),
        "not restored from localStorage"
    );
    await_js(again.logout()).await.unwrap();
    assert_eq!(
        local.get_item(&key).unwrap(),
        None,
        "logout left the record in localStorage"
    );
    again.dispose();
}

/// Any object with getItem, setItem and removeItem; one that answers
/// non-strings reads as empty, one that throws degrades to memory.
#[wasm_bindgen_test]
async fn a_storage_like_object_is_used_and_a_throwing_one_degrades_to_memory() {
    let t = tenant();
    let base = format!("{t}/portos");
    let custom = js("(() => { const m = new Map(); return { m, getItem: (k) => m.has(k) ? m.get(k) : null, setItem: (k, v) => void m.set(k, String(v)), removeItem: (k) => void m.delete(k) }; })()");
    let o = obj(&[
        ("baseUrl", base.clone().into()),
        ("storage", custom.clone()),
    ]);
    let client = AuthClient::new(o.clone()).unwrap();
    let s = await_js(client.login(portos_credentials())).await.unwrap();
    let kept = js_sys::Reflect::get(&get(&custom, "m"), &"size".into()).unwrap();
    assert_eq!(
        kept.as_f64(),
        Some(1.0),
        "the record did not reach the object"
    );
    client.dispose();
    assert_eq!(
        token_of(&AuthClient::new(o).unwrap().session().unwrap()),
        token_of(&s)
    );

    for hostile in [
        "({ getItem: () => 42, setItem() {}, removeItem() {} })",
        "({ getItem: () => ({ toString() { throw 1 } }), setItem() {}, removeItem() {} })",
        "({ getItem() { throw 'no' }, setItem() { throw 'full' }, removeItem() { throw null } })",
    ] {
        let o = obj(&[("baseUrl", base.clone().into()), ("storage", js(hostile))]);
        let client = AuthClient::new(o).unwrap_or_else(|e| panic!("{hostile}: {}", stringify(&e)));
        assert!(client.session().unwrap().is_null(), "{hostile}");
        let s = await_js(client.login(portos_credentials()))
            .await
            .unwrap_or_else(|e| panic!("{hostile}: {}", stringify(&e)));
        assert_eq!(
            current_token(&client),
            Some(token_of(&s)),
            "{hostile}: the session was lost"
        );
        await_js(client.logout()).await.unwrap();
        client.dispose();
    }
    for bad in [
        "({})",
        "({ getItem() {}, setItem() {} })",
        "({ getItem: 1, setItem() {}, removeItem() {} })",
        "new Proxy({}, { get() { throw 'trap' } })",
    ] {
        let e = AuthClient::new(obj(&[
            ("baseUrl", base.clone().into()),
            ("storage", js(bad)),
        ]))
        .err()
        .unwrap_or_else(|| panic!("{bad} accepted"));
        auth_error(&e, "invalid_argument");
        assert!(get_str(&e, "message").unwrap().contains("storage"), "{bad}");
    }
}
