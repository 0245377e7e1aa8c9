// pos-auth/vue in a Vue 3 app (vue-app/: single-file components, Pinia,
// vue-router with authGuard and two lazily loaded routes) built for production
// by Vite from the packed tarball and run in Chromium, Firefox and WebKit
// against the emulator; plus server rendering and a Vue-less install in Node.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "vite";
import vue from "@vitejs/plugin-vue";
import { chromium, firefox, webkit } from "./drivers.mjs";
import { assertLoadsWithout, installPackedPackage, repo } from "./harness.mjs";
import { newTenant, useEmulator } from "../support/emulator.mjs";
import { eventually } from "../support/wait.mjs";

const out = path.join(repo, "tests/e2e/out");
const app = path.join(out, "vue-app");
const www = path.join(out, "vue-www");
const USER = { userName: "999", password: "1234", deviceName: "P01" };
const NAME = "Majiteľ";
const PROFILE = ["GET", "/portos/api/auth"];

before(async () => {
  rmSync(app, { recursive: true, force: true });
  rmSync(www, { recursive: true, force: true });
  cpSync(path.join(repo, "tests/e2e/vue-app"), app, { recursive: true });
  installPackedPackage(app);
  await build({ root: app, base: "./", logLevel: "silent", plugins: [vue()], build: { outDir: www, emptyOutDir: true } });
});
// Started after the build above, which it serves.
const emulator = useEmulator({ before, after }, { www });

test("the production build puts each lazily loaded route in a chunk of its own", () => {
  const chunks = readdirSync(path.join(www, "assets"));
  for (const name of ["Till", "Login"]) assert.ok(chunks.some((f) => f.startsWith(`${name}-`) && f.endsWith(".js")), `${name} chunk in ${chunks}`);
});

const until = (page, what, fn, arg, timeout) => eventually(what, () => page.run(fn, arg), { timeout });

/** Reloads the page (its hash route stays) and waits for the new document's probe. */
async function reload(page) {
  await page.run(() => {
    window.stale = true;
    setTimeout(() => location.reload(), 50);
  });
  await until(page, "the reload", () => !window.stale && document.readyState === "complete" && typeof window.probe === "object");
}

const showsSignIn = (page, why) =>
  until(page, `the sign-in page asking for /till ${why}`, () =>
    window.probe.route() === "/login?redirect=/till" && document.getElementById("login") !== null);

/** Signs in through the form; the guard's redirect brings the till. */
async function signIn(page) {
  await page.run((user) => window.probe.signIn(user), USER);
  await until(page, "the till with the cashier's name", (name) => {
    const { route, text, client, describeSession } = window.probe;
    return route() === "/till" && text("cashier") === name && text("till-session") === describeSession(client.session());
  }, NAME);
}

/** Both probes show the client's session and `event`. */
const probesShow = (page, what, event, timeout) =>
  until(page, what, (event) => {
    const { text, client, describeSession } = window.probe;
    return text("session") === describeSession(client.session()) && text("event") === event;
  }, event, timeout);

