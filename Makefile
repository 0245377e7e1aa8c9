# pos-auth: one entry point for setting up, building, serving and testing.
#   make demo   build the package and serve the demo on the emulator
#   make test   every test layer (core, emulator, browser, e2e, types)
# Both install whatever is missing first (see .ci/setup).
#
# Unstable compiler options, on purpose: `make pkg` builds the shipped wasm
# with options that stable Rust refuses, and RUSTC_BOOTSTRAP=1 (PKG_ENV below)
# makes the machine's one stable toolchain accept them:
#   -Zbuild-std + optimize_for_size   std built from rust-src with the package,
#                                     taking its smaller code paths
#   -Cpanic=immediate-abort           a panic aborts at once: no panic messages
#                                     and none of their formatting code
#   -Zfmt-debug=none                  `{:?}` formats nothing (Debug output only
#                                     reached serde's error texts, which the
#                                     module never shows)
#   -Zlocation-detail=none            no file, line and column recorded for a
#                                     panic (immediate-abort shows none; their
#                                     path strings and Location records stayed)
# Why: size. Together -14.4 KB gzip (docs/size.md, "Where the size goes"). The cost:
# a new toolchain may change or drop them, and `make pkg` then fails to build
# (make test-size guards what they win). Only the package uses them:
# `cargo test` and the browser tests (wasm-bindgen-test) build with stable
# options; the e2e and env tests run the package as shipped.

SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
DEMO_PORT ?= 8787

.PHONY: setup pkg emulator demo test test-lint test-core test-browser test-e2e test-env test-types clean
# The release build's tools live in tools/, with their own npm packages.
# Binaryen from npm: Debian's (108) misnumbers the externref table export.
WASM_OPT_TOOL := tools/node_modules/.bin/wasm-opt
WASM_AS := tools/node_modules/.bin/wasm-as
WASM_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-mutable-globals --enable-reference-types --enable-multivalue
# --low-memory-unused: the wasm never touches addresses below 1024, so
# wasm-opt may fold `p + k` into a load's offset (0.7 KB gzip, docs/size.md).
# Rust puts the 1 MiB stack first in memory: those addresses are its last
# KB, reached only by a stack already overflowing.
# --ignore-implicit-traps: wasm-opt may move or drop a load, or a division,
# as if it could not trap. Rust code never relies on such a trap: it checks
# bounds and divisors itself and reaches an explicit `unreachable` (0.2 KB).
WASM_OPT_ASSUME := --low-memory-unused --ignore-implicit-traps
WASM_OPT := $(WASM_OPT_TOOL) -Oz --converge $(WASM_OPT_ASSUME) --strip-debug --strip-producers --strip-target-features $(WASM_FEATURES)

setup:
	@bash .ci/setup

# The unstable options of the header (-Zunstable-options lets -C take
# immediate-abort).
PKG_ENV := RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none -Zlocation-detail=none"
PKG_CARGO := -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size

# wasm-pack's output + pkg-template/ = pkg/, the npm package.
pkg: setup
	rm -rf pkg  # wasm-pack leaves snippets of an earlier build behind
	$(PKG_ENV) wasm-pack build . --release --target web --out-dir pkg --out-name pos_auth --no-pack -- $(PKG_CARGO)
	$(WASM_OPT) pkg/pos_auth_bg.wasm -o pkg/pos_auth_bg.wasm
	# Shorter names for what the wasm and its glue share; -Oz once more finds
	# another 0.2 KB after the renaming, and 0.2 KB more after Binaryen
	# flattens and rebuilds the control flow (--flatten --rereloop).
	node tools/minify-names.mjs pkg/pos_auth_bg.wasm pkg/pos_auth.js -- $(WASM_OPT_TOOL) $(WASM_FEATURES) $(WASM_OPT_ASSUME) --flatten --rereloop -Oz
	# The wasm as printable text the entry decodes synchronously (no top-level
	# await); the script checks that the entry's decoder gives it back.
	$(WASM_AS) pkg-template/decode_wasm.wat -o target/decode_wasm.wasm
	$(WASM_OPT_TOOL) -Oz target/decode_wasm.wasm -o target/decode_wasm.wasm
	node tools/embed-wasm.mjs pkg/pos_auth_bg.wasm target/decode_wasm.wasm pkg/pos_auth_wasm.js
	cp pkg-template/* pkg/
	# The entry imports AuthError from the one snippet that declares it, whose
	# folder is named with a hash (pos-auth-<hash>/), through a re-export with
	# a fixed name.
	snippet=$$(cd pkg/snippets && grep -rl --include='*.js' '^export class AuthError\b' .) && \
		test "$$(wc -l <<< "$$snippet")" = 1 && \
		printf 'export { AuthError } from "%s";\n' "$$snippet" > pkg/snippets/auth_error.js
	rm -f pkg/.gitignore

emulator: setup
	cargo build -p pos-emulator

demo: pkg emulator
	@echo "pos-auth demo: http://127.0.0.1:$(DEMO_PORT)/  (PORTOS user 999, password 1234, device P01)"
	target/debug/pos-emulator --port $(DEMO_PORT) --www www --pkg pkg --token-lifetime 120

test: test-lint test-core test-browser test-e2e test-env test-types test-size

# The house rules, checked: rustfmt's layout, clippy without warnings on
# both crates and on the wasm target, no cycle between the crate's modules
# (tools/module-cycles.mjs), and no source file over 450 lines (src/,
# pkg-template/ but its typings, www/).
test-lint: setup
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
	node tools/module-cycles.mjs src
	@long=$$(find src pkg-template www -type f \( -name '*.rs' -o -name '*.js' -o -name '*.html' -o -name '*.css' \) \
		-exec wc -l {} + | awk '$$2 != "total" && $$1 > 450 { print "  " $$2 ": " $$1 " lines" }'); \
		if [ -n "$$long" ]; then echo "source files over 450 lines:"; echo "$$long"; exit 1; fi

# Unit tests, then half a million generated inputs through every core parser
# (tests/fuzz.rs, optimised with overflow checks on).
test-core: setup
	cargo test --workspace
	POS_FUZZ_CASES=500000 cargo test --profile fuzz --test fuzz

test-browser: pkg emulator
	bash tests/browser.sh

test-e2e: pkg emulator
	cd tests && node --test --test-concurrency=1 e2e/

# The package under Vitest with jsdom and with happy-dom, as front-end teams
# run their own tests (tests/env/).
test-env: pkg emulator
	cd tests && npx vitest run --config env/vitest.config.mjs

test-types: pkg
	cd tests && npx tsc -p types && npx tsc -p types/tsconfig.vue-router.json

# Benchmarks (tests/bench/): every figure side by side; writes results.json and size.svg.
.PHONY: bench test-size size-record
# The emulator is built optimised here: a debug build serves the bundle slowly
# enough to weigh on the start-up figure.
bench: pkg
	cargo build --release -p pos-emulator
	cd tests && POS_EMULATOR_BIN=$(CURDIR)/target/release/pos-emulator node bench/bench.mjs
	cd tests && POS_EMULATOR_BIN=$(CURDIR)/target/release/pos-emulator node bench/login-latency.mjs

# Size budget: fails when the shipped package is > 5 % over tools/size-budget.json, or over 100 KB.
test-size: pkg
	node tools/size.mjs --check

# Accept the current size as the new budget (commit the file with the change).
size-record: pkg
	node tools/size.mjs --record

clean:
	rm -rf pkg target tests/node_modules tools/node_modules
