// Shared by the e2e tests: start pos-emulator on a free loopback port and
// launch Debian's Chromium through playwright-core (no downloaded browser).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export async function startEmulator(args = []) {
  const bin = process.env.POS_EMULATOR_BIN ?? path.join(repo, "target/debug/pos-emulator");
  const child = spawn(bin, ["--port", "0", "--www", path.join(repo, "www"), "--pkg", path.join(repo, "pkg"), ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      const line = buffered.split("\n")[0];
      if (buffered.includes("\n")) resolve(line.trim());
    });
    child.on("exit", (code) => reject(new Error(`pos-emulator exited with ${code}`)));
    // unref'd: a pending start-up deadline must not hold a test file open for 10 s.
    setTimeout(() => reject(new Error("pos-emulator did not start in 10 s")), 10_000).unref();
  });
  return { url, stop: () => child.kill() };
}

/**
 * Installs exactly what `npm pack` of pkg/ ships as `app/node_modules/pos-auth`,
 * the way a consumer's package manager would.
 */
export function installPackedPackage(app) {
  const modules = path.join(app, "node_modules/pos-auth");
  mkdirSync(modules, { recursive: true });
  const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", app], { cwd: path.join(repo, "pkg") })
    .toString().trim().split("\n").pop();
  execFileSync("tar", ["xzf", path.join(app, tarball), "-C", modules, "--strip-components=1"]);
}

/** Flags for exact heap figures and a `gc()` to call before reading them. */
export const MEMORY_FLAGS = ["--enable-precise-memory-info", "--js-flags=--expose-gc"];

/** Debian's Chromium (never a downloaded one), and how every run starts it. */
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--no-first-run", "--disable-quic",
];

export function launchBrowser(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, ...extraArgs] });
}

/**
 * For a test file: starts the emulator (with `emulatorArgs`, such as
 * `["--www", dir]` for the file's own pages) and a browser before its tests
 * and stops both after them. The returned object holds `emulator` and
 * `browser` once the tests run.
 */
export function emulatorAndBrowser(browserArgs = [], emulatorArgs = []) {
  const env = { emulator: null, browser: null };
  before(async () => {
    env.emulator = await startEmulator(emulatorArgs);
    env.browser = await launchBrowser(browserArgs);
  });
  after(async () => {
    await env.browser?.close();
    env.emulator?.stop();
  });
  return env;
}

/** A fresh tenant of the emulator at `url` with 4 s access tokens (refreshed about 2 s in). */
export async function shortLivedTenant(url, name) {
  const base = `${url}/t/${name}${Date.now()}`;
  const res = await fetch(`${base}/__emulator/config`, { method: "POST", body: JSON.stringify({ tokenLifetime: 4 }) });
  if (res.status !== 200) throw new Error(`emulator config: ${res.status}`);
  return base;
}

/**
 * What duplicated tabs sharing one session must show at the emulator tenant
 * `base` since `signedInAt`, with 4 s tokens refreshed at half-life (their
 * `exp` is whole seconds, so a rotation comes every 1.5–2 s): at least one
 * refresh, at most one per rotation for both tabs together (tabs that each
 * refreshed would show about twice as many), and no refresh token sent twice
 * (the tab that waited for the lock took its peer's rotation instead of
 * spending the old token again).
 */
export async function assertSharedRefreshes(base, signedInAt) {
  const counts = await (await fetch(`${base}/__emulator/counts`)).json();
  const rotations = Math.floor((Date.now() - signedInAt) / 1500);
  const refreshes = counts["POST /portos/api/auth/refresh"] ?? 0;
  assert.ok(refreshes >= 1 && refreshes <= rotations, `one refresh per rotation for both tabs: ${refreshes} refreshes in ${rotations} rotations`);
  const requests = await (await fetch(`${base}/__emulator/requests`)).json();
  const spent = requests.filter((r) => r.method === "POST" && r.path === "/portos/api/auth/refresh").map((r) => r.body);
  assert.equal(new Set(spent).size, spent.length, "a refresh token was sent twice");
}
