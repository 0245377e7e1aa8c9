// Duplicated tabs on a plain-http: LAN origin (API.md "Tabs"): not a secure
// context, so no Web Locks; the tabs take turns to refresh by claims on
// their BroadcastChannel. Chromium resolves pos-lan.test to the emulator,
// which serves the package, so the page is http://pos-lan.test:PORT/ and
// the back end (MetaDefender, rotating refresh tokens) is on the same
// origin, reached with `allowInsecureHttp`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { emulatorAndBrowser } from "./harness.mjs";
import { newTenant } from "../support/emulator.mjs";
import { eventually } from "../support/wait.mjs";

const env = emulatorAndBrowser(["--host-resolver-rules=MAP pos-lan.test 127.0.0.1"]);
const REFRESH = "/metadefender/api/user/refreshToken";
const lan = (url) => url.replace("//127.0.0.1:", "//pos-lan.test:");

/** Run in a tab: a MetaDefender client of `base`, events in `window.events`. */
async function lanClient({ base, login, timeout }) {
  const m = await import("/pkg/index.js");
  window.client = new m.AuthClient({
    baseUrl: `${base}/metadefender`, backend: "metadefender", storageKey: "lan", allowInsecureHttp: true, timeout,
  });
  window.events = [];
  window.client.onChange((e) => window.events.push(e.type));
  if (login) await window.client.login({ userName: "admin", password: "AdminPassword" });
  return window.client.session()?.accessToken ?? null;
}

/** A signed-in LAN tab and its duplicate (window.open copies sessionStorage). */
async function duplicatedTabs(tenant, timeout) {
  const context = await env.browser.newContext();
  const first = await context.newPage();
  await first.goto(`${lan(env.emulator.url)}/`);
  const page = await first.evaluate(() => ({ secure: isSecureContext, locks: typeof navigator.locks }));
  assert.deepEqual(page, { secure: false, locks: "undefined" }, "a LAN page without Web Locks");
  const base = lan(tenant.root);
  await first.evaluate(lanClient, { base, login: true, timeout });
  const [second] = await Promise.all([context.waitForEvent("page"), first.evaluate(() => window.open(location.href))]);
  await second.waitForLoadState();
  const restored = await second.evaluate(lanClient, { base, login: false, timeout });
  assert.equal(restored, await first.evaluate(() => window.client.session().accessToken), "the duplicate holds the session");
  return { context, tabs: [first, second] };
}

test("LAN tabs without Web Locks make one refresh request per expiry, and rotation logs neither out", async () => {
  // 4 s tokens, refreshed at half-life: a rotation every 2 s.
  const tenant = await newTenant(env.emulator.url, "lan", { tokenLifetime: 4 });
  const { context, tabs } = await duplicatedTabs(tenant, 10_000);
  await tabs[0].waitForTimeout(9000);
  // Read while a rotation is on its way to the other tab, the two differ for
  // a moment: they must agree within a second (a rotation comes every 2 s).
  const read = () => Promise.all(tabs.map((p) => p.evaluate(() => window.client.session()?.accessToken)));
  let tokens = await read();
  await eventually("both tabs hold the newest token", async () => (tokens = await read())[0] === tokens[1], { timeout: 1000 });
  assert.ok(tokens[0], "the first tab is still signed in");
  for (const tab of tabs) {
    const events = await tab.evaluate(() => window.events);
    assert.ok(!events.includes("expired") && !events.includes("signedOut"), `a tab lost its session: ${events}`);
  }
  const sent = await tenant.requests("POST", REFRESH);
  // One request per expiry: about 4 in 9 s, 2 s apart; duplicated tabs
  // that each refreshed would send two at once (one spending a used token).
  assert.ok(sent.length >= 3 && sent.length <= 5, `${sent.length} refresh requests in 9 s`);
  assert.equal(new Set(sent.map((r) => r.body)).size, sent.length, "a refresh token was sent twice");
  const gaps = sent.slice(1).map((r, i) => r.at - sent[i].at);
  assert.ok(gaps.every((gap) => gap > 1000), `refreshes too close together: ${gaps} ms apart`);
  await context.close();
});

test("a LAN tab frozen while it refreshes holds its duplicate up for at most `timeout`", async () => {
  const tenant = await newTenant(env.emulator.url, "lanfrozen", { tokenLifetime: 300 });
  const { context, tabs: [first, second] } = await duplicatedTabs(tenant, 1500);
  // The second tab's refresh stalls at the server, and the tab is frozen
  // (as a background tab may be) before its answer: it never gives its
  // turn back while frozen.
  await tenant.fault({ method: "POST", path: REFRESH, delayMs: 4000 });
  await second.evaluate(() => { window.pending = window.client.refresh().catch((e) => e.code); });
  await second.waitForTimeout(400);
  const cdp = await context.newCDPSession(second);
  await cdp.send("Page.setWebLifecycleState", { state: "frozen" });
  const { token, took } = await first.evaluate(async () => {
    const started = performance.now();
    const session = await window.client.refresh();
    return { token: session.accessToken, took: performance.now() - started };
  });
  assert.ok(took >= 1200 && took < 3000, `the first tab's refresh took ${took} ms`);
  // Thawed, the second tab takes the first one's rotation.
  await cdp.send("Page.setWebLifecycleState", { state: "active" });
  await eventually("the thawed tab holds the rotated token", () =>
    second.evaluate((t) => window.client.session()?.accessToken === t, token));
  const events = await second.evaluate(() => window.events);
  assert.ok(!events.includes("expired"), `the thawed tab lost its session: ${events}`);
  await context.close();
});
