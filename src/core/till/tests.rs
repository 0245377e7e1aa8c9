use super::*;
use crate::core::backend::from_text::answer;

const PORTOS: &str = r#"{"tokenId":"p1","refreshToken":"pr1","user":{"id":"1","userName":"999",
    "name":"Majiteľ","rights":["void","refund"],"device":{"name":"P01","settings":{},"preferences":{}}}}"#;
const CASHDESK: &str = r#"{"token":"Bearer c1","token_expires_at":"25.10.2026 03:30",
    "user":{"uuid":"u-1","email":"cashier@example.com","full_name":"Марія"}}"#;
const METADEFENDER: &str = r#"{"accessToken":"m1","accessTokenExpiryTime":"2030-07-09T23:12:29Z",
    "refreshToken":"mr1","refreshTokenExpiryTime":"2030-07-10T23:12:29Z","userName":"admin","role":1}"#;

const NOW: i64 = 1_700_000_000_000;

fn at(t: i64) -> Exchange {
    Exchange {
        sent_at: t,
        received_at: t,
        server_date: None,
    }
}

fn grant(backend: Backend, body: &str) -> Grant {
    backend.parse_login(&answer(body)).unwrap()
}

/// A locked session of `backend` with `failed` wrong passwords so far.
fn locked(backend: Backend, body: &str, failed: u32) -> Record {
    let record = Record::from_login(
        backend,
        "https://a",
        "id".into(),
        grant(backend, body),
        at(NOW),
    );
    Record {
        generation: 3,
        locked: true,
        failed_unlocks: failed,
        ..record
    }
}

fn portos(failed: u32) -> Record {
    locked(Backend::Portos, PORTOS, failed)
}

fn error(code: Code) -> AuthError {
    AuthError::new(code, "from the server").with_status(400)
}

#[test]
fn idle_deadline_is_off_at_zero() {
    assert_eq!(idle_deadline(NOW, 0), None);
    assert_eq!(idle_deadline(NOW, -1), None);
    assert_eq!(idle_deadline(NOW, 1), Some(NOW + 1));
    assert_eq!(idle_deadline(NOW, 300_000), Some(NOW + 300_000));
    assert_eq!(idle_deadline(i64::MAX - 1, 300_000), Some(i64::MAX));
}

#[test]
fn lock_changes_only_the_flag_and_only_once() {
    let open = Record {
        locked: false,
        ..portos(2)
    };
    let shut = lock(&open).unwrap();
    assert_eq!(
        shut,
        Record {
            locked: true,
            ..open
        }
    );
    assert_eq!(lock(&shut), None);
}

#[test]
fn attempt_limit_of_one_ends_at_the_first_wrong_password() {
    assert_eq!(wrong_attempt(0, 1), Attempt::TooMany);
}

#[test]
fn attempt_limit_of_five_counts_four_and_ends_at_the_fifth() {
    for failed in 0..4 {
        assert_eq!(wrong_attempt(failed, 5), Attempt::Counted(failed + 1));
    }
    assert_eq!(wrong_attempt(4, 5), Attempt::TooMany);
    // A count past the limit (it was lowered since), or at the type's end.
    assert_eq!(wrong_attempt(9, 5), Attempt::TooMany);
    assert_eq!(wrong_attempt(u32::MAX, u32::MAX), Attempt::TooMany);
    assert_eq!(
        wrong_attempt(u32::MAX - 2, u32::MAX),
        Attempt::Counted(u32::MAX - 1)
    );
}

