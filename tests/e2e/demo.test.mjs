// End-to-end test of the demo page (www/) as a cashier uses it: the emulator
// serves the page, the built package (pkg/) and the three back ends (PORTOS
// tokens live 8 s; the CashDesk and MetaDefender tests each use their own
// emulator tenant with the token lifetime they need); Debian's Chromium drives
// it through playwright-core.
//
//   cd tests && node --test e2e/demo.test.mjs
//
// Needs `make pkg` and the emulator binary. Environment: POS_EMULATOR_BIN
// (default target/debug/pos-emulator), POS_PKG_DIR (default pkg/), CHROMIUM_BIN
// (default /usr/bin/chromium; a browser is never downloaded).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chromium } from "playwright-core";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const outDir = fileURLToPath(new URL("./out/", import.meta.url));
const emulatorBin = process.env.POS_EMULATOR_BIN || path.join(repo, "target/debug/pos-emulator");
const pkgDir = process.env.POS_PKG_DIR || path.join(repo, "pkg");
const chromiumBin = process.env.CHROMIUM_BIN || "/usr/bin/chromium";

const USER = { userName: "999", password: "1234", deviceName: "P01", name: "Majiteľ" };
const CASHIER = { email: "cashier@example.com", password: "secret", name: "Коваленко Олена Петрівна", shift: "4000055255" };
const ADMIN = { userName: "admin", password: "AdminPassword", name: "Administrator", email: "admin@example.com", role: 1 };
const TOKEN_LIFETIME_S = 8;

/** @type {import("node:child_process").ChildProcess | undefined} */
let emulator;
let emulatorLog = "";
/** @type {string} */
let baseUrl;
/** @type {import("playwright-core").Browser | undefined} */
let browser;

// ------------------------------------------------------------------ helpers

/** Polls `probe` until it returns a truthy value; fails with `what` and the last value seen. */
async function eventually(what, probe, { timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `last error: ${lastError.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Starts the emulator and resolves with the URL it prints on its first stdout line. */
function startEmulator() {
  if (!existsSync(emulatorBin)) {
    throw new Error(`emulator not found at ${emulatorBin}: build it (cargo build -p pos-emulator) or set POS_EMULATOR_BIN`);
  }
  if (!existsSync(path.join(pkgDir, "index.js"))) {
    throw new Error(`${path.join(pkgDir, "index.js")} is missing: run \`make pkg\` first`);
  }
  const args = ["--port", "0", "--www", path.join(repo, "www"), "--pkg", pkgDir,
    "--token-lifetime", String(TOKEN_LIFETIME_S)];
  const child = spawn(emulatorBin, args, { stdio: ["ignore", "pipe", "pipe"] });
  emulator = child;
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => { emulatorLog = (emulatorLog + chunk).slice(-4000); });

  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => fail(new Error("the emulator printed no URL within 30 s")), 30_000);
    const fail = (err) => {
      clearTimeout(timer);
      reject(new Error(`${err.message}\nemulator stderr:\n${emulatorLog || "(empty)"}`));
    };
    child.once("error", fail);
    child.once("exit", (code, signal) => fail(new Error(`the emulator exited early (code ${code}, signal ${signal})`)));
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", function onData(chunk) {
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      child.stdout.off("data", onData);
      child.stdout.resume(); // keep draining later output
      const line = buffered.slice(0, newline).trim();
      const url = line.match(/https?:\/\/\S+/)?.[0];
      clearTimeout(timer);
      child.removeAllListeners("exit");
      if (!url) return fail(new Error(`no URL in the emulator's first line: ${JSON.stringify(line)}`));
      resolve(url.replace(/\/+$/, ""));
    });
  });
}

