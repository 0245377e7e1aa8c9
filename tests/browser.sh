#!/usr/bin/env bash
# Browser tests: wasm-bindgen-test in headless Chromium, Firefox ESR and
# WebKitGTK (Safari's engine), against a pos-emulator started here on its own
# loopback port (the test page is cross-origin to it).
#
#   tests/browser.sh [-- filter]          every engine
#   BROWSERS="firefox" tests/browser.sh   some of them (chromium firefox webkit)
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
target/debug/pos-emulator --port 0 >"$out" &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do [ -s "$out" ] && break; sleep 0.1; done
url=$(head -n1 "$out")
[ -n "$url" ] || { echo "the emulator did not start" >&2; exit 1; }
echo "emulator at $url"

export POS_EMULATOR_URL="$url"
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-240}
# What `wasm-pack test` does, for every engine: wasm-bindgen's runner picks
# the browser by which driver variable is set.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_ONLY_WEB=1
# Chromium's flags come from tests/webdriver.json (as root it needs --no-sandbox).
cp tests/webdriver.json webdriver.json
trap 'kill $emulator 2>/dev/null || true; rm -f "$out" webdriver.json' EXIT

run() {
  local engine=$1
  shift
  echo "browser tests: $engine"
  env "$@" cargo test --target wasm32-unknown-unknown --test browser "${filter[@]}"
}
filter=("$@")
for engine in ${BROWSERS:-chromium firefox webkit}; do
  case $engine in
    chromium) run chromium CHROMEDRIVER="$(command -v chromedriver)" ;;
    firefox) run firefox GECKODRIVER="$(command -v geckodriver)" ;;
    # WebKitWebDriver has no headless mode: without a display, creating a
    # session hangs. wasm-bindgen's runner drives it through its Safari path.
    webkit) run webkit SAFARIDRIVER=/usr/bin/WebKitWebDriver xvfb-run -a ;;
    *) echo "unknown engine $engine (chromium, firefox, webkit)" >&2; exit 2 ;;
  esac
done