/** Signs in (a wrong password first), waits for a background refresh, moves between routes, signs out and in. */
async function tillLifecycle(page, tenant) {
  await page.run((base) => window.probe.start(base), tenant.portos);
  await showsSignIn(page, "with no session");
  assert.deepEqual(await page.run(() => ({ ...window.probe.mounted, till: window.probe.loaded("Till") })), { till: false, login: 1 },
    "neither the till's component nor its code before sign-in");
  await probesShow(page, "null from both probes", "null");

  await page.run(() => window.probe.signIn({ userName: "999", password: "0000", deviceName: "P01" }));
  await until(page, "the error code on the form", () => window.probe.text("login-error") === "invalid_credentials");
  await signIn(page);
  await probesShow(page, "the session and signedIn", "signedIn");
  const first = await page.run(() => window.probe.client.session().accessToken);

  // 4 s tokens refresh at half-life, about 2 s after sign-in.
  await probesShow(page, "a background refresh", "refreshed", 8000);
  assert.notEqual(await page.run(() => window.probe.client.session().accessToken), first);
  await until(page, "the till's own probe to follow", () =>
    window.probe.text("till-session") === window.probe.describeSession(window.probe.client.session()));

  // The probes, the store and the till: one listener each. Leaving the till drops its own.
  assert.equal(await page.run(() => window.probe.listeners.live), 4);
  await page.run(() => window.probe.router.push("/help"));
  await until(page, "the public route", () => window.probe.text("help") === "help" && window.probe.listeners.live === 3);
  await page.run(() => window.probe.router.push("/till"));
  await until(page, "the till again", () => window.probe.text("cashier") !== null && window.probe.listeners.live === 4);
  // A session signed in on this page needs no profile check: accessToken() only.
  assert.equal((await tenant.requests(...PROFILE)).length, 0);

  await page.run(() => document.getElementById("sign-out").click());
  await probesShow(page, "null and signedOut", "signedOut");
  // (A push to the current route is a duplicate navigation, which runs no guard.)
  await page.run(() => window.probe.router.push("/help"));
  await page.run(() => window.probe.router.push("/till"));
  await showsSignIn(page, "after sign-out");
  await signIn(page);
  await probesShow(page, "signedIn again", "signedIn");
}

/** Every commit showed the next session (or event), once, and `initial` never. */
async function assertRenders(page) {
  const { stats, seen } = await page.run(() => ({ stats: window.probe.stats, seen: window.probe.seen }));
  assert.deepEqual(stats.session.shown, seen.sessions, "one commit per session change");
  assert.deepEqual(stats.event.shown, ["null", ...seen.events], "one commit per event");
  for (const { renders, commits } of [stats.session, stats.event]) assert.equal(renders, commits, "one render per commit");
  assert.ok(!stats.event.shown.includes("initial"));
  return { sessions: seen.sessions.length - 1, events: seen.events.length };
}

/** app.unmount(): every subscription ended and the plugin's client disposed. */
async function assertUnmounted(page) {
  assert.equal(await page.run(() => window.probe.stop()), "disposed");
  assert.equal(await page.run(() => window.probe.listeners.live), 0, "every subscription was unsubscribed");
}

/** Without the plugin the composables follow the default client, across configure(). */
async function defaultClient(page, tenant) {
  // Before configure(): not_configured, from the composables' setup.
  await page.run(() => window.probe.startDefault());
  await until(page, "not_configured", () => window.probe.errors.includes("not_configured"));
  await page.run(() => {
    window.probe.defaultApp.unmount();
    window.probe.errors.length = 0;
    for (const name of ["default-session", "default-event"]) delete window.probe.stats[name];
  });

  await page.run((base) => window.probe.configure(base), tenant.portos);
  await page.run(() => window.probe.startDefault());
  const shows = ([session, event]) =>
    window.probe.text("default-session") === session && window.probe.text("default-event") === event;
  await until(page, "null from the default client", shows, ["null", "null"]);
  const session = await page.run((user) => window.probe.login(user).then(window.probe.describeSession), USER);
  assert.match(session, new RegExp(`^${NAME} `));
  await until(page, "the default client's session", shows, [session, "signedIn"]);
  // A new default client (memory storage: no session): both start again at null.
  await page.run((base) => window.probe.configure(base), tenant.portos);
  await until(page, "null after configure()", shows, ["null", "null"]);
  await page.run(() => window.probe.defaultApp.unmount());
  const { stats } = await page.run(() => ({ stats: window.probe.stats }));
  assert.ok(!stats["default-event"].shown.includes("initial"));
}

/**
 * Run as if on Vue before 3.5 (no app.onUnmount: the plugin wraps app.unmount).
 * The till closed with a session stored: reopened, the guard checks it with
 * the server once (profile) before the till renders. Closed again, the
 * session revoked meanwhile: reopened, the guard sends the cashier to sign
 * in, and the till's component (even its code) is never loaded.
 */
