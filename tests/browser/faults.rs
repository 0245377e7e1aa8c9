//! The fault matrix: one row = one server fault (or offline), run against
//! login, profile, refresh and fetch (PORTOS). Every row checks the exact
//! `AuthError` (code, status, retryable, retryAfter), that the stored session
//! is kept where docs/API.md keeps it, and that the very next call succeeds; for
//! `fetch`, that the server's `Response` is returned or the browser's
//! `TypeError` passes through. Then background refresh under faults:
//! back-off spacing from the emulator's request log, `Retry-After`, and a
//! retryable outage across expiry that must not log the cashier out.
//!
//! Mismatches of one row are collected and reported together, so a failing
//! row shows every wrong field at once.

use crate::support::*;
use pos_auth::web::AuthClient;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

/// A loopback port nothing listens on (and that Chromium does not block):
/// a module call to it gets no HTTP answer at all.
const OFFLINE_BASE: &str = "http://127.0.0.1:3/x";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Login,
    Profile,
    Refresh,
    Fetch,
}

const OPS: [Op; 4] = [Op::Login, Op::Profile, Op::Refresh, Op::Fetch];

impl Op {
    /// The request the fault is put on.
    fn route(self) -> (&'static str, &'static str) {
        match self {
            Op::Login => ("POST", "/portos/api/auth"),
            Op::Profile | Op::Fetch => ("GET", "/portos/api/auth"),
            Op::Refresh => ("POST", "/portos/api/auth/refresh"),
        }
    }

    fn call(self, client: &AuthClient, base: &str) -> js_sys::Promise {
        match self {
            Op::Login => client.login(portos_credentials()),
            Op::Profile => client.profile(),
            Op::Refresh => client.refresh(),
            Op::Fetch => client.fetch(format!("{base}/api/auth").into(), JsValue::UNDEFINED),
        }
    }
}

/// What a module call (login, profile, refresh) must reject with.
#[derive(Clone, Copy)]
struct Own {
    code: &'static str,
    status: Option<u16>,
    retryable: bool,
    retry_after: Option<f64>,
    /// The message, when the row's body dictates it.
    message: Option<&'static str>,
    /// docs/API.md ends the session (only a 400/401/403 on refresh).
    ends_session: bool,
}

const fn own(code: &'static str, status: Option<u16>, retryable: bool) -> Own {
    Own {
        code,
        status,
        retryable,
        retry_after: None,
        message: None,
        ends_session: false,
    }
}

/// What `fetch` must do for a request under `baseUrl`.
#[derive(Clone, Copy, Debug)]
enum FetchOutcome {
    /// Resolves with the server's answer of this status.
    Response(u16),
    /// Resolves with a 200 whose body was cut short: reading it is a
    /// `TypeError` (Chromium, Firefox) or gives what arrived (WebKit), as
    /// with the global `fetch`.
    UnreadableBody,
    /// Rejects with the browser's `TypeError`, not an `AuthError`.
    TypeError,
}

struct Row {
    name: &'static str,
    /// The emulator fault without method and path; `None` = offline.
    fault: Option<&'static str>,
    /// A different fault for `profile` (whose answer is a user, not tokens).
    profile_fault: Option<&'static str>,
    own: Own,
    /// A different expectation for `refresh`.
    refresh: Option<Own>,
    /// A different expectation for `profile`.
    profile: Option<Own>,
    fetch: FetchOutcome,
}

impl Row {
    fn expected(&self, op: Op) -> Own {
        match op {
            Op::Refresh => self.refresh.unwrap_or(self.own),
            Op::Profile => self.profile.unwrap_or(self.own),
            _ => self.own,
        }
    }

    fn fault_for(&self, op: Op) -> Option<String> {
        let members = if op == Op::Profile {
            self.profile_fault.or(self.fault)
        } else {
            self.fault
        }?;
        let (method, path) = op.route();
        Some(format!(
            r#"{{"method":"{method}","path":"{path}",{members}}}"#
        ))
    }

