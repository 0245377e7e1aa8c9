// Duplicated tabs share one session: they refresh one at a time, adopt each
// other's rotated tokens, and sign out together. Runs the real package in
// Chromium against the emulator (opening a window copies sessionStorage,
// exactly as "Duplicate tab" does).
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertSharedSession, emulatorAndBrowser, tabClient } from "./harness.mjs";
import { newTenant } from "../support/emulator.mjs";

const env = emulatorAndBrowser();

async function signedInPage(context, tenant) {
  const page = await context.newPage();
  await page.goto(`${env.emulator.url}/`);
  await page.evaluate(tabClient, { base: tenant.root, login: true });
  return page;
}

test("duplicated tabs refresh once per rotation and keep the same token", async () => {
  const tenant = await newTenant(env.emulator.url, "tabs", { tokenLifetime: 4 });
  const context = await env.browser.newContext();
  const signedInAt = Date.now();
  const first = await signedInPage(context, tenant);
  const [second] = await Promise.all([
    context.waitForEvent("page"),
    first.evaluate(() => window.open(location.href)),
  ]);
  await second.waitForLoadState();
  const restored = await second.evaluate(tabClient, { base: tenant.root, login: false });
  const original = await first.evaluate(() => window.client.session().accessToken);
  assert.equal(restored, original, "the duplicate restores the same session");

  // Both tabs hold a 4 s token, refreshed at half-life. Its `exp` is whole
  // seconds, so a token lives 3–4 s and a rotation comes every 1.5–2 s.
  // Wait for at least two; a slow machine may fit in more.
  await first.waitForTimeout(5000);
  const read = () => Promise.all([first, second].map((p) => p.evaluate(() => window.client.session()?.accessToken)));
  await assertSharedSession(tenant, signedInAt, read);
  assert.ok(!(await second.evaluate(() => window.events.includes("expired"))), "no tab lost its session");

  // Signing out in one tab signs the other out.
  await first.evaluate(() => window.client.logout());
  await second.waitForFunction(() => window.client.session() === null, null, { timeout: 3000 });
  assert.ok(await second.evaluate(() => window.events.includes("signedOut")));
  await context.close();
});

test("tabs with different sessions never affect each other", async () => {
  const tenant = await newTenant(env.emulator.url, "tabs2", { tokenLifetime: 4 });
  const context = await env.browser.newContext();
  const a = await signedInPage(context, tenant);
  const b = await signedInPage(context, tenant);
  await a.evaluate(() => window.client.logout());
  await b.waitForTimeout(300);
  assert.ok(await b.evaluate(() => window.client.session() !== null), "the other session stays");
  await context.close();
});
