//! The till under hostile use: passwords and approval credentials a page
//! should not pass, calls racing each other or re-entering from listeners,
//! and a wrong `this`. Each call settles with an `AuthError` (never a
//! trap) and the client keeps working afterwards.

use crate::hostile::{is_trap, js, settled, TrapWatch};
use crate::support::*;
use crate::till::*;
use crate::till_approve::{manager, storno};
use js_sys::{Array, Function};
use pos_auth::web::AuthClient;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

fn describe(e: &JsValue) -> String {
    format!(
        "{} name={:?} code={:?} message={:?}",
        stringify(e),
        get_str(e, "name"),
        get_str(e, "code"),
        get_str(e, "message")
    )
}

/// Records what is wrong with a settled module call: a trap, a promise that
/// never settled, or a rejection that is not an `AuthError` of one of `codes`.
fn check(what: &str, result: &Result<JsValue, JsValue>, codes: &[&str], fails: &mut Vec<String>) {
    match result {
        Ok(v) => fails.push(format!("{what}: resolved {}", stringify(v))),
        Err(e) if is_trap(e) || e.as_string().is_some() => {
            fails.push(format!("{what}: {}", describe(e)))
        }
        Err(e) if get_str(e, "name").as_deref() != Some("AuthError") => {
            fails.push(format!("{what}: not an AuthError: {}", describe(e)))
        }
        Err(e) if !codes.contains(&code(e).as_str()) => {
            fails.push(format!("{what}: {} (wanted one of {codes:?})", code(e)))
        }
        Err(_) => {}
    }
}