async function stopEmulator() {
  if (!emulator || emulator.exitCode !== null || emulator.signalCode !== null) return;
  const exited = new Promise((resolve) => emulator.once("exit", resolve));
  emulator.kill("SIGTERM");
  const timer = setTimeout(() => emulator?.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

/** A fresh context (own sessionStorage) and page, with uncaught page errors collected. */
async function openPage({ viewport = { width: 1024, height: 768 } } = {}) {
  assert.ok(browser, "browser not started");
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  if (process.env.E2E_DEBUG) {
    page.on("console", (msg) => console.error(`[page ${msg.type()}] ${msg.text()}`));
    page.on("requestfailed", (req) => console.error(`[request failed] ${req.url()} ${req.failure()?.errorText}`));
    page.on("response", (res) => console.error(`[response] ${res.status()} ${res.url()}`));
  }
  await page.goto(`${baseUrl}/`);
  return { context, page, pageErrors };
}

const text = async (page, selector) => ((await page.locator(selector).textContent()) ?? "").trim();
const isVisible = (page, selector) => page.locator(selector).isVisible();

/** Seconds shown by the countdown (mm:ss or h:mm:ss), or null when it shows no time. */
async function countdownSeconds(page) {
  const shown = await text(page, "#countdown");
  const match = shown.match(/^(?:(\d+):)?(\d{2}):(\d{2})$/);
  if (!match) return null;
  return Number(match[1] ?? 0) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

async function eventTypes(page) {
  return page.locator("#event-log li[data-type]").evaluateAll((items) => items.map((li) => li.dataset.type));
}

/** Waits for the login form; if the page cannot load the package, says what it shows instead. */
async function waitForLoginForm(page) {
  try {
    await page.locator("#login-form").waitFor({ state: "visible" });
  } catch (err) {
    const boot = await page.locator("#boot").isVisible() ? await text(page, "#boot-message") : "(boot message hidden)";
    const log = await text(page, "#event-log");
    throw new Error(`the login form did not appear: ${err.message.split("\n")[0]}\npage says: ${boot}\nevent log: ${log}`);
  }
}

async function signIn(page, { password = USER.password } = {}) {
  await waitForLoginForm(page);
  await page.locator("#user-name").fill(USER.userName);
  await page.locator("#password").fill(password);
  await page.locator("#device").fill(USER.deviceName);
  await page.locator("#device").press("Enter"); // Enter submits the form
}

/** A fresh emulator tenant (own tokens and config) for one test; returns its root URL. */
async function tenant(name, config) {
  const root = `${baseUrl}/t/${name}-${process.pid}-${Date.now()}`;
  const response = await fetch(`${root}/__emulator/config`, { method: "POST", body: JSON.stringify(config) });
  assert.equal(response.status, 200, `emulator config: ${await response.text()}`);
  return root;
}

/** Picks a back end in the switcher: with the keyboard (focus, arrow keys) or by value. */
async function switchBackend(page, backend, { keyboard = false } = {}) {
  const select = page.locator("#backend");
  if (keyboard) {
    await select.focus();
    const order = await select.locator("option").evaluateAll((options) => options.map((o) => o.value));
    const steps = order.indexOf(backend) - order.indexOf(await select.inputValue());
    for (let i = 0; i < Math.abs(steps); i++) await page.keyboard.press(steps > 0 ? "ArrowDown" : "ArrowUp");
  } else {
    await select.selectOption(backend);
  }
  assert.equal(await select.inputValue(), backend);
}

/** Points the form at `server` (the field sits in the collapsed "Connection" section). */
async function setServer(page, server) {
  if (!(await page.locator("#server").isVisible())) await page.locator("#advanced summary").click();
  await page.locator("#server").fill(server);
}

/** The fields the login form shows, by input id. */
async function visibleFields(page) {
  const ids = ["user-name", "email", "password", "developer-id", "device"];
  const shown = [];
  for (const id of ids) if (await isVisible(page, `#${id}`)) shown.push(id);
  return shown;
}

async function expectSignedIn(page) {
  await page.locator("#profile-name").waitFor({ state: "visible" });
  await eventually(`#profile-name to show ${USER.name}`, async () => (await text(page, "#profile-name")) === USER.name);
  assert.equal(await isVisible(page, "#login-form"), false, "the login form should be hidden while signed in");
}

// ------------------------------------------------------------------ suite

describe("demo page", { timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(outDir, { recursive: true });
    baseUrl = await startEmulator();
    browser = await chromium.launch({
      executablePath: chromiumBin,
      args: ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic"],
      timeout: 30_000,
    });
  }, { timeout: 60_000 });

  after(async () => {
    await browser?.close().catch(() => {});
    await stopEmulator();
  }, { timeout: 15_000 });

  test("signs in, refreshes automatically, calls the API and logs out", { timeout: 60_000 }, async () => {
    const { context, page, pageErrors } = await openPage();
    try {
      await signIn(page);
      await expectSignedIn(page);
      assert.equal(await text(page, "#profile-user-name"), USER.userName);
      assert.match(await text(page, "#profile-rights"), /admin/);
      assert.equal(await text(page, "#device-name"), USER.deviceName);

      const first = await eventually("the countdown to show a time", () => countdownSeconds(page));
      assert.ok(first > 0 && first <= TOKEN_LIFETIME_S, `countdown ${first}s should be within the ${TOKEN_LIFETIME_S}s lifetime`);
      assert.ok((await eventTypes(page)).includes("signedIn"), "the event log should show signedIn");

      // The token lives 8 s, so the client refreshes by itself at about 4 s left.
      // Track the lowest countdown seen until the `refreshed` event shows up.
      let lowest = first;
      await eventually("a `refreshed` event in the log (automatic refresh)", async () => {
        const seconds = await countdownSeconds(page);
        if (seconds !== null) lowest = Math.min(lowest, seconds);
        return (await eventTypes(page)).includes("refreshed");
      }, { timeout: 20_000, interval: 200 });
      assert.ok(lowest < first, `the countdown should have run down before the refresh (first ${first}s, lowest ${lowest}s)`);
      await eventually(`the countdown to go back up above ${lowest}s after the refresh`, async () => {
        const seconds = await countdownSeconds(page);
        return seconds !== null && seconds > lowest;
      }, { timeout: 5_000 });

      await page.locator("#call-api").click();
      await eventually("the API call to report 200", async () => /\b200\b/.test(await text(page, "#api-result")));

      await page.screenshot({ path: path.join(outDir, "demo-portos.png"), fullPage: true });

      await page.locator("#logout").click();
      await waitForLoginForm(page);
      assert.equal(await isVisible(page, "#session-view"), false, "the session view should be hidden after logout");
      await eventually("a `signedOut` event in the log", async () => (await eventTypes(page)).includes("signedOut"));
      assert.deepEqual(pageErrors, [], "no uncaught errors on the page");
    } finally {
      await context.close();
    }
  });

  test("a wrong password shows the server's message and the error code", { timeout: 30_000 }, async () => {
    const { context, page, pageErrors } = await openPage();
    try {
      await signIn(page, { password: "wrong" });
      await page.locator("#login-error").waitFor({ state: "visible" });
      assert.equal(await text(page, "#login-error-message"), "Nesprávne meno alebo heslo.");
      assert.equal(await text(page, "#login-error-code"), "invalid_credentials");
      assert.equal(await isVisible(page, "#login-form"), true, "the login form should stay");
      assert.equal(await isVisible(page, "#session-view"), false, "nobody should be signed in");
      assert.deepEqual(pageErrors, [], "no uncaught errors on the page");
    } finally {
      await context.close();
    }
  });

  test("a reload keeps the cashier signed in", { timeout: 30_000 }, async () => {
    const { context, page, pageErrors } = await openPage({ viewport: { width: 390, height: 844 } });
    try {
      await signIn(page);
      await expectSignedIn(page);
      await page.reload();
      await expectSignedIn(page);
      await eventually("an `initial` event that restored the session", async () => {
        const initial = page.locator('#event-log li[data-type="initial"]').first();
        return /restored/.test((await initial.textContent()) ?? "");
      });
      assert.ok(await countdownSeconds(page) !== null, "the countdown should show a time after the reload");
      await page.screenshot({ path: path.join(outDir, "demo-phone.png"), fullPage: true });
      assert.deepEqual(pageErrors, [], "no uncaught errors on the page");
    } finally {
      await context.close();
    }
  });
  test("CashDesk: switch with the keyboard, sign in, see the shift, no refresh, reload, log out", { timeout: 60_000 }, async () => {
    const root = await tenant("demo-cashdesk", { tokenLifetime: 600 });
    const { context, page, pageErrors } = await openPage();
    try {
      await waitForLoginForm(page);
      assert.deepEqual(await visibleFields(page), ["user-name", "password", "device"], "PORTOS fields first");
      await switchBackend(page, "cashdesk", { keyboard: true });
      assert.deepEqual(await visibleFields(page), ["email", "password", "developer-id"], "CashDesk fields");
      assert.equal(await page.locator("#server").inputValue(), `${baseUrl}/cashdesk`, "the default CashDesk server");

      await setServer(page, `${root}/cashdesk`);
      await page.locator("#email").fill(CASHIER.email);
      await page.locator("#developer-id").fill("4242");
      await page.locator("#password").fill(CASHIER.password);
      await page.locator("#password").press("Enter");

      await page.locator("#profile-name").waitFor({ state: "visible" });
      await eventually(`#profile-name to show ${CASHIER.name}`, async () => (await text(page, "#profile-name")) === CASHIER.name);
      assert.equal(await text(page, "#profile-user-name"), CASHIER.email);
      assert.match(await text(page, "#shift-number"), new RegExp(`\\b${CASHIER.shift}\\b`));
      assert.equal(await text(page, "#shift-rro"), "active");
      assert.equal(await text(page, "#shift-developer-id"), "4242");
      assert.equal(await text(page, "#session-backend"), "CashDesk");
      assert.equal(await text(page, "#session-refresh"), "not supported");
      assert.equal(await isVisible(page, "#refresh"), false, "no Refresh button for CashDesk");
      assert.match(await text(page, "#refresh-note"), /cannot refresh.*sign in again at the end of the shift/s);
      assert.equal(await isVisible(page, "#profile-rights"), false, "no rights for CashDesk");
      assert.equal(await isVisible(page, "#device-block"), false, "no device for CashDesk");
      assert.equal(await isVisible(page, "#expiring-banner"), false, "no warning with 10 minutes left");
      const countdown = await eventually("the countdown to show a time", () => countdownSeconds(page));
      assert.ok(countdown > 500 && countdown <= 600, `countdown ${countdown}s for a 600 s token`);

      const log = await (await fetch(`${root}/__emulator/requests`)).json();
      const loginRequest = log.find((r) => r.path.endsWith("/cashdesk/api/v2/authenticate"));
      assert.equal(loginRequest?.headers["developer-id"], "4242", "the developer id goes out as a header");

      await page.screenshot({ path: path.join(outDir, "demo-cashdesk.png"), fullPage: true });

      // A reload restores the CashDesk session (its own storage key) and the chosen back end.
      await page.reload();
      await page.locator("#profile-name").waitFor({ state: "visible" });
      await eventually(`#profile-name to show ${CASHIER.name} after the reload`, async () => (await text(page, "#profile-name")) === CASHIER.name);
      assert.match(await text(page, "#shift-number"), new RegExp(CASHIER.shift));

      await page.locator("#logout").click();
      await waitForLoginForm(page);
      assert.equal(await page.locator("#backend").inputValue(), "cashdesk", "the switcher keeps CashDesk");
      assert.deepEqual(await visibleFields(page), ["email", "password", "developer-id"]);
      assert.equal(await page.locator("#server").inputValue(), `${root}/cashdesk`, "the server kept for CashDesk");
      await eventually("a `signedOut` event in the log", async () => (await eventTypes(page)).includes("signedOut"));

      // Back to PORTOS: its own fields and default server.
      await switchBackend(page, "portos", { keyboard: true });
      assert.deepEqual(await visibleFields(page), ["user-name", "password", "device"]);
      assert.equal(await page.locator("#server").inputValue(), `${baseUrl}/portos`);
      assert.deepEqual(pageErrors, [], "no uncaught errors on the page");
    } finally {
      await context.close();
    }
  });

  test("CashDesk without an open shift says so", { timeout: 30_000 }, async () => {
    const root = await tenant("demo-noshift", { tokenLifetime: 600 });
    // The next login answers with a body of the vendor's shape: no shift, no active register.
    const fault = await fetch(`${root}/__emulator/fault`, {
      method: "POST",
      body: JSON.stringify({
        method: "POST", path: "/cashdesk/api/v2/authenticate", status: 200,
        body: {
          active_rro: false, developer_id: null, opened_shift: null,
          token: "Bearer opaque-token-for-the-demo", token_expires_at: "01.01.2099 10:00",
          user: { full_name: CASHIER.name, uuid: "67c3a1d2-8f4b-4e6a-9d49-bcc7e4631977", email: CASHIER.email },
        },
      }),
    });
    assert.equal(fault.status, 200, await fault.text());
    const { context, page, pageErrors } = await openPage();
    try {
      await waitForLoginForm(page);
      await switchBackend(page, "cashdesk");
      await setServer(page, `${root}/cashdesk`);
      await page.locator("#email").fill(CASHIER.email);
      await page.locator("#password").fill(CASHIER.password);
      await page.locator("#login-submit").click();
      await page.locator("#profile-name").waitFor({ state: "visible" });
      assert.equal(await text(page, "#profile-name"), CASHIER.name);
      assert.equal(await text(page, "#shift-number"), "no open shift");
      assert.equal(await text(page, "#shift-rro"), "none active");
      assert.equal(await isVisible(page, "#shift-developer-id"), false, "no developer id row when none was echoed");
      await page.locator("#logout").click();
      await waitForLoginForm(page);
      assert.deepEqual(pageErrors, [], "no uncaught errors on the page");
    } finally {
      await context.close();
    }
  });

  test("CashDesk: a short token warns before it runs out, also after a reload, then the session ends", { timeout: 40_000 }, async () => {
    // Margin = min(60 s, lifetime / 2): `expiring` at ~4 s, `expired` at ~8 s.
    const root = await tenant("demo-cashdesk-short", { tokenLifetime: 8 });
    const { context, page, pageErrors } = await openPage();
    try {
      await waitForLoginForm(page);
      await switchBackend(page, "cashdesk");
      await setServer(page, `${root}/cashdesk`);
      await page.locator("#email").fill(CASHIER.email);
      await page.locator("#password").fill(CASHIER.password);
      await page.locator("#password").press("Enter");
      await eventually(`#profile-name to show ${CASHIER.name}`, async () => (await text(page, "#profile-name")) === CASHIER.name);
      const signedInAt = Date.now();
      assert.equal(await isVisible(page, "#expiring-banner"), false, "no warning right after sign-in");

      await page.locator("#expiring-banner").waitFor({ state: "visible", timeout: 8_000 });
      const warnedAfter = Date.now() - signedInAt;
      assert.match(await text(page, "#expiring-banner"), /runs out soon and cannot be refreshed/);
      assert.equal(await text(page, "#state-pill"), "Expiring");
      assert.equal(await isVisible(page, "#session-view"), true, "still signed in while warned");
      assert.ok((await eventTypes(page)).includes("expiring"), "the event log shows expiring");
      await page.screenshot({ path: path.join(outDir, "demo-cashdesk-expiring.png"), fullPage: true });

      // A reload inside the margin restores the session and still warns.
      await page.reload();
      await eventually(`#profile-name to show ${CASHIER.name} after the reload`, async () => (await text(page, "#profile-name")) === CASHIER.name);
      assert.equal(await isVisible(page, "#expiring-banner"), true, "the warning stays after a reload");
      assert.equal(await text(page, "#state-pill"), "Expiring");

      await waitForLoginForm(page);
      const endedAfter = Date.now() - signedInAt;
      assert.ok(endedAfter > warnedAfter + 1000, `the warning (${warnedAfter} ms) should come well before the end (${endedAfter} ms)`);
      assert.equal(await isVisible(page, "#session-view"), false, "the session view is gone");
      assert.equal(await isVisible(page, "#expiring-banner"), false, "the warning is gone with it");
      assert.match(await text(page, "#login-notice"), /session has ended.*sign in again/is);
      assert.equal(await page.locator("#backend").inputValue(), "cashdesk");
      assert.equal(await page.locator("#email").inputValue(), CASHIER.email, "the e-mail stays for the next sign-in");
      await eventually("an `expired` event in the log", async () => (await eventTypes(page)).includes("expired"));
      assert.deepEqual(pageErrors, [], "no uncaught errors on the page");
    } finally {
      await context.close();
    }
  });

  test("MetaDefender: switch, sign in, see the role and the refresh-token expiry, refresh, log out", { timeout: 40_000 }, async () => {
    const root = await tenant("demo-metadefender", { tokenLifetime: 600, refreshLifetime: 3600 });
    const { context, page, pageErrors } = await openPage();
    try {
      await waitForLoginForm(page);
      await switchBackend(page, "metadefender");
      assert.deepEqual(await visibleFields(page), ["user-name", "password"], "MetaDefender fields");
      assert.equal(await page.locator("#server").inputValue(), `${baseUrl}/metadefender`);

      await setServer(page, `${root}/metadefender`);
      await page.locator("#user-name").fill(ADMIN.userName);
      await page.locator("#password").fill(ADMIN.password);
      await page.locator("#password").press("Enter");

      await page.locator("#profile-name").waitFor({ state: "visible" });
      await eventually(`#profile-name to show ${ADMIN.name}`, async () => (await text(page, "#profile-name")) === ADMIN.name);
      assert.equal(await text(page, "#profile-user-name"), ADMIN.userName);
      assert.equal(await text(page, "#profile-email"), ADMIN.email);
      assert.equal(await text(page, "#profile-role"), `Role ${ADMIN.role}`);
      assert.equal(await text(page, "#session-backend"), "MetaDefender");
      assert.equal(await isVisible(page, "#refresh-expiry"), true, "the refresh-token expiry is shown");
      assert.match(await text(page, "#refresh-expiry"), /\d{2}:\d{2}:\d{2}/);
      assert.equal(await isVisible(page, "#shift-block"), false);
      assert.equal(await isVisible(page, "#device-block"), false);
      assert.equal(await isVisible(page, "#refresh-note"), false);

      const before = await countdownSeconds(page);
      await page.locator("#refresh").click();
      await eventually("a `refreshed` event in the log", async () => (await eventTypes(page)).includes("refreshed"));
      assert.ok((await countdownSeconds(page)) >= before - 1, "the countdown starts over after a refresh");
      await page.screenshot({ path: path.join(outDir, "demo-metadefender.png"), fullPage: true });

      await page.locator("#logout").click();
      await waitForLoginForm(page);
      assert.equal(await page.locator("#backend").inputValue(), "metadefender");
      await eventually("a `signedOut` event in the log", async () => (await eventTypes(page)).includes("signedOut"));
      assert.deepEqual(pageErrors, [], "no uncaught errors on the page");
    } finally {
      await context.close();
    }
  });
});
