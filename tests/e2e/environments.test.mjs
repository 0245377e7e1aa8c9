// The package outside a plain page (API.md, "Loading"): a module Worker, a
// module SharedWorker, a module service worker and a Node process refresh in
// the background and keep the session in memory without a warning, Node
// exits on its own and loads it with require() too, two overlapping
// import()s in WebKit both get working exports, and a page whose CSP refuses
// WebAssembly (or whose engine will not compile it synchronously) can still
// import the package and gets AuthError "unsupported". The entry has no
// top-level await; the controls show that each of these environments fails
// a module that has one.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { repo, emulatorAndBrowser, installPackedPackage, pageReport } from "./harness.mjs";
import { webkit } from "./drivers.mjs";
import { newTenant } from "../support/emulator.mjs";

const out = path.join(repo, "tests/e2e/out/environments");
const www = path.join(out, "www");
const PORTOS_USER = { userName: "999", password: "1234", deviceName: "P01" };

// Pages the emulator serves at `/`, from files written here.
const PAGES = {
  "blank.html": "<!doctype html><title>worker host</title>",

  "worker.js": `
    // A module Worker: no window, no document, no sessionStorage.
    const base = new URL(location.href).searchParams.get("base");
    console.warn("env-test: worker console reaches the test");
    try {
      const { AuthClient } = await import("/pkg/index.js");
      // idleLock: where there is no input (no document) it never fires.
      const client = new AuthClient({ baseUrl: base + "/portos", idleLock: 1 });
      client.onChange((e) => postMessage({ type: e.type, token: e.session?.accessToken ?? null }));
      await client.login(${JSON.stringify(PORTOS_USER)});
    } catch (e) {
      postMessage({ type: "error", code: e?.code, message: String(e?.message ?? e) });
    }`,

  "shared.js": `
    // A module SharedWorker: every tab of the origin talks to this one client.
    const base = new URL(location.href).searchParams.get("base");
    onconnect = async ({ ports: [port] }) => {
      try {
        const { AuthClient } = await import("/pkg/index.js");
        const client = new AuthClient({ baseUrl: base + "/portos" });
        client.onChange((e) => port.postMessage({ type: e.type, token: e.session?.accessToken ?? null }));
        await client.login(${JSON.stringify(PORTOS_USER)});
      } catch (e) {
        port.postMessage({ type: "error", code: e?.code, message: String(e?.message ?? e) });
      }
    };`,

  // A module service worker that imports the package statically (dynamic
  // import() is not allowed there) and, asked by a page, signs in with memory
  // storage and stays alive (waitUntil) until its client has refreshed.
  "sw.js": `
    import { AuthClient } from "/pkg/index.js";
    addEventListener("install", () => skipWaiting());
    addEventListener("message", (event) => {
      const [port] = event.ports;
      event.waitUntil((async () => {
        try {
          const client = new AuthClient({ baseUrl: event.data.base + "/portos", storage: "memory" });
          const refreshed = new Promise((resolve) => client.onChange((e) => {
            port.postMessage({ type: e.type, token: e.session?.accessToken ?? null });
            if (e.type === "refreshed") resolve();
          }));
          await client.login(${JSON.stringify(PORTOS_USER)});
          await Promise.race([refreshed, new Promise((resolve) => setTimeout(resolve, 9000))]);
          client.dispose();
        } catch (e) {
          port.postMessage({ type: "error", code: e?.code, message: String(e?.message ?? e) });
        }
      })());
    });`,

  // The controls: a module with top-level await, as the entry had, and a
  // service worker that imports it.
  "tla.js": `export const value = await new Promise((resolve) => setTimeout(() => resolve(42), 20));\nexport const read = () => value;`,
  "sw-tla.js": `import { read } from "/tla.js";\nself.value = read;`,

  // Two lazy routes importing the same library, for WebKit's bug 242740
  // (route-*.js: the package; tla-route-*.js: the control). Each route uses
  // what it imported as soon as it is evaluated.
  "route-a.js": `import { AuthClient } from "/pkg/index.js";\nexport const session = new AuthClient({ baseUrl: location.origin + "/portos", storage: "memory" }).session();`,
  "route-b.js": `import { AuthClient } from "/pkg/index.js";\nexport const session = new AuthClient({ baseUrl: location.origin + "/portos", storage: "memory" }).session();`,
  "tla-route-a.js": `import { read } from "/tla.js";\nexport const value = read();`,
  "tla-route-b.js": `import { read } from "/tla.js";\nexport const value = read();`,

  // An engine that refuses a synchronous compile over 4 KB on the main
  // thread, as Chromium did before 115 (its own words).
  "old-chrome.html": `<!doctype html>
    <pre id="out">loading</pre>
    <script type="module">
      const Module = WebAssembly.Module;
      WebAssembly.Module = function (bytes) {
        if (bytes.byteLength > 4096) {
          throw new RangeError("WebAssembly.Module(): WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than 4KB. Use WebAssembly.compile, or compile on a worker thread.");
        }
        return new Module(bytes);
      };
      const m = await import("/pkg/index.js");
      let outcome;
      try {
        new m.AuthClient({ baseUrl: location.origin + "/portos" });
        outcome = { threw: false };
      } catch (e) {
        outcome = { threw: true, authError: e instanceof m.AuthError, code: e?.code, message: String(e?.message ?? e) };
      }
      document.getElementById("out").textContent = JSON.stringify(outcome);
    </script>`,

  // A meta CSP, because the emulator sets no CSP header of its own.
  "csp.html": `<!doctype html>
    <meta http-equiv="Content-Security-Policy" content="script-src 'self'">
    <pre id="out">loading</pre>
    <script type="module" src="csp.js"></script>`,

  "csp.js": `
    const result = {};
    // The smallest valid module: proves this CSP really refuses WebAssembly.
    result.wasmRefused = await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))
      .then(() => false, () => true);
    let m;
    try {
      m = await import("/pkg/index.js");
      result.imported = true;
    } catch (e) {
      result.imported = false;
      result.importError = String(e);
    }
    if (m) {
      const describe = (e) => ({ authError: e instanceof m.AuthError, code: e?.code, message: String(e?.message ?? e) });
      const sync = (f) => { try { f(); return { returned: true }; } catch (e) { return { threw: true, ...describe(e) }; } };
      result.construct = sync(() => new m.AuthClient({ baseUrl: location.origin + "/portos" }));
      result.session = sync(() => m.session());
      result.configure = sync(() => m.configure({ baseUrl: location.origin + "/portos" }));
      // An async function must reject, not throw synchronously.
      let pending;
      result.login = sync(() => { pending = m.login(${JSON.stringify(PORTOS_USER)}); });
      if (pending) result.login = await pending.then(() => ({ resolved: true }), (e) => ({ rejected: true, ...describe(e) }));
      const made = new m.AuthError("network", "x");
      result.authError = { instance: made instanceof m.AuthError && made instanceof Error, code: made.code, message: made.message };
    }
    document.getElementById("out").textContent = JSON.stringify(result);`,
};

