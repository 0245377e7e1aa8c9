// No leaks: thousands of login / refresh / logout cycles, onChange
// subscribe/unsubscribe pairs and client create/dispose pairs in one page of
// Chromium, against the emulator, with the real package (pkg/index.js).
//
// What is measured, after forced garbage collection (--js-flags=--expose-gc):
// - wasm linear memory: the package exports no memory handle, so an init
//   script wraps the WebAssembly.Instance constructor (the entry
//   instantiates synchronously) and keeps the instance's exports; `memory.buffer.byteLength` is the linear memory, and
//   every exported WebAssembly.Table is the externref table that holds the JS
//   values Rust refers to (a leaked JsValue or closure is a slot that never
//   comes back);
// - the JS heap: performance.memory.usedJSHeapSize
//   (--enable-precise-memory-info).
// Growth is taken from the end of a warm-up to the end of the run (allocator
// arenas and JIT caches settle during the warm-up).
//
// A last test calls the package's default client with hostile arguments in a
// fresh page: browser/hostile.rs can only do that before `configure`, since
// the default client of its page is shared with browser/default_client.rs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MEMORY_FLAGS, emulatorAndBrowser } from "./harness.mjs";
import { newTenant } from "../support/emulator.mjs";

const MiB = 1024 * 1024;
// A login derives the offline unlock's verifier (about 0.1 s of PBKDF2)
// right after it resolves, so a cycle takes about 0.1 s: the warm-up and the
// measured part fit 1,000+ cycles, enough to see a leak of 2 KB a cycle.
const CYCLES = 10_000;
const WARMUP = 200;
const MIN_CYCLES = 1_000;
const CYCLE_BUDGET_MS = 100_000; // for the measured part
const PAIRS_WARMUP = 1_000;
const PAIRS = 10_000;

const env = emulatorAndBrowser(MEMORY_FLAGS);

// Runs before any page script: keeps every wasm instance's exports.
function hookWasm() {
  globalThis.__wasmExports = [];
  const Instance = WebAssembly.Instance;
  WebAssembly.Instance = function (...args) {
    const instance = new Instance(...args);
    globalThis.__wasmExports.push(instance.exports);
    return instance;
  };
  WebAssembly.Instance.prototype = Instance.prototype;
}

// In the page: collect garbage (a few rounds, letting FinalizationRegistry
// callbacks run in between) and read the figures.
async function measureInPage() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 50));
  }
  // The package's module, by its externref table: the entry's 138-byte
  // decoder (decode_wasm.wat) is an instance too, with a memory of its own.
  const exports = globalThis.__wasmExports.filter((e) => Object.values(e).some((v) => v instanceof WebAssembly.Table));
  const values = exports.flatMap((e) => Object.values(e));
  const memory = values.find((v) => v instanceof WebAssembly.Memory);
  const tables = values.filter((v) => v instanceof WebAssembly.Table).map((t) => t.length);
  return {
    instances: exports.length,
    wasm: memory ? memory.buffer.byteLength : null,
    tables,
    js: performance.memory.usedJSHeapSize,
  };
}

async function freshPage(tenantLabel) {
  const page = await env.browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.addInitScript(hookWasm);
  // Any document of the emulator's origin will do; this one runs no script.
  await page.goto(`${env.emulator.url}/pkg/package.json`);
  const { root: base } = await newTenant(env.emulator.url, tenantLabel);
  await page.evaluate((src) => { globalThis.measure = (0, eval)(`(${src})`); }, measureInPage.toString());
  await page.evaluate(async (base) => {
    globalThis.m = await import("/pkg/index.js");
    globalThis.base = base;
  }, base);
  return page;
}

const fmt = (bytes) => `${(bytes / MiB).toFixed(2)} MiB`;

function report(label, figures) {
  const rows = Object.entries(figures).map(([k, f]) =>
    `  ${k.padEnd(8)} wasm ${fmt(f.wasm)}  js heap ${fmt(f.js)}  externref tables [${f.tables.join(", ")}]`);
  console.log(`${label}\n${rows.join("\n")}`);
}

function assertBounded(figures, { wasm = 2 * MiB, js = 5 * MiB, slots = 256 } = {}) {
  const { warm, end } = figures;
  assert.equal(end.instances, 1, "one wasm instance");
  assert.ok(warm.wasm !== null && end.wasm !== null, "wasm memory not found by the hook");
  assert.ok(end.wasm - warm.wasm < wasm, `wasm memory grew ${fmt(end.wasm - warm.wasm)} after the warm-up`);
  assert.ok(end.js - warm.js < js, `JS heap grew ${fmt(end.js - warm.js)} after the warm-up`);
  end.tables.forEach((n, i) => assert.ok(n - warm.tables[i] < slots, `externref table ${i} grew by ${n - warm.tables[i]} slots after the warm-up`));
}