    /// Faults that stay until cleared (`times: 0`).
    fn sticky(&self) -> bool {
        self.fault.is_some_and(|f| f.contains(r#""times":0"#))
    }
}

const VALIDATION_BODY: &str = r#""status":400,"body":{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"traceId":"00-fault-matrix-01","errorCode":"BadRequest","errors":[{"memberName":"DeviceName","message":"The DeviceName field is required.","code":"Required"}]}"#;

const ROW_500: Row = Row {
    name: "500",
    fault: Some(r#""status":500,"body":{"title":"Internal Server Error","status":500}"#),
    profile_fault: None,
    own: Own {
        message: Some("Internal Server Error"),
        ..own("server", Some(500), true)
    },
    refresh: None,
    profile: None,
    fetch: FetchOutcome::Response(500),
};

const ROW_502_HTML: Row = Row {
    name: "502 with an HTML page",
    fault: Some(r#""action":"html","status":502"#),
    profile_fault: None,
    own: own("server", Some(502), true),
    refresh: None,
    profile: None,
    fetch: FetchOutcome::Response(502),
};

const ROW_503_ONCE: Row = Row {
    name: "503 once, then recovery",
    fault: Some(r#""status":503,"times":1,"body":{"title":"Údržba","detail":"Skúste o chvíľu."}"#),
    profile_fault: None,
    own: Own {
        message: Some("Skúste o chvíľu."),
        ..own("server", Some(503), true)
    },
    refresh: None,
    profile: None,
    fetch: FetchOutcome::Response(503),
};

const ROW_429: Row = Row {
    name: "429 with Retry-After: 7",
    fault: Some(
        r#""status":429,"headers":{"Retry-After":"7"},"body":{"title":"Too Many Requests"}"#,
    ),
    profile_fault: None,
    own: Own {
        retry_after: Some(7.0),
        message: Some("Too Many Requests"),
        ..own("rate_limited", Some(429), true)
    },
    refresh: None,
    profile: None,
    fetch: FetchOutcome::Response(429),
};

/// `timeout` is 1 s in the matrix (not less: a loaded machine once took a
/// second to sign in); the answer (a harmless 200 `{}` that consumes no
/// refresh token) comes after 2.5 s.
const ROW_SLOW: Row = Row {
    name: "slower than timeout",
    fault: Some(r#""delayMs":2500,"status":200,"body":{}"#),
    profile_fault: None,
    own: own("timeout", None, true),
    refresh: None,
    profile: None,
    fetch: FetchOutcome::Response(200),
};

const ROW_DROP: Row = Row {
    name: "dropped connection",
    fault: Some(r#""action":"drop","times":0"#),
    profile_fault: None,
    own: own("network", None, true),
    refresh: None,
    profile: None,
    fetch: FetchOutcome::TypeError,
};

/// A 200 announcing more bytes than it sends: the connection closes mid-body,
/// a transport failure like a reset (no complete HTTP answer).
const ROW_TRUNCATED: Row = Row {
    name: "truncated JSON (200)",
    fault: Some(r#""action":"truncate""#),
    profile_fault: None,
    own: own("network", None, true),
    refresh: None,
    profile: None,
    fetch: FetchOutcome::UnreadableBody,
};

const ROW_WRONG_TYPES: Row = Row {
    name: "right JSON, wrong types (200)",
    fault: Some(
        r#""status":200,"body":{"tokenId":5,"refreshToken":"r","user":{"id":"635f7ae3072edfeae7c26a1e","userName":"999"}}"#,
    ),
    // The profile answer is the user itself: an array where the object belongs.
    profile_fault: Some(
        r#""status":200,"body":[{"id":"635f7ae3072edfeae7c26a1e","userName":"999"}]"#,
    ),
    own: own("bad_response", Some(200), false),
    refresh: None,
    profile: None,
    fetch: FetchOutcome::Response(200),
};

const ROW_HUGE: Row = Row {
    name: "body over 1 MiB (200)",
    fault: Some(r#""action":"huge""#),
    profile_fault: None,
    own: own("bad_response", Some(200), false),
    refresh: None,
    profile: None,
    fetch: FetchOutcome::Response(200),
};

const ROW_VALIDATION: Row = Row {
    name: "ProblemDetails 400 with errors",
    fault: Some(VALIDATION_BODY),
    profile_fault: None,
    own: Own {
        message: Some("One or more validation errors occurred."),
        ..own("validation", Some(400), false)
    },
    // A 400 from the refresh call is the server rejecting the session.
    refresh: Some(Own {
        ends_session: true,
        message: Some("One or more validation errors occurred."),
        ..own("session_expired", Some(400), false)
    }),
    profile: None,
    fetch: FetchOutcome::Response(400),
};

const ROW_OFFLINE: Row = Row {
    name: "offline (closed loopback port)",
    fault: None,
    profile_fault: None,
    own: own("network", None, true),
    refresh: None,
    profile: None,
    fetch: FetchOutcome::TypeError,
};

/// Every row, in the README's order.
const ROWS: [&Row; 11] = [
    &ROW_500,
    &ROW_502_HTML,
    &ROW_503_ONCE,
    &ROW_429,
    &ROW_SLOW,
    &ROW_DROP,
    &ROW_TRUNCATED,
    &ROW_WRONG_TYPES,
    &ROW_HUGE,
    &ROW_VALIDATION,
    &ROW_OFFLINE,
];

/// Safari's engine (WebKitGTK here), whose fetch hands over a body cut short
/// instead of failing the read.
fn is_webkit() -> bool {
    let agent = get_str(&get(&js_sys::global(), "navigator"), "userAgent").unwrap_or_default();
    agent.contains("AppleWebKit") && !agent.contains("Chrome")
}

/// Collects the mismatches of one row.
struct Report {
    row: &'static str,
    fails: Vec<String>,
}

impl Report {
    fn check(&mut self, op: Op, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.fails
                .push(format!("[{} / {op:?}] {}", self.row, what()));
        }
    }
}

/// Waits for a module promise; a promise that never settles (the sign of a
/// trap inside the module) is reported as such, never waited on forever.
async fn settle(p: js_sys::Promise, ms: i32) -> Result<Result<JsValue, JsValue>, String> {
    within(p, ms)
        .await
        .ok_or_else(|| format!("did not settle within {ms} ms (a trap?)"))
}

fn describe(e: &JsValue) -> String {
    format!(
        "{} {:?} message={:?}",
        stringify(e),
        get_str(e, "name"),
        get_str(e, "message")
    )
}

fn check_own_error(r: &mut Report, op: Op, e: &JsValue, want: &Own) {
    let is_auth_error =
        get_str(e, "name").as_deref() == Some("AuthError") && e.is_instance_of::<js_sys::Error>();
    r.check(op, is_auth_error, || {
        format!("not an AuthError: {}", describe(e))
    });
    if !is_auth_error {
        return;
    }
    let got_code = code(e);
    r.check(op, got_code == want.code, || {
        format!(
            "code: expected {:?}, got {got_code:?} ({})",
            want.code,
            describe(e)
        )
    });
    let status = num(e, "status");
    r.check(
        op,
        status == want.status.map(f64::from) && (status.is_some() || get(e, "status").is_null()),
        || {
            format!(
                "status: expected {:?}, got {}",
                want.status,
                stringify(&get(e, "status"))
            )
        },
    );
    let retryable = get(e, "retryable").as_bool();
    r.check(op, retryable == Some(want.retryable), || {
        format!("retryable: expected {}, got {retryable:?}", want.retryable)
    });
    let retry_after = num(e, "retryAfter");
    r.check(
        op,
        retry_after == want.retry_after
            && (retry_after.is_some() || get(e, "retryAfter").is_null()),
        || {
            format!(
                "retryAfter: expected {:?}, got {}",
                want.retry_after,
                stringify(&get(e, "retryAfter"))
            )
        },
    );
    let message = get_str(e, "message").unwrap_or_default();
    r.check(op, !message.is_empty(), || "empty message".into());
    r.check(
        op,
        !message.to_lowercase().contains("<html") && !message.contains("<h1>"),
        || format!("server HTML in the message: {message:?}"),
    );
    if let Some(m) = want.message {
        r.check(op, message == m, || {
            format!("message: expected {m:?}, got {message:?}")
        });
    }
    r.check(op, js_sys::Array::is_array(&get(e, "errors")), || {
        format!("errors is not an array: {}", stringify(&get(e, "errors")))
    });
    if want.code == "validation" {
        let errors = js_sys::Array::from(&get(e, "errors"));
        let first = errors.get(0);
        r.check(
            op,
            errors.length() == 1 && get_str(&first, "memberName").as_deref() == Some("DeviceName"),
            || format!("errors: {}", stringify(&get(e, "errors"))),
        );
        r.check(
            op,
            get_str(e, "traceId").as_deref() == Some("00-fault-matrix-01"),
            || format!("traceId: {}", stringify(&get(e, "traceId"))),
        );
        r.check(
            op,
            get_str(e, "errorCode").as_deref() == Some("BadRequest"),
            || format!("errorCode: {}", stringify(&get(e, "errorCode"))),
        );
    }
}

async fn check_fetch(r: &mut Report, result: Result<JsValue, JsValue>, want: FetchOutcome) {
    let op = Op::Fetch;
    match (want, result) {
        (FetchOutcome::Response(status), Ok(v)) => {
            let resp: web_sys::Response = v.unchecked_into();
            r.check(op, resp.status() == status, || {
                format!("expected a {status} Response, got {}", resp.status())
            });
            if status == 429 {
                let ra = resp.headers().get("retry-after").ok().flatten();
                r.check(op, ra.as_deref() == Some("7"), || {
                    format!("Retry-After not readable from the Response: {ra:?}")
                });
            }
            // The caller reads the body itself (fetch does not cap it).
            match settle(resp.text().unwrap(), 5000).await {
                Ok(Ok(_)) => {}
                other => r.check(op, false, || {
                    format!("the Response body could not be read: {other:?}")
                }),
            }
        }
        (FetchOutcome::UnreadableBody, Ok(v)) => {
            let resp: web_sys::Response = v.unchecked_into();
            r.check(op, resp.status() == 200, || {
                format!("expected the 200 Response, got {}", resp.status())
            });
            match settle(resp.text().unwrap(), 5000).await {
                Ok(Err(e)) => r.check(op, e.is_instance_of::<js_sys::TypeError>(), || {
                    format!("reading the body: not a TypeError: {e:?}")
                }),
                // WebKit: the bytes that came, which are not the whole JSON.
                Ok(Ok(text)) if is_webkit() => {
                    let partial = text.as_string().unwrap_or_default();
                    r.check(op, js_sys::JSON::parse(&partial).is_err(), || {
                        format!("a truncated body read as whole JSON: {partial:?}")
                    });
                }
                other => r.check(op, false, || {
                    format!("reading a truncated body must fail with a TypeError, got {other:?}")
                }),
            }
        }
        (FetchOutcome::TypeError, Err(e)) => {
            r.check(op, e.is_instance_of::<js_sys::TypeError>(), || {
                format!("expected the browser's TypeError, got {}", describe(&e))
            });
            r.check(op, get(&e, "code").is_undefined(), || {
                format!("an AuthError instead of the TypeError: {}", describe(&e))
            });
        }
        (want, got) => r.check(op, false, || {
            format!(
                "expected {want:?}, got {}",
                got.map_or_else(
                    |e| format!("rejection {}", describe(&e)),
                    |v| format!("resolution {v:?}")
                )
            )
        }),
    }
}

/// A client whose `baseUrl` is a closed port, holding a session restored from
/// storage (a real one of tenant `t`, with its record moved to that baseUrl).
async fn offline_client(t: &str) -> (AuthClient, JsValue) {
    let (live, live_options, _) = signed_in(t, "").await;
    live.dispose();
    let record = json(&stored(&key_of(&live_options)).expect("a stored record"));
    let base = get_str(&record, "baseUrl").unwrap();
    let moved = base.replacen(&format!("{t}/portos"), OFFLINE_BASE, 1);
    assert_ne!(moved, base, "record baseUrl {base} is not under {t}/portos");
    set(&record, "baseUrl", &moved.into());
    let o = json(&format!(
        r#"{{"baseUrl":"{OFFLINE_BASE}","storageKey":"offline{}","timeout":1000,"autoRefresh":false}}"#,
        (js_sys::Math::random() * 1e9) as u64
    ));
    session_storage()
        .set_item(&key_of(&o), &stringify(&record))
        .unwrap();
    let client = AuthClient::new(o.clone()).unwrap();
    assert!(
        !client.session().unwrap().is_null(),
        "the moved record was not restored: {}",
        stringify(&record)
    );
    (client, o)
}

/// Runs one row against one call; pushes mismatches into `r`.
async fn run(row: &Row, op: Op, r: &mut Report) {
    let t = tenant();
    let offline = row.fault.is_none();
    let (client, o, base) = if offline {
        let (c, o) = offline_client(&t).await;
        (c, o, OFFLINE_BASE.to_string())
    } else {
        let (c, o, _) = signed_in(&t, r#","timeout":1000,"autoRefresh":false"#).await;
        (c, o, format!("{t}/portos"))
    };
    let key = key_of(&o);
    let record_before = stored(&key);
    let session_before = client.session().unwrap();
    if let Some(f) = row.fault_for(op) {
        fault(&t, &f).await;
    }
    let (method, path) = op.route();
    let counted = format!("{method} {path}");
    let sent_before = count(&t, &counted).await;

    let want = row.expected(op);
    let result = match settle(op.call(&client, &base), 5000).await {
        Ok(result) => result,
        Err(e) => {
            r.check(op, false, || e);
            client.dispose();
            control(&t, "DELETE", "fault", None).await;
            return;
        }
    };
    if op == Op::Fetch {
        check_fetch(r, result, row.fetch).await;
    } else {
        match result {
            Ok(v) => r.check(op, false, || {
                format!(
                    "resolved with {} instead of rejecting {}",
                    stringify(&v),
                    want.code
                )
            }),
            Err(e) => check_own_error(r, op, &e, &want),
        }
    }
    if row.sticky() {
        control(&t, "DELETE", "fault", None).await;
    }
    if !offline && !row.sticky() {
        let sent = count(&t, &counted).await - sent_before;
        r.check(op, sent == 1, || {
            format!("{sent} requests of {counted} for one call (a silent retry?)")
        });
    }

    // The stored session: kept (the same record, the same session object) or ended.
    if want.ends_session && op == Op::Refresh {
        r.check(op, stored(&key).is_none(), || {
            "the record outlived a rejected refresh".into()
        });
        r.check(op, client.session().unwrap().is_null(), || {
            "session() after a rejected refresh".into()
        });
    } else {
        let record_after = stored(&key);
        r.check(op, record_after == record_before, || {
            format!(
                "the stored record changed:\n before {record_before:?}\n after  {record_after:?}"
            )
        });
        let session_after = client.session().unwrap();
        r.check(
            op,
            js_sys::Object::is(&session_before, &session_after),
            || format!("session() changed: {}", stringify(&session_after)),
        );
    }

    // The very next call.
    if offline {
        // Still offline: the same answer again, and logout still clears locally.
        match settle(op.call(&client, &base), 5000).await {
            Ok(Err(e)) if op != Op::Fetch => r.check(op, code(&e) == "network", || {
                format!("second call offline: {}", describe(&e))
            }),
            Ok(Err(e)) => r.check(op, e.is_instance_of::<js_sys::TypeError>(), || {
                format!("second fetch offline: {}", describe(&e))
            }),
            other => r.check(op, false, || format!("second call offline: {other:?}")),
        }
        let out = settle(client.logout(), 5000).await;
        r.check(op, matches!(out, Ok(Ok(_))), || {
            format!("logout offline must resolve: {out:?}")
        });
        r.check(
            op,
            client.session().unwrap().is_null() && stored(&key).is_none(),
            || "logout offline kept the session".into(),
        );
        client.dispose();
        // And the module still works against a live server.
        let fresh = AuthClient::new(options(&t, "")).unwrap();
        let ok = settle(fresh.login(portos_credentials()), 5000).await;
        r.check(op, matches!(ok, Ok(Ok(_))), || {
            format!("a new client after offline: {ok:?}")
        });
        fresh.dispose();
        return;
    }
    if client.session().unwrap().is_null() {
        let again = settle(client.login(portos_credentials()), 5000).await;
        r.check(op, matches!(again, Ok(Ok(_))), || {
            format!("login after the session ended: {again:?}")
        });
    }
    let next = settle(op.call(&client, &base), 5000).await;
    match (op, next) {
        (Op::Fetch, Ok(Ok(v))) => {
            let resp: web_sys::Response = v.unchecked_into();
            r.check(op, resp.status() == 200, || {
                format!("the next fetch: status {}", resp.status())
            });
        }
        (Op::Login, Ok(Ok(s))) => {
            let token = token_of(&s);
            r.check(
                op,
                stored(&key).is_some_and(|rec| rec.contains(&token)),
                || "the next login was not stored".into(),
            );
        }
        (Op::Profile, Ok(Ok(p))) => r.check(
            op,
            get_str(&p, "userName").as_deref() == Some("999"),
            || format!("the next profile: {}", stringify(&p)),
        ),
        (Op::Refresh, Ok(Ok(s))) => {
            let token = token_of(&s);
            r.check(
                op,
                stored(&key).is_some_and(|rec| rec.contains(&token)),
                || "the next refresh was not stored".into(),
            );
        }
        (_, other) => r.check(op, false, || {
            format!("the very next call failed: {other:?}")
        }),
    }
    client.dispose();
}

/// Runs `row` against login, profile, refresh and fetch.
async fn matrix_row(row: &'static Row) {
    let mut r = Report {
        row: row.name,
        fails: Vec::new(),
    };
    for op in OPS {
        run(row, op, &mut r).await;
    }
    assert!(
        r.fails.is_empty(),
        "fault {:?}: {} mismatches:\n{}",
        row.name,
        r.fails.len(),
        r.fails.join("\n")
    );
}

#[wasm_bindgen_test]
async fn fault_500_is_server_retryable() {
    matrix_row(&ROW_500).await;
}

#[wasm_bindgen_test]
async fn fault_502_html_is_server_retryable() {
    matrix_row(&ROW_502_HTML).await;
}

#[wasm_bindgen_test]
async fn fault_503_once_is_server_then_recovers() {
    matrix_row(&ROW_503_ONCE).await;
}

#[wasm_bindgen_test]
async fn fault_429_is_rate_limited_with_retry_after() {
    matrix_row(&ROW_429).await;
}

#[wasm_bindgen_test]
async fn fault_slow_server_is_timeout() {
    matrix_row(&ROW_SLOW).await;
}

#[wasm_bindgen_test]
async fn fault_dropped_connection_is_network() {
    matrix_row(&ROW_DROP).await;
}

#[wasm_bindgen_test]
async fn fault_truncated_json_is_network() {
    matrix_row(&ROW_TRUNCATED).await;
}

#[wasm_bindgen_test]
async fn fault_wrong_types_are_bad_response() {
    matrix_row(&ROW_WRONG_TYPES).await;
}

#[wasm_bindgen_test]
async fn fault_body_over_1_mib_is_bad_response() {
    matrix_row(&ROW_HUGE).await;
}

#[wasm_bindgen_test]
async fn fault_problem_details_400_is_validation() {
    matrix_row(&ROW_VALIDATION).await;
}

#[wasm_bindgen_test]
async fn fault_offline_is_network() {
    matrix_row(&ROW_OFFLINE).await;
}

#[wasm_bindgen_test]
async fn fault_matrix_lists_every_row() {
    // Guards the README table: every row has its own test above.
    let names: Vec<&str> = ROWS.iter().map(|r| r.name).collect();
    assert_eq!(names.len(), 11);
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "duplicate row names: {names:?}");
}

// ---------------------------------------------------------------------------
// Background refresh under faults.

/// The emulator's receive times (server clock, ms) of every refresh call.
async fn refresh_times(t: &str) -> Vec<f64> {
    requests_to(t, "POST", "/portos/api/auth/refresh")
        .await
        .iter()
        .map(|r| num(r, "at").expect("at"))
        .collect()
}

fn gaps(at: &[f64]) -> Vec<f64> {
    at.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Whether `gap` is `nominal` ± 20 % jitter, with `slack` ms for the round trip
/// and timer latency on the late side.
fn jittered(gap: f64, nominal: f64, slack: f64) -> bool {
    gap >= nominal * 0.8 - 20.0 && gap <= nominal * 1.2 + slack
}

#[wasm_bindgen_test]
async fn background_refresh_backs_off_1_2_4_s_across_expiry_then_refreshes() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let (client, o, s) = signed_in(&t, "").await;
    let key = key_of(&o);
    let old = token_of(&s);
    let expires = num(&s, "expiresAt").unwrap();
    let (events, _) = listen(&client);
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth/refresh","status":503,"times":3,"body":{"title":"busy"}}"#).await;

    // Past expiresAt, mid-outage: the session is kept, not ended.
    sleep((expires - now() + 700.0).max(0.0) as i32).await;
    assert!(
        refresh_times(&t).await.len() >= 2,
        "no background attempts by expiry: {:?}",
        refresh_times(&t).await
    );
    assert_eq!(
        current_token(&client),
        Some(old.clone()),
        "the session was dropped during a retryable outage"
    );
    assert!(
        stored(&key).is_some_and(|r| r.contains(&old)),
        "the stored record was dropped"
    );
    assert!(
        event_of(&events, "expired").is_none(),
        "events {:?}",
        types(&events)
    );

    let refreshed = wait_event(&events, "refreshed", 9000.0)
        .await
        .expect("no refreshed event after three 503s");
    let at = refresh_times(&t).await;
    assert_eq!(at.len(), 4, "attempts at {at:?}");
    let g = gaps(&at);
    web_sys::console::log_1(
        &format!(
            "background refresh after 503 x3: attempts {} ms apart",
            g.iter()
                .map(|x| format!("{x:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
        .into(),
    );
    for (gap, nominal) in g.iter().zip([1000.0, 2000.0, 4000.0]) {
        assert!(
            jittered(*gap, nominal, 300.0),
            "gaps {g:?} ms: expected ≈1000, 2000, 4000 ±20 %"
        );
    }
    // Restored: a new token, stored, and no expiry on the way.
    let new = token_of(&get(&refreshed, "session"));
    assert_ne!(new, old);
    assert_eq!(current_token(&client), Some(new.clone()));
    assert!(num(&client.session().unwrap(), "expiresAt").unwrap() > now());
    assert!(stored(&key).is_some_and(|r| r.contains(&new)));
    assert!(
        event_of(&events, "expired").is_none(),
        "events {:?}",
        types(&events)
    );
    // One `expiring` for the token, carrying the failure.
    assert_eq!(
        types(&events).iter().filter(|k| *k == "expiring").count(),
        1,
        "events {:?}",
        types(&events)
    );
    let expiring = event_of(&events, "expiring").unwrap();
    let e = auth_error(&get(&expiring, "error"), "server");
    assert_eq!(num(&e, "status"), Some(503.0));
    assert_eq!(get_str(&e, "message").as_deref(), Some("busy"));
    assert_eq!(token_of(&get(&expiring, "session")), old);
    await_js(client.profile())
        .await
        .expect("profile after the recovery");
    client.dispose();
}

#[wasm_bindgen_test]
async fn background_refresh_honours_retry_after() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":4}"#).await;
    let (client, _, s) = signed_in(&t, "").await;
    let (events, _) = listen(&client);
    fault(&t, r#"{"method":"POST","path":"/portos/api/auth/refresh","status":429,"times":1,"headers":{"Retry-After":"3"},"body":{"title":"slow down"}}"#).await;
    let refreshed = wait_event(&events, "refreshed", 9000.0)
        .await
        .expect("no refreshed event after the 429");
    let at = refresh_times(&t).await;
    assert_eq!(at.len(), 2, "attempts at {at:?}");
    let gap = at[1] - at[0];
    web_sys::console::log_1(
        &format!("background refresh after a 429 with Retry-After: 3: retried {gap:.0} ms later")
            .into(),
    );
    // Never sooner than Retry-After (3 s), and not much later either.
    assert!(
        (2950.0..=3900.0).contains(&gap),
        "retried {gap} ms after a 429 with Retry-After: 3"
    );
    let expiring =
        event_of(&events, "expiring").expect("no expiring event for the failed background refresh");
    let e = auth_error(&get(&expiring, "error"), "rate_limited");
    assert_eq!(num(&e, "retryAfter"), Some(3.0));
    assert_ne!(token_of(&get(&refreshed, "session")), token_of(&s));
    client.dispose();
}

#[wasm_bindgen_test]
async fn offline_across_expiry_keeps_the_session_until_the_server_is_back() {
    let t = tenant();
    config(&t, r#"{"tokenLifetime":2}"#).await;
    let (client, o, s) = signed_in(&t, "").await;
    let key = key_of(&o);
    let old = token_of(&s);
    let expires = num(&s, "expiresAt").unwrap();
    let (events, _) = listen(&client);
    fault(
        &t,
        r#"{"method":"POST","path":"/portos/api/auth/refresh","action":"drop","times":0}"#,
    )
    .await;
    // Well past expiresAt with every refresh dropped.
    sleep((expires - now() + 1500.0).max(0.0) as i32).await;
    assert!(
        !refresh_times(&t).await.is_empty(),
        "no refresh attempt while offline"
    );
    let kept = client.session().unwrap();
    assert!(
        !kept.is_null(),
        "a refreshable session read as null while offline"
    );
    assert_eq!(token_of(&kept), old);
    assert!(
        stored(&key).is_some_and(|r| r.contains(&old)),
        "the record was dropped while offline"
    );
    assert!(
        event_of(&events, "expired").is_none(),
        "logged out while offline: {:?}",
        types(&events)
    );
    let expiring = event_of(&events, "expiring").expect("no expiring event while offline");
    auth_error(&get(&expiring, "error"), "network");
    // The server is back: the next background attempt restores the session.
    control(&t, "DELETE", "fault", None).await;
    let refreshed = wait_event(&events, "refreshed", 8000.0)
        .await
        .expect("the session was not restored when the server came back");
    let new = token_of(&get(&refreshed, "session"));
    assert_ne!(new, old);
    assert!(num(&client.session().unwrap(), "expiresAt").unwrap() > now());
    assert!(stored(&key).is_some_and(|r| r.contains(&new)));
    assert!(
        event_of(&events, "expired").is_none(),
        "events {:?}",
        types(&events)
    );
    await_js(client.profile())
        .await
        .expect("profile after the recovery");
    client.dispose();
}
