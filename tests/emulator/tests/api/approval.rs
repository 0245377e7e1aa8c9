//! The seeded managers and cashiers of a manager approval (issue 18): the
//! approver logs in beside a signed-in cashier, and on PORTOS his token is
//! then DELETEd, which must leave the cashier's session alone.

use serde_json::{json, Value};

use crate::client::*;

const AUTH: &str = "/portos/api/auth";
const CD: &str = "/cashdesk/api/v2/authenticate";
const MD_AUTH: &str = "/metadefender/api/user/authenticate";

/// The right the PORTOS manager approves with and the cashier lacks.
const RIGHT: &str = "storno";

fn has_right(user: &Value, right: &str) -> bool {
    user["rights"]
        .as_array()
        .unwrap_or_else(|| panic!("no rights in {user}"))
        .iter()
        .any(|r| r == right)
}

fn token(v: &Value) -> String {
    v["tokenId"].as_str().unwrap().to_string()
}

fn profile(t: &str, token: &str) -> Resp {
    get(&format!("{t}{AUTH}"), &[("Authorization", &bearer(token))])
}

fn logout(t: &str, token: &str) -> Resp {
    request(
        "DELETE",
        &format!("{t}{AUTH}"),
        &[("Authorization", &bearer(token))],
        "",
    )
}

#[test]
fn portos_manager_has_the_right_and_the_cashier_lacks_it() {
    let t = "/t/approval-portos-users";
    let manager = portos_login_as(t, "300", "4321", "P01");
    assert_eq!(manager["user"]["name"], "Vedúci zmeny");
    assert_eq!(manager["user"]["userName"], "300");
    assert_eq!(manager["user"]["device"]["name"], "P01");
    assert!(has_right(&manager["user"], RIGHT));
    assert_eq!(jwt_part(&token(&manager), 1)["unique_name"], "300");
    // The profile says the same as the login answer.
    let r = profile(t, &token(&manager));
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), manager["user"]);
    // A shift manager approves at either till.
    let other_till = portos_login_as(t, "300", "4321", "P02");
    assert_eq!(other_till["user"]["device"]["name"], "P02");
    assert_eq!(other_till["user"]["rights"], manager["user"]["rights"]);

    let cashier = portos_login_as(t, "200", "1111", "P01");
    assert_eq!(cashier["user"]["name"], "Pokladník Marek");
    assert!(!has_right(&cashier["user"], RIGHT));
    assert!(has_right(&cashier["user"], "ticketCreate"));
    assert_ne!(cashier["user"]["id"], manager["user"]["id"]);
    assert_eq!(profile(t, &token(&cashier)).json(), cashier["user"]);

    // Neither seed changed, and no one logs in with another's password or till.
    assert!(!has_right(
        &portos_login_as(t, "999", "1234", "P01")["user"],
        RIGHT
    ));
    assert_eq!(
        portos_login_as(t, "100", "", "P02")["user"]["rights"],
        json!(["sale"])
    );
    for (user, password, device) in [
        ("300", "1111", "P01"),
        ("200", "4321", "P01"),
        ("200", "1111", "P02"),
        ("300", "4321", "P03"),
    ] {
        let r = post_json(
            &format!("{t}{AUTH}"),
            &json!({"UserName": user, "Password": password, "DeviceName": device}),
        );
        assert_eq!(r.status, 401, "{user}/{password} on {device}");
    }
}