test("login / refresh / logout cycles leak neither wasm nor JS memory", { timeout: 300_000 }, async () => {
  const page = await freshPage("leaks");
  await page.evaluate(() => {
    globalThis.client = new m.AuthClient({ baseUrl: `${base}/portos`, storageKey: "leaks" });
    globalThis.events = 0;
    client.onChange(() => { globalThis.events++; });
    globalThis.cycles = async (n) => {
      for (let i = 0; i < n; i++) {
        await client.login({ userName: "999", password: "1234", deviceName: "P01" });
        await client.refresh();
        await client.logout();
      }
    };
  });
  const figures = { before: await page.evaluate(() => measure()) };
  const t0 = Date.now();
  await page.evaluate((n) => cycles(n), WARMUP);
  const warmMs = Date.now() - t0;
  figures.warm = await page.evaluate(() => measure());
  // As many as fit the budget, up to CYCLES in all, and never fewer than
  // MIN_CYCLES: a slow machine takes longer rather than failing (at 132 ms a
  // cycle one CI run planned only 957).
  const perCycle = warmMs / WARMUP;
  const least = MIN_CYCLES - WARMUP;
  const planned = Math.max(least, Math.min(CYCLES - WARMUP, Math.floor(CYCLE_BUDGET_MS / perCycle)));
  let done = 0;
  const t1 = Date.now();
  while (done < planned && (done < least || Date.now() - t1 < CYCLE_BUDGET_MS)) {
    const batch = Math.min(500, planned - done);
    await page.evaluate((n) => cycles(n), batch);
    done += batch;
  }
  const runMs = Date.now() - t1;
  figures.end = await page.evaluate(() => measure());
  const events = await page.evaluate(() => globalThis.events);
  const total = WARMUP + done;
  console.log(`cycles: ${total} login/refresh/logout (${WARMUP} warm-up at ${perCycle.toFixed(1)} ms each, ${done} measured in ${(runMs / 1000).toFixed(1)} s)`);
  report("memory (before, after warm-up, end):", figures);
  assert.equal(events, 1 + 3 * total, "initial + signedIn/refreshed/signedOut per cycle");
  assert.ok(total >= MIN_CYCLES, `only ${total} cycles fitted the budget`);
  assertBounded(figures);
  // The client still works after all that.
  const ok = await page.evaluate(async () => (await client.login({ userName: "999", password: "1234", deviceName: "P01" })).accessToken.length > 0);
  assert.ok(ok);
  await page.close();
});

