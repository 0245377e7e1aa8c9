//! The pure core: every decision the module makes, in plain Rust with no
//! browser APIs, no clock and no randomness of its own.

pub mod backend;
pub mod error;
pub mod field;
#[cfg(test)]
mod fuzz;
pub mod jwt;
pub mod machine;
pub mod options;
pub mod schedule;
pub mod session;
pub mod time;
