// client.fetch's fast path reads a string URL without the URL parser, so its
// test must use the parser it stands in for: the browser's. Two checks, in
// Chromium against the emulator, on a page of the emulator's origin (so that
// relative URLs can fall under the base):
// - every request the page sends with an Authorization header goes under the
//   base, for URLs built to look as if they do (dot segments, escaped dots,
//   backslashes, tabs, a longer path segment, protocol-relative);
// - `plainUrl`, over thousands of generated strings, only ever accepts one
//   that the browser's parser resolves under the base, to the same URL.
import { test } from "node:test";
import assert from "node:assert/strict";
import { emulatorAndBrowser } from "./harness.mjs";
import { newTenant } from "../support/emulator.mjs";

const env = emulatorAndBrowser();

// Appended to the base, absolute and relative: each is read by the URL
// parser as leaving it, or as a path that only looks like it.
const TRICKS = [
  "/../x", "/%2e%2e/x", "/.%2E/x", "/%2E./x", "/..\\x", "/.\t./x", "/./../x", "/a/../../x",
  "/..", "/..?q", "/..#f", "/%2e%2e?q", "/a/%2e%2e/%2e%2e/x", "\\..\\x", "x/y", "%2fx", "/..%2fx",
  "/.\n./x", "/..%09/x", "/a/..\\..\\x", "//x", "/;/../x",
];

test("client.fetch sends the token only under the base, for URLs that only look under it", async () => {
  const tenant = await newTenant(env.emulator.url, "urls");
  const page = await env.browser.newPage();
  await page.goto(`${env.emulator.url}/`);
  const origin = env.emulator.url;
  const basePath = new URL(tenant.portos).pathname;
  const sent = [];
  page.on("request", (r) => sent.push(r));
  const inputs = [...TRICKS.map((t) => origin + basePath + t), ...TRICKS.map((t) => basePath + t), `${origin}${basePath}/api/auth`, `${basePath}/api/auth`];
  const outcomes = await page.evaluate(async ({ base, inputs }) => {
    const m = await import("/pkg/index.js");
    const client = new m.AuthClient({ baseUrl: base, storage: "memory" });
    await client.login({ userName: "999", password: "1234", deviceName: "P01" });
    const out = [];
    for (const input of inputs) {
      try {
        out.push((await client.fetch(input)).status);
      } catch (e) {
        out.push(String(e));
      }
    }
    client.dispose();
    return out;
  }, { base: origin + basePath, inputs });
  assert.equal(outcomes.at(-1), 200, "a relative URL under the base carries the token");
  assert.equal(outcomes.at(-2), 200, "an absolute URL under the base carries the token");
  let authorised = 0;
  for (const r of sent) {
    const auth = (await r.allHeaders()).authorization;
    if (!auth) continue;
    authorised++;
    const { pathname } = new URL(r.url());
    assert.ok(pathname === basePath || pathname.startsWith(basePath + "/"), `token sent to ${r.url()}`);
  }
  // the two /api/auth calls, and the tricks that stay under the base
  assert.ok(authorised >= 2, `${authorised} authorised requests`);
  await page.close();
});

test("plainUrl accepts only strings the browser's parser puts under the base", async () => {
  const page = await env.browser.newPage();
  await page.goto(`${env.emulator.url}/`);
  const result = await page.evaluate(async ({ tricks }) => {
    const glue = await (await fetch("/pkg/pos_auth.js")).text();
    const { makeGate, plainUrl } = await import("/pkg/" + glue.match(/snippets\/[^'"]+\/fetch\.js/)[0]);
    const pieces = ["/", ".", "..", "%2e", "%2E", "%2f", "\\", "\t", "\n", " ", "?", "#", "a", "%", "@", ":", ";", "portos", "é", "..;"];
    let seed = 7;
    const pick = (xs) => xs[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % xs.length];
    const bases = [[location.origin, "/t/x/portos"], [location.origin, ""], ["http://127.0.0.1:1", "/p"]];
    const bad = [];
    let accepted = 0;
    for (const [origin, path] of bases) {
      const gate = makeGate(null, origin, path, []);
      const under = (u) => u.origin === origin && (u.pathname === path || u.pathname.startsWith(path + "/"));
      const candidates = [...tricks];
      for (let i = 0; i < 4000; i++) {
        let s = "";
        for (let n = 1 + (i % 6); n > 0; n--) s += pick(pieces);
        candidates.push(s);
      }
      for (const tail of candidates) {
        for (const input of [origin + path + tail, path + tail, origin + path + "/" + tail, path + "/" + tail]) {
          const plain = plainUrl(gate, input);
          if (plain === undefined) continue;
          accepted++;
          let u;
          try {
            u = new URL(input, location.href);
          } catch {
            bad.push(`${input}: accepted, but the parser throws`);
            continue;
          }
          if (!under(u) || new URL(plain).href !== u.href) bad.push(`${JSON.stringify(input)} → ${plain}, parsed ${u.href}`);
        }
      }
    }
    return { bad: bad.slice(0, 10), accepted };
  }, { tricks: TRICKS });
  assert.deepEqual(result.bad, []);
  assert.ok(result.accepted > 1000, `only ${result.accepted} strings took the fast path`);
  await page.close();
});
