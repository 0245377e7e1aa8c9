//! The thin web layer: binds the core to fetch, sessionStorage, timers and
//! page events. Nothing here decides; it moves values across the boundary.

mod client;
mod convert;
pub mod default_client;
mod events;
mod fetch;
mod guard;
mod http;
mod idle;
mod random;
mod storage;
mod tabs;
mod timer;
mod verifier;

pub use client::AuthClient;

/// talc instead of std's dlmalloc: the same job in 1.7 KB less gzip
/// (README, "Dependencies"). Realloc-in-place is left out for size: this
/// module's allocations are small and short-lived.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
