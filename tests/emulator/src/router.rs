//! One request in, one outcome out: tenant prefix, preflight, control API,
//! back ends (with their fault queue) and static files.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::clock::{self, NS};
use crate::faults::Effect;
use crate::http::{Request, Response};
use crate::state::{lock, valid_tenant_name, Shared, Tenant};
use crate::tokens::Dialect;
use crate::{cashdesk, control, cors, metadefender, portos, static_files};

pub enum Outcome {
    Reply(Response),
    Drop,
    /// Send the head and only this many body bytes, then close.
    Truncate(Response, usize),
}

/// `/t/{tenant}/rest` → (tenant, rest, prefixed); `None` for a bad name.
pub fn split_tenant(path: &str) -> Option<(&str, &str, bool)> {
    let Some(after) = path.strip_prefix("/t/") else {
        return Some(("default", path, false));
    };
    let (name, rest) = match after.find('/') {
        Some(i) => (&after[..i], &after[i..]),
        None => (after, "/"),
    };
    valid_tenant_name(name).then_some((name, rest, true))
}

fn backend_of(rest: &str) -> Option<(Dialect, &str)> {
    [
        ("/portos", Dialect::Portos),
        ("/cashdesk", Dialect::Cashdesk),
        ("/metadefender", Dialect::Metadefender),
    ]
    .into_iter()
    .find_map(|(prefix, d)| {
        let sub = rest.strip_prefix(prefix)?;
        (sub.is_empty() || sub.starts_with('/')).then_some((d, sub))
    })
}

pub fn route(shared: &Shared, req: &Request, trace: &str) -> Outcome {
    let Some((name, rest, prefixed)) = split_tenant(&req.path) else {
        let tenant = shared.tenant("default");
        return finish(
            Outcome::Reply(Response::text(404, "Not found: bad tenant name\n")),
            req,
            &tenant,
        );
    };
    let tenant = shared.tenant(name);
    let outcome = if req.method == "OPTIONS" {
        Outcome::Reply(cors::preflight(req))
    } else if let Some(endpoint) = rest.strip_prefix("/__emulator/") {
        Outcome::Reply(control::handle(shared, &tenant, req, endpoint))
    } else if let Some((dialect, sub)) = backend_of(rest) {
        backend(&tenant, req, rest, dialect, sub, trace)
    } else if !prefixed {
        Outcome::Reply(static_files::serve(shared, req, rest))
    } else {
        Outcome::Reply(Response::text(404, "Not found\n"))
    };
    finish(outcome, req, &tenant)
}

fn backend(
    tenant: &Mutex<Tenant>,
    req: &Request,
    rest: &str,
    dialect: Dialect,
    sub: &str,
    trace: &str,
) -> Outcome {
    let fault = {
        let mut t = lock(tenant);
        t.record(req, rest);
        t.take_fault(&req.method, rest)
    };
    // The tenant lock is released while a fault's delay runs.
    if let Some(fault) = fault {
        if fault.delay_ms > 0 {
            std::thread::sleep(Duration::from_millis(fault.delay_ms));
        }
        match fault.effect() {
            Effect::Reply(r) => return Outcome::Reply(r),
            Effect::Drop => return Outcome::Drop,
            Effect::Truncate(r, cut) => return Outcome::Truncate(r, cut),
            Effect::Proceed => {}
        }
    }
    Outcome::Reply(match dialect {
        Dialect::Portos => portos::handle(tenant, req, sub, trace),
        Dialect::Cashdesk => cashdesk::handle(tenant, req, sub),
        Dialect::Metadefender => metadefender::handle(tenant, req, sub),
    })
}

/// Headers every response gets: Date on the tenant's clock, no caching, CORS.
fn finish(outcome: Outcome, req: &Request, tenant: &Arc<Mutex<Tenant>>) -> Outcome {
    let decorate = |mut r: Response| {
        if r.header("date").is_none() {
            let now = lock(tenant).now_ns();
            r.set_header("Date", &clock::imf_fixdate(now.div_euclid(NS)));
        }
        if r.header("cache-control").is_none() {
            r.set_header("Cache-Control", "no-store");
        }
        cors::decorate(&mut r, req);
        r
    };
    match outcome {
        Outcome::Reply(r) => Outcome::Reply(decorate(r)),
        Outcome::Truncate(r, cut) => Outcome::Truncate(decorate(r), cut),
        Outcome::Drop => Outcome::Drop,
    }
}

/// Headers for an answer to an unparseable request (default tenant clock).
pub fn bare(shared: &Shared, mut resp: Response) -> Response {
    let now = lock(&shared.tenant("default")).now_ns();
    resp.set_header("Date", &clock::imf_fixdate(now.div_euclid(NS)));
    resp.set_header("Cache-Control", "no-store");
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_prefixes() {
        assert_eq!(
            split_tenant("/portos/api/auth"),
            Some(("default", "/portos/api/auth", false))
        );
        assert_eq!(
            split_tenant("/t/a-B_9/portos/x"),
            Some(("a-B_9", "/portos/x", true))
        );
        assert_eq!(split_tenant("/t/abc"), Some(("abc", "/", true)));
        assert_eq!(split_tenant("/t//x"), None);
        assert_eq!(split_tenant("/t/a.b/x"), None);
        assert_eq!(split_tenant(&format!("/t/{}/x", "a".repeat(65))), None);
        assert!(backend_of("/portosx/api").is_none());
        assert_eq!(
            backend_of("/portos/api/auth").map(|b| b.1),
            Some("/api/auth")
        );
    }
}