test("onChange subscribe/unsubscribe pairs and client create/dispose pairs leak nothing", { timeout: 120_000 }, async () => {
  const page = await freshPage("leaks-pairs");
  await page.evaluate(async () => {
    globalThis.client = new m.AuthClient({ baseUrl: `${base}/portos`, storageKey: "leaks-pairs" });
    await client.login({ userName: "999", password: "1234", deviceName: "P01" });
    globalThis.delivered = 0;
    // Half are unsubscribed before their `initial` arrives, half after.
    globalThis.pairs = async (n) => {
      for (let i = 0; i < n; i++) {
        const off = client.onChange(() => { globalThis.delivered++; });
        if (i % 2) await Promise.resolve().then(() => {});
        off();
      }
      await new Promise((r) => setTimeout(r, 0));
    };
    // Each client restores the stored session (record, tab channel). Its
    // Rust side is released when the JS wrapper is collected (the package's
    // free() is dispose()), so garbage is collected every 25 clients: without
    // that, linear memory and the externref table hold every client not yet
    // finalized, which is GC scheduling rather than a leak. (The table never
    // shrinks: at 200 clients, and once at 100, late finalizers on a loaded
    // machine grew it by a step, 2,052 -> 3,076 slots, with nothing leaking.)
    globalThis.clients = async (n) => {
      for (let i = 0; i < n; i++) {
        const c = new m.AuthClient({ baseUrl: `${base}/portos`, storageKey: "leaks-pairs" });
        c.onChange(() => {});
        c.session();
        c.dispose();
        if (i % 25 === 0) {
          globalThis.gc();
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    };
  });
  const pairFigures = { before: await page.evaluate(() => measure()) };
  await page.evaluate((n) => pairs(n), PAIRS_WARMUP);
  pairFigures.warm = await page.evaluate(() => measure());
  const t0 = Date.now();
  await page.evaluate((n) => pairs(n), PAIRS - PAIRS_WARMUP);
  const pairsMs = Date.now() - t0;
  pairFigures.end = await page.evaluate(() => measure());
  const delivered = await page.evaluate(() => globalThis.delivered);
  console.log(`onChange pairs: ${PAIRS} in ${((pairsMs / (PAIRS - PAIRS_WARMUP)) * PAIRS / 1000).toFixed(1)} s (estimated), ${delivered} initial events delivered`);
  report("memory, onChange pairs (before, after warm-up, end):", pairFigures);
  assert.ok(delivered <= PAIRS / 2 + 1, `initial delivered to ${delivered} listeners, most of them already unsubscribed`);
  assertBounded(pairFigures);

  const clientFigures = { before: await page.evaluate(() => measure()) };
  await page.evaluate((n) => clients(n), PAIRS_WARMUP);
  clientFigures.warm = await page.evaluate(() => measure());
  await page.evaluate((n) => clients(n), PAIRS - PAIRS_WARMUP);
  clientFigures.end = await page.evaluate(() => measure());
  report(`memory, ${PAIRS} new AuthClient + dispose (before, after warm-up, end):`, clientFigures);
  assertBounded(clientFigures);
  await page.close();
});

test("the package's default client refuses hostile arguments in a fresh page", { timeout: 60_000 }, async () => {
  const page = await freshPage("hostile-default");
  const problems = await page.evaluate(async () => {
    const problems = [];
    const values = {
      null: null, undefined: undefined, number: 42, NaN: NaN, string: "999", array: [], function: () => 1,
      symbol: Symbol.for("pos-auth"), bigint: 10n, frozen: Object.freeze({}),
      "lone surrogate": String.fromCharCode(0xd800), "10 MB string": "x".repeat(10 * 1024 * 1024),
      "throwing getter": Object.defineProperty({}, "userName", { enumerable: true, get() { throw new Error("getter (expected)"); } }),
    };
    const trap = (e) => e instanceof WebAssembly.RuntimeError || /unreachable|already borrowed|panicked/.test(String(e && e.message));
    const expectAuthError = (what, e, codes) => {
      if (trap(e)) problems.push(`${what}: TRAP ${e}`);
      else if (!(e instanceof m.AuthError) || !codes.includes(e.code)) problems.push(`${what}: ${e && e.name} ${e && e.code} ${e && e.message}`);
      else if (!e.message || e.message.length < 10) problems.push(`${what}: message ${JSON.stringify(e.message)}`);
    };
    const settle = (p) => Promise.race([p.then(() => "resolved", (e) => e), new Promise((r) => setTimeout(() => r("never settled"), 5000))]);
    m.configure({ baseUrl: `${base}/portos`, storageKey: "hostile-default" });
    const seen = [];
    m.onChange((e) => seen.push(e.type));
    for (const [name, v] of Object.entries(values)) {
      try { m.configure(v); problems.push(`configure(${name}) accepted`); } catch (e) { expectAuthError(`configure(${name})`, e, ["invalid_argument"]); }
      const r = await settle(m.login(v));
      if (typeof r === "string") problems.push(`login(${name}): ${r}`); else expectAuthError(`login(${name})`, r, ["invalid_argument"]);
      if (typeof v !== "function") {
        try { m.onChange(v); problems.push(`onChange(${name}) accepted`); } catch (e) { expectAuthError(`onChange(${name})`, e, ["invalid_argument"]); }
      }
      if (name !== "10 MB string") {
        const f = await settle(m.authFetch(v));
        if (f === "never settled" || trap(f) || f instanceof m.AuthError) problems.push(`authFetch(${name}): ${f && (f.code || f)}`);
      }
    }
    // The configured client survived all of that (a failed configure keeps it).
    const s = await m.login({ userName: "999", password: "1234", deviceName: "P01" });
    if (!s || m.session() !== s) problems.push("the default client no longer signs in");
    const r = await m.authFetch(`${base}/portos/api/auth`);
    if (r.status !== 200) problems.push(`authFetch after the batch: ${r.status}`);
    await m.logout();
    if (!seen.includes("signedIn") || !seen.includes("signedOut")) problems.push(`events ${seen}`);
    // The package's free() is dispose(): idempotent, later calls are `disposed`.
    const c = new m.AuthClient({ baseUrl: `${base}/portos`, storageKey: "hostile-free" });
    c.free(); c.free(); c.dispose();
    const d = await settle(c.login({ userName: "999", password: "1234", deviceName: "P01" }));
    if (!(d instanceof m.AuthError) || d.code !== "disposed") problems.push(`login after free(): ${d && (d.code || d)}`);
    try { c.session(); problems.push("session() after free() did not throw"); } catch (e) { expectAuthError("session() after free()", e, ["disposed"]); }
    return problems;
  });
  assert.deepEqual(problems, []);
  await page.close();
});