// Run by a child Node process: sign in, wait for one background refresh,
// print what happened, then dispose or not (argv: base URL, "dispose"|"keep").
const NODE_SCRIPT = `
import { AuthClient } from ${JSON.stringify(pathToFileURL(path.join(repo, "pkg/index.js")).href)};
const [base, mode] = process.argv.slice(2);
// An unsettled promise does not keep Node alive, this timer does: without it
// the process would end before the refresh once the module's timer is unref'd.
const deadline = setTimeout(() => {
  console.log(JSON.stringify({ events, timedOut: true }));
  process.exit(1);
}, 10_000);
const events = [];
const client = new AuthClient({ baseUrl: base + "/portos" });
const refreshed = new Promise((resolve) => client.onChange((e) => {
  events.push(e.type);
  if (e.type === "refreshed") resolve();
}));
await client.login(${JSON.stringify(PORTOS_USER)});
await refreshed;
clearTimeout(deadline);
if (mode === "dispose") client.dispose();
console.log(JSON.stringify({ events }));
// No process.exit(): what is left (the client, when kept) must not hold Node.
`;

// The pages are written before the emulator that serves them starts.
before(() => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(www, { recursive: true });
  for (const [name, text] of Object.entries(PAGES)) writeFileSync(path.join(www, name), text);
  writeFileSync(path.join(out, "node-client.mjs"), NODE_SCRIPT);
});
const env = emulatorAndBrowser([], { www });

