// pos-auth/react in a React 19 app (react-app/, no JSX) built by Vite from the
// packed tarball and rendered under <StrictMode> in Chromium, Firefox and
// WebKit, against the emulator; plus server rendering and a React-less
// install in Node.
//
// Two builds of the same app: production (what ships: exactly one render and
// one commit per change) and development (where StrictMode is active: every
// render twice, and subscribe, unsubscribe, subscribe again at mount).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "vite";
import { chromium, firefox, webkit } from "./drivers.mjs";
import { assertLoadsWithout, installPackedPackage, repo } from "./harness.mjs";
import { newTenant, useEmulator } from "../support/emulator.mjs";
import { eventually } from "../support/wait.mjs";

const out = path.join(repo, "tests/e2e/out");
const app = path.join(out, "react-app");
const www = path.join(out, "react-www");
const MODES = ["production", "development"];
const USER = { userName: "999", password: "1234", deviceName: "P01" };
const NAME = "Majiteľ";

before(async () => {
  rmSync(app, { recursive: true, force: true });
  rmSync(www, { recursive: true, force: true });
  cpSync(path.join(repo, "tests/e2e/react-app"), app, { recursive: true });
  installPackedPackage(app);
  for (const mode of MODES) {
    await build({
      root: app,
      base: "./",
      mode,
      logLevel: "silent",
      // Vite builds React's production code unless told otherwise.
      define: { "process.env.NODE_ENV": JSON.stringify(mode) },
      build: { outDir: path.join(www, mode), emptyOutDir: true, minify: mode === "production" },
    });
  }
});
// Started after the builds above, which it serves.
const emulator = useEmulator({ before, after }, { www });

const until = (page, what, fn, arg, timeout) => eventually(what, () => page.run(fn, arg), { timeout });

/** Signs in, waits for a background refresh, signs out, then has the server revoke the session. */
async function sessionLifecycle(page, tenant) {
  await page.run((base) => window.probe.start(base), tenant.portos);
  await until(page, "both probes to render null before sign-in", () =>
    window.probe.text("session") === "null" && window.probe.text("event") === "null");

  const login = (user) => window.probe.client.login(user).then((s) => s.accessToken);
  const shows = ([name, type]) => {
    const { client, text, describeSession } = window.probe;
    const s = client.session();
    return text("session") === describeSession(s) && (s === null || s.user.name === name) && text("event") === type;
  };
  const first = await page.run(login, USER);
  await until(page, "the user's name and signedIn", shows, [NAME, "signedIn"]);

  // 4 s tokens refresh at half-life, about 2 s after sign-in.
  await until(page, "a background refresh to render its new token", shows, [NAME, "refreshed"], 8000);
  assert.notEqual(await page.run(() => window.probe.client.session().accessToken), first);

  await page.run(() => window.probe.client.logout());
  await until(page, "null and signedOut after logout", shows, [NAME, "signedOut"]);

  await page.run(login, USER);
  await until(page, "signedIn again", shows, [NAME, "signedIn"]);
  await tenant.control("POST", "revoke");
  const code = await page.run(() => window.probe.client.refresh().then(() => "refreshed", (e) => e.code));
  assert.equal(code, "session_expired");
  await until(page, "null and expired with its error", shows, [NAME, "expired:session_expired"]);
}

/** Every commit showed the next session (or event), and rendered nothing more. */
async function assertRenders(page, dev) {
  const { stats, seen, listeners } = await page.run(() => {
    const { stats, seen, listeners } = window.probe;
    return { stats, seen, listeners };
  });
  // StrictMode runs a mount's layout effects twice: one commit more, same value.
  const again = dev ? ["null"] : [];
  assert.deepEqual(stats.session.shown, [...again, ...seen.sessions], "one commit per session change");
  assert.deepEqual(stats.event.shown, [...again, ...seen.events], "one commit per event");
  // StrictMode calls every render twice.
  for (const { renders, commits } of [stats.session, stats.event]) {
    assert.equal(renders, (dev ? 2 : 1) * (commits - again.length), "one render per commit");
  }
  // One listener per hook; StrictMode's extra mount subscribes and unsubscribes once more.
  assert.deepEqual({ subscribed: listeners.subscribed, live: listeners.live }, { subscribed: dev ? 4 : 2, live: 2 });
  return { sessions: seen.sessions.length - 1, events: seen.events.length - 1, stats };
}

/**
 * An <Activity> hidden: React unsubscribes. Shown again: it resubscribes, the
 * session probe catches up and the event probe starts again at null (it
 * missed the sign-in).
 */
async function hiddenByActivity(page) {
  await page.run(() => window.probe.root.hide());
  await until(page, "no listener while hidden", () => window.probe.listeners.live === 0);
  const token = await page.run((user) => window.probe.client.login(user).then((s) => s.accessToken), USER);
  assert.ok(await page.run(() => window.probe.text("session") === "null"), "a hidden probe does not follow");
  await page.run(() => window.probe.root.show());
  await until(page, "the session, and no event, once shown", (token) => {
    const { text, describeSession, client, listeners } = window.probe;
    return client.session().accessToken === token && text("session") === describeSession(client.session()) &&
      text("event") === "null" && listeners.live === 2;
  }, token);
}