#[test]
fn approver_logout_leaves_the_cashier_session() {
    let t = "/t/approval-logout";
    let cashier = portos_login_as(t, "200", "1111", "P01");
    let manager = portos_login_as(t, "300", "4321", "P01");
    let r = logout(t, &token(&manager));
    assert_eq!((r.status, r.body.len()), (200, 0));
    assert_eq!(profile(t, &token(&manager)).status, 401);

    let r = profile(t, &token(&cashier));
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["userName"], "200");
    // The cashier's refresh token still rotates, and the new token works.
    let r = post_json(
        &format!("{t}{AUTH}/refresh"),
        &json!({"tokenId": token(&cashier), "refreshToken": cashier["refreshToken"]}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(profile(t, &token(&r.json())).status, 200);
    // The approver's refresh token died with his session.
    let r = post_json(
        &format!("{t}{AUTH}/refresh"),
        &json!({"tokenId": token(&manager), "refreshToken": manager["refreshToken"]}),
    );
    assert_eq!(r.status, 401);

    // A manager approving at his own signed-in till ends only the approval's
    // session, not the one he is signed in with.
    let signed_in = portos_login_as(t, "300", "4321", "P01");
    let approval = portos_login_as(t, "300", "4321", "P01");
    logout(t, &token(&approval));
    assert_eq!(profile(t, &token(&approval)).status, 401);
    assert_eq!(profile(t, &token(&signed_in)).status, 200);
}

fn cashdesk(t: &str, email: &str, password: &str) -> Resp {
    request(
        "POST",
        &format!("{t}{CD}"),
        &[
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
        ],
        &json!({"email": email, "password": password}).to_string(),
    )
}

#[test]
fn cashdesk_manager_and_second_cashier_log_in() {
    let t = "/t/approval-cashdesk";
    let mut uuids = Vec::new();
    for (email, password) in [
        ("manager@example.com", "manager-secret"),
        ("cashier2@example.com", "secret2"),
        ("cashier@example.com", "secret"),
    ] {
        let r = cashdesk(t, email, password);
        assert_eq!(r.status, 200, "{email}: {}", r.text());
        let v = r.json();
        let user = &v["user"];
        assert_eq!(user["email"], email);
        assert!(user["full_name"].as_str().is_some_and(|n| !n.is_empty()));
        assert_eq!(user["edrpou"], "34554362", "one company");
        assert!(user.get("rights").is_none(), "CashDesk has no rights");
        let jwt = v["token"]
            .as_str()
            .unwrap()
            .strip_prefix("Bearer ")
            .unwrap();
        assert_eq!(jwt_part(jwt, 1)["sub"], user["uuid"]);
        assert_eq!(jwt_part(jwt, 1)["email"], email);
        uuids.push(user["uuid"].as_str().unwrap().to_string());
    }
    uuids.sort();
    uuids.dedup();
    assert_eq!(uuids.len(), 3, "three people");
    assert_eq!(
        cashdesk(t, "MANAGER@example.com", "manager-secret").status,
        200
    );
    assert_eq!(cashdesk(t, "manager@example.com", "secret").status, 401);
    assert_eq!(cashdesk(t, "cashier2@example.com", "secret").status, 401);
}

#[test]
fn metadefender_manager_and_cashier_log_in_with_their_roles() {
    let t = "/t/approval-md";
    let mut roles = Vec::new();
    for (user, password, full_name) in [
        ("admin", "AdminPassword", "Administrator"),
        ("manager", "ManagerPassword", "Shift Manager"),
        ("cashier", "CashierPassword", "Cashier"),
    ] {
        let r = post_json(
            &format!("{t}{MD_AUTH}"),
            &json!({"userName": user, "password": password}),
        );
        assert_eq!(r.status, 200, "{user}: {}", r.text());
        let v = r.json();
        assert_eq!(
            (v["userName"].as_str(), v["fullName"].as_str()),
            (Some(user), Some(full_name))
        );
        assert_eq!(v["email"], format!("{user}@example.com"));
        assert!(v.get("rights").is_none(), "MetaDefender has a role only");
        assert_eq!(
            jwt_part(v["accessToken"].as_str().unwrap(), 1)["unique_name"],
            user
        );
        roles.push(v["role"].as_i64().unwrap());
    }
    assert_eq!(roles, [1, 2, 3], "the admin's role is unchanged");
    let login = |user: &str, password: &str| {
        post_json(
            &format!("{t}{MD_AUTH}"),
            &json!({"userName": user, "password": password}),
        )
        .status
    };
    assert_eq!(login("Manager", "ManagerPassword"), 200);
    assert_eq!(login("manager", "AdminPassword"), 401);
    assert_eq!(login("cashier", "ManagerPassword"), 401);
}

/// What a browser test sees of an approval, without knowing any token.
#[test]
fn request_log_names_whose_token_a_request_carried() {
    let t = "/t/approval-log";
    let cashier = portos_login_as(t, "200", "1111", "P01");
    control(t, "DELETE", "counts", json!(null));
    control(t, "DELETE", "requests", json!(null));

    let manager = portos_login_as(t, "300", "4321", "P01");
    logout(t, &token(&manager));
    assert_eq!(profile(t, &token(&cashier)).status, 200);
    // A dead token still names its user; an unknown one names no one.
    assert_eq!(profile(t, &token(&manager)).status, 401);
    assert_eq!(profile(t, "forged.not.ours").status, 401);

    assert_eq!(
        control(t, "GET", "counts", json!(null)).json(),
        json!({"POST /portos/api/auth": 1, "DELETE /portos/api/auth": 1, "GET /portos/api/auth": 3})
    );
    let log = control(t, "GET", "requests", json!(null)).json();
    let seen: Vec<(&str, &Value)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["method"].as_str().unwrap(), &e["tokenUser"]))
        .collect();
    assert_eq!(
        seen,
        [
            ("POST", &Value::Null),
            ("DELETE", &json!("300")),
            ("GET", &json!("200")),
            ("GET", &json!("300")),
            ("GET", &Value::Null),
        ]
    );
    // The approver's login is told apart by its body.
    let body: Value = serde_json::from_str(log[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["UserName"], "300");

    // The other back ends' tokens name their users too, and only in the
    // tenant that issued them.
    let v = post_json(
        &format!("{t}{MD_AUTH}"),
        &json!({"userName": "Manager", "password": "ManagerPassword"}),
    )
    .json();
    let md = bearer(v["accessToken"].as_str().unwrap());
    let cd = cashdesk(t, "cashier2@example.com", "secret2").json();
    let cd = cd["token"].as_str().unwrap().to_string();
    let elsewhere = "/t/approval-log-elsewhere";
    for tenant in [t, elsewhere] {
        control(tenant, "DELETE", "requests", json!(null));
        for auth in [&md, &cd] {
            get(
                &format!("{tenant}/metadefender/api/x"),
                &[("Authorization", auth)],
            );
        }
        let users: Vec<Value> = control(tenant, "GET", "requests", json!(null))
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["tokenUser"].clone())
            .collect();
        let expected = if tenant == t {
            [json!("manager"), json!("cashier2@example.com")]
        } else {
            [Value::Null, Value::Null]
        };
        assert_eq!(users, expected, "{tenant}");
    }
}