#[test]
fn unlock_sends_each_back_ends_own_identifiers() {
    let body = |record: &Record, password: &str| {
        let request = unlock_request(record, password).unwrap();
        (request.method, request.url, request.body.unwrap())
    };
    assert_eq!(
        body(&portos(0), "pw"),
        (
            "POST",
            "https://a/api/auth".into(),
            r#"{"UserName":"999","Password":"pw","DeviceName":"P01"}"#.into()
        )
    );
    // PORTOS allows an empty password; it is sent as given.
    assert_eq!(
        body(&portos(0), "").2,
        r#"{"UserName":"999","Password":"","DeviceName":"P01"}"#
    );
    assert_eq!(
        body(&locked(Backend::CashDesk, CASHDESK, 0), "pw").2,
        r#"{"email":"cashier@example.com","password":"pw"}"#
    );
    assert_eq!(
        body(&locked(Backend::MetaDefender, METADEFENDER, 0), "pw").2,
        r#"{"userName":"admin","password":"pw"}"#
    );
    for refused in [Backend::CashDesk, Backend::MetaDefender] {
        let record = match refused {
            Backend::CashDesk => locked(refused, CASHDESK, 0),
            _ => locked(refused, METADEFENDER, 0),
        };
        let e = unlock_request(&record, "").unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (Code::InvalidArgument, "password is required")
        );
    }
}

#[test]
fn unlock_without_a_stored_identifier_sends_nothing() {
    let mut no_device = portos(0);
    no_device.user.device = None;
    let mut empty_name = portos(0);
    empty_name.user.user_name = Some(String::new());
    let mut no_email = locked(Backend::CashDesk, CASHDESK, 0);
    no_email.user.email = None;
    let mut no_name = locked(Backend::MetaDefender, METADEFENDER, 0);
    no_name.user.user_name = None;
    for (record, named) in [
        (no_device, "device name"),
        (empty_name, "userName"),
        (no_email, "email"),
        (no_name, "userName"),
    ] {
        let e = unlock_request(&record, "pw").unwrap_err();
        assert_eq!(e.code, Code::BadResponse);
        assert!(e.message.contains(named), "{}", e.message);
        assert!(!e.message.contains("pw"));
    }
}

#[test]
fn online_success_continues_the_session_with_new_tokens() {
    let record = portos(3);
    let mut g = grant(
        Backend::Portos,
        &PORTOS.replace("p1", "p2").replace("pr1", "pr2"),
    );
    g.user.as_mut().unwrap().name = Some("Renamed".into());
    let Online::Settled(Unlock::NewTokens(new)) = settle_online(&record, Ok((g, at(NOW + 5))), 5)
    else {
        panic!("not unlocked")
    };
    assert_eq!((new.id.as_str(), new.generation), ("id", 4));
    assert_eq!(
        (new.access_token.as_str(), new.refresh_token.as_deref()),
        ("p2", Some("pr2"))
    );
    assert_eq!(
        (new.locked, new.failed_unlocks, new.obtained_at),
        (false, 0, NOW + 5)
    );
    assert_eq!(new.user.name.as_deref(), Some("Renamed"));
    // A grant without a user keeps the session's.
    let mut g = grant(Backend::Portos, PORTOS);
    g.user = None;
    let Online::Settled(Unlock::NewTokens(new)) = settle_online(&record, Ok((g, at(NOW))), 5)
    else {
        panic!("not unlocked")
    };
    assert_eq!(new.user, record.user);
}

#[test]
fn online_invalid_credentials_counts_one_wrong_password() {
    let e = error(Code::InvalidCredentials);
    let expected = Unlock::Wrong {
        record: portos(1),
        error: e.clone(),
    };
    assert_eq!(
        settle_online(&portos(0), Err(e.clone()), 5),
        Online::Settled(expected)
    );
    let too_many = Unlock::TooMany(AuthError::of(Code::TooManyAttempts));
    assert_eq!(
        settle_online(&portos(4), Err(e.clone()), 5),
        Online::Settled(too_many)
    );
    let Online::Settled(Unlock::TooMany(end)) = settle_online(&portos(0), Err(e), 1) else {
        panic!("a limit of 1 ends at the first wrong password")
    };
    assert_eq!(end.code, Code::TooManyAttempts);
}

