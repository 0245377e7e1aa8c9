// pos-auth/angular through Angular's own production build: the till of
// tests/angular/ (standalone components, provideAuth, the interceptor on
// HttpClient, the guard on the till's route) built by @angular/build's
// application builder, as `ng build` runs it, once with zone.js (HttpClient's
// default XHR backend) and once zoneless (its fetch backend, withFetch), then
// driven in Chromium, Firefox ESR and WebKitGTK against the emulator.
//
// The Angular CLI needs Node ≥ 22.22: tests/angular/ has its own npm
// packages (installed by .ci/setup from its lock file), among them the `node`
// package, whose platform binary runs the build. Both variants are built once
// per run, before the browsers start.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { chromium, firefox, webkit } from "./drivers.mjs";
import { assertLoadsWithout, installPackedPackage, repo } from "./harness.mjs";
import { newTenant, useEmulator } from "../support/emulator.mjs";
import { eventually } from "../support/wait.mjs";

const app = path.join(repo, "tests/angular");
const out = path.join(repo, "tests/e2e/out/angular-build");
const VARIANTS = ["zone", "zoneless"];

const node = path.join(app, "node_modules/.bin/node");

before(async () => {
  if (!existsSync(node)) throw new Error("tests/angular/ has no npm packages: run `make setup` (.ci/setup)");
  rmSync(out, { recursive: true, force: true });
  rmSync(path.join(app, "node_modules/pos-auth"), { recursive: true, force: true });
  installPackedPackage(app);
  const started = Date.now();
  // The architect CLI runs a target of angular.json as `ng build` does; the
  // two builds side by side (one core each).
  await Promise.all(VARIANTS.map((variant) =>
    promisify(execFile)(node, [path.join(app, "node_modules/.bin/architect"), `till:build:${variant}`], {
      cwd: app,
      env: { ...process.env, NG_CLI_ANALYTICS: "false" },
      maxBuffer: 16 << 20,
    }).catch((e) => {
      throw new Error(`ng build (${variant}) failed:\n${e.stdout}\n${e.stderr}`);
    })));
  console.log(`# angular: both production builds in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, { timeout: 300_000 });

// Serves out/: /zone/ and /zoneless/, each its build's browser/ folder.
const emulator = useEmulator({ before, after }, { www: out });

test("in Node: null on the server, a client passed in stays the caller's, the binding's own is disposed with its injector", async () => {
  const tenant = await newTenant(emulator.url, "ng-node", { tokenLifetime: 600 });
  const { stdout } = await promisify(execFile)(node, [path.join(app, "server.mjs"), tenant.portos], { cwd: app });
  assert.deepEqual(JSON.parse(stdout), {
    serverSession: null,
    sameObject: true,
    followsRefresh: true,
    stoppedAfterDestroy: true,
    passedInStillWorks: true,
    ownIsAClient: true,
    ownAfterDestroy: "disposed",
  });
});

for (const [engine, launch] of [["Chromium", chromium], ["Firefox", firefox], ["WebKit", webkit]]) {
  describe(engine, { timeout: 240_000 }, () => {
    let browser;
    before(async () => {
      browser = await launch();
    });
    after(() => browser?.close());
    for (const variant of VARIANTS) test(`${variant}`, () => tillInAngular(browser, variant));
  });
}

// Each read of the page goes through `page.run`, whose function is sent as
// text: it closes over nothing, and gets what it needs as its argument. One
// that waits is an async function: its promise is the engine's own, where
// zone.js's stand-in for `Promise` is not awaited by Firefox's driver.
const text = (page, id) => page.run((id) => document.getElementById(id)?.textContent ?? null, id);
const stable = (page, what) => eventually(`isStable ${what}`, () => page.run(() => window.till.stable()), { timeout: 5_000 });
const token = (page) => page.run(() => window.till.client.session()?.accessToken ?? null);
const bearers = async (tenant) => (await tenant.requests("GET", "/portos/api/auth")).map((r) => r.headers.authorization);

async function tillInAngular(browser, variant) {
  const tenant = await newTenant(emulator.url, `ng-${variant}`, { tokenLifetime: 600 });
  const base = new URL(tenant.portos).pathname;
  const query = new URLSearchParams({ base, elsewhere: `${new URL(tenant.root).pathname}/cashdesk/elsewhere` });
  const page = await browser.open(`${emulator.url}/${variant}/?${query}#/till`);

  // Signed out: the guard sends the till's URL to the sign-in page.
  const login = await eventually("the sign-in page", () => page.run(() => document.getElementById("login") && location.hash));
  assert.equal(login, "#/login?redirect=%2Ftill");
  assert.equal(await page.run(() => window.tillShown ?? 0), 0);
  assert.equal(await page.run(() => window.till.zone), variant === "zone", "zone.js is there only in its variant");

  // Signing in goes on to the redirect; the till's HttpClient calls carry the
  // token under baseUrl only, and the session signal reached the template.
  await page.run(() => document.getElementById("sign-in").click());
  assert.equal(await eventually("the till's profile call", () => text(page, "profile"), { timeout: 15_000 }), "999");
  let current = await token(page);
  assert.equal(await text(page, "token"), current, "the template shows the session signal");
  assert.equal(await text(page, "user"), "Majiteľ");
  assert.deepEqual(await bearers(tenant), [`Bearer ${current}`]);
  const [other] = await tenant.requests("GET", "/cashdesk/elsewhere");
  assert.ok(other, "the request outside baseUrl was sent");
  assert.equal(other.headers.authorization, undefined, "and carried no token");
  await stable(page, "after sign-in");

  // A 401: one refresh, one retry with the new token; HttpClient sees the 200.
  await tenant.clearLog();
  await tenant.fault({ method: "GET", path: "/portos/api/auth", status: 401, body: { title: "Unauthorized", status: 401 } });
  assert.deepEqual(await page.run(async (base) => await window.till.get(`${base}/api/auth`), base), { status: 200 });
  const fresh = await token(page);
  assert.notEqual(fresh, current);
  assert.deepEqual(await bearers(tenant), [`Bearer ${current}`, `Bearer ${fresh}`]);
  assert.equal(await tenant.refreshes(), 1);
  await eventually("the signal to follow the refresh", async () => (await text(page, "token")) === fresh);
  current = fresh;

  // A 401 to a token that was refreshed while the request was in flight: the
  // retry goes at once with the current token, with no second refresh.
  await tenant.clearLog();
  await tenant.fault({ method: "GET", path: "/portos/api/auth", delayMs: 600, status: 401 });
  const inFlight = await page.run(async (base) => {
    const answer = window.till.get(`${base}/api/auth`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await window.till.client.refresh();
    return answer;
  }, base);
  assert.deepEqual(inFlight, { status: 200 });
  const meanwhile = await token(page);
  assert.notEqual(meanwhile, current);
  assert.deepEqual(await bearers(tenant), [`Bearer ${current}`, `Bearer ${meanwhile}`], "the retry carried the token refreshed meanwhile");
  assert.equal(await tenant.refreshes(), 1, "the refresh made during the flight, and no other");
  current = meanwhile;

  // A background refresh (4 s tokens refresh after about 2 s, on the
  // client's own timer): the app is stable again after it.
  await tenant.config({ tokenLifetime: 4 });
  await page.run(async () => void (await window.till.client.refresh()));
  const short = await token(page);
  await tenant.config({ tokenLifetime: 600 });
  const renewed = await eventually("a background refresh", async () => {
    const now = await token(page);
    return now !== short && now;
  }, { timeout: 8_000 });
  await eventually("the signal to follow it", async () => (await text(page, "token")) === renewed);
  await stable(page, "after a background refresh");

  // A 401 to the retry too: the session ends, HttpClient gets the 401, the
  // signal turns null; then, with no session, nothing is sent at all.
  await tenant.clearLog();
  await tenant.fault({ method: "GET", path: "/portos/api/auth", status: 401, times: 2 });
  assert.deepEqual(await page.run(async (base) => await window.till.get(`${base}/api/auth`), base),
    { failed: "HttpErrorResponse", status: 401, code: null });
  assert.equal(await token(page), null);
  await eventually("the signal to turn null", async () => (await text(page, "token")) === "signed out");
  await tenant.clearLog();
  assert.deepEqual(await page.run(async (base) => await window.till.get(`${base}/api/auth`), base),
    { failed: "AuthError", status: null, code: "no_session" });
  assert.deepEqual(await bearers(tenant), []);

  // A session revoked while the till was closed: after a reload the guard
  // asks the server (profile) and goes to sign-in; the till never rendered.
  await page.run(() => {
    location.hash = "#/login?redirect=%2Ftill";
  });
  await eventually("the sign-in page again", () => text(page, "login"));
  await page.run(() => document.getElementById("sign-in").click());
  assert.equal(await eventually("the till again", () => text(page, "profile")), "999");

  // A valid stored session: after a reload the guard asks the server once
  // (profile, a GET of /api/auth as the till's own call is), and later
  // navigations take accessToken() alone: one GET more per till shown.
  const tillGets = async () => (await tenant.requests("GET", "/portos/api/auth")).length;
  await tenant.clearLog();
  await page.run(() => {
    window.reloading = true;
    setTimeout(() => location.reload(), 0);
  });
  const shown = () => page.run(() => !window.reloading && document.getElementById("profile")?.textContent === "999" && window.tillShown);
  assert.equal(await eventually("the reloaded till", shown), 1);
  assert.equal(await tillGets(), 2, "the guard's check and the till's own call");
  await page.run(() => {
    location.hash = "#/login";
  });
  await eventually("the sign-in page on the way", () => text(page, "login"));
  await page.run(() => {
    location.hash = "#/till";
  });
  assert.equal(await eventually("the till once more", async () => (await shown()) === 2 && 2), 2);
  assert.equal(await tillGets(), 3, "a later navigation asked the server nothing");
  assert.deepEqual(new Set(await bearers(tenant)), new Set([`Bearer ${await token(page)}`]));

  await tenant.control("POST", "revoke");
  await tenant.clearLog();
  await page.run(() => {
    window.reloading = true;
    setTimeout(() => location.reload(), 0);
  });
  const after = await eventually("the reloaded page's sign-in", () =>
    page.run(() => !window.reloading && document.getElementById("login") && { hash: location.hash, tillShown: window.tillShown ?? 0 }));
  assert.deepEqual(after, { hash: "#/login?redirect=%2Ftill", tillShown: 0 });
  assert.equal((await tenant.requests("GET", "/portos/api/auth")).length, 1, "the guard asked the server");
  assert.equal(await tenant.refreshes(), 1, "whose 401 was refreshed, and the refresh rejected");

  // Destroying the app disposes the client the binding created.
  assert.equal(await page.run(() => {
    window.till.app.destroy();
    try {
      window.till.client.session();
      return "still alive";
    } catch (e) {
      return e.code;
    }
  }), "disposed");
}

test("pos-auth alone needs no Angular: it loads where Angular is not installed", () => {
  assertLoadsWithout(app, "pos-auth/angular", "@angular/core");
});
