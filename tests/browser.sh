#!/usr/bin/env bash
# Browser tests: wasm-bindgen-test in headless Chromium, against a pos-emulator
# started here on its own loopback port (the test page is cross-origin to it).
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
# Chromium flags come from tests/webdriver.json (as root it needs --no-sandbox).
cp tests/webdriver.json webdriver.json
trap 'kill $emulator 2>/dev/null || true; rm -f "$out" webdriver.json' EXIT
wasm-pack test --headless --chrome --chromedriver "$(command -v chromedriver)" -- --test browser "$@"
