// The emulator (tests/emulator/README.md) as the e2e, env and bench suites use
// it: the binary started on a free loopback port and stopped, and for each
// test a tenant of its own, driven through the control API (/__emulator/...).
//
//   const emulator = useEmulator({ before, after });      // or startEmulator()
//   const tenant = await newTenant(emulator.url, "tabs", { tokenLifetime: 4 });
//   new AuthClient({ baseUrl: tenant.portos });
//   await tenant.refreshes();                              // POST .../refresh seen
//
// Control calls go over node:http, never the global fetch: under happy-dom
// that is the DOM's fetch, with its CORS rules and cache.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";
// Not the globals: a test may have installed fake timers by the time it stops the emulator.
import { clearTimeout, setTimeout } from "node:timers";
import { fileURLToPath } from "node:url";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The binary: POS_EMULATOR_BIN, else the debug build. */
export const emulatorBin = process.env.POS_EMULATOR_BIN || path.join(repo, "target/debug/pos-emulator");

/**
 * Starts the emulator on a free loopback port, serving `www` at / and `pkg`
 * at /pkg/ (the repo's www/ and pkg/ unless given; null serves nothing), with
 * any other flags in `args` (e.g. `["--token-lifetime", "8"]`). Resolves with
 * its `url` once it listens, and `stop()`, which resolves once it has exited.
 * Its stderr is passed on, and its tail goes into a start-up failure.
 */
export async function startEmulator({ www = path.join(repo, "www"), pkg = path.join(repo, "pkg"), args = [], timeout = 30_000 } = {}) {
  if (!existsSync(emulatorBin)) {
    throw new Error(`no emulator at ${emulatorBin}: build it (cargo build -p pos-emulator) or set POS_EMULATOR_BIN`);
  }
  if (pkg && !existsSync(path.join(pkg, "index.js"))) {
    throw new Error(`${path.join(pkg, "index.js")} is missing: run \`make pkg\` first`);
  }
  const flags = ["--port", "0", ...(www ? ["--www", www] : []), ...(pkg ? ["--pkg", pkg] : []), ...args];
  const child = spawn(emulatorBin, flags, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    process.stderr.write(chunk);
    stderr = (stderr + chunk).slice(-4000);
  });

  const url = await new Promise((resolve, reject) => {
    let out = "";
    const settle = () => {
      clearTimeout(timer);
      child.off("error", failed);
      child.off("close", closed);
      child.stdout.off("data", read);
      child.stdout.resume(); // later output is drained, never read
    };
    const fail = (why) => {
      settle();
      child.kill("SIGKILL");
      reject(new Error(`${why}\nemulator stderr:\n${stderr || "(empty)"}`));
    };
    const failed = (error) => fail(`cannot start ${emulatorBin} (set POS_EMULATOR_BIN): ${error.message}`);
    // "close", not "exit": by then its stderr has been read to the end.
    const closed = (code, signal) => fail(`the emulator exited early (code ${code}, signal ${signal})`);
    const read = (chunk) => {
      out += chunk;
      const end = out.indexOf("\n");
      if (end < 0) return;
      settle();
      // The only stdout line is the URL it listens on.
      const line = out.slice(0, end).trim();
      const found = line.match(/^https?:\/\/\S+/)?.[0];
      if (found) resolve(found.replace(/\/+$/, ""));
      else fail(`no URL in the emulator's first line: ${JSON.stringify(line)}`);
    };
    const timer = setTimeout(() => fail(`the emulator printed no URL within ${timeout / 1000} s`), timeout);
    child.once("error", failed);
    child.once("close", closed);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", read);
  });

  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const hard = setTimeout(() => child.kill("SIGKILL"), 3000);
      exited.then(() => clearTimeout(hard));
    }
    return exited.then(() => undefined);
  };
  return { url, stop };
}

/**
 * For a test file or suite: starts the emulator (`options` as startEmulator's)
 * in `before` and stops it in `after`, given node:test's `{ before, after }`
 * or Vitest's `{ before: beforeAll, after: afterAll }`. The returned object
 * holds the `url` once the tests run.
 */
export function useEmulator({ before, after }, options) {
  const emulator = { url: null };
  let running;
  before(async () => {
    running = await startEmulator(options);
    emulator.url = running.url;
  });
  after(() => running?.stop());
  return emulator;
}

/** One control call; anything but 200 is an error that says what was answered. */
function control(root, method, what, body) {
  const url = `${root}/__emulator/${what}`;
  return new Promise((resolve, reject) => {
    const headers = { "Content-Type": "application/json" };
    const req = http.request(url, { method, agent: false, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => {
        if (res.statusCode === 200) resolve(text ? JSON.parse(text) : null);
        else reject(new Error(`emulator ${method} ${url}: ${res.statusCode} ${text}`));
      });
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const REFRESH = "POST /portos/api/auth/refresh";
let tenantsMade = 0;

/**
 * A new tenant of the emulator at `url`: its own tokens, signing key, config,
 * faults, counts and request log, so that no other test can disturb it. Its
 * name starts with `label`; `config` (e.g. `{ tokenLifetime: 4 }`) is set
 * before it is returned. `root` is its URL, under which the back ends are
 * (`${root}/cashdesk`; `portos` is `${root}/portos`).
 */
export async function newTenant(url, label, config) {
  // Unique for the emulators this process starts, which only it uses.
  const name = `${label}-${process.pid}-${++tenantsMade}`;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new Error(`not a tenant name: ${JSON.stringify(name)}`);
  const root = `${url}/t/${name}`;
  const call = (method, what, body) => control(root, method, what, body);
  const tenant = {
    name,
    root,
    portos: `${root}/portos`,
    /** Any control call: `control("POST", "revoke")`. */
    control: call,
    config: (changes) => call("POST", "config", changes),
    /** Queues a fault (see the README's "Faults"). */
    fault: (spec) => call("POST", "fault", spec),
    /** `{ "POST /portos/api/auth": 2, ... }`: back-end requests since the last reset. */
    counts: () => call("GET", "counts"),
    /** How many PORTOS refreshes it was sent. */
    refreshes: async () => (await call("GET", "counts"))[REFRESH] ?? 0,
    resetCounts: () => call("DELETE", "counts"),
    /** The logged back-end requests, oldest first; only those with this method and tenant-relative path if given. */
    requests: async (method, route) => {
      const logged = await call("GET", "requests");
      return method === undefined ? logged : logged.filter((r) => r.method === method && r.path === route);
    },
    /** Forgets earlier requests and counts, so that what follows is all it saw. */
    clearLog: async () => {
      await call("DELETE", "requests");
      await call("DELETE", "counts");
    },
  };
  if (config) await tenant.config(config);
  return tenant;
}
