// End-to-end test of the demo page (www/) as a cashier uses it: the emulator
// serves the page, the built package (pkg/) and the three back ends (PORTOS
// tokens live 8 s; the CashDesk and MetaDefender tests each use their own
// emulator tenant with the token lifetime they need); Debian's Chromium drives
// it through playwright-core.
//
//   cd tests && node --test e2e/demo.test.mjs
//
// Needs `make pkg` and the emulator binary. Environment: POS_EMULATOR_BIN
// (default target/debug/pos-emulator), POS_PKG_DIR (default pkg/), CHROMIUM
// (default /usr/bin/chromium; a browser is never downloaded).

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { launchBrowser } from "./harness.mjs";
import { newTenant, repo, useEmulator } from "../support/emulator.mjs";
import { eventually } from "../support/wait.mjs";

const outDir = fileURLToPath(new URL("./out/", import.meta.url));
const pkgDir = process.env.POS_PKG_DIR || path.join(repo, "pkg");

const USER = { userName: "999", password: "1234", deviceName: "P01", name: "Majiteľ" };
const CASHIER = { email: "cashier@example.com", password: "secret", name: "Коваленко Олена Петрівна", shift: "4000055255" };
const ADMIN = { userName: "admin", password: "AdminPassword", name: "Administrator", email: "admin@example.com", role: 1 };
const TOKEN_LIFETIME_S = 8;

const emulator = useEmulator({ before, after }, { pkg: pkgDir, args: ["--token-lifetime", String(TOKEN_LIFETIME_S)] });
/** @type {import("playwright-core").Browser | undefined} */
let browser;

// ------------------------------------------------------------------ helpers

/**
 * Runs `body(page)` on the demo in a fresh context (its own sessionStorage),
 * then checks that the page threw nothing, and closes the context.
 */
async function onDemoPage(body, { viewport = { width: 1024, height: 768 } } = {}) {
  assert.ok(browser, "browser not started");
  const context = await browser.newContext({ viewport });
  try {
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (err) => pageErrors.push(err.message));
    if (process.env.E2E_DEBUG) {
      page.on("console", (msg) => console.error(`[page ${msg.type()}] ${msg.text()}`));
      page.on("requestfailed", (req) => console.error(`[request failed] ${req.url()} ${req.failure()?.errorText}`));
      page.on("response", (res) => console.error(`[response] ${res.status()} ${res.url()}`));
    }
    await page.goto(`${emulator.url}/`);
    await body(page);
    assert.deepEqual(pageErrors, [], "no uncaught errors on the page");
  } finally {
    await context.close();
  }
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

/**
 * Fills the login form (input id → value, in order; the server first if
 * given) and submits it: Enter in the last field, or a click on the button.
 */
async function submitLogin(page, fields, { server, click = false } = {}) {
  if (server) await setServer(page, server);
  for (const [id, value] of Object.entries(fields)) await page.locator(`#${id}`).fill(value);
  if (click) await page.locator("#login-submit").click();
  else await page.locator(`#${Object.keys(fields).at(-1)}`).press("Enter");
}

