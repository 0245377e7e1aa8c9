//! Per-tenant state. Each tenant is an independent emulator (config, tokens,
//! faults, counts, request log), so parallel tests never see each other.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::{json, Map, Value};

use crate::clock::{self, NS};
use crate::faults::Fault;
use crate::http::Request;
use crate::tokens::Registry;
use crate::util;

const LOG_LIMIT: usize = 200;
const LOG_BODY_LIMIT: usize = 64 * 1024;

/// Locks even if another thread panicked while holding the lock: the data is
/// plain bookkeeping and a test server should keep answering.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[derive(Debug, Clone, PartialEq)]
pub struct TenantConfig {
    /// Seconds; fractional values are allowed.
    pub token_lifetime: f64,
    pub refresh_lifetime: f64,
    /// Server clock minus real clock, seconds.
    pub clock_offset: f64,
    /// `false`: CashDesk and MetaDefender issue opaque access tokens.
    pub jwt: bool,
}

impl TenantConfig {
    pub fn to_json(&self) -> Value {
        json!({
            "tokenLifetime": util::secs_value(self.token_lifetime),
            "refreshLifetime": util::secs_value(self.refresh_lifetime),
            "clockOffset": util::secs_value(self.clock_offset),
            "jwt": self.jwt,
        })
    }

    fn offset_ns(&self) -> i64 {
        (self.clock_offset * NS as f64) as i64 // `as` saturates; values are validated anyway
    }
}

pub struct LogEntry {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub at_ms: i64,
    /// Login of the user the request's bearer token was issued to, so a test
    /// can tell whose token a call carried without knowing the token.
    pub token_user: Option<String>,
}

impl LogEntry {
    pub fn to_json(&self) -> Value {
        let mut headers = Map::new();
        for (k, v) in &self.headers {
            let k = k.to_ascii_lowercase();
            let joined = match headers.get(&k).and_then(Value::as_str) {
                Some(prev) => format!("{prev}, {v}"),
                None => v.clone(),
            };
            headers.insert(k, Value::from(joined));
        }
        json!({
            "method": self.method,
            "path": self.path,
            "headers": headers,
            "body": self.body,
            "at": self.at_ms,
            "tokenUser": self.token_user,
        })
    }
}

pub struct Tenant {
    pub config: TenantConfig,
    /// HS256 key of this tenant's tokens.
    pub secret: [u8; 32],
    pub faults: Vec<Fault>,
    pub counts: BTreeMap<String, u64>,
    pub log: VecDeque<LogEntry>,
    pub tokens: Registry,
}

impl Tenant {
    pub fn new(config: TenantConfig) -> Self {
        Tenant {
            config,
            secret: util::random_bytes(),
            faults: Vec::new(),
            counts: BTreeMap::new(),
            log: VecDeque::new(),
            tokens: Registry::default(),
        }
    }

    /// The tenant's (possibly shifted) server clock, ns since the epoch.
    pub fn now_ns(&self) -> i64 {
        clock::real_ns().saturating_add(self.config.offset_ns())
    }

    /// Counts and logs a back-end request (`path` is tenant-relative).
    pub fn record(&mut self, req: &Request, path: &str) {
        *self
            .counts
            .entry(format!("{} {}", req.method, path))
            .or_insert(0) += 1;
        if self.log.len() >= LOG_LIMIT {
            self.log.pop_front();
        }
        let body = &req.body[..req.body.len().min(LOG_BODY_LIMIT)];
        let token_user = util::bearer(req)
            .and_then(|t| self.token_login(t))
            .map(str::to_owned);
        self.log.push_back(LogEntry {
            method: req.method.clone(),
            path: path.to_string(),
            headers: req.headers.clone(),
            body: String::from_utf8_lossy(body).into_owned(),
            at_ms: self.now_ns().div_euclid(1_000_000),
            token_user,
        });
    }

    /// Takes one use of the first queued fault matching the request.
    pub fn take_fault(&mut self, method: &str, path: &str) -> Option<Fault> {
        let i = self.faults.iter().position(|f| f.matches(method, path))?;
        let fault = self.faults[i].clone();
        if fault.times > 0 {
            self.faults[i].remaining = self.faults[i].remaining.saturating_sub(1);
            if self.faults[i].remaining == 0 {
                self.faults.remove(i);
            }
        }
        Some(fault)
    }
}

/// Everything the connection threads share.
pub struct Shared {
    pub defaults: TenantConfig,
    pub www: Option<PathBuf>,
    pub pkg: Option<PathBuf>,
    pub verbose: bool,
    tenants: Mutex<HashMap<String, Arc<Mutex<Tenant>>>>,
}

impl Shared {
    pub fn new(
        defaults: TenantConfig,
        www: Option<PathBuf>,
        pkg: Option<PathBuf>,
        verbose: bool,
    ) -> Self {
        Shared {
            defaults,
            www,
            pkg,
            verbose,
            tenants: Mutex::new(HashMap::new()),
        }
    }

    /// The named tenant, created with the command-line defaults on first use.
    pub fn tenant(&self, name: &str) -> Arc<Mutex<Tenant>> {
        let mut map = lock(&self.tenants);
        map.entry(name.to_string())
            .or_insert_with(|| Arc::new(Mutex::new(Tenant::new(self.defaults.clone()))))
            .clone()
    }
}

/// `[A-Za-z0-9_-]{1,64}`.
pub fn valid_tenant_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
