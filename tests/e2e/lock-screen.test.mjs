// The recipe "A lock screen in React" (docs/recipes.md), run as written: its
// tsx code block becomes Till.tsx of a small React 19 app (lock-screen-app/),
// which Vite builds, and Chromium drives with real clicks and keys against
// the emulator, as a cashier would.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { build } from "vite";
import { installPackedPackage, launchBrowser, repo } from "./harness.mjs";
import { newTenant, useEmulator } from "../support/emulator.mjs";

const out = path.join(repo, "tests/e2e/out");
const app = path.join(out, "lock-screen-app");
const www = path.join(out, "lock-screen-www");
const OWNER = "Majiteľ"; // PORTOS 999 / 1234 on P01
const CASHIER = "Pokladník Marek"; // PORTOS 200 / 1111 on P01

/** The recipe's component: the tsx block of the section "A lock screen in React". */
function recipe() {
  const page = readFileSync(path.join(repo, "docs/recipes.md"), "utf8");
  const section = page.split(/^## /m).find((s) => s.startsWith("A lock screen in React\n"));
  const code = section?.match(/^```tsx\n([\s\S]*?)^```$/m)?.[1];
  assert.ok(code, 'docs/recipes.md has a tsx block under "## A lock screen in React"');
  return code;
}

before(async () => {
  rmSync(app, { recursive: true, force: true });
  rmSync(www, { recursive: true, force: true });
  cpSync(path.join(repo, "tests/e2e/lock-screen-app"), app, { recursive: true });
  writeFileSync(path.join(app, "Till.tsx"), recipe());
  installPackedPackage(app);
  await build({
    root: app,
    base: "./",
    logLevel: "silent",
    // As @vitejs/plugin-react compiles JSX.
    esbuild: { jsx: "automatic" },
    define: { "process.env.NODE_ENV": JSON.stringify("production") },
    build: { outDir: www, emptyOutDir: true },
  });
});
// Started after the build above, which it serves.
const emulator = useEmulator({ before, after }, { www });

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(() => browser?.close());

/**
 * The app in a new page (its own sessionStorage), its client on a new tenant,
 * with `params` (idleLock, unlockAttempts) for the client. Shows "Sign in".
 */
async function openTill(t, label, params = {}) {
  const tenant = await newTenant(emulator.url, `lock-screen-${label}`);
  const page = await browser.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  t.after(async () => {
    await page.close();
    assert.deepEqual(pageErrors, [], "no uncaught error in the page");
  });
  await page.goto(`${emulator.url}/?${new URLSearchParams({ base: tenant.portos, ...params })}`);
  await shows(page, "Sign in");
  return { tenant, page };
}

/** Waits for the heading `text`: "Cashier: …" (the till), "Locked: …", "Sign in". */
const shows = (page, text, timeout = 10_000) => page.getByRole("heading", { name: text, exact: true }).waitFor({ timeout });

/** Fills the form "Sign in" or "Change cashier" and submits it. */
async function signIn(page, form, userName, password) {
  const fields = page.getByRole("form", { name: form });
  await fields.getByLabel("Cashier").fill(userName);
  await fields.getByLabel("Password").fill(password);
  await fields.getByRole("button", { name: form }).click();
}

/** Types `password` into the lock screen and presses Unlock. */
async function unlock(page, password) {
  const form = page.getByRole("form", { name: "Unlock" });
  await form.getByLabel("Password").fill(password);
  await form.getByRole("button", { name: "Unlock" }).click();
}

/** Waits for the lock screen's message `text`. */
const unlockError = (page, text) =>
  page.getByRole("form", { name: "Unlock" }).getByRole("alert").filter({ hasText: text }).waitFor({ timeout: 10_000 });

const state = (page) =>
  page.evaluate(() => {
    const s = window.till.client.session();
    return { user: s?.user.name ?? null, locked: s?.locked ?? null, token: s?.accessToken ?? null, events: window.till.events };
  });

test("Lock, a wrong password, the right one, and a change of cashier", async (t) => {
  const { page } = await openTill(t, "lock");
  await signIn(page, "Sign in", "999", "1234");
  await shows(page, `Cashier: ${OWNER}`);

  await page.getByRole("button", { name: "Lock" }).click();
  await shows(page, `Locked: ${OWNER}`);
  assert.equal((await state(page)).locked, true);

  await unlock(page, "0000");
  await unlockError(page, "Wrong password");
  await shows(page, `Locked: ${OWNER}`);
  assert.equal(await page.getByRole("form", { name: "Unlock" }).getByLabel("Password").inputValue(), "", "the field was cleared");

  await unlock(page, "1234");
  await shows(page, `Cashier: ${OWNER}`);
  const unlocked = await state(page);
  assert.equal(unlocked.locked, false);
  assert.deepEqual(unlocked.events, ["initial", "signedIn", "locked", "unlocked"], "a wrong password fires no event");

  // Another cashier signs in on the lock screen.
  await page.getByRole("button", { name: "Lock" }).click();
  await shows(page, `Locked: ${OWNER}`);
  await signIn(page, "Change cashier", "200", "0000");
  await page.getByRole("form", { name: "Change cashier" }).getByRole("alert").filter({ hasText: "Wrong password" }).waitFor();
  assert.deepEqual(await state(page), { ...unlocked, locked: true, events: [...unlocked.events, "locked"] },
    "a failed change of cashier leaves the locked session as it was");
  await signIn(page, "Change cashier", "200", "1111");
  await shows(page, `Cashier: ${CASHIER}`);
  const changed = await state(page);
  assert.equal(changed.locked, false, "the new cashier starts unlocked");
  assert.deepEqual(changed.events.slice(-2), ["locked", "signedIn"]);
});

test("A reload comes back locked; with no answer and no verifier the lock screen says so", async (t) => {
  const { tenant, page } = await openTill(t, "reload");
  await signIn(page, "Sign in", "999", "1234");
  await shows(page, `Cashier: ${OWNER}`);
  await page.getByRole("button", { name: "Lock" }).click();
  await shows(page, `Locked: ${OWNER}`);

  await page.reload();
  await shows(page, `Locked: ${OWNER}`);
  // The verifier was in the page's memory: after the reload only the server can check the password.
  await tenant.fault({ method: "POST", path: "/portos/api/auth", action: "drop", times: 0 });
  await unlock(page, "1234");
  await unlockError(page, "No connection to the server");
  await shows(page, `Locked: ${OWNER}`);

  await tenant.control("DELETE", "fault");
  await unlock(page, "1234");
  await shows(page, `Cashier: ${OWNER}`);
  assert.deepEqual((await state(page)).events, ["initial", "unlocked"]);
});

test("Offline, the verifier of the last login: a wrong password refused, the right one unlocks with the same token", async (t) => {
  const { tenant, page } = await openTill(t, "offline");
  await signIn(page, "Sign in", "999", "1234");
  await shows(page, `Cashier: ${OWNER}`);
  const { token } = await state(page);
  await page.getByRole("button", { name: "Lock" }).click();
  await shows(page, `Locked: ${OWNER}`);

  await tenant.fault({ method: "POST", path: "/portos/api/auth", action: "drop", times: 0 });
  await unlock(page, "0000");
  await unlockError(page, "Wrong password");
  await unlock(page, "1234");
  await shows(page, `Cashier: ${OWNER}`);
  const after = await state(page);
  assert.equal(after.token, token, "unlocked offline: the same token");
  assert.deepEqual(after.events, ["initial", "signedIn", "locked", "unlocked"]);
  assert.ok((await tenant.counts())["POST /portos/api/auth"] >= 3, "both unlocks tried the server first");
});

test("idleLock: the till locks itself after the idle time, input postpones it, and it locks again after an unlock", async (t) => {
  const IDLE = 2000;
  const { page } = await openTill(t, "idle", { idleLock: IDLE / 1000 });
  const clicked = Date.now(); // before the click: the latest activity is at or after it
  await signIn(page, "Sign in", "999", "1234");
  await shows(page, `Cashier: ${OWNER}`);
  await shows(page, `Locked: ${OWNER}`, 3 * IDLE);
  assert.ok(Date.now() - clicked >= IDLE, `locked ${Date.now() - clicked} ms after the sign-in's click`);

  await unlock(page, "1234");
  await shows(page, `Cashier: ${OWNER}`);
  // A key every half second for twice the idle time keeps it open.
  for (const end = Date.now() + 2 * IDLE; Date.now() < end; ) {
    await page.keyboard.press("Shift");
    await sleep(IDLE / 4);
  }
  assert.equal((await state(page)).locked, false, "input reset the idle time");
  await shows(page, `Locked: ${OWNER}`, 3 * IDLE);
  assert.deepEqual((await state(page)).events, ["initial", "signedIn", "locked", "unlocked", "locked"]);
});

test("unlockAttempts: the last wrong password allowed ends the session, and the sign-in form shows", async (t) => {
  const { page } = await openTill(t, "attempts", { unlockAttempts: 2 });
  await signIn(page, "Sign in", "999", "1234");
  await shows(page, `Cashier: ${OWNER}`);
  await page.getByRole("button", { name: "Lock" }).click();
  await shows(page, `Locked: ${OWNER}`);

  await unlock(page, "0000");
  await unlockError(page, "Wrong password");
  await unlock(page, "1111");
  await shows(page, "Sign in");
  const ended = await state(page);
  assert.equal(ended.user, null);
  assert.deepEqual(ended.events, ["initial", "signedIn", "locked", "signedOut:too_many_attempts"]);
});
