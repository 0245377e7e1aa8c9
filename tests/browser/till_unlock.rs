//! The till's online unlock (docs/API.md "The till": `unlock(password)`,
//! online) on PORTOS, and once on CashDesk and MetaDefender; the arguments
//! it refuses, and unlocks that run one at a time.

use crate::support::*;
use crate::till::*;
use js_sys::Object;
use pos_auth::web::AuthClient;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn till_online_unlock_sends_one_login_with_the_session_user_and_fires_unlocked() {
    let t = tenant();
    let (client, o) = locked_client(&t, "").await;
    let old = current_token(&client).unwrap();
    let locked = client.session().unwrap();
    forget(&t).await;
    let (events, _) = listen(&client);
    microtasks().await;
    let s = await_js(client.unlock("1234".into()))
        .await
        .expect("unlock");
    assert_eq!(locked_of(&s), Some(false));
    assert!(
        is_current(&client, &s),
        "unlock resolved another object than session()"
    );
    assert!(!Object::is(&s, &locked));
    let new = token_of(&s);
    assert_ne!(new, old, "the online unlock kept the old tokens");
    assert_eq!(
        get_str(&get(&s, "user"), "userName").as_deref(),
        Some("999")
    );
    assert_eq!(
        types(&events),
        ["initial", "unlocked"],
        "not unlocked alone"
    );
    assert!(Object::is(
        &get(&event_of(&events, "unlocked").unwrap(), "session"),
        &s
    ));
    // Exactly one login call, with the stored user's identifiers.
    assert_eq!(count(&t, PORTOS_LOGIN).await, 1);
    let sent = logins(&t, "/portos/api/auth").await;
    let body = json(&get_str(&sent[0], "body").unwrap());
    assert_eq!(member(&body, "userName").as_deref(), Some("999"));
    assert_eq!(member(&body, "deviceName").as_deref(), Some("P01"));
    assert_eq!(member(&body, "password").as_deref(), Some("1234"));
    assert_eq!(header(&sent[0], "authorization"), None);
    // As a second login(): the old token gets its best-effort DELETE.
    let dropped = until_deleted(&t, &old).await;
    assert!(dropped, "the old token was not DELETEd");
    let r = record(&o);
    assert_eq!(get(&r, "locked").as_bool(), Some(false));
    assert_eq!(num(&r, "failedUnlocks"), Some(0.0));
    assert!(stored(&key_of(&o)).unwrap().contains(&new));
    // The new token works.
    await_js(client.profile())
        .await
        .expect("profile with the new token");
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_unlock_when_not_locked_resolves_the_current_session_without_a_request() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    forget(&t).await;
    let (events, _) = listen(&client);
    microtasks().await;
    let current = client.session().unwrap();
    let text = stored(&key_of(&o));
    // Any string will do, even a wrong one: nothing is checked.
    for password in ["1234", "wrong", ""] {
        let s = await_js(client.unlock(password.into()))
            .await
            .expect("unlock unlocked");
        assert!(
            Object::is(&s, &current),
            "unlock({password:?}) resolved another object"
        );
    }
    assert!(requests(&t).await.is_empty(), "unlock sent a request");
    assert_eq!(types(&events), ["initial"]);
    assert_eq!(stored(&key_of(&o)), text);
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_unlock_with_no_session_rejects_no_session() {
    let t = tenant();
    let client = AuthClient::new(options(&t, "")).unwrap();
    rejects_with(client.unlock("1234".into()), "no_session").await;
    assert!(requests(&t).await.is_empty());
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_unlock_with_a_password_that_is_not_a_string_is_invalid_argument_locked_or_not() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    forget(&t).await;
    let (events, _) = listen(&client);
    microtasks().await;
    for locked in [false, true] {
        if locked {
            lock(&client);
        }
        let (session, text) = (client.session().unwrap(), stored(&key_of(&o)));
        for (what, password) in not_strings() {
            let e = rejects(client.unlock(password)).await;
            assert_eq!(code(&e), "invalid_argument", "{what} (locked: {locked})");
            auth_error(&e, "invalid_argument");
            assert!(
                is_current(&client, &session),
                "{what}: a new Session object"
            );
        }
        assert_eq!(
            stored(&key_of(&o)),
            text,
            "a refused password changed the record"
        );
    }
    assert_eq!(
        failed_unlocks(&o),
        Some(0.0),
        "a refused password was counted"
    );
    assert!(requests(&t).await.is_empty(), "a refused password was sent");
    assert_eq!(types(&events), ["initial", "locked"]);
    // Still locked, and the right password still opens it.
    await_js(client.unlock("1234".into()))
        .await
        .expect("unlock after refusals");
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_a_wrong_password_online_counts_one_and_changes_nothing_else() {
    let t = tenant();
    let (client, o) = locked_client(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    let session = client.session().unwrap();
    let e = rejects_with(client.unlock("4321".into()), "invalid_credentials").await;
    assert!(!stringify(&e).contains("4321") && !get_str(&e, "message").unwrap().contains("4321"));
    assert!(
        is_current(&client, &session),
        "a wrong attempt made a new Session object"
    );
    assert!(is_locked(&client));
    assert_eq!(
        types(&events),
        ["initial"],
        "a wrong attempt fired an event"
    );
    assert_eq!(failed_unlocks(&o), Some(1.0));
    assert_eq!(stored_locked(&o), Some(true));
    assert_eq!(count(&t, PORTOS_LOGIN).await, 2, "login + one unlock call");
    assert_eq!(token_of(&client.session().unwrap()), token_of(&session));
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_two_unlocks_at_once_run_one_at_a_time() {
    let t = tenant();
    let (client, _) = locked_client(&t, "").await;
    forget(&t).await;
    let (events, _) = listen(&client);
    microtasks().await;
    let (first, second) = (client.unlock("1234".into()), client.unlock("1234".into()));
    let a = await_js(first).await.expect("first unlock");
    let b = await_js(second).await.expect("second unlock");
    // The second finds the session unlocked and resolves it as it is.
    assert!(Object::is(&a, &b), "two unlocks made two sessions");
    assert_eq!(
        count(&t, PORTOS_LOGIN).await,
        1,
        "the second unlock sent its own login"
    );
    assert_eq!(types(&events), ["initial", "unlocked"]);
    client.dispose();
}

/// The online unlock on a back end other than PORTOS: one login call with
/// the session's `identifier` member, new tokens, `unlocked`.
async fn unlock_online_on(backend: &str, path: &str, identifier: (&str, &str), password: &str) {
    let t = tenant();
    let (client, o, s) = signed_in_to(&t, backend, "").await;
    lock(&client);
    forget(&t).await;
    let (events, _) = listen(&client);
    microtasks().await;
    rejects_with(client.unlock("not-it".into()), "invalid_credentials").await;
    assert_eq!(failed_unlocks(&o), Some(1.0));
    let unlocked = await_js(client.unlock(password.into()))
        .await
        .expect("unlock");
    assert_eq!(locked_of(&unlocked), Some(false));
    assert!(is_current(&client, &unlocked));
    assert_eq!(types(&events), ["initial", "unlocked"]);
    assert_eq!(
        failed_unlocks(&o),
        Some(0.0),
        "a successful unlock keeps the count"
    );
    assert_eq!(stored_locked(&o), Some(false));
    let sent = logins(&t, path).await;
    assert_eq!(sent.len(), 2, "{backend}: one login call per unlock");
    let body = json(&get_str(&sent[1], "body").unwrap());
    assert_eq!(member(&body, identifier.0).as_deref(), Some(identifier.1));
    assert_eq!(member(&body, "password").as_deref(), Some(password));
    assert_eq!(
        keys(&body).len(),
        2,
        "{backend} unlock body: {}",
        stringify(&body)
    );
    assert_ne!(
        token_of(&unlocked),
        token_of(&s),
        "{backend}: the same token after an online unlock"
    );
    // The same user, as the new login answer has it.
    for field in ["id", "userName", "email", "name"] {
        assert_eq!(
            get_str(&get(&unlocked, "user"), field),
            get_str(&get(&s, "user"), field),
            "{backend} user.{field}"
        );
    }
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_online_unlock_on_cashdesk_logs_in_with_the_email() {
    unlock_online_on(
        "cashdesk",
        "/cashdesk/api/v2/authenticate",
        ("email", "cashier@example.com"),
        "secret",
    )
    .await;
}

#[wasm_bindgen_test]
async fn till_online_unlock_on_metadefender_logs_in_with_the_user_name() {
    unlock_online_on(
        "metadefender",
        "/metadefender/api/user/authenticate",
        ("userName", "admin"),
        "AdminPassword",
    )
    .await;
}