fn report(fails: Vec<String>) {
    assert!(
        fails.is_empty(),
        "{} problems:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

#[wasm_bindgen_test]
async fn till_hostile_passwords_never_trap() {
    let watch = TrapWatch::start();
    let t = tenant();
    let (client, o) = locked_client(&t, r#","unlockAttempts":50"#).await;
    let mut fails = Vec::new();
    let mut values = not_strings();
    values.push((
        "a revoked Proxy",
        js("(() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; })()"),
    ));
    values.push((
        "a throwing toString",
        js(r#"({ toString() { throw new Error("toString (expected by the test)"); } })"#),
    ));
    values.push(("a function", js("(() => () => '1234')()")));
    for (what, password) in values {
        check(
            what,
            &settled(client.unlock(password)).await,
            &["invalid_argument"],
            &mut fails,
        );
    }
    // Strings a page can make that are not valid UTF-16: sent, and wrong.
    for (what, password) in [
        ("a lone surrogate", js("String.fromCharCode(0xD800)")),
        (
            "a lone low surrogate",
            js(r#""12" + String.fromCharCode(0xDC00) + "34""#),
        ),
        ("a NUL", js(r#""12\u000034""#)),
    ] {
        let r = settled(client.unlock(password)).await;
        check(
            what,
            &r,
            &["invalid_credentials", "invalid_argument"],
            &mut fails,
        );
    }
    assert!(is_locked(&client));
    assert!(failed_unlocks(&o).unwrap() <= 3.0);
    await_js(client.unlock("1234".into()))
        .await
        .expect("the right password after all that");
    watch.finish().await;
    report(fails);
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_hostile_approval_credentials_and_options_never_trap() {
    let watch = TrapWatch::start();
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    forget(&t).await;
    let mut fails = Vec::new();
    let credentials = js(r#"(() => {
        const getter = (field) => { const o = { userName: "300", password: "4321", deviceName: "P01" }; Object.defineProperty(o, field, { enumerable: true, get() { throw new Error("getter (expected by the test)"); } }); return o; };
        const revoked = Proxy.revocable({}, {}); revoked.revoke();
        return [
            ["a throwing password getter", getter("password")],
            ["a throwing userName getter", getter("userName")],
            ["a Proxy whose get throws", new Proxy({ userName: "300", password: "4321", deviceName: "P01" }, { get() { throw new Error("get trap (expected by the test)"); } })],
            ["a Proxy whose ownKeys throws", new Proxy({ userName: "300", password: "4321", deviceName: "P01" }, { ownKeys() { throw new Error("ownKeys trap (expected by the test)"); } })],
            ["a revoked Proxy", revoked.proxy],
            ["a Proxy password", { userName: "300", password: new Proxy({}, {}), deviceName: "P01" }],
            ["a symbol", Symbol("x")],
        ];
    })()"#);
    for pair in Array::from(&credentials).iter() {
        let pair = Array::from(&pair);
        let what = pair.get(0).as_string().unwrap();
        let r = settled(client.approve(pair.get(1), storno())).await;
        check(&what, &r, &["invalid_argument"], &mut fails);
    }
    let options = js(r#"(() => {
        const getter = {}; Object.defineProperty(getter, "right", { enumerable: true, get() { throw new Error("getter (expected by the test)"); } });
        const revoked = Proxy.revocable({}, {}); revoked.revoke();
        return [
            ["a throwing right getter", getter],
            ["a Proxy whose get throws", new Proxy({ right: "storno" }, { get() { throw new Error("get trap (expected by the test)"); } })],
            ["a Proxy whose ownKeys throws", new Proxy({ right: "storno" }, { ownKeys() { throw new Error("ownKeys trap (expected by the test)"); } })],
            ["a revoked Proxy", revoked.proxy],
            ["a right that is a String object", { right: new String("storno") }],
        ];
    })()"#);
    for pair in Array::from(&options).iter() {
        let pair = Array::from(&pair);
        let what = format!("options: {}", pair.get(0).as_string().unwrap());
        let r = settled(client.approve(manager(), pair.get(1))).await;
        check(&what, &r, &["invalid_argument"], &mut fails);
    }
    if !requests(&t).await.is_empty() {
        fails.push("refused approvals sent a request".into());
    }
    await_js(client.approve(manager(), storno()))
        .await
        .expect("approve after all that");
    watch.finish().await;
    report(fails);
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_hostile_unlock_racing_a_logout_ends_signed_out() {
    let watch = TrapWatch::start();
    let t = tenant();
    let (client, o) = locked_client(&t, "").await;
    let (events, _) = listen(&client);
    // The unlock's login call is slow, so the logout comes in the middle.
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth","delayMs":300}"#,
    )
    .await;
    let unlocking = client.unlock("1234".into());
    await_js(client.logout()).await.expect("logout");
    let r = settled(unlocking).await;
    let mut fails = Vec::new();
    if r.is_err() {
        check(
            "unlock racing a logout",
            &r,
            &["no_session", "invalid_credentials", "network"],
            &mut fails,
        );
    }
    sleep(100).await;
    watch.finish().await;
    report(fails);
    assert!(
        client.session().unwrap().is_null(),
        "the unlock brought the session back: {:?}",
        types(&events)
    );
    assert_eq!(
        stored(&key_of(&o)),
        None,
        "the unlock stored a session after the logout"
    );
    assert_eq!(
        event_of(&events, "unlocked").map(|_| ()),
        None,
        "unlocked after the logout"
    );
    await_js(client.login(portos_credentials()))
        .await
        .expect("login afterwards");
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_hostile_unlock_and_login_run_one_at_a_time() {
    let t = tenant();
    let (client, _) = locked_client(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    let marek = json(r#"{"userName":"200","password":"1111","deviceName":"P01"}"#);
    let (unlocking, login) = (client.unlock("1234".into()), client.login(marek));
    let u = await_js(unlocking).await.expect("unlock");
    let l = await_js(login).await.expect("login");
    assert_eq!(
        get_str(&get(&u, "user"), "userName").as_deref(),
        Some("999")
    );
    assert_eq!(
        get_str(&get(&l, "user"), "userName").as_deref(),
        Some("200")
    );
    assert!(is_current(&client, &l) && !is_locked(&client));
    assert_eq!(types(&events), ["initial", "unlocked", "signedIn"]);
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_hostile_lock_during_a_refresh_stays_locked() {
    let t = tenant();
    let (client, o, s) = signed_in(&t, "").await;
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","delayMs":300}"#,
    )
    .await;
    let refreshing = client.refresh();
    lock(&client);
    let r = await_js(refreshing).await.expect("refresh");
    assert_ne!(token_of(&r), token_of(&s));
    assert_eq!(
        locked_of(&r),
        Some(true),
        "the refresh resolved an unlocked session"
    );
    assert!(is_locked(&client), "the refresh unlocked the session");
    assert_eq!(
        stored_locked(&o),
        Some(true),
        "the refresh stored it unlocked"
    );
    assert_eq!(current_token(&client), Some(token_of(&r)));
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_hostile_listeners_that_call_back_in_never_trap() {
    let watch = TrapWatch::start();
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    let client = Rc::new(client);
    let started: Rc<RefCell<Vec<(String, js_sys::Promise)>>> = Rc::default();
    let (c, s) = (client.clone(), started.clone());
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        match get_str(&e, "type").as_deref() {
            Some("locked") => {
                let again = c.lock().map_err(|e| code(&e));
                s.borrow_mut().push((
                    format!("lock in locked: {again:?}"),
                    c.unlock("1234".into()),
                ));
            }
            Some("unlocked") => s
                .borrow_mut()
                .push(("approve in unlocked".into(), c.approve(manager(), storno()))),
            _ => {}
        }
    });
    client.on_change(listener.into_js_value()).unwrap();
    lock(&client);
    assert!(
        until(|| !is_locked(&client), 5000.0).await,
        "the listener's unlock did not unlock"
    );
    assert!(until(|| started.borrow().len() == 2, 1000.0).await);
    let mut fails = Vec::new();
    let calls: Vec<_> = started.borrow().iter().cloned().collect();
    for (what, p) in calls {
        if what.starts_with("lock") && what != "lock in locked: Ok(())" {
            fails.push(what.clone());
        }
        match settled(p).await {
            Ok(_) => {}
            Err(e) => fails.push(format!("{what}: {}", describe(&e))),
        }
    }
    watch.finish().await;
    report(fails);
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_hostile_wrong_this_or_a_disposed_client_never_traps() {
    let watch = TrapWatch::start();
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    let object: JsValue = client.into();
    let disposed: JsValue = AuthClient::new(options(&t, "")).unwrap().into();
    get(&disposed, "dispose")
        .unchecked_into::<Function>()
        .call0(&disposed)
        .unwrap();
    let mut fails = Vec::new();
    for (method, args) in [
        ("lock", Array::new()),
        ("unlock", Array::of1(&"1234".into())),
        ("approve", Array::of2(&manager(), &storno())),
    ] {
        let f: Function = get(&object, method).unchecked_into();
        for (label, this) in [
            ("{}", js("({})")),
            ("null", JsValue::NULL),
            ("5", 5.into()),
            ("a disposed client", disposed.clone()),
        ] {
            let what = format!("{method} with this = {label}");
            let result = match f.apply(&this, &args) {
                Ok(v) if v.is_instance_of::<js_sys::Promise>() => settled(v.unchecked_into()).await,
                Ok(v) => Ok(v),
                Err(e) => Err(e),
            };
            match &result {
                Err(e) if label == "a disposed client" => {
                    check(&what, &Err(e.clone()), &["disposed"], &mut fails)
                }
                Err(e) if is_trap(e) || !e.is_instance_of::<js_sys::Error>() => {
                    fails.push(format!("{what}: {}", describe(e)))
                }
                Err(_) => {}
                Ok(v) => fails.push(format!("{what}: returned {}", stringify(v))),
            }
        }
    }
    // The real instance still works.
    let lock: Function = get(&object, "lock").unchecked_into();
    lock.call0(&object).expect("lock on the instance");
    let dispose: Function = get(&object, "dispose").unchecked_into();
    dispose.call0(&object).unwrap();
    watch.finish().await;
    report(fails);
}