async function restoredSessions(page, tenant) {
  const start = () => page.run((base) => window.probe.start(base, { vue33: true }), tenant.portos);
  await start();
  await showsSignIn(page, "at first");
  await signIn(page);
  await assertUnmounted(page);

  await reload(page);
  await start();
  await until(page, "the restored session's till", (name) => window.probe.text("cashier") === name, NAME);
  assert.equal((await tenant.requests(...PROFILE)).length, 1, "one profile check for the restored session");
  // The restored session, shown once: its `initial` greeting renders nothing more.
  assert.deepEqual(await assertRenders(page), { sessions: 0, events: 0 });
  await page.run(() => window.probe.router.push("/help"));
  await until(page, "the public route", () => window.probe.text("help") === "help");
  await page.run(() => window.probe.router.push("/till"));
  await until(page, "the till again", () => window.probe.text("cashier") !== null);
  assert.equal((await tenant.requests(...PROFILE)).length, 1, "later navigations need no profile");
  await assertUnmounted(page);

  await tenant.control("POST", "revoke");
  await reload(page);
  await start();
  await showsSignIn(page, "for a revoked session");
  await probesShow(page, "null and expired", "expired:session_expired");
  const till = await page.run(() => ({ setups: window.probe.mounted.till, code: window.probe.loaded("Till") }));
  assert.deepEqual(till, { setups: 0, code: false }, "the till never rendered");
  assert.deepEqual(await assertRenders(page), { sessions: 1, events: 1 });
  assert.equal((await tenant.requests(...PROFILE)).length, 2);
  // Signing in again leads to the till the guard turned away.
  await signIn(page);
}

for (const [engine, launch] of [["Chromium", chromium], ["Firefox", firefox], ["WebKit", webkit]]) {
  describe(engine, { timeout: 90_000 }, () => {
    let browser;
    before(async () => {
      browser = await launch();
    });
    after(() => browser?.close());

    test("sign-in through the guard, renders, listeners, unmount, default client", async (t) => {
      const page = await browser.open(`${emulator.url}/#/till`);
      await until(page, "the app to load", () => typeof window.probe === "object");
      const tenant = await newTenant(emulator.url, `vue-${engine}`, { tokenLifetime: 4 });
      await tillLifecycle(page, tenant);
      const { sessions, events } = await assertRenders(page);
      t.diagnostic(`${sessions} session changes, ${events} events, one render each`);
      await assertUnmounted(page);
      await defaultClient(page, tenant);
      assert.deepEqual(await page.run(() => window.probe.errors), []);
    });

    test("a stored session is checked once; revoked while closed, the till never renders", async () => {
      const page = await browser.open(`${emulator.url}/#/till`);
      await until(page, "the app to load", () => typeof window.probe === "object");
      await restoredSessions(page, await newTenant(emulator.url, `vue-restore-${engine}`, { tokenLifetime: 60 }));
      assert.deepEqual(await page.run(() => window.probe.errors), []);
    });
  });
}

test("server rendering: both composables give null whatever the client holds", async () => {
  const { render, createAuth, posAuth } = await import(pathToFileURL(path.join(app, "ssr.mjs")).href);
  const base = (await newTenant(emulator.url, "vue-ssr")).portos;
  const client = new posAuth.AuthClient({ baseUrl: base, storage: "memory", autoRefresh: false });
  await client.login(USER);
  assert.equal(client.session().user.name, NAME);
  assert.equal(await render(createAuth(client)), "<p>null null</p>");
  // A relative baseUrl has no page to resolve against here: no client is made.
  assert.equal(await render(createAuth({ baseUrl: "/portos" })), "<p>null null</p>");
  // The default client before configure(): no not_configured, since it is not called.
  assert.equal(await render(undefined), "<p>null null</p>");
  posAuth.configure({ baseUrl: base, storage: "memory", autoRefresh: false });
  await posAuth.login(USER);
  assert.equal(await render(undefined), "<p>null null</p>");
  await posAuth.logout();
  client.dispose();
});

test("pos-auth alone needs no Vue: it loads where Vue is not installed", () => {
  assertLoadsWithout(app, "pos-auth/vue", "vue");
});