/** A fresh tenant with 4 s tokens: refreshed at half-life, about 2 s after sign-in. */
const shortLived = (label) => newTenant(env.emulator.url, label, { tokenLifetime: 4 });

/**
 * What the module Worker (or SharedWorker) `script`, started from a blank
 * page of its own, posts until it refreshed or failed, or 9 s passed (a 4 s
 * token is refreshed after 1.5-2 s). `consoleLines`, if given, collects the
 * page's and the worker's console.
 */
async function workerMessages(script, base, { shared = false, consoleLines } = {}) {
  const page = await env.browser.newPage();
  // Playwright reports a worker's console on its page too, with worker() set.
  if (consoleLines) page.on("console", (m) => consoleLines.push(`${m.worker() ? "worker" : "page"} ${m.type()}: ${m.text()}`));
  try {
    await page.goto(`${env.emulator.url}/blank.html`);
    return await page.evaluate(({ url, shared }) => new Promise((resolve) => {
      const seen = [];
      const worker = new (shared ? SharedWorker : Worker)(url, { type: "module" });
      (shared ? worker.port : worker).onmessage = ({ data }) => {
        seen.push(data);
        if (data.type === "refreshed" || data.type === "error") resolve(seen);
      };
      worker.onerror = (e) => { seen.push({ type: "workerError", message: e.message }); resolve(seen); };
      setTimeout(() => resolve(seen), 9000);
    }), { url: `${script}?base=${encodeURIComponent(base)}`, shared });
  } finally {
    await page.close();
  }
}

test("a module Worker: background refresh, and the session in memory without a warning", async (t) => {
  const tenant = await shortLived("worker");
  const consoleLines = [];
  const messages = await workerMessages("/worker.js", tenant.root, { consoleLines });
  const types = messages.map((m) => m.type);
  const signedIn = messages.find((m) => m.type === "signedIn");
  assert.ok(!types.includes("error") && !types.includes("workerError"), `the worker failed: ${JSON.stringify(messages)}`);
  assert.ok(signedIn?.token, `signed in inside the worker: ${JSON.stringify(types)}`);

  await t.test("the client refreshes by itself", async () => {
    const refreshed = messages.find((m) => m.type === "refreshed");
    assert.ok(refreshed, `no background refresh in the worker within 9 s; events: ${JSON.stringify(types)}`);
    assert.notEqual(refreshed.token, signedIn.token, "the refresh brought a new token");
    assert.ok(await tenant.refreshes() >= 1, "the emulator saw the refresh");
  });

  await t.test("idleLock never fires in a Worker, where there is no input", () => {
    assert.ok(!types.includes("locked"), `a 1 s idleLock locked a Worker's session: ${JSON.stringify(types)}`);
  });

  await t.test("no sessionStorage warning", () => {
    assert.ok(consoleLines.includes("worker warning: env-test: worker console reaches the test"),
      `the worker's console is captured: ${JSON.stringify(consoleLines)}`);
    const storageWarnings = consoleLines.filter((l) => /sessionStorage/i.test(l));
    assert.deepEqual(storageWarnings, [], "a Worker has no sessionStorage: memory, without a warning");
  });
});

/**
 * Runs the Node script; resolves with its output, the parsed JSON line, and
 * how long the process lived after printing it. It is killed 6 s after
 * printing (longer than any bound below) or 15 s after its start.
 */
