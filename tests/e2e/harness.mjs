// Shared by the e2e tests: launch Debian's Chromium through playwright-core
// (no downloaded browser) next to the emulator (support/emulator.mjs), and
// install the packed package into a throwaway app.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { repo, useEmulator } from "../support/emulator.mjs";
import { eventually } from "../support/wait.mjs";

export { repo };

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

/**
 * A framework binding's promise that `import "pos-auth"` never needs the
 * framework: the package installed in `app` is copied where `peer` is not
 * installed; there the core loads and makes a client, and `entry` (the
 * binding) fails to find `peer`, which shows the install really lacks it.
 */
export function assertLoadsWithout(app, entry, peer) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `pos-auth-no-${peer.replace(/\W/g, "-")}-`));
  try {
    cpSync(path.join(app, "node_modules/pos-auth"), path.join(dir, "node_modules/pos-auth"), { recursive: true });
    const script = `
      const { AuthClient } = await import("pos-auth");
      new AuthClient({ baseUrl: "https://pos.example", storage: "memory" }).dispose();
      const binding = await import(${JSON.stringify(entry)}).then(() => "loaded", (e) => e.code + " " + e.message);
      console.log(JSON.stringify({ binding }));`;
    const { binding } = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir }).toString());
    assert.match(binding, new RegExp(`^ERR_MODULE_NOT_FOUND .*'${peer}'`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
 * For a test file: starts the emulator (serving `www`, the repo's www/ unless
 * given, for the file's own pages) and a browser before its tests and stops
 * both after them. The returned object holds `emulator` and `browser` once
 * the tests run.
 */
export function emulatorAndBrowser(browserArgs = [], { www } = {}) {
  const env = { emulator: useEmulator({ before, after }, { www }), browser: null };
  before(async () => {
    env.browser = await launchBrowser(browserArgs);
  });
  after(() => env.browser?.close());
  return env;
}

/**
 * What duplicated tabs sharing one session must show at the emulator
 * `tenant` since `signedInAt`, with 4 s tokens refreshed at half-life (their
 * `exp` is whole seconds, so a rotation comes every 1.5–2 s): both tabs hold
 * the same, newest token (`readTokens()` gives one a tab), at least one refresh, at most
 * one per rotation for both tabs together (tabs that each refreshed would
 * show about twice as many), and no refresh token sent twice (the tab that
 * waited for the lock took its peer's rotation instead of spending the old
 * token again).
 */
export async function assertSharedSession(tenant, signedInAt, readTokens) {
  // Read until the tabs agree: a rotation can fall between the two reads.
  let tokens = await readTokens();
  await eventually("the tabs to agree", async () => (tokens = await readTokens())[0] === tokens[1], { timeout: 1000 }).catch(() => {});
  assert.equal(tokens[0], tokens[1], "both tabs hold the newest token");
  assert.ok(tokens[0], "the first tab is still signed in");
  const rotations = Math.floor((Date.now() - signedInAt) / 1500);
  const refreshes = await tenant.refreshes();
  assert.ok(refreshes >= 1 && refreshes <= rotations, `one refresh per rotation for both tabs: ${refreshes} refreshes in ${rotations} rotations`);
  const spent = (await tenant.requests("POST", "/portos/api/auth/refresh")).map((r) => r.body);
  assert.equal(new Set(spent).size, spent.length, "a refresh token was sent twice");
}

/**
 * Run in a tab (page.evaluate, or a driver's run): a client of the tenant at
 * `base` with its own storage key, whose events go to `window.events`;
 * signs in if `login`. Resolves with its access token, or null.
 */
export async function tabClient({ base, login }) {
  const m = await import("/pkg/index.js");
  window.client = new m.AuthClient({ baseUrl: `${base}/portos`, storageKey: base });
  window.events = [];
  window.client.onChange((e) => window.events.push(e.type));
  if (login) await window.client.login({ userName: "999", password: "1234", deviceName: "P01" });
  return window.client.session()?.accessToken ?? null;
}

/**
 * Opens `url` in a new page of `browser` and waits up to 15 s for its `#out`
 * to stop saying "loading". Resolves with what it says then and the page's
 * uncaught errors; the page is closed.
 */
export async function pageReport(browser, url) {
  const page = await browser.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.getElementById("out").textContent !== "loading", null, { timeout: 15_000 })
      .catch(() => {});
    return { text: await page.textContent("#out"), pageErrors };
  } finally {
    await page.close();
  }
}
