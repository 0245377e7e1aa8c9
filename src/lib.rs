//! pos-auth: authentication for browser point-of-sale front ends.
//!
//! One JavaScript API (`login`, `profile`, `refresh`, `logout`, `fetch`,
//! `onChange`) over three POS back ends: PORTOS, CashDesk and OPSWAT
//! MetaDefender. The session lives in `sessionStorage`; refresh is scheduled
//! here, in Rust.
//!
//! The crate has two halves. [`core`] decides everything (dialects, JWT
//! claims, expiry and clock skew, scheduling, errors) in plain Rust that is
//! tested natively; `web` (wasm32 only) binds it to fetch, storage, timers
//! and page events, and is the only part JavaScript sees.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;