function runNodeClient(base, mode) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(out, "node-client.mjs"), base, mode], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "", printedAt = null, killed = false;
    const kill = () => { killed = true; child.kill("SIGKILL"); };
    let timer = setTimeout(kill, 15_000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (printedAt === null && stdout.includes("\n")) {
        printedAt = Date.now();
        clearTimeout(timer);
        timer = setTimeout(kill, 6000);
      }
    });
    child.stderr.on("data", (chunk) => { stderr += chunk; });
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      let result = null;
      try { result = JSON.parse(stdout.split("\n")[0]); } catch { /* reported by the caller */ }
      resolve({ code, killed, stdout, stderr, result, lingeredMs: printedAt === null ? null : Date.now() - printedAt });
    });
  });
}

/** The parts of a Node run as subtests, so each failure is reported. */
async function assertRefreshedQuietly(t, run, tenant) {
  assert.ok(run.result, `the script printed its result: stdout ${JSON.stringify(run.stdout)}, stderr ${JSON.stringify(run.stderr)}`);
  await t.test("the client refreshes by itself", async () => {
    assert.ok(!run.result.timedOut, `no background refresh in Node within 10 s; events: ${JSON.stringify(run.result.events)}`);
    assert.deepEqual(run.result.events.slice(0, 3), ["initial", "signedIn", "refreshed"]);
    assert.ok(await tenant.refreshes() >= 1, "the emulator saw the refresh");
  });
  await t.test("no sessionStorage warning", () => {
    assert.doesNotMatch(run.stdout + run.stderr, /sessionStorage/i, "plain Node has no sessionStorage: memory, without a warning");
  });
}

test("a module SharedWorker: signed in, refreshed in the background", async () => {
  const tenant = await shortLived("shared-worker");
  const messages = await workerMessages("/shared.js", tenant.root, { shared: true });
  const types = messages.map((m) => m.type);
  assert.ok(!types.includes("error") && !types.includes("workerError"), `the shared worker failed: ${JSON.stringify(messages)}`);
  const signedIn = messages.find((m) => m.type === "signedIn");
  const refreshed = messages.find((m) => m.type === "refreshed");
  assert.ok(signedIn?.token, `signed in: ${JSON.stringify(types)}`);
  assert.ok(refreshed && refreshed.token !== signedIn.token, `refreshed by itself within 9 s: ${JSON.stringify(types)}`);
});

/** Registers `script` as a module service worker at `scope`: "registered" or why not. */
const registerServiceWorker = (page, script, scope) => page.evaluate(({ script, scope }) =>
  navigator.serviceWorker.register(script, { type: "module", scope }).then(() => "registered", (e) => String(e)), { script, scope });