/** Given another client, the probes leave the first and follow the second from null. */
async function anotherClient(page, tenant) {
  await page.run((base) => window.probe.switchClient(base), tenant.portos);
  await until(page, "null from the other client", () => {
    const { text, listeners, previous } = window.probe;
    return text("session") === "null" && text("event") === "null" && listeners.live === 2 && previous.listeners.live === 0;
  });
  const session = await page.run((user) => window.probe.client.login(user).then(window.probe.describeSession), USER);
  await until(page, "the other client's session", (session) =>
    window.probe.text("session") === session && window.probe.text("event") === "signedIn", session);
  await page.run(() => window.probe.previous.client.logout());
}

/** After unmount no listener is left: changes reach neither the hooks nor the probes. */
async function assertUnmountedStayStill(page) {
  await page.run(() => window.probe.root.unmount());
  const frozen = await page.run(() => ({ stats: window.probe.stats, listeners: window.probe.listeners, events: window.probe.seen.events.length }));
  assert.equal(frozen.listeners.live, 0, "every subscription was unsubscribed");
  await page.run(async (user) => {
    const { client } = window.probe;
    await client.refresh();
    await client.logout();
    await client.login(user);
    await client.logout();
  }, USER);
  const later = await page.run(() => ({ stats: window.probe.stats, listeners: window.probe.listeners, events: window.probe.seen.events.length }));
  assert.equal(later.events, frozen.events + 4, "the session went on changing");
  assert.deepEqual(later.stats, frozen.stats);
  assert.deepEqual(later.listeners, frozen.listeners);
}

/** The hooks without an argument follow the default client, across configure(). */
async function defaultClient(page, tenant) {
  // Before configure(): not_configured, thrown during render.
  await page.run(() => window.probe.startDefault());
  await until(page, "not_configured", () => window.probe.errors.includes("not_configured"));
  await page.run(() => {
    window.probe.defaultRoot.unmount();
    window.probe.errors.length = 0;
  });

  const base = tenant.portos;
  await page.run((base) => window.probe.configure(base), base);
  await page.run(() => window.probe.startDefault());
  const shows = ([session, event]) =>
    window.probe.text("default-session") === session && window.probe.text("default-event") === event;
  await until(page, "null from the default client", shows, ["null", "null"]);
  const login = (user) => window.probe.login(user).then(window.probe.describeSession);
  const session = await page.run(login, USER);
  assert.match(session, new RegExp(`^${NAME} `));
  await until(page, "the default client's session", shows, [session, "signedIn"]);
  // A new default client (memory storage: no session) resets both hooks.
  await page.run((base) => window.probe.configure(base), base);
  await until(page, "null after configure()", shows, ["null", "null"]);
  await until(page, "the new default client's session", shows, [await page.run(login, USER), "signedIn"]);
  await page.run(() => window.probe.logout());
  await until(page, "signedOut from the default client", shows, ["null", "signedOut"]);
  await page.run(() => window.probe.defaultRoot.unmount());
}

/** A change that reaches a new subscription before its `initial` greeting is kept. */
async function changeBeforeGreeting(page) {
  await page.run(() => window.probe.startRacer());
  await until(page, "the change, not the stale greeting", () => window.probe.text("racer") === "refreshed", undefined, 2000);
  await page.run(() => window.probe.racerRoot.unmount());
}

for (const [engine, launch] of [["Chromium", chromium], ["Firefox", firefox], ["WebKit", webkit]]) {
  describe(engine, { timeout: 60_000 }, () => {
    let browser;
    before(async () => {
      browser = await launch();
    });
    after(() => browser?.close());

    for (const mode of MODES) {
      test(`${mode} build under StrictMode: session, events, renders, unmount, default client`, async (t) => {
        const page = await browser.open(`${emulator.url}/${mode}/`);
        await until(page, "the app to load", () => typeof window.probe === "object");
        assert.equal(await page.run(() => window.probe.mode), mode);
        // 4 s tokens: a background refresh about 2 s after sign-in.
        const tenant = await newTenant(emulator.url, `react-${engine}-${mode}`, { tokenLifetime: 4 });

        await sessionLifecycle(page, tenant);
        const { sessions, events, stats } = await assertRenders(page, mode === "development");
        t.diagnostic(`${sessions} session changes, ${events} events; renders/commits: ` +
          `session ${stats.session.renders}/${stats.session.commits}, event ${stats.event.renders}/${stats.event.commits}`);
        await hiddenByActivity(page);
        await anotherClient(page, tenant);
        await assertUnmountedStayStill(page);
        await defaultClient(page, tenant);
        await changeBeforeGreeting(page);
        assert.deepEqual(await page.run(() => window.probe.errors), []);
      });
    }
  });
}

test("server rendering: both hooks give null whatever the client holds", async () => {
  const { render, posAuth } = await import(pathToFileURL(path.join(app, "ssr.mjs")).href);
  const base = (await newTenant(emulator.url, "react-ssr", { tokenLifetime: 4 })).portos;
  const client = new posAuth.AuthClient({ baseUrl: base, storage: "memory", autoRefresh: false });
  await client.login(USER);
  assert.equal(client.session().user.name, NAME);
  assert.equal(render(client), "<p>null null</p>");
  // The default client before configure(): the server snapshot, no not_configured.
  assert.equal(render(undefined), "<p>null null</p>");
  posAuth.configure({ baseUrl: base, storage: "memory", autoRefresh: false });
  await posAuth.login(USER);
  assert.equal(render(undefined), "<p>null null</p>");
  await posAuth.logout();
  client.dispose();
});

test("pos-auth alone needs no React: it loads where React is not installed", () => {
  assertLoadsWithout(app, "pos-auth/react", "react");
});
