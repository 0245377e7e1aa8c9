//! The pure core: every decision the module makes, in plain Rust with no
//! browser APIs, no clock and no randomness of its own.

pub mod backend;
pub mod error;
pub mod field;
pub mod jwt;
pub mod machine;
pub mod options;
pub mod profile;
pub mod schedule;
pub mod session;
pub mod till;
pub mod time;
