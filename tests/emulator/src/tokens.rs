//! Issued access and refresh tokens of a tenant. Refresh tokens rotate and
//! are single use; a login starts a session that refreshes inherit, so a
//! logout ends the whole session whichever of its tokens it names.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::clock::NS;
use crate::jwt;
use crate::state::Tenant;
use crate::util;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Portos,
    Cashdesk,
    Metadefender,
}

/// Who a token was issued to, and the identity claims to put in its JWTs.
#[derive(Debug, Clone)]
pub struct Subject {
    pub user: String,
    /// What the user logs in with (PORTOS userName, CashDesk email,
    /// MetaDefender userName): the request log names a token's user by it.
    pub login: String,
    pub device: String,
    pub claims: Map<String, Value>,
}

struct Access {
    dialect: Dialect,
    subject: Subject,
    session: u64,
    /// `exp` claim, seconds on the server clock.
    exp: i64,
    revoked: bool,
}

struct Refresh {
    dialect: Dialect,
    access: String,
    subject: Subject,
    session: u64,
    expires_ns: i64,
    used: bool,
    revoked: bool,
}

#[derive(Default)]
pub struct Registry {
    access: HashMap<String, Access>,
    refresh: HashMap<String, Refresh>,
    sessions: u64,
}

pub struct Issued {
    pub access: String,
    pub refresh: String,
    /// `exp` claim, seconds.
    pub exp: i64,
    /// Server-clock instants, ns.
    pub access_expires_ns: i64,
    pub refresh_expires_ns: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    Unknown,
    BadSignature,
    Expired,
    Revoked,
    Used,
    Mismatch,
}

impl Reject {
    pub fn detail(self) -> &'static str {
        match self {
            Reject::Unknown => "The token is unknown to this server.",
            Reject::BadSignature => "The token signature is invalid.",
            Reject::Expired => "The token has expired.",
            Reject::Revoked => "The token has been revoked.",
            Reject::Used => "The refresh token has already been used.",
            Reject::Mismatch => "The refresh token was not issued with this token.",
        }
    }
}

/// Whole seconds of an access token's life: rounded, at least one.
fn access_life_secs(lifetime: f64) -> i64 {
    (lifetime.round() as i64).max(1)
}

const PRUNE_ABOVE: usize = 10_000;

impl Tenant {
    /// Issues an access + refresh pair; `session` is `None` for a login.
    pub fn issue(
        &mut self,
        dialect: Dialect,
        subject: Subject,
        session: Option<u64>,
        jwt: bool,
    ) -> Issued {
        let now = self.now_ns();
        self.prune(now);
        let session = session.unwrap_or_else(|| {
            self.tokens.sessions += 1;
            self.tokens.sessions
        });
        let life = access_life_secs(self.config.token_lifetime);
        let iat = now.div_euclid(NS);
        let exp = iat.saturating_add(life);
        let access = if jwt {
            let mut claims = subject.claims.clone();
            claims.insert("jti".into(), Value::from(util::random_hex::<16>()));
            claims.insert("iat".into(), Value::from(iat));
            claims.insert("nbf".into(), Value::from(iat));
            claims.insert("exp".into(), Value::from(exp));
            jwt::sign(&self.secret, &Value::Object(claims))
        } else {
            util::opaque_token()
        };
        let refresh = util::refresh_token();
        let refresh_expires_ns =
            now.saturating_add((self.config.refresh_lifetime * NS as f64) as i64);
        self.tokens.refresh.insert(
            refresh.clone(),
            Refresh {
                dialect,
                access: access.clone(),
                subject: subject.clone(),
                session,
                expires_ns: refresh_expires_ns,
                used: false,
                revoked: false,
            },
        );
        self.tokens.access.insert(
            access.clone(),
            Access {
                dialect,
                subject,
                session,
                exp,
                revoked: false,
            },
        );
        Issued {
            access,
            refresh,
            exp,
            access_expires_ns: now.saturating_add(life.saturating_mul(NS)),
            refresh_expires_ns,
        }
    }

    fn signature_ok(&self, token: &str) -> bool {
        !jwt::looks_like_jwt(token) || jwt::verify(&self.secret, token).is_some()
    }

    /// The subject of a live access token.
    pub fn check_access(&self, dialect: Dialect, token: &str) -> Result<Subject, Reject> {
        if !self.signature_ok(token) {
            return Err(Reject::BadSignature);
        }
        let rec = self
            .tokens
            .access
            .get(token)
            .filter(|a| a.dialect == dialect)
            .ok_or(Reject::Unknown)?;
        if rec.revoked {
            return Err(Reject::Revoked);
        }
        if self.now_ns() >= rec.exp.saturating_mul(NS) {
            return Err(Reject::Expired);
        }
        Ok(rec.subject.clone())
    }

    /// The login of whoever `token` was issued to, live or not: a token is
    /// only ever known to the tenant that issued it.
    pub fn token_login(&self, token: &str) -> Option<&str> {
        self.tokens
            .access
            .get(token)
            .map(|a| a.subject.login.as_str())
    }

    /// Uses up a refresh token issued together with `access` (which may have
    /// expired); returns the subject and session to issue the new pair for.
    pub fn redeem(
        &mut self,
        dialect: Dialect,
        access: &str,
        refresh: &str,
    ) -> Result<(Subject, u64), Reject> {
        let now = self.now_ns();
        let sig_ok = self.signature_ok(access);
        let rec = self
            .tokens
            .refresh
            .get_mut(refresh)
            .filter(|r| r.dialect == dialect)
            .ok_or(Reject::Unknown)?;
        if rec.access != access {
            return Err(Reject::Mismatch);
        }
        if !sig_ok {
            return Err(Reject::BadSignature);
        }
        if rec.revoked {
            return Err(Reject::Revoked);
        }
        if rec.used {
            return Err(Reject::Used);
        }
        if now >= rec.expires_ns {
            return Err(Reject::Expired);
        }
        rec.used = true;
        Ok((rec.subject.clone(), rec.session))
    }

    /// Ends the session `access` belongs to (no-op for unknown tokens).
    pub fn logout(&mut self, dialect: Dialect, access: &str) {
        let Some(session) = self
            .tokens
            .access
            .get(access)
            .filter(|a| a.dialect == dialect)
            .map(|a| a.session)
        else {
            return;
        };
        for a in self
            .tokens
            .access
            .values_mut()
            .filter(|a| a.session == session)
        {
            a.revoked = true;
        }
        for r in self
            .tokens
            .refresh
            .values_mut()
            .filter(|r| r.session == session)
        {
            r.revoked = true;
        }
    }

    /// Kills every token issued so far; returns how many access tokens died.
    pub fn revoke_all(&mut self) -> usize {
        let mut n = 0;
        for a in self.tokens.access.values_mut().filter(|a| !a.revoked) {
            a.revoked = true;
            n += 1;
        }
        for r in self.tokens.refresh.values_mut() {
            r.revoked = true;
        }
        n
    }

    /// Keeps memory bounded in long demo runs: forget tokens long dead.
    fn prune(&mut self, now: i64) {
        if self.tokens.access.len() + self.tokens.refresh.len() < PRUNE_ABOVE {
            return;
        }
        let horizon = now.saturating_sub(3600 * NS);
        self.tokens
            .access
            .retain(|_, a| a.exp.saturating_mul(NS) > horizon);
        self.tokens
            .refresh
            .retain(|_, r| r.expires_ns > horizon && !r.used);
    }
}