async function signIn(page, { password = USER.password } = {}) {
  await waitForLoginForm(page);
  await submitLogin(page, { "user-name": USER.userName, password, device: USER.deviceName });
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

/** Waits for the profile to show `name` (`when`: words for the failure message). */
const profileShows = (page, name, when = "") =>
  eventually(`#profile-name to show ${name}${when}`, async () => (await text(page, "#profile-name")) === name);

async function expectSignedIn(page) {
  await page.locator("#profile-name").waitFor({ state: "visible" });
  await profileShows(page, USER.name);
  assert.equal(await isVisible(page, "#login-form"), false, "the login form should be hidden while signed in");
}

// ------------------------------------------------------------------ suite

describe("demo page", { timeout: 300_000 }, () => {
  before(async () => {
    mkdirSync(outDir, { recursive: true });
    browser = await launchBrowser();
  }, { timeout: 60_000 });

  after(async () => {
    await browser?.close().catch(() => {});
  }, { timeout: 15_000 });

  test("signs in, refreshes automatically, calls the API and logs out", { timeout: 60_000 }, async () => {
    await onDemoPage(async (page) => {
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
    });
  });

  test("a wrong password shows the server's message and the error code", { timeout: 30_000 }, async () => {
    await onDemoPage(async (page) => {
      await signIn(page, { password: "wrong" });
      await page.locator("#login-error").waitFor({ state: "visible" });
      assert.equal(await text(page, "#login-error-message"), "Nesprávne meno alebo heslo.");
      assert.equal(await text(page, "#login-error-code"), "invalid_credentials");
      assert.equal(await isVisible(page, "#login-form"), true, "the login form should stay");
      assert.equal(await isVisible(page, "#session-view"), false, "nobody should be signed in");
    });
  });

  test("a reload keeps the cashier signed in", { timeout: 30_000 }, async () => {
    await onDemoPage(async (page) => {
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
    }, { viewport: { width: 390, height: 844 } });
  });
  test("CashDesk: switch with the keyboard, sign in, see the shift, no refresh, reload, log out", { timeout: 60_000 }, async () => {
    const tenant = await newTenant(emulator.url, "demo-cashdesk", { tokenLifetime: 600 });
    await onDemoPage(async (page) => {
      await waitForLoginForm(page);
      assert.deepEqual(await visibleFields(page), ["user-name", "password", "device"], "PORTOS fields first");
      await switchBackend(page, "cashdesk", { keyboard: true });
      assert.deepEqual(await visibleFields(page), ["email", "password", "developer-id"], "CashDesk fields");
      assert.equal(await page.locator("#server").inputValue(), `${emulator.url}/cashdesk`, "the default CashDesk server");

      await submitLogin(page, { email: CASHIER.email, "developer-id": "4242", password: CASHIER.password }, { server: `${tenant.root}/cashdesk` });

      await page.locator("#profile-name").waitFor({ state: "visible" });
      await profileShows(page, CASHIER.name);
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

      const loginRequest = (await tenant.requests()).find((r) => r.path.endsWith("/cashdesk/api/v2/authenticate"));
      assert.equal(loginRequest?.headers["developer-id"], "4242", "the developer id goes out as a header");

      await page.screenshot({ path: path.join(outDir, "demo-cashdesk.png"), fullPage: true });

      // A reload restores the CashDesk session (its own storage key) and the chosen back end.
      await page.reload();
      await page.locator("#profile-name").waitFor({ state: "visible" });
      await profileShows(page, CASHIER.name, " after the reload");
      assert.match(await text(page, "#shift-number"), new RegExp(CASHIER.shift));

      await page.locator("#logout").click();
      await waitForLoginForm(page);
      assert.equal(await page.locator("#backend").inputValue(), "cashdesk", "the switcher keeps CashDesk");
      assert.deepEqual(await visibleFields(page), ["email", "password", "developer-id"]);
      assert.equal(await page.locator("#server").inputValue(), `${tenant.root}/cashdesk`, "the server kept for CashDesk");
      await eventually("a `signedOut` event in the log", async () => (await eventTypes(page)).includes("signedOut"));

      // Back to PORTOS: its own fields and default server.
      await switchBackend(page, "portos", { keyboard: true });
      assert.deepEqual(await visibleFields(page), ["user-name", "password", "device"]);
      assert.equal(await page.locator("#server").inputValue(), `${emulator.url}/portos`);
    });
  });

  test("CashDesk without an open shift says so", { timeout: 30_000 }, async () => {
    const tenant = await newTenant(emulator.url, "demo-noshift", { tokenLifetime: 600 });
    // The next login answers with a body of the vendor's shape: no shift, no active register.
    await tenant.fault({
      method: "POST", path: "/cashdesk/api/v2/authenticate", status: 200,
      body: {
        active_rro: false, developer_id: null, opened_shift: null,
        token: "Bearer opaque-token-for-the-demo", token_expires_at: "01.01.2099 10:00",
        user: { full_name: CASHIER.name, uuid: "67c3a1d2-8f4b-4e6a-9d49-bcc7e4631977", email: CASHIER.email },
      },
    });
    await onDemoPage(async (page) => {
      await waitForLoginForm(page);
      await switchBackend(page, "cashdesk");
      await submitLogin(page, { email: CASHIER.email, password: CASHIER.password }, { server: `${tenant.root}/cashdesk`, click: true });
      await page.locator("#profile-name").waitFor({ state: "visible" });
      assert.equal(await text(page, "#profile-name"), CASHIER.name);
      assert.equal(await text(page, "#shift-number"), "no open shift");
      assert.equal(await text(page, "#shift-rro"), "none active");
      assert.equal(await isVisible(page, "#shift-developer-id"), false, "no developer id row when none was echoed");
      await page.locator("#logout").click();
      await waitForLoginForm(page);
    });
  });

  test("CashDesk: a short token warns before it runs out, also after a reload, then the session ends", { timeout: 40_000 }, async () => {
    // Margin = min(60 s, lifetime / 2): `expiring` at ~4 s, `expired` at ~8 s.
    const { root } = await newTenant(emulator.url, "demo-cashdesk-short", { tokenLifetime: 8 });
    await onDemoPage(async (page) => {
      await waitForLoginForm(page);
      await switchBackend(page, "cashdesk");
      await submitLogin(page, { email: CASHIER.email, password: CASHIER.password }, { server: `${root}/cashdesk` });
      await profileShows(page, CASHIER.name);
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
      await profileShows(page, CASHIER.name, " after the reload");
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
    });
  });

  test("MetaDefender: switch, sign in, see the role and the refresh-token expiry, refresh, log out", { timeout: 40_000 }, async () => {
    const { root } = await newTenant(emulator.url, "demo-metadefender", { tokenLifetime: 600, refreshLifetime: 3600 });
    await onDemoPage(async (page) => {
      await waitForLoginForm(page);
      await switchBackend(page, "metadefender");
      assert.deepEqual(await visibleFields(page), ["user-name", "password"], "MetaDefender fields");
      assert.equal(await page.locator("#server").inputValue(), `${emulator.url}/metadefender`);

      await submitLogin(page, { "user-name": ADMIN.userName, password: ADMIN.password }, { server: `${root}/metadefender` });

      await page.locator("#profile-name").waitFor({ state: "visible" });
      await profileShows(page, ADMIN.name);
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
    });
  });
});
