// Shared by the jsdom and happy-dom suites: the five checks a front-end
// team's own Vitest run depends on, against the emulator (support/emulator.mjs,
// whose control calls bypass the environment's fetch).
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { newTenant, useEmulator } from "../support/emulator.mjs";

/** The page URL both environments are given (vitest.config.mjs). */
export const PAGE_URL = "http://localhost:3000/";

const CREDENTIALS = { userName: "999", password: "1234", deviceName: "P01" };

// Taken before any test can install fake timers: waiting for real I/O must
// use the real clock.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const sleep = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));

/** The package, imported once per file; a failing import fails every test that needs it. */
let imported;
const loadPackage = () => (imported ??= import("../../pkg/index.js"));

/** Resolves with the client's first event of `type`; rejects after `ms` of real time. */
function nextEvent(client, type, ms) {
  return new Promise((resolve, reject) => {
    const timer = realSetTimeout(() => {
      unsubscribe();
      reject(new Error(`no "${type}" event within ${ms} ms`));
    }, ms);
    const unsubscribe = client.onChange((event) => {
      if (event.type !== type) return;
      realClearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
  });
}

const mentionsStorage = (args) => args.some((arg) => /storage/i.test(String(arg)));

/**
 * The suite for one DOM environment. `userAgentMark` is what the
 * environment's navigator.userAgent must contain, so that a misconfigured
 * project cannot pass while testing something else.
 */
export function environmentSuite(environment, userAgentMark) {
  describe(`pos-auth under ${environment}`, () => {
    const emulator = useEmulator({ before: beforeAll, after: afterAll });
    const clients = [];
    const track = (client) => (clients.push(client), client);
    let warn;

    beforeAll(() => {
      expect(navigator.userAgent).toContain(userAgentMark);
      expect(location.href).toBe(PAGE_URL);
      expect(globalThis.sessionStorage, "the environment provides sessionStorage").toBeTruthy();
    });

    beforeEach(() => {
      sessionStorage.clear();
      warn = vi.spyOn(console, "warn");
    });

    afterEach(() => {
      // Disposed while the fake timers (if any) are still installed: their
      // timer ids belong to the fake clock.
      for (const client of clients.splice(0)) client.dispose();
      vi.useRealTimers();
      vi.restoreAllMocks();
      sessionStorage.clear();
    });

    test("imports", async () => {
      const { AuthClient, AuthError } = await loadPackage();
      expect(new AuthError("network")).toBeInstanceOf(Error);
      // The import succeeds even where the wasm cannot load; only a working
      // constructor (not AuthError "unsupported") shows that it loaded here.
      track(new AuthClient({ baseUrl: "http://localhost:9/portos", storage: "memory" }));
    });

    test("signs in with storage \"session\": the record is in sessionStorage, no storage warning", async () => {
      const { AuthClient } = await loadPackage();
      const t = await newTenant(emulator.url, "signin");
      const client = track(new AuthClient({ baseUrl: t.portos }));
      const session = await client.login(CREDENTIALS);
      expect(session.user.userName).toBe("999");
      // Soft: a failing storage shows both its symptoms in one run.
      const record = globalThis.sessionStorage.getItem("pos-auth");
      expect.soft(record, 'sessionStorage["pos-auth"] after login').not.toBeNull();
      if (record !== null) expect.soft(() => JSON.parse(record), "the record is JSON").not.toThrow();
      expect.soft(warn.mock.calls.filter(mentionsStorage), "console.warn about storage").toEqual([]);
    });

    test("restores the session from sessionStorage without a request", async () => {
      const { AuthClient } = await loadPackage();
      const t = await newTenant(emulator.url, "restore");
      const options = { baseUrl: t.portos };
      const first = track(new AuthClient(options));
      await first.login(CREDENTIALS);
      await t.resetCounts();

      const second = track(new AuthClient(options));
      expect(second.session()?.accessToken, "restored token").toBe(first.session().accessToken);
      // Anything the restore would send starts by now.
      await nextEvent(second, "initial", 1000);
      await sleep(100);
      expect(await t.counts(), "requests after the restore").toEqual({});
    });

    test("refreshes in the background before expiry", async () => {
      const { AuthClient } = await loadPackage();
      // 4 s tokens: the margin is half the lifetime, so the refresh is due
      // about 2 s after sign-in.
      const t = await newTenant(emulator.url, "background", { tokenLifetime: 4 });
      const client = track(new AuthClient({ baseUrl: t.portos }));
      const signedIn = await client.login(CREDENTIALS);
      const storedAtSignIn = sessionStorage.getItem("pos-auth");

      let event;
      try {
        event = await nextEvent(client, "refreshed", 6000);
      } catch (error) {
        throw new Error(`${error.message} of sign-in; the emulator counted ${await t.refreshes()} refresh requests`);
      }
      expect(await t.refreshes()).toBeGreaterThanOrEqual(1);
      expect(event.session.accessToken).not.toBe(signedIn.accessToken);
      expect(client.session().accessToken).toBe(event.session.accessToken);
      // The rotated refresh token must reach storage, or a reload would spend the old one.
      expect(sessionStorage.getItem("pos-auth"), "stored record after the refresh").not.toBe(storedAtSignIn);
    });

    // Fake setTimeout/clearTimeout/Date drive the refresh timer; fetch stays
    // real I/O. Sound only because the fake clock stands still whenever a
    // request is in flight: the module's per-request deadline is a (fake)
    // setTimeout too, and advancing the clock across it would fail the
    // request with "timeout" although the emulator answered.
    test("refreshes when fake timers pass the refresh point", async () => {
      const { AuthClient } = await loadPackage();
      const t = await newTenant(emulator.url, "faketimers");
      vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });

      // Default 300 s tokens: real time cannot reach the refresh in this test.
      const client = track(new AuthClient({ baseUrl: t.portos }));
      const signedIn = await client.login(CREDENTIALS);
      const obtainedAt = Date.now(); // the fake clock has not moved since before the login
      const lifetime = signedIn.expiresAt - obtainedAt;
      expect(lifetime, "token lifetime on the fake clock").toBeGreaterThan(290_000);
      const refreshAt = signedIn.expiresAt - Math.min(60_000, lifetime / 2);

      // One second short of the refresh point: nothing goes out.
      await vi.advanceTimersByTimeAsync(refreshAt - 1000 - Date.now());
      await sleep(200);
      expect(await t.refreshes(), "refreshes before the refresh point").toBe(0);

      // Just past it: the timer fires and the refresh goes out over real
      // HTTP. The fake clock ends 100 ms after the refresh point, far inside
      // the request's 10 s deadline, and stands still while the refresh is
      // awaited on the real clock.
      const refreshed = nextEvent(client, "refreshed", 5000);
      await vi.advanceTimersByTimeAsync(1100);
      let event;
      try {
        event = await refreshed;
      } catch (error) {
        throw new Error(`${error.message} after the fake clock passed the refresh point; the emulator counted ${await t.refreshes()} refresh requests`);
      }
      expect(await t.refreshes()).toBe(1);
      expect(event.session.accessToken).not.toBe(signedIn.accessToken);
    });
  });
}
