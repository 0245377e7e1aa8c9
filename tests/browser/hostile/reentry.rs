//! A wrong `this` from JavaScript, and listeners that call back in.

use super::*;

#[wasm_bindgen_test]
async fn hostile_this_from_javascript_never_traps() {
    let watch = TrapWatch::start();
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    let obj: JsValue = client.into();
    let mut fails = Vec::new();
    let methods = [
        "login", "profile", "refresh", "logout", "session", "fetch", "onChange", "dispose",
    ];
    let args = Array::of2(&portos_credentials(), &JsValue::UNDEFINED);
    let other = AuthClient::new(options(&tenant(), "")).unwrap();
    let disposed: JsValue = other.into();
    get(&disposed, "dispose")
        .unchecked_into::<Function>()
        .call0(&disposed)
        .unwrap();
    for m in methods {
        let f: Function = get(&obj, m).unchecked_into();
        for (label, this) in [
            ("{}", js("({})")),
            ("null", JsValue::NULL),
            ("undefined", JsValue::UNDEFINED),
            ("5", 5.into()),
            ("a prototype", js("Object.create(null)")),
        ] {
            match f.apply(&this, &args) {
                Ok(v) if v.is_instance_of::<js_sys::Promise>() => {
                    match settled(v.unchecked_into()).await {
                        Ok(x) => fails.push(format!(
                            "{m} with this = {label}: resolved {}",
                            stringify(&x)
                        )),
                        Err(e) if is_trap(&e) || e.as_string().is_some() => {
                            fails.push(format!("{m} with this = {label}: {}", describe(&e)))
                        }
                        Err(_) => {}
                    }
                }
                Ok(v) if m == "dispose" => {
                    let _ = v;
                }
                Ok(v) => fails.push(format!("{m} with this = {label}: returned {v:?}")),
                Err(e) if is_trap(&e) => {
                    fails.push(format!("{m} with this = {label}: TRAP {}", describe(&e)))
                }
                Err(e) if !e.is_instance_of::<js_sys::Error>() => {
                    fails.push(format!("{m} with this = {label}: threw a non-Error {e:?}"))
                }
                Err(_) => {}
            }
        }
        // A disposed client: disposed (or nothing, for dispose and session).
        match f.apply(&disposed, &args) {
            Ok(v) if v.is_instance_of::<js_sys::Promise>() => {
                match settled(v.unchecked_into()).await {
                    Err(e) if code(&e) == "disposed" => {}
                    other => fails.push(format!("{m} on a disposed client: {other:?}")),
                }
            }
            Ok(_) if m == "dispose" => {}
            Ok(v) => fails.push(format!("{m} on a disposed client returned {v:?}")),
            Err(e) if code(&e) == "disposed" => {}
            Err(e) => fails.push(format!("{m} on a disposed client threw {}", describe(&e))),
        }
        // Extra arguments are ignored.
        if ["profile", "session"].contains(&m) {
            let many = Array::of3(&js("Symbol()"), &JsValue::NULL, &js("() => { throw 1 }"));
            match f.apply(&obj, &many) {
                Ok(v) if v.is_instance_of::<js_sys::Promise>() => {
                    if let Err(e) = settled(v.unchecked_into()).await {
                        fails.push(format!("{m}(extra arguments): {}", describe(&e)));
                    }
                }
                Ok(_) => {}
                Err(e) => fails.push(format!("{m}(extra arguments) threw {}", describe(&e))),
            }
        }
    }
    // free() of the generated class (the package maps it to dispose, see
    // pkg-template; here it is wasm-bindgen's own): later calls fail as
    // Errors, never a trap.
    let victim: JsValue = AuthClient::new(options(&t, "")).unwrap().into();
    let free: Function = get(&victim, "free").unchecked_into();
    free.call0(&victim).unwrap();
    for m in methods {
        let f: Function = get(&victim, m).unchecked_into();
        match f.apply(&victim, &args) {
            Ok(v) if v.is_instance_of::<js_sys::Promise>() => {
                if let Err(e) = settled(v.unchecked_into()).await {
                    if is_trap(&e) {
                        fails.push(format!("{m} after free: TRAP {}", describe(&e)));
                    }
                }
            }
            Ok(_) => {}
            Err(e) if is_trap(&e) => fails.push(format!("{m} after free: TRAP {}", describe(&e))),
            Err(_) => {}
        }
    }
    report(fails);
    let login: Function = get(&obj, "login").unchecked_into();
    await_js(
        login
            .call1(&obj, &portos_credentials())
            .unwrap()
            .unchecked_into(),
    )
    .await
    .expect("the client still logs in");
    let fresh = AuthClient::new(options(&t, "")).unwrap();
    await_js(fresh.login(portos_credentials()))
        .await
        .expect("a new client logs in");
    fresh.dispose();
    watch.finish().await;
}