test("a module service worker: the package imported statically, signed in with memory storage, refreshed in the background", async (t) => {
  const tenant = await shortLived("service-worker");
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.emulator.url}/blank.html`);
    await t.test("control: a module with top-level await cannot start in a service worker", async () => {
      assert.match(await registerServiceWorker(page, "/sw-tla.js", "/control/"), /ServiceWorker cannot be started/);
    });
    assert.equal(await registerServiceWorker(page, "/sw.js", "/"), "registered", "the package loads in a service worker");
    const messages = await page.evaluate((base) => navigator.serviceWorker.ready.then((registration) => new Promise((resolve) => {
      const seen = [];
      const channel = new MessageChannel();
      channel.port1.onmessage = ({ data }) => {
        seen.push(data);
        if (data.type === "refreshed" || data.type === "error") resolve(seen);
      };
      registration.active.postMessage({ base }, [channel.port2]);
      setTimeout(() => resolve(seen), 9000);
    })), tenant.root);
    const types = messages.map((m) => m.type);
    assert.ok(!types.includes("error"), `the service worker failed: ${JSON.stringify(messages)}`);
    const signedIn = messages.find((m) => m.type === "signedIn");
    const refreshed = messages.find((m) => m.type === "refreshed");
    assert.ok(signedIn?.token, `signed in inside the service worker: ${JSON.stringify(types)}`);
    assert.ok(refreshed && refreshed.token !== signedIn.token, `refreshed by itself within 9 s: ${JSON.stringify(types)}`);
    assert.ok(await tenant.refreshes() >= 1, "the emulator saw the refresh");
  } finally {
    await page.close();
  }
});

test("WebKit: two overlapping import()s of modules that import the package both get working exports (bug 242740 bites only top-level await)", { timeout: 120_000 }, async (t) => {
  const browser = await webkit();
  try {
    // Each try in a fresh page, so that nothing is in the module map yet.
    const overlapping = async (a, b, n) => {
      const page = await browser.open(`${env.emulator.url}/blank.html?try=${n}`);
      return page.run(({ a, b }) => Promise.allSettled([import(a), import(b)]).then((results) =>
        results.map((r) => (r.status === "fulfilled" ? "ok" : `${r.reason?.name}: ${r.reason?.message}`))), { a, b });
    };
    const TRIES = 4;
    const control = [];
    for (let n = 0; n < TRIES; n++) control.push(await overlapping("/tla-route-a.js", "/tla-route-b.js", `control-${n}`));
    t.diagnostic(`control, top-level await: ${JSON.stringify(control)}`);
    await t.test("control: the same with a module with top-level await fails", () => {
      assert.ok(control.some((r) => r.some((x) => x !== "ok")), `WebKit loaded the top-level await module overlapping ${TRIES} of ${TRIES} times: ${JSON.stringify(control)}`);
    });
    for (let n = 0; n < TRIES; n++) {
      assert.deepEqual(await overlapping("/route-a.js", "/route-b.js", n), ["ok", "ok"], `try ${n + 1} of ${TRIES}`);
    }
  } finally {
    await browser.close();
  }
});

test("an engine that will not compile WebAssembly synchronously on the main thread: the import succeeds, the constructor fails 'unsupported' naming Chrome 115", async () => {
  const { text, pageErrors } = await pageReport(env.browser, `${env.emulator.url}/old-chrome.html`);
  assert.notEqual(text, "loading", `the page never reported: ${JSON.stringify(pageErrors)}`);
  const r = JSON.parse(text);
  assert.equal(r.threw, true, JSON.stringify(r));
  assert.equal(r.authError, true, JSON.stringify(r));
  assert.equal(r.code, "unsupported");
  assert.match(r.message, /Chrome 115/);
});

test("Node: require(\"pos-auth\") from CommonJS signs in and refreshes; require() of a module with top-level await fails", async () => {
  const app = path.join(out, "require-app");
  mkdirSync(app, { recursive: true });
  installPackedPackage(app);
  writeFileSync(path.join(app, "tla.mjs"), "export const value = await Promise.resolve(42);\n");
  writeFileSync(path.join(app, "client.cjs"), `
    const { AuthClient, AuthError } = require("pos-auth");
    let control;
    try {
      require("./tla.mjs");
      control = "loaded";
    } catch (e) {
      control = e.code;
    }
    const client = new AuthClient({ baseUrl: process.argv[2] + "/portos", storage: "memory" });
    client.login(${JSON.stringify(PORTOS_USER)})
      .then((signedIn) => client.refresh().then((refreshed) => {
        console.log(JSON.stringify({ control, authError: typeof AuthError, signedIn: signedIn.accessToken, refreshed: refreshed.accessToken }));
        client.dispose();
      }))
      .catch((e) => { console.log(JSON.stringify({ control, error: String(e?.message ?? e) })); process.exitCode = 1; });
  `);
  const tenant = await newTenant(env.emulator.url, "require", { tokenLifetime: 600 });
  const run = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(app, "client.cjs"), tenant.root], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.stdout.on("data", (chunk) => { stdout += chunk; });
    child.stderr.on("data", (chunk) => { stderr += chunk; });
    child.on("error", reject);
    child.on("exit", (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
  let result;
  try {
    result = JSON.parse(run.stdout.split("\n")[0]);
  } catch {
    assert.fail(`the script printed no result: stdout ${JSON.stringify(run.stdout)}, stderr ${JSON.stringify(run.stderr)}`);
  }
  assert.equal(result.control, "ERR_REQUIRE_ASYNC_MODULE", "control: require() refuses a module with top-level await");
  assert.equal(result.error, undefined, run.stderr);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(result.authError, "function");
  assert.ok(result.signedIn && result.refreshed && result.signedIn !== result.refreshed, JSON.stringify(result));
  assert.ok(await tenant.refreshes() >= 1, "the emulator saw the refresh");
});

test("Node: background refresh, no storage warning, and the process ends promptly after dispose()", async (t) => {
  const tenant = await shortLived("node-dispose");
  const run = await runNodeClient(tenant.root, "dispose");
  await assertRefreshedQuietly(t, run, tenant);
  await t.test("exits by itself after dispose()", () => {
    assert.ok(!run.result.timedOut, "(measured only after a background refresh)");
    assert.equal(run.killed, false, "the process ended by itself");
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.lingeredMs < 2000, `exited ${run.lingeredMs} ms after dispose()`);
  });
});

test("Node: a client that is never disposed does not keep the process alive", async (t) => {
  const tenant = await shortLived("node-keep");
  // The next refresh is due about 2 s after the first one; a timer that held
  // the loop would re-arm itself for as long as the refresh token lives.
  const run = await runNodeClient(tenant.root, "keep");
  await assertRefreshedQuietly(t, run, tenant);
  await t.test("exits by itself with the client alive", () => {
    assert.ok(!run.result.timedOut, "(measured only after a background refresh has armed the next one)");
    assert.equal(run.killed, false, `the process was still running ${run.lingeredMs} ms after its script ended`);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.lingeredMs < 5000, `exited ${run.lingeredMs} ms after its script ended`);
  });
});

test("Node: a relative baseUrl has no location to resolve against, so it is invalid_argument", async () => {
  const { AuthClient, AuthError } = await import(pathToFileURL(path.join(repo, "pkg/index.js")).href);
  assert.throws(() => new AuthClient({ baseUrl: "/portos", storage: "memory" }), (e) =>
    e instanceof AuthError && e.code === "invalid_argument" && /absolute/.test(e.message));
  new AuthClient({ baseUrl: "http://127.0.0.1:9/portos", storage: "memory" }).dispose();
});

test("a CSP without 'wasm-unsafe-eval': the import succeeds and everything but new AuthError fails 'unsupported'", async () => {
  const { text, pageErrors } = await pageReport(env.browser, `${env.emulator.url}/csp.html`);
  assert.notEqual(text, "loading", `the page never reported: ${JSON.stringify(pageErrors)}`);
  const r = JSON.parse(text);

  assert.equal(r.wasmRefused, true, "the page's CSP must refuse WebAssembly for this test to mean anything");
  assert.equal(r.imported, true, `importing never throws: ${r.importError}`);
  assert.deepEqual(pageErrors, []);

  const unsupported = (what, outcome) => {
    assert.equal(outcome.authError, true, `${what}: an AuthError: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.code, "unsupported", `${what}: ${JSON.stringify(outcome)}`);
  };
  assert.ok(r.construct.threw, `new AuthClient throws: ${JSON.stringify(r.construct)}`);
  unsupported("new AuthClient", r.construct);
  assert.match(r.construct.message, /WebAssembly/);
  assert.match(r.construct.message, /CSP|Content[- ]Security[- ]Policy/i);
  assert.ok(r.session.threw, `session() throws: ${JSON.stringify(r.session)}`);
  unsupported("session()", r.session);
  assert.ok(r.configure.threw, `configure() throws: ${JSON.stringify(r.configure)}`);
  unsupported("configure()", r.configure);
  assert.ok(r.login.rejected, `login() rejects rather than throwing: ${JSON.stringify(r.login)}`);
  unsupported("login()", r.login);

  assert.deepEqual(r.authError, { instance: true, code: "network", message: "x" }, "new AuthError still works");
});
