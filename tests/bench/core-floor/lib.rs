//! Every entry point of `src/core`, reached from one exported function whose
//! input arrives at run time, so that nothing folds away: what this weighs
//! is what the core's decisions weigh, whatever binds them to a browser.
//! The allocator only bumps (its size is noise here); the panic handler is
//! the shipped one's.

#![no_std]
extern crate alloc;

#[allow(unused_imports)]
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

#[path = "../../../src/core/mod.rs"]
pub mod core;

use crate::core::json::Json;
use crate::core::machine::{self, On401, Settled};
use crate::core::session::{Exchange, Record};
use crate::core::{backend, error, json, options, schedule, time};
use ::core::alloc::{GlobalAlloc, Layout};
use ::core::arch::wasm32;

struct Bump;
static mut NEXT: usize = 0;

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if NEXT == 0 {
            NEXT = wasm32::memory_grow(0, 256) * 65_536;
        }
        let at = (NEXT + layout.align() - 1) & !(layout.align() - 1);
        NEXT = at + layout.size();
        at as *mut u8
    }
    unsafe fn dealloc(&self, _: *mut u8, _: Layout) {}
}

#[global_allocator]
static ALLOCATOR: Bump = Bump;

#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    wasm32::unreachable()
}

extern "C" {
    fn out(ptr: *const u8, len: usize);
    fn zone_offset(at: f64) -> f64;
}

fn emit(s: &str) {
    unsafe { out(s.as_ptr(), s.len()) }
}

fn emit_error(e: &error::AuthError) {
    emit(&e.to_json().to_text());
}

/// `{"o": options, "c": credentials, "b": login body, "d": Date header,
/// "id", "r": stored record, "p": profile body, "f": refresh body,
/// "s": status, "ra": Retry-After}` at `ptr..ptr+len`.
#[no_mangle]
pub unsafe extern "C" fn run(ptr: *const u8, len: usize, now: f64) {
    let Ok(text) = ::core::str::from_utf8(::core::slice::from_raw_parts(ptr, len)) else { return };
    let Some(input) = Json::parse(text) else { return };
    let field = |k| input.str_at(k).unwrap_or("");
    let now = now as i64;
    let cfg = match options::parse(input.get("o").unwrap_or(&Json::Null)) {
        Ok(cfg) => cfg,
        Err(e) => return emit_error(&e),
    };
    match backend::login_request(&cfg, input.get("c").unwrap_or(&Json::Null)) {
        Ok(req) => emit(req.body.as_deref().unwrap_or("")),
        Err(e) => emit_error(&e),
    }
    let exchange = Exchange { sent_at: now, received_at: now + 1, server_date: time::parse_http_date(field("d")) };
    let mut grant = match backend::parse_login(cfg.backend, field("b")) {
        Ok(grant) => grant,
        Err(e) => return emit_error(&e),
    };
    if let Some(wall) = grant.expires_wall {
        grant.expires_field = time::resolve_wall(wall, |at| {
            let offset = zone_offset(at as f64);
            offset.is_finite().then_some(offset as i64)
        });
    }
    let record = Record::from_login(cfg.backend, &cfg.base_url, field("id").into(), grant, exchange);
    emit(&record.to_json().to_text());
    emit(&record.session_json().to_text());
    let stored = Record::from_text(field("r"), cfg.backend, &cfg.base_url);
    let mut progress = schedule::Progress::default();
    let plan = schedule::plan(&record, cfg.auto_refresh, cfg.refresh_margin_ms, progress, now);
    emit(if matches!(plan.action, schedule::Action::Refresh) { "refresh" } else { "wait" });
    if let Some(until) = schedule::fresh_until(&record, cfg.refresh_margin_ms) {
        emit(&json::decimal(until));
    }
    if let Some(at) = plan.wake_at {
        emit(&json::decimal(schedule::timer_delay(at, now)));
    }
    for req in [backend::refresh_request(&record).ok(), backend::profile_request(&record), backend::logout_request(&record)].into_iter().flatten() {
        emit(&req.url);
    }
    match backend::parse_profile(cfg.backend, field("p")) {
        Ok(profile) => emit(&profile.to_text()),
        Err(e) => emit_error(&e),
    }
    let refreshed = backend::parse_refresh(cfg.backend, field("f")).map(|g| (g, exchange));
    let cx = machine::Context { auto_refresh: cfg.auto_refresh, background: true, now, jitter: 0.5 };
    match machine::settle_refresh(stored.as_ref().unwrap_or(&record), &mut progress, refreshed, cx) {
        Settled::Refreshed(next) => emit(&next.to_json().to_text()),
        Settled::End(e) | Settled::Kept { error: e, .. } => emit_error(&e),
    }
    if matches!(machine::on_401(cfg.backend, field("t"), Some(&record.access_token), false), On401::End) {
        emit("end");
    }
    let status = input.get("s").and_then(Json::as_i64).unwrap_or(0) as u16;
    let mut e = error::from_status(error::Call::Login, status, field("b"), time::parse_retry_after(field("ra"), None));
    e.redact(field("pw"));
    emit_error(&e);
}
