//! Browser tests: the real module in headless Chromium against pos-emulator.
//! Run with `make test-browser` (tests/browser.sh starts the emulator).
#![cfg(target_arch = "wasm32")]

mod support;
mod portos;
mod options;
mod login;
mod storage;
mod refresh;
mod access_token;
mod profile;
mod fetch;
mod logout;
mod events;
mod default_client;
mod tabs;
mod cashdesk;
mod metadefender;
mod faults;
mod hostile;
mod guards;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
