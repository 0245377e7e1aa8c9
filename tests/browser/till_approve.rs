//! The manager approval: `approve(credentials, { right })` signs a second
//! person in for one action, reads their user, ends their token at once
//! (PORTOS) and changes nothing of the session. The emulator's request log
//! names whose token a call carried (`tokenUser`), so the approver's logout
//! is told apart from the cashier's.

use crate::hostile::js;
use crate::support::*;
use crate::till::*;
use js_sys::{Array, Function};
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

pub(crate) fn manager() -> JsValue {
    json(r#"{"userName":"300","password":"4321","deviceName":"P01"}"#)
}

/// A cashier without `storno`.
pub(crate) fn marek() -> JsValue {
    json(r#"{"userName":"200","password":"1111","deviceName":"P01"}"#)
}

pub(crate) fn storno() -> JsValue {
    json(r#"{"right":"storno"}"#)
}

/// Records, in JS only, the tokens (BACKENDS.md: PORTOS `tokenId` and
/// `refreshToken`, CashDesk `token` without its "Bearer ", MetaDefender
/// `accessToken` and `refreshToken`) of every login answer the module
/// receives through the page's `fetch` while alive. The test's
/// Rust code never holds them, so a copy in wasm memory is the module's.
pub(crate) struct LoginAnswers(JsValue);

impl LoginAnswers {
    pub(crate) fn start() -> LoginAnswers {
        LoginAnswers(js(r#"(() => {
            const original = globalThis.fetch;
            const tokens = [];
            const pending = [];
            const walk = (answer) => {
                for (const name of ["tokenId", "refreshToken", "token", "accessToken"]) {
                    const value = answer && answer[name];
                    if (typeof value === "string" && value.length >= 16) tokens.push(value.replace(/^Bearer /, ""));
                }
            };
            globalThis.fetch = function (input, init) {
                const answer = original.apply(this, arguments);
                const request = input instanceof Request ? input : null;
                const url = request ? request.url : String(input);
                const method = request ? request.method : (init && init.method) || "GET";
                if (method === "POST" && /\/(api\/auth|api\/v2\/authenticate|api\/user\/authenticate)$/.test(url)) {
                    pending.push(Promise.resolve(answer).then((r) => r.clone().text()).then((t) => walk(JSON.parse(t)), () => {}));
                }
                return answer;
            };
            return { tokens, stop() { globalThis.fetch = original; return Promise.all(pending); } };
        })()"#))
    }

    /// Restores the page's `fetch`; the tokens seen, as JS strings.
    pub(crate) async fn stop(self) -> Vec<JsValue> {
        let stop: Function = get(&self.0, "stop").unchecked_into();
        await_js(stop.call0(&self.0).unwrap().unchecked_into())
            .await
            .unwrap();
        Array::from(&get(&self.0, "tokens")).iter().collect()
    }
}

/// Whether `hay` contains the JS string `needle`, compared in JS.
pub(crate) fn contains(hay: &str, needle: &JsValue) -> bool {
    js("((h, n) => h.includes(n))")
        .unchecked_into::<Function>()
        .call2(&JsValue::NULL, &hay.into(), needle)
        .unwrap()
        .as_bool()
        .unwrap()
}

/// Everything in this page's sessionStorage, as one text.
pub(crate) fn all_session_storage() -> String {
    let s = session_storage();
    (0..s.length().unwrap())
        .filter_map(|i| s.key(i).ok().flatten())
        .map(|k| format!("{k}={}", s.get_item(&k).unwrap().unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `tokenUser` of every PORTOS logout the tenant saw, once `n` of them
/// are `approver`'s or 2 s have passed (a best-effort call may settle after
/// `approve`).
async fn deletes_by(t: &str, approver: &str, n: usize) -> Vec<String> {
    let deadline = now() + 2000.0;
    loop {
        let users: Vec<String> = requests_to(t, "DELETE", "/portos/api/auth")
            .await
            .iter()
            .map(|d| get_str(d, "tokenUser").unwrap_or_else(|| "null".into()))
            .collect();
        if users.iter().filter(|u| *u == approver).count() >= n || now() > deadline {
            return users;
        }
        sleep(50).await;
    }
}

/// Checks nothing of the approver's is in sessionStorage (their tokens
/// under any key; their name in the client's record, as other tests'
/// records may hold the same user), the events, `session()` or `returned`.
fn nothing_of_the_approver(
    tokens: &[JsValue],
    name: &str,
    (client, options): (&AuthClient, &JsValue),
    events: &Events,
    returned: &str,
) {
    assert!(
        !tokens.is_empty(),
        "no approver token was seen: the check proves nothing"
    );
    let storage = all_session_storage();
    let record = stored(&key_of(options)).unwrap_or_default();
    let events_text: String = events.borrow().iter().map(stringify).collect();
    let session = stringify(&client.session().unwrap());
    for (place, text) in [
        ("sessionStorage", &storage),
        ("the client's record", &record),
        ("the events", &events_text),
        ("session()", &session),
        ("approve's result", &returned.to_owned()),
    ] {
        for (i, token) in tokens.iter().enumerate() {
            assert!(
                !contains(text, token),
                "the approver's token #{i} is in {place}"
            );
        }
        if !["approve's result", "sessionStorage"].contains(&place) {
            assert!(!text.contains(name), "the approver's name is in {place}");
        }
    }
}

#[wasm_bindgen_test]
async fn till_approve_resolves_the_manager_and_ends_their_token_at_once() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let base = get_str(&o, "baseUrl").unwrap();
    let (events, _) = listen(&client);
    microtasks().await;
    let (session, text) = (client.session().unwrap(), stored(&key_of(&o)));
    forget(&t).await;
    let answers = LoginAnswers::start();
    let before = now().floor();
    let approval = await_js(client.approve(manager(), storno())).await;
    let after = now().ceil();
    let tokens = answers.stop().await;
    let approval = approval.expect("the manager's approval");
    assert_eq!(keys(&approval), ["approvedAt", "user"]);
    let at = num(&approval, "approvedAt").expect("approvedAt");
    assert!(
        before <= at && at <= after,
        "approvedAt {at} not in [{before}, {after}]"
    );
    assert_eq!(at, at.floor(), "approvedAt is not whole ms");
    let user = get(&approval, "user");
    assert_eq!(get_str(&user, "userName").as_deref(), Some("300"));
    assert_eq!(get_str(&user, "name").as_deref(), Some("Vedúci zmeny"));
    assert!(Array::from(&get(&user, "rights")).includes(&"storno".into(), 0));
    assert_eq!(
        get_str(&get(&user, "device"), "name").as_deref(),
        Some("P01")
    );
    // One login with the manager's credentials, then the manager's token
    // DELETEd; the cashier's token is not touched.
    let sent = logins(&t, "/portos/api/auth").await;
    assert_eq!(sent.len(), 1);
    let body = json(&get_str(&sent[0], "body").unwrap());
    assert_eq!(member(&body, "userName").as_deref(), Some("300"));
    assert_eq!(
        deletes_by(&t, "300", 1).await,
        ["300"],
        "the approver's token was not ended"
    );
    // The session is as it was: same object, same record, no event.
    assert!(
        is_current(&client, &session),
        "approve made a new Session object"
    );
    assert_eq!(stored(&key_of(&o)), text, "approve changed the record");
    assert_eq!(types(&events), ["initial"], "approve fired an event");
    nothing_of_the_approver(
        &tokens,
        "Vedúci zmeny",
        (&client, &o),
        &events,
        &stringify(&approval),
    );
    // fetch goes on with the cashier's token, which still works.
    let r: web_sys::Response =
        await_js(client.fetch(format!("{base}/api/auth").into(), JsValue::UNDEFINED))
            .await
            .expect("fetch after approve")
            .unchecked_into();
    assert_eq!(r.status(), 200, "the cashier's token no longer works");
    let gets = requests_to(&t, "GET", "/portos/api/auth").await;
    assert_eq!(get_str(&gets[0], "tokenUser").as_deref(), Some("999"));
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_approve_without_the_right_is_forbidden_and_still_ends_the_approvers_token() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    let (session, text) = (client.session().unwrap(), stored(&key_of(&o)));
    forget(&t).await;
    let answers = LoginAnswers::start();
    let e = rejects(client.approve(marek(), storno())).await;
    let tokens = answers.stop().await;
    auth_error(&e, "forbidden");
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert_eq!(
        deletes_by(&t, "200", 1).await,
        ["200"],
        "the refused approver's token was not ended"
    );
    assert!(is_current(&client, &session));
    assert_eq!(stored(&key_of(&o)), text);
    assert_eq!(types(&events), ["initial"]);
    nothing_of_the_approver(
        &tokens,
        "Pokladník Marek",
        (&client, &o),
        &events,
        &stringify(&e),
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_approve_without_a_right_takes_any_approver() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    forget(&t).await;
    for (what, options) in [
        ("no options", JsValue::UNDEFINED),
        ("{}", json("{}")),
        ("{ right: undefined }", js("({ right: undefined })")),
    ] {
        let a = await_js(client.approve(marek(), options))
            .await
            .unwrap_or_else(|e| panic!("{what}: {}", code(&e)));
        assert_eq!(
            get_str(&get(&a, "user"), "userName").as_deref(),
            Some("200"),
            "{what}"
        );
    }
    let users = deletes_by(&t, "200", 3).await;
    assert_eq!(
        users, ["200"; 3],
        "one DELETE of the approver's token per approval"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_approve_works_without_a_session_and_while_locked() {
    let t = tenant();
    let o = options(&t, "");
    let base = get_str(&o, "baseUrl").unwrap();
    let client = AuthClient::new(o.clone()).unwrap();
    let (events, _) = listen(&client);
    microtasks().await;
    let a = await_js(client.approve(manager(), storno()))
        .await
        .expect("approve with no session");
    assert_eq!(
        get_str(&get(&a, "user"), "userName").as_deref(),
        Some("300")
    );
    assert!(
        client.session().unwrap().is_null(),
        "approve signed the approver in"
    );
    assert_eq!(stored(&key_of(&o)), None);
    assert_eq!(types(&events), ["initial"]);
    rejects_with(
        client.fetch(format!("{base}/api/auth").into(), JsValue::UNDEFINED),
        "no_session",
    )
    .await;
    // Locked: the approval leaves the lock as it is.
    await_js(client.login(portos_credentials())).await.unwrap();
    lock(&client);
    let (events, _) = listen(&client);
    microtasks().await;
    let (session, text) = (client.session().unwrap(), stored(&key_of(&o)));
    let a = await_js(client.approve(manager(), storno()))
        .await
        .expect("approve while locked");
    assert_eq!(
        get_str(&get(&a, "user"), "userName").as_deref(),
        Some("300")
    );
    assert!(is_current(&client, &session) && is_locked(&client));
    assert_eq!(stored(&key_of(&o)), text);
    assert_eq!(types(&events), ["initial"]);
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_approve_errors_are_as_for_login_and_bad_credentials_send_nothing() {
    let t = tenant();
    let (client, o, _) = signed_in(&t, "").await;
    let text = stored(&key_of(&o));
    forget(&t).await;
    let wrong = json(r#"{"userName":"300","password":"0000","deviceName":"P01"}"#);
    rejects_with(client.approve(wrong, storno()), "invalid_credentials").await;
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth","status":503}"#,
    )
    .await;
    rejects_with(client.approve(manager(), storno()), "server").await;
    assert_eq!(count(&t, PORTOS_LOGIN).await, 2);
    forget(&t).await;
    for bad in [
        r#"{"userName":"300","password":"4321"}"#,
        r#"{"userName":"300","password":"4321","deviceName":"P01","extra":1}"#,
        r#"{"email":"manager@example.com","password":"manager-secret"}"#,
        r#"{"userName":300,"password":"4321","deviceName":"P01"}"#,
        "null",
        "5",
    ] {
        rejects_with(client.approve(json(bad), storno()), "invalid_argument").await;
    }
    assert!(
        requests(&t).await.is_empty(),
        "refused credentials were sent"
    );
    assert_eq!(stored(&key_of(&o)), text);
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_approve_refuses_bad_options_and_sends_nothing() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    forget(&t).await;
    for (what, options) in [
        ("{ right: \"\" }", json(r#"{"right":""}"#)),
        ("{ nope: 1 }", json(r#"{"nope":1}"#)),
        ("5", 5.into()),
        ("\"storno\"", "storno".into()),
        ("true", true.into()),
        ("{ right: 5 }", json(r#"{"right":5}"#)),
        ("{ right: null }", json(r#"{"right":null}"#)),
        ("{ right: [\"storno\"] }", json(r#"{"right":["storno"]}"#)),
        ("a function", js("(() => () => 1)()")),
        ("a symbol", js("Symbol('right')")),
    ] {
        let e = rejects(client.approve(manager(), options)).await;
        assert_eq!(code(&e), "invalid_argument", "approve options {what}");
        auth_error(&e, "invalid_argument");
    }
    assert!(
        requests(&t).await.is_empty(),
        "approve with bad options sent a request"
    );
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_approve_lock_and_unlock_after_dispose_are_disposed() {
    let t = tenant();
    let (client, _, _) = signed_in(&t, "").await;
    lock(&client);
    client.dispose();
    forget(&t).await;
    rejects_with(client.approve(manager(), storno()), "disposed").await;
    rejects_with(client.unlock("1234".into()), "disposed").await;
    auth_error(&client.lock().expect_err("lock after dispose"), "disposed");
    assert!(requests(&t).await.is_empty());
}

#[wasm_bindgen_test]
async fn till_approve_on_cashdesk_uses_the_clients_headers_and_has_no_logout() {
    let t = tenant();
    let extra = r#","developerId":"4242","headers":{"Accept-Language":"uk"}"#;
    let (client, o, _) = signed_in_to(&t, "cashdesk", extra).await;
    let (events, _) = listen(&client);
    microtasks().await;
    let (session, text) = (client.session().unwrap(), stored(&key_of(&o)));
    forget(&t).await;
    let answers = LoginAnswers::start();
    let manager = json(r#"{"email":"manager@example.com","password":"manager-secret"}"#);
    let a = await_js(client.approve(manager.clone(), JsValue::UNDEFINED)).await;
    let tokens = answers.stop().await;
    let a = a.expect("the cashdesk manager's approval");
    let user = get(&a, "user");
    assert_eq!(
        get_str(&user, "email").as_deref(),
        Some("manager@example.com")
    );
    assert_eq!(
        get_str(&user, "name").as_deref(),
        Some("Шевченко Андрій Іванович")
    );
    let sent = requests(&t).await;
    assert_eq!(sent.len(), 1, "cashdesk has no logout call: one request");
    assert_eq!(header(&sent[0], "developer-id").as_deref(), Some("4242"));
    assert_eq!(header(&sent[0], "accept-language").as_deref(), Some("uk"));
    // CashDesk users carry no rights: any right is forbidden.
    rejects_with(client.approve(manager, storno()), "forbidden").await;
    assert!(is_current(&client, &session));
    assert_eq!(stored(&key_of(&o)), text);
    assert_eq!(types(&events), ["initial"]);
    nothing_of_the_approver(&tokens, "Шевченко", (&client, &o), &events, &stringify(&a));
    client.dispose();
}

#[wasm_bindgen_test]
async fn till_approve_on_metadefender_reads_the_approvers_role() {
    let t = tenant();
    let (client, o, _) = signed_in_to(&t, "metadefender", "").await;
    let (events, _) = listen(&client);
    microtasks().await;
    let text = stored(&key_of(&o));
    let answers = LoginAnswers::start();
    // The password is built in JS: tests elsewhere look for it in wasm memory.
    let manager = js(r#"({ userName: "manager", password: "Manager" + "Password" })"#);
    let a = await_js(client.approve(manager, JsValue::UNDEFINED)).await;
    let tokens = answers.stop().await;
    let a = a.expect("the metadefender manager's approval");
    let user = get(&a, "user");
    assert_eq!(get_str(&user, "userName").as_deref(), Some("manager"));
    assert_eq!(num(&user, "role"), Some(2.0));
    assert_eq!(stored(&key_of(&o)), text);
    assert_eq!(types(&events), ["initial"]);
    nothing_of_the_approver(
        &tokens,
        "Shift Manager",
        (&client, &o),
        &events,
        &stringify(&a),
    );
    client.dispose();
}
