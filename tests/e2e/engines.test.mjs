// The essentials in the two other engines: the demo page signs in to each
// back end, and duplicated tabs share one session, in Firefox ESR
// (puppeteer-core over WebDriver BiDi) and WebKitGTK, Safari's engine
// (webdriverio over WebKitWebDriver, under Xvfb: it has no headless mode).
// Chromium runs the same and more in demo.test.mjs and tabs.test.mjs.
//
// Playwright drives neither here. Firefox throttles timers of background
// tabs to 1 s, so a duplicate opens as a window of its own.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { firefox, webkit } from "./drivers.mjs";
import { assertSharedSession, tabClient } from "./harness.mjs";
import { newTenant, useEmulator } from "../support/emulator.mjs";
import { eventually } from "../support/wait.mjs";

const BACKENDS = [
  { backend: "portos", name: "Majiteľ", fields: { "user-name": "999", password: "1234", device: "P01" } },
  { backend: "cashdesk", name: "Коваленко Олена Петрівна", fields: { email: "cashier@example.com", password: "secret" } },
  { backend: "metadefender", name: "Administrator", fields: { "user-name": "admin", password: "AdminPassword" } },
];

for (const [engine, launch] of [["Firefox", firefox], ["WebKit", webkit]]) {
  describe(engine, { timeout: 120_000 }, () => {
    const emulator = useEmulator({ before, after });
    let browser;
    before(async () => {
      browser = await launch();
    });
    after(() => browser?.close());

    // The demo page imports the package itself when it boots. In WebKit a
    // dynamic import() of the package while that first import is still
    // evaluating (its top-level await on the wasm) resolved at once, before
    // the wasm was ready, about six times in eight: every test here waits for
    // the demo to have booted first. (A finding for issue 11: it can bite a
    // page that imports the package from two places at once.)
    const booted = (page) =>
      eventually("the demo to boot", () => page.run(() => document.getElementById("boot")?.hidden === true));

    for (const { backend, name, fields } of BACKENDS) {
      test(`the demo signs in to ${backend}`, async () => {
        const { root } = await newTenant(emulator.url, `engines-${backend}`, { tokenLifetime: 600 });
        const page = await browser.open(`${emulator.url}/`);
        // Booted: the package loaded and the login view replaced the boot message.
        await eventually("the login form", () =>
          page.run(() => document.getElementById("boot")?.hidden === true && document.getElementById("login-view")?.hidden === false));
        // The fields a person fills, then Enter (the form's submit).
        const shown = await page.run(({ backend, server, fields }) => {
          const set = (id, value, type = "input") => {
            const el = document.getElementById(id);
            el.value = value;
            el.dispatchEvent(new Event(type, { bubbles: true }));
          };
          set("backend", backend, "change");
          document.getElementById("advanced").open = true;
          set("server", server);
          for (const [id, value] of Object.entries(fields)) set(id, value);
          document.getElementById("login-form").requestSubmit();
          return document.getElementById("backend").value;
        }, { backend, server: `${root}/${backend}`, fields });
        assert.equal(shown, backend);
        const profileName = await eventually(`${name} signed in`, () =>
          page.run((expected) => {
            const el = document.querySelector("#profile-name");
            return el && el.textContent === expected && el.textContent;
          }, name));
        assert.equal(profileName, name);
        const stored = await page.run(() => Object.keys(sessionStorage).some((k) => sessionStorage.getItem(k)?.includes('"v":2')));
        assert.ok(stored, "the session record is in sessionStorage");
      });
    }

    test("methods work detached; accessToken refreshes first inside minValidity", async () => {
      const tenant = await newTenant(emulator.url, "engines-detached", { tokenLifetime: 600 });
      const base = tenant.root;
      const page = await browser.open(`${emulator.url}/`);
      await booted(page);
      const seen = await page.run(async (base) => {
        const m = await import("/pkg/index.js");
        const client = new m.AuthClient({ baseUrl: `${base}/portos`, storage: "memory" });
        // Handed over as values, as openapi-fetch or useSyncExternalStore take them.
        const { login, fetch, session, onChange, accessToken, dispose } = client;
        const events = [];
        const stop = onChange((e) => events.push(e.type));
        const signedIn = await login({ userName: "999", password: "1234", deviceName: "P01" });
        const profile = await fetch(`${base}/portos/api/auth`);
        const same = (await accessToken()) === signedIn.accessToken && session() === session();
        const rotated = await accessToken({ minValidity: 3600 });
        stop();
        dispose();
        return { status: profile.status, same, rotated: rotated !== signedIn.accessToken, events };
      }, base);
      assert.deepEqual(seen, { status: 200, same: true, rotated: true, events: ["initial", "signedIn", "refreshed"] });
      assert.equal(await tenant.refreshes(), 1);
    });

    test("duplicated tabs refresh once per rotation and sign out together", async () => {
      const tenant = await newTenant(emulator.url, "engines-tabs", { tokenLifetime: 4 });
      const signedInAt = Date.now();
      const first = await browser.open(`${emulator.url}/`);
      const setUp = async (page, login) => {
        await booted(page);
        return page.run(tabClient, { base: tenant.root, login });
      };
      const original = await setUp(first, true);
      const second = await first.duplicate();
      assert.equal(await setUp(second, false), original, "the duplicate restores the same session");

      // Tokens live 3–4 s and refresh at half-life: a rotation every 1.5–2 s.
      await new Promise((r) => setTimeout(r, 5000));
      const read = () => Promise.all([first, second].map((p) => p.run(() => window.client.session()?.accessToken)));
      await assertSharedSession(tenant, signedInAt, read);

      await first.run(() => window.client.logout());
      await eventually("the duplicate to sign out", () => second.run(() => window.client.session() === null), { timeout: 3000 });
      assert.ok(await second.run(() => window.events.includes("signedOut")));
    });
  });
}
