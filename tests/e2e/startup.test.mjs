// What a client does while it is constructed, in a fresh page: asking Intl
// about a time zone loads that zone's data (20-50 ms in a fresh page, most of
// the start-up `make bench` measures), so only a zone the page chose is
// checked then; the default is not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { emulatorAndBrowser } from "./harness.mjs";

const env = emulatorAndBrowser();

test("the default serverTimeZone costs no Intl call at construction; a chosen one is checked", async () => {
  const page = await env.browser.newPage();
  // Counts every Intl.DateTimeFormat made, from before any page script.
  await page.addInitScript(() => {
    const Original = Intl.DateTimeFormat;
    window.formatsMade = 0;
    Intl.DateTimeFormat = new Proxy(Original, {
      construct(target, args) {
        window.formatsMade++;
        return Reflect.construct(target, args);
      },
    });
  });
  await page.goto(`${env.emulator.url}/`);
  const made = await page.evaluate(async (origin) => {
    const { AuthClient, AuthError } = await import("/pkg/index.js");
    const counts = {};
    new AuthClient({ baseUrl: `${origin}/portos`, storage: "memory" }).dispose();
    counts.portosDefault = window.formatsMade;
    new AuthClient({ baseUrl: `${origin}/cashdesk`, backend: "cashdesk", storage: "memory" }).dispose();
    counts.cashdeskDefault = window.formatsMade;
    new AuthClient({ baseUrl: `${origin}/cashdesk`, backend: "cashdesk", storage: "memory", serverTimeZone: "America/New_York" }).dispose();
    counts.chosen = window.formatsMade;
    try {
      new AuthClient({ baseUrl: `${origin}/cashdesk`, backend: "cashdesk", serverTimeZone: "Mars/Olympus" });
      counts.invalid = "accepted";
    } catch (e) {
      counts.invalid = e instanceof AuthError ? e.code : String(e);
    }
    return counts;
  }, env.emulator.url);
  assert.equal(made.portosDefault, 0, "a PORTOS client with the default zone made an Intl.DateTimeFormat");
  assert.equal(made.cashdeskDefault, 0, "a CashDesk client with the default zone made an Intl.DateTimeFormat");
  assert.ok(made.chosen > 0, "a chosen zone was not checked");
  assert.equal(made.invalid, "invalid_argument");
  await page.close();
});
