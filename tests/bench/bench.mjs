// `make bench`: every figure of pos-auth side by side, in one run.
//
//   size          esbuild bundle + minify, gzip -9: ours and the pinned peers
//   overhead      1,000 client.fetch vs 1,000 raw fetch (header set by hand),
//                 interleaved in blocks of one (raw, client, client, raw, …),
//                 headless Chromium against the emulator,
//                 in a page with no DevTools attached (see overhead-page.js)
//   start-up      dynamic import() → session restored from sessionStorage, ours
//                 vs oidc-client-ts UserManager.getUser(), 30 fresh pages each
//                 (tests/bench/startup-page.js), in Chromium and in Firefox ESR,
//                 each started without DevTools
//   single flight 1,000 concurrent client.fetch inside the refresh margin →
//                 refresh requests the emulator saw
//   memory        wasm memory and JS heap growth over 10,000 login/logout cycles
//
// Prints a table, writes tests/bench/results.json and tests/bench/size.svg.
// It reports; it never fails on speed. Needs `make pkg` and the emulator binary
// (the Makefile target builds both). Environment: POS_EMULATOR_BIN, POS_PKG_DIR,
// CHROMIUM (default /usr/bin/chromium), FIREFOX (default /usr/bin/firefox-esr; a
// browser is never downloaded),
// BENCH_QUICK=1 (a fraction of every count, for trying the script out),
// BENCH_ONLY=overhead|startup (that figure alone, start-up in both engines, printed
// as JSON; nothing written),
// BENCH_DUMP=file (the overhead samples as JSON, for a closer look),
// BENCH_BLOCK=n (requests per block in the overhead figure; 1 by default).
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { CHROMIUM, CHROMIUM_FLAGS, MEMORY_FLAGS, launchBrowser } from "../e2e/harness.mjs";
import { newTenant, startEmulator } from "../support/emulator.mjs";
import { measureOurs, pkgDir, repo } from "../../tools/size.mjs";
import { benchDir, bundleOidcModule, measurePeers } from "./peers.mjs";
import { renderSizeSvg } from "./svg.mjs";

const quick = process.env.BENCH_QUICK === "1";
const N = {
  overheadRequests: quick ? 200 : 1000, // per side
  // Requests per block. One gives the order raw, client, client, raw, …: each
  // request's neighbours are of both kinds, so a pause of the machine or a
  // drift in its speed weighs on both sides alike. Over about ten runs each
  // on 2 cores: blocks of 10 gave ratios of 1.00-1.08, blocks of one 1.01-1.03.
  overheadBlock: Number(process.env.BENCH_BLOCK ?? 1),
  stubbedCalls: quick ? 1000 : 5000, // per side and round, 5 rounds
  startupPages: quick ? 6 : 30, // per library
  concurrent: 1000,
  memoryCycles: quick ? 1000 : 10_000,
  memoryWarmup: 100,
};
const USER = { userName: "999", password: "1234", deviceName: "P01" };
const outDir = path.join(benchDir, "out");
const wwwDir = path.join(outDir, "www");
const started = Date.now();

