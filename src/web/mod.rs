//! The thin web layer: binds the core to fetch, sessionStorage, timers and
//! page events. Nothing here decides; it moves values across the boundary.

mod client;
mod convert;
pub mod default_client;
mod events;
mod fetch;
mod http;
mod runtime;
mod storage;
mod tabs;
mod timer;

pub use client::AuthClient;
