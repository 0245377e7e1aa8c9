//! Browser tests: the real module in headless Chromium against pos-emulator.
//! Run with `make test-browser` (tests/browser.sh starts the emulator).
#![cfg(target_arch = "wasm32")]

mod access_token;
mod authorize;
mod cashdesk;
mod default_client;
mod events;
mod faults;
mod fetch;
mod guards;
mod hostile;
mod login;
mod logout;
mod metadefender;
mod options;
mod portos;
mod profile;
mod refresh;
mod secrets;
mod storage;
mod support;
mod tabs;
mod tabs_bounded;
mod till;
mod till_approve;
mod till_hostile;
mod till_idle;
mod till_memory;
mod till_offline;
mod till_tabs;
mod till_unlock;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