const log = (msg) => process.stderr.write(`bench: ${msg} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const round = (x, digits = 3) => Number(x.toFixed(digits));

async function freshPage(browser, url) {
  const page = await browser.newPage();
  page.on("pageerror", (e) => log(`page error: ${e.message}`));
  await page.goto(`${url}/blank.html`);
  return page;
}

// ---------------------------------------------------------------- overhead

// How to start each engine on a URL with a fresh profile and no DevTools.
const FIREFOX = process.env.FIREFOX ?? "/usr/bin/firefox-esr";
const PLAIN_ENGINES = {
  chromium: (profile, url) => [CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, url]],
  firefox: (profile, url) => {
    // No first-run pages, no telemetry, no update checks in the timed tabs.
    const prefs = {
      "browser.shell.checkDefaultBrowser": false, "browser.startup.homepage_override.mstone": "ignore",
      "browser.aboutwelcome.enabled": false, "datareporting.policy.dataSubmissionEnabled": false,
      "toolkit.telemetry.reportingpolicy.firstRun": false, "app.update.disabledForTesting": true,
      "browser.tabs.warnOnClose": false, "browser.sessionstore.resume_from_crash": false,
    };
    writeFileSync(path.join(profile, "user.js"), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(""));
    return [FIREFOX, ["--headless", "--no-remote", "--profile", profile, url]];
  },
};

// Opens `start(report)` in a browser started here without DevTools attached
// (Chromium unless `engine` says "firefox"). Its page posts a result to
// `report`; `next(result, report)` answers with the URL to go to next, or
// null when done (by default: after the first result). Resolves to the last
// result.
async function runPlainPage(start, next = () => null, engine = "chromium") {
  let finished;
  let failed;
  const done = new Promise((resolve, reject) => ((finished = resolve), (failed = reject)));
  let report;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      let result;
      let then = null;
      try {
        result = JSON.parse(body);
        if (result.error) throw new Error(`${result.lib ?? "page"}: ${result.error}`);
        then = next(result, report);
      } catch (e) {
        failed(e);
      }
      res.writeHead(200, { "access-control-allow-origin": "*", "cross-origin-resource-policy": "cross-origin", "content-type": "text/plain" });
      res.end(then ?? "");
      if (then === null) finished(result);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  report = `http://127.0.0.1:${server.address().port}/`;
  const profile = mkdtempSync(path.join(os.tmpdir(), "pos-auth-bench-"));
  // Started here rather than by Playwright, so no DevTools connection is
  // made; in its own process group, so it and its helpers stop together.
  const [command, args] = PLAIN_ENGINES[engine](profile, start(report));
  const browser = spawn(command, args, { stdio: "ignore", detached: true });
  let timer;
  try {
    return await Promise.race([
      done,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error("the page was not done in 300 s")), 300_000))),
    ]);
  } finally {
    clearTimeout(timer);
    server.close();
    const exited = new Promise((resolve) => {
      if (browser.exitCode !== null || browser.pid === undefined) return resolve();
      browser.once("exit", resolve);
    });
    try {
      process.kill(-browser.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (e) {
      log(`left ${profile} behind: ${e.message}`);
    }
  }
}

async function overhead(url) {
  const tenant = await newTenant(url, "bench-overhead", { tokenLifetime: 3600 });
  const params = { base: tenant.portos, n: N.overheadRequests, block: N.overheadBlock, stubbed: N.stubbedCalls };
  const r = await runPlainPage((report) => `${url}/overhead.isolated.html?${new URLSearchParams({ ...params, report })}`);
  if (process.env.BENCH_DUMP) writeFileSync(process.env.BENCH_DUMP, JSON.stringify(r.times));
  const raw = median(r.times.raw);
  const wrapped = median(r.times.client);
  return {
    requests: N.overheadRequests,
    blockSize: N.overheadBlock,
    endpoint: "GET /portos/api/auth",
    rawMedianMs: round(raw),
    clientMedianMs: round(wrapped),
    addedMedianMs: round(wrapped - raw),
    ratio: round(wrapped / raw),
    rawP90Ms: round(quantile(r.times.raw, 0.9)),
    clientP90Ms: round(quantile(r.times.client, 0.9)),
    failedRequests: r.failed,
    stubbed: {
      callsPerRound: N.stubbedCalls,
      rounds: 5,
      rawMedianUs: round(median(r.stubbed.raw), 2),
      clientMedianUs: round(median(r.stubbed.client), 2),
    },
  };
}

// ---------------------------------------------------------------- start-up

// What every start-up page needs: the tenant's base URLs and each library's
// stored session, ours as our client writes it after a login.
async function startupConfig(browser, url) {
  const tenant = await newTenant(url, "bench-startup", { tokenLifetime: 3600 });
  const base = tenant.portos;
  const seedPage = await freshPage(browser, url);
  const ourRecord = await seedPage.evaluate(async ({ base, user }) => {
    const { AuthClient } = await import("/pkg/index.js");
    const client = new AuthClient({ baseUrl: base });
    await client.login(user);
    client.dispose();
    return sessionStorage.getItem("pos-auth");
  }, { base, user: USER });
  await seedPage.close();
  if (!ourRecord) throw new Error("no pos-auth record in sessionStorage after login");

  // oidc-client-ts's stored user: WebStorageStateStore (sessionStorage, prefix
  // "oidc.") under `user:<authority>:<client_id>`, as User.toStorageString writes it.
  const authority = `${tenant.root}/oidc`;
  const clientId = "pos";
  const now = Math.floor(Date.now() / 1000);
  const oidcRecord = JSON.stringify({
    id_token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiI5OTkifQ.",
    session_state: null,
    access_token: "access-token",
    refresh_token: "refresh-token",
    token_type: "Bearer",
    scope: "openid profile",
    profile: { sub: "999", name: "Majiteľ", iss: authority, aud: clientId, iat: now, exp: now + 3600 },
    expires_at: now + 3600,
  });
  return {
    base, authority, clientId,
    ours: { key: "pos-auth", record: ourRecord },
    oidc: { key: `oidc.user:${authority}:${clientId}`, record: oidcRecord },
  };
}

const startupUrl = (origin, lib, cfg, report) =>
  `${origin}/startup.isolated.html?${new URLSearchParams({ lib, cfg: JSON.stringify(cfg), report })}`;

// In `engine` (chromium, firefox) with no DevTools connection, as a user's
// tab is: DevTools changes how a page loads (under Playwright, both figures
// were higher and oidc-client-ts's far more: Chromium ratios of 1.5-2.0
// against 2.1-2.4 here). One tab walks from sample to sample, each page on
// the other of two sites (127.0.0.1, localhost), so that every sample gets a
// new content process (site isolation), as a new tab would.
async function startup(url, cfg, engine) {
  // The libraries in turn, ours first in even pairs and oidc-client-ts first
  // in odd ones, so that a drift in the machine's speed weighs on both.
  const order = Array.from({ length: N.startupPages }, (_, i) => (i % 2 ? ["oidc", "ours"] : ["ours", "oidc"])).flat();
  const port = new URL(url).port;
  const origin = (i) => `http://${i % 2 ? "localhost" : "127.0.0.1"}:${port}`;
  const samples = [];
  await runPlainPage((report) => startupUrl(origin(0), order[0], cfg, report), (result, report) => {
    samples.push(result);
    const i = samples.length;
    return i < order.length ? startupUrl(origin(i), order[i], cfg, report) : null;
  }, engine);
  const of = (lib) => samples.filter((s) => s.lib === lib);
  const medianOf = (lib, phase) => round(median(of(lib).map((s) => s[phase])), 1);
  return {
    engine,
    pages: N.startupPages,
    oursMedianMs: medianOf("ours", "total"),
    oidcMedianMs: medianOf("oidc", "total"),
    ratio: round(median(of("ours").map((s) => s.total)) / median(of("oidc").map((s) => s.total)), 2),
    // Where the time goes: the import (download, compile, instantiate) and
    // the constructor up to the restored session (mostly first-call work).
    phasesMedianMs: {
      ours: { import: medianOf("ours", "imported"), restore: medianOf("ours", "restored") },
      oidc: { import: medianOf("oidc", "imported"), restore: medianOf("oidc", "restored") },
    },
    modules: { ours: "/pos-auth.min.js (pkg/index.js, esbuild bundle)", oidc: "/oidc-client-ts.min.js (esbuild bundle)" },
  };
}

// ---------------------------------------------------------------- single flight

async function singleFlight(browser, url) {
  const lifetime = 8; // s: margin = min(60, lifetime / 2) ≈ 4 s
  const tenant = await newTenant(url, "bench-single-flight", { tokenLifetime: lifetime });
  const base = tenant.portos;
  const page = await freshPage(browser, url);
  const expiresAt = await page.evaluate(async ({ base, user }) => {
    const { AuthClient } = await import("/pkg/index.js");
    // autoRefresh off: the timer must not refresh before the burst does
    window.client = new AuthClient({ baseUrl: base, storage: "memory", autoRefresh: false });
    await window.client.login(user);
    return window.client.session().expiresAt;
  }, { base, user: USER });
  // The refreshed token lives long, so nothing in the burst needs a second refresh.
  await tenant.config({ tokenLifetime: 3600 });
  await tenant.resetCounts();
  const r = await page.evaluate(async ({ base, n, fireAt }) => {
    const client = window.client;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, fireAt - Date.now())));
    const before = client.session().accessToken;
    const inMargin = client.session().expiresAt - Date.now();
    const t0 = performance.now();
    const results = await Promise.allSettled(Array.from({ length: n }, () => client.fetch(`${base}/api/auth`).then((res) => res.status)));
    const ms = performance.now() - t0;
    const statuses = {};
    for (const x of results) {
      const key = x.status === "fulfilled" ? String(x.value) : `rejected:${x.reason?.code ?? x.reason?.name}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
    return { statuses, ms, msToExpiry: inMargin, rotated: client.session()?.accessToken !== before };
  }, { base, n: N.concurrent, fireAt: expiresAt - 2500 });
  await page.close();
  const counts = await tenant.counts();
  return {
    concurrent: N.concurrent,
    tokenLifetimeS: lifetime,
    firedMsBeforeExpiry: Math.round(r.msToExpiry),
    refreshRequests: counts["POST /portos/api/auth/refresh"] ?? 0,
    apiRequests: counts["GET /portos/api/auth"] ?? 0,
    statuses: r.statuses,
    tokenRotated: r.rotated,
    burstMs: Math.round(r.ms),
  };
}

// ---------------------------------------------------------------- memory

async function memory(browser, url) {
  const tenant = await newTenant(url, "bench-memory", { tokenLifetime: 3600 });
  const page = await freshPage(browser, url);
  const r = await page.evaluate(async ({ base, user, cycles, warmup, every }) => {
    const { AuthClient } = await import("/pkg/index.js");
    // The entry already initialised the glue module; calling its init again
    // returns that instance's exports, memory included (found by its type:
    // `make pkg` shortens the export names).
    const { default: init } = await import("/pkg/pos_auth.js");
    const memory = Object.values(await init()).find((v) => v instanceof WebAssembly.Memory);
    if (typeof gc !== "function") throw new Error("gc() missing: launch with --js-flags=--expose-gc");
    const read = () => {
      gc();
      gc(); // a second pass collects what the first one's finalizers released
      return { wasm: memory.buffer.byteLength, js: performance.memory.usedJSHeapSize };
    };
    const client = new AuthClient({ baseUrl: base }); // sessionStorage, as in production
    const cycle = async () => {
      await client.login(user);
      await client.logout();
    };
    for (let i = 0; i < warmup; i++) await cycle();
    const start = read();
    const samples = [];
    const t0 = performance.now();
    for (let i = 1; i <= cycles; i++) {
      await cycle();
      if (i % every === 0) samples.push({ cycle: i, ...read() });
    }
    const ms = performance.now() - t0;
    client.dispose();
    return { start, end: samples.at(-1), samples, ms };
  }, { base: tenant.portos, user: USER, cycles: N.memoryCycles, warmup: N.memoryWarmup, every: N.memoryCycles / 10 });
  await page.close();
  const counts = await tenant.counts();
  return {
    cycles: N.memoryCycles,
    warmupCycles: N.memoryWarmup,
    wasm: { startBytes: r.start.wasm, endBytes: r.end.wasm, growthBytes: r.end.wasm - r.start.wasm },
    jsHeap: { startBytes: r.start.js, endBytes: r.end.js, growthBytes: r.end.js - r.start.js },
    samples: r.samples,
    cycleMeanMs: round(r.ms / N.memoryCycles),
    logins: counts["POST /portos/api/auth"] ?? 0,
  };
}

// ---------------------------------------------------------------- report

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const signedKb = (n) => `${n >= 0 ? "+" : "−"}${(Math.abs(n) / 1024).toFixed(1)} KB`;

function table(results) {
  const { size, overhead: o, startup: s, singleFlight: f, memory: m } = results;
  const rows = [["figure", "pos-auth", "peer / baseline", "note"]];
  rows.push(["size, shipped (gzip -9)", kb(size.ours.gzip), "", "index.js bundled + minified, wasm inlined (gzip + base64)"]);
  rows.push(["size, wasm + glue (gzip -9)", kb(size.ours.split.wasmGzip + size.ours.split.glueGzip),
    "", `${kb(size.ours.split.wasmGzip)} .wasm + ${kb(size.ours.split.glueGzip)} minified glue`]);
  for (const p of size.peers) rows.push([`size, ${p.name} ${p.version}`, "", kb(p.gzip), "main class bundled + minified"]);
  rows.push(["request overhead, median per request", `${o.clientMedianMs.toFixed(3)} ms`, `${o.rawMedianMs.toFixed(3)} ms raw fetch`,
    `ratio ${o.ratio.toFixed(3)}, ${o.addedMedianMs >= 0 ? "+" : ""}${o.addedMedianMs.toFixed(3)} ms (${o.requests} each, blocks of ${o.blockSize})`]);
  rows.push(["wrapper cost, fetch stubbed", `${o.stubbed.clientMedianUs.toFixed(1)} µs`, `${o.stubbed.rawMedianUs.toFixed(1)} µs raw fetch`,
    `per call, median of ${o.stubbed.rounds} rounds of ${o.stubbed.callsPerRound}`]);
  for (const x of [s.chromium, s.firefox]) {
    rows.push([`start-up, ${x.engine}, import() → session`, `${x.oursMedianMs.toFixed(1)} ms`, `${x.oidcMedianMs.toFixed(1)} ms oidc-client-ts`,
      `ratio ${x.ratio.toFixed(2)}; import ${x.phasesMedianMs.ours.import} vs ${x.phasesMedianMs.oidc.import} ms, ` +
        `restore ${x.phasesMedianMs.ours.restore} vs ${x.phasesMedianMs.oidc.restore} ms (median of ${x.pages} fresh tabs each, no DevTools)`]);
  }
  rows.push(["single flight, refresh requests", String(f.refreshRequests), "", `${f.concurrent} concurrent client.fetch inside the margin`]);
  rows.push(["memory, wasm growth", signedKb(m.wasm.growthBytes), "", `${m.cycles} login/logout cycles, ${kb(m.wasm.endBytes)} at end`]);
  rows.push(["memory, JS heap growth", signedKb(m.jsHeap.growthBytes), "", `after gc(), ${kb(m.jsHeap.endBytes)} at end`]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const fmt = (r) => r.map((cell, c) => (c === 1 || c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd();
  return [fmt(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(fmt)].join("\n");
}

async function main() {
  rmSync(wwwDir, { recursive: true, force: true });
  mkdirSync(wwwDir, { recursive: true });
  log("size");
  const bundles = path.join(outDir, "bundles");
  const ours = await measureOurs({ outDir: bundles });
  const peers = await measurePeers({ outDir: bundles });
  copyFileSync(path.join(bundles, "pos-auth.min.js"), path.join(wwwDir, "pos-auth.min.js"));
  writeFileSync(path.join(wwwDir, "oidc-client-ts.min.js"), await bundleOidcModule());
  writeFileSync(path.join(wwwDir, "blank.html"), '<!doctype html><meta charset="utf-8"><title>pos-auth bench</title>\n');
  copyFileSync(path.join(benchDir, "overhead-page.js"), path.join(wwwDir, "overhead-page.js"));
  writeFileSync(path.join(wwwDir, "overhead.isolated.html"),
    '<!doctype html><meta charset="utf-8"><title>pos-auth overhead</title><script type="module" src="/overhead-page.js"></script>\n');
  copyFileSync(path.join(benchDir, "startup-page.js"), path.join(wwwDir, "startup-page.js"));
  writeFileSync(path.join(wwwDir, "startup.isolated.html"),
    '<!doctype html><meta charset="utf-8"><title>pos-auth start-up</title><script type="module" src="/startup-page.js"></script>\n');

  const emulator = await startEmulator({ www: wwwDir, pkg: pkgDir });
  let browser;
  try {
    browser = await launchBrowser(MEMORY_FLAGS);
  } catch (e) {
    await emulator.stop(); // else its process keeps this one alive
    throw e;
  }
  // BENCH_ONLY=overhead|startup prints one figure and writes nothing, for
  // measuring a change quickly.
  // Start-up in Chromium and in Firefox, from the same stored sessions.
  const startups = async () => {
    const cfg = await startupConfig(browser, emulator.url);
    return { chromium: await startup(emulator.url, cfg, "chromium"), firefox: await startup(emulator.url, cfg, "firefox") };
  };
  const only = { overhead: () => overhead(emulator.url), startup: startups }[process.env.BENCH_ONLY];
  if (only) {
    try {
      console.log(JSON.stringify(await only(), null, 2));
    } finally {
      await browser.close();
      await emulator.stop();
    }
    return;
  }
  let results;
  try {
    log("request overhead");
    const o = await overhead(emulator.url);
    log("start-up");
    const s = await startups();
    log("single flight");
    const f = await singleFlight(browser, emulator.url);
    log("memory");
    const m = await memory(browser, emulator.url);
    results = {
      environment: {
        date: new Date().toISOString().slice(0, 10),
        chromium: browser.version(),
        node: process.version,
        cpus: os.cpus().length,
        quick,
      },
      size: { method: "esbuild --bundle --minify --format=esm --target=es2022, then gzip -9 -n", ours, peers },
      overhead: o,
      startup: s,
      singleFlight: f,
      memory: m,
    };
  } finally {
    await browser.close();
    await emulator.stop();
  }
  const resultsFile = quick ? path.join(outDir, "results.json") : path.join(benchDir, "results.json");
  const svgFile = quick ? path.join(outDir, "size.svg") : path.join(benchDir, "size.svg");
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(svgFile, renderSizeSvg(results.size));
  console.log(table(results));
  console.log(`\n${path.relative(repo, resultsFile)}, ${path.relative(repo, svgFile)} written in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

await main();
