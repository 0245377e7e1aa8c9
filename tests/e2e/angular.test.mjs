// The package in an Angular app's zone (zone.js, Angular's NgZone), in
// Chromium. Angular calls an app stable when its zone has no macrotask
// pending, and waits for that before it registers a service worker, finishes
// hydration or lets `whenStable()` in a test go on. A refresh timer armed in
// Angular's zone for the whole session would keep the app unstable for as
// long as someone is signed in. The client arms its timers outside Angular's
// zone (as `runOutsideAngular` would) and calls listeners in the zone they
// subscribed from, so that Angular sees what they change.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as esbuild from "esbuild";
import { repo, emulatorAndBrowser } from "./harness.mjs";
import { newTenant } from "../support/emulator.mjs";

const out = path.join(repo, "tests/e2e/out/angular");
const www = path.join(out, "www");
const PORTOS_USER = { userName: "999", password: "1234", deviceName: "P01" };

// The page's scripts are written and bundled before the emulator that serves them starts.
before(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(www, { recursive: true });
  writeFileSync(path.join(www, "blank.html"), "<!doctype html><title>angular zone</title>");
  // zone.js patches the page first, as Angular's polyfills do; NgZone is
  // Angular's own class, used without the rest of an app.
  writeFileSync(path.join(out, "entry.js"), 'import "zone.js";\nimport { NgZone } from "@angular/core";\nglobalThis.NgZone = NgZone;\n');
  await esbuild.build({
    entryPoints: [path.join(out, "entry.js")],
    bundle: true,
    format: "iife",
    outfile: path.join(www, "angular.js"),
    nodePaths: [path.join(repo, "tests/node_modules")],
    logLevel: "error",
  });
});
const env = emulatorAndBrowser([], { www });

test("signed in inside NgZone: the app is stable, and listeners run in Angular's zone", async () => {
  // 4 s tokens: a background refresh about 2 s after sign-in.
  const { root: base } = await newTenant(env.emulator.url, "angular", { tokenLifetime: 4 });
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.emulator.url}/blank.html`);
    await page.addScriptTag({ url: "/angular.js" });
    const r = await page.evaluate(async ({ base, user }) => {
      const zone = new NgZone({ enableLongStackTrace: false });
      const { AuthClient } = await import("/pkg/index.js");
      const events = [];
      let refreshed;
      const refreshedOnce = new Promise((resolve) => (refreshed = resolve));
      const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
      const client = await zone.run(async () => {
        const c = new AuthClient({ baseUrl: `${base}/portos` });
        c.onChange((e) => {
          events.push({ type: e.type, inAngularZone: NgZone.isInAngularZone() });
          if (e.type === "refreshed") refreshed();
        });
        await c.login(user);
        return c;
      });
      await settle();
      const afterLogin = { stable: zone.isStable, pendingMacrotasks: zone.hasPendingMacrotasks };
      const inTime = await Promise.race([refreshedOnce.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 8000))]);
      await settle();
      const afterRefresh = { stable: zone.isStable, pendingMacrotasks: zone.hasPendingMacrotasks };
      // accessToken() from inside the zone also settles back to stable.
      const token = await zone.run(() => client.accessToken());
      await settle();
      const afterAccessToken = { stable: zone.isStable, pendingMacrotasks: zone.hasPendingMacrotasks };
      client.dispose();
      return { afterLogin, refreshedInTime: inTime, afterRefresh, afterAccessToken, token: typeof token, events };
    }, { base, user: PORTOS_USER });
    const stable = { stable: true, pendingMacrotasks: false };
    assert.deepEqual(r.afterLogin, stable, "signed in, the Angular zone has nothing pending");
    assert.equal(r.refreshedInTime, true, "the timer armed outside Angular's zone still refreshes");
    assert.deepEqual(r.afterRefresh, stable, "after a background refresh");
    assert.deepEqual(r.afterAccessToken, stable, "after accessToken()");
    assert.equal(r.token, "string");
    const seen = r.events.map((e) => e.type);
    for (const type of ["initial", "signedIn", "refreshed"]) assert.ok(seen.includes(type), `${type} in ${seen}`);
    assert.deepEqual(r.events.filter((e) => !e.inAngularZone), [], "every listener call ran in Angular's zone");
  } finally {
    await page.close();
  }
});

test("a page's own Zone global that is not zone.js, or throws, changes nothing", async () => {
  const { root: base } = await newTenant(env.emulator.url, "not-zone", { tokenLifetime: 4 });
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.emulator.url}/blank.html`);
    const r = await page.evaluate(async ({ base, user }) => {
      const { AuthClient } = await import("/pkg/index.js");
      const zones = {
        "current throws": { get current() { throw new Error("no"); } },
        "Angular's zone whose parent throws": { current: { get: () => true, get parent() { throw 7; }, wrap() { throw "no"; } } },
        "wrap gives a number": { current: { get: () => false, wrap: () => 42 } },
      };
      const results = {};
      for (const [what, zone] of Object.entries(zones)) {
        globalThis.Zone = zone;
        const types = [];
        let refreshed;
        const refreshedOnce = new Promise((resolve) => (refreshed = resolve));
        try {
          const client = new AuthClient({ baseUrl: `${base}/portos` });
          client.onChange((e) => {
            types.push(e.type);
            if (e.type === "refreshed") refreshed();
          });
          await client.login(user);
          const inTime = await Promise.race([refreshedOnce.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 8000))]);
          client.dispose();
          results[what] = { refreshedInTime: inTime, types };
        } catch (e) {
          results[what] = { error: String(e?.stack ?? e) };
        }
      }
      delete globalThis.Zone;
      return results;
    }, { base, user: PORTOS_USER });
    for (const [what, result] of Object.entries(r)) {
      assert.equal(result.refreshedInTime, true, `${what}: ${JSON.stringify(result)}`);
      for (const type of ["initial", "signedIn", "refreshed"]) assert.ok(result.types.includes(type), `${what}: ${type} in ${result.types}`);
    }
  } finally {
    await page.close();
  }
});