#[test]
fn no_answer_goes_to_the_verifier_and_other_errors_are_rejected_as_they_are() {
    for code in [Code::Network, Code::Timeout] {
        let e = error(code);
        assert_eq!(
            settle_online(&portos(2), Err(e.clone()), 5),
            Online::NoAnswer(e)
        );
    }
    for code in [
        Code::Server,
        Code::RateLimited,
        Code::BadResponse,
        Code::Validation,
        Code::Forbidden,
        Code::Disposed,
    ] {
        let e = error(code);
        let settled = settle_online(&portos(4), Err(e.clone()), 5);
        assert_eq!(settled, Online::Settled(Unlock::Reject(e)), "{code:?}");
    }
}

#[test]
fn offline_match_unlocks_with_the_same_tokens() {
    let record = portos(2);
    let Unlock::SameTokens(open) =
        settle_offline(&record, error(Code::Network), Offline::Matches, 5)
    else {
        panic!("not unlocked")
    };
    let expected = Record {
        locked: false,
        failed_unlocks: 0,
        ..record
    };
    assert_eq!(open, expected);
}

#[test]
fn offline_mismatch_counts_and_no_verifier_rejects_with_the_network_error() {
    let Unlock::Wrong { record, error: e } =
        settle_offline(&portos(2), error(Code::Timeout), Offline::Differs, 5)
    else {
        panic!("not counted")
    };
    assert_eq!((record, e.code), (portos(3), Code::InvalidCredentials));
    let Unlock::TooMany(e) = settle_offline(&portos(4), error(Code::Network), Offline::Differs, 5)
    else {
        panic!("not ended")
    };
    assert_eq!(e.code, Code::TooManyAttempts);
    let network = error(Code::Network);
    assert_eq!(
        settle_offline(&portos(4), network.clone(), Offline::NoVerifier, 5),
        Unlock::Reject(network)
    );
}

#[test]
fn rights_are_portos_rights() {
    let cashier = portos(0).user;
    assert!(has_right(&cashier, "void") && !has_right(&cashier, "Void"));
    assert!(check_approver(&cashier, None).is_ok());
    assert!(check_approver(&cashier, Some("refund")).is_ok());
    let e = check_approver(&cashier, Some("discount")).unwrap_err();
    assert_eq!(e.code, Code::Forbidden);
    assert!(e.message.contains("\"discount\""), "{}", e.message);
    let cashdesk = locked(Backend::CashDesk, CASHDESK, 0).user;
    assert!(!has_right(&cashdesk, "void"));
    assert!(check_approver(&cashdesk, None).is_ok());
    assert!(check_approver(&cashdesk, Some("void")).is_err());
}

#[test]
fn approve_options_take_one_non_empty_right() {
    let read = |text: &str| {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut o = ApproveOptions::deserialize(&v).unwrap();
        o.set_names(v.as_object().unwrap().keys().cloned().collect());
        approval_right(Some(&o))
    };
    assert_eq!(read("{}"), Ok(None));
    assert_eq!(read(r#"{"right":"void"}"#), Ok(Some("void".into())));
    for bad in [r#"{"right":""}"#, r#"{"right":5}"#, r#"{"right":null}"#] {
        assert!(read(bad).unwrap_err().message.contains("right"), "{bad}");
    }
    let e = read(r#"{"right":"void","rigth":"x"}"#).unwrap_err();
    assert!(e.message.contains("rigth"), "{}", e.message);
    assert_eq!(
        approval_right(None).unwrap_err().code,
        Code::InvalidArgument
    );
}

#[test]
fn a_peer_s_wrong_password_counts_once_whether_or_not_this_tab_heard_the_earlier_ones() {
    // Heard everything before: one more.
    assert_eq!(peer_wrong_attempt(2, 3, 5), Attempt::Counted(3));
    // Both tabs counted one at the same time, from 2: both end at 4.
    assert_eq!(peer_wrong_attempt(3, 3, 5), Attempt::Counted(4));
    // This tab missed some: the peer's count wins.
    assert_eq!(peer_wrong_attempt(0, 3, 5), Attempt::Counted(3));
    // Reaching the limit by the peer's: the end, here too.
    assert_eq!(peer_wrong_attempt(4, 4, 5), Attempt::TooMany);
    assert_eq!(peer_wrong_attempt(0, 0, 5), Attempt::Counted(1));
}