#[wasm_bindgen_test]
async fn reentrant_listeners_cannot_break_the_client() {
    let watch = TrapWatch::start();
    let t = tenant();
    let obj: JsValue = AuthClient::new(options(&t, "")).unwrap().into();
    // Listeners that call back into the client while it is emitting.
    let install = js(r#"((client) => {
        const seen = [];
        const unsubscribers = [];
        unsubscribers.push(client.onChange((e) => { seen.push("a:" + e.type); throw new Error("listener threw (expected by the test)"); }));
        unsubscribers.push(client.onChange((e) => {
            seen.push("b:" + e.type);
            client.session();
            const u = client.onChange(() => {}); u(); u();
            unsubscribers[0]();
            if (e.type === "signedIn") { client.profile().catch(() => {}); client.refresh().catch(() => {}); client.fetch("about:blank").catch(() => {}); }
            if (e.type === "refreshed") { client.logout(); }
            if (e.type === "signedOut" && seen.filter((x) => x === "b:signedOut").length === 1) { client.login({ userName: "999", password: "1234", deviceName: "P01" }).catch(() => {}); }
        }));
        return seen;
    })"#)
    .unchecked_into::<Function>()
    .call1(&JsValue::NULL, &obj)
    .unwrap();
    let login: Function = get(&obj, "login").unchecked_into();
    let s = settled(
        login
            .call1(&obj, &portos_credentials())
            .unwrap()
            .unchecked_into(),
    )
    .await
    .expect("login with re-entrant listeners");
    assert!(!s.is_null());
    let refresh: Function = get(&obj, "refresh").unchecked_into();
    let _ = settled(refresh.call0(&obj).unwrap().unchecked_into()).await;
    // signedOut, then the listener's own login: wait for the second signedIn.
    let deadline = now() + 5000.0;
    while now() < deadline
        && Array::from(&install)
            .iter()
            .filter(|e| e.as_string().as_deref() == Some("b:signedIn"))
            .count()
            < 2
    {
        sleep(25).await;
    }
    let seen: Vec<String> = Array::from(&install)
        .iter()
        .filter_map(|e| e.as_string())
        .collect();
    assert!(
        seen.iter().filter(|e| *e == "b:signedIn").count() == 2,
        "events {seen:?}"
    );
    assert!(seen.contains(&"b:signedOut".to_string()), "events {seen:?}");
    // The throwing listener was unsubscribed by the other one during `initial`.
    assert_eq!(
        seen.iter()
            .filter(|e| e.starts_with("a:"))
            .collect::<Vec<_>>(),
        ["a:initial"],
        "events {seen:?}"
    );

    // A listener that disposes the client in the middle of a login.
    let victim: JsValue = AuthClient::new(options(&t, "")).unwrap().into();
    js("((c) => c.onChange((e) => { if (e.type === 'signedIn') c.dispose(); }))")
        .unchecked_into::<Function>()
        .call1(&JsValue::NULL, &victim)
        .unwrap();
    let vlogin: Function = get(&victim, "login").unchecked_into();
    match settled(
        vlogin
            .call1(&victim, &portos_credentials())
            .unwrap()
            .unchecked_into(),
    )
    .await
    {
        Ok(_) => {}
        Err(e) => assert_eq!(
            code(&e),
            "disposed",
            "login whose listener disposed the client: {}",
            describe(&e)
        ),
    }
    let e = settled(
        vlogin
            .call1(&victim, &portos_credentials())
            .unwrap()
            .unchecked_into(),
    )
    .await
    .expect_err("login after dispose");
    auth_error(&e, "disposed");

    let fresh = AuthClient::new(options(&t, "")).unwrap();
    await_js(fresh.login(portos_credentials()))
        .await
        .expect("a new client logs in");
    fresh.dispose();
    get(&obj, "dispose")
        .unchecked_into::<Function>()
        .call0(&obj)
        .unwrap();
    watch.finish().await;
}
