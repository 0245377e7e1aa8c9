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
//!
//! The shipped build is `no_std` (feature `std` off): the crate brings its
//! own panic handler and allocator (`web::runtime`), which keeps core::fmt
//! and dlmalloc out of the wasm. Native builds and the browser tests use std.

#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

/// What the std prelude gives and `no_std` lacks.
pub(crate) mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod web;
