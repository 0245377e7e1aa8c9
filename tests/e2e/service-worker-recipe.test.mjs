// The recipe "A service worker that adds the bearer (PWA)" (docs/recipes.md),
// run as written in Chromium: its two blocks become /sw.js and the page's
// module, with only the package path and the tenant's baseUrl put in. The
// page signs in; plain fetch() calls under baseUrl then reach the back end
// with the page's current token, and nothing else gets one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repo, emulatorAndBrowser } from "./harness.mjs";
import { newTenant } from "../support/emulator.mjs";

const www = path.join(repo, "tests/e2e/out/service-worker-recipe");
const PORTOS_USER = { userName: "999", password: "1234", deviceName: "P01" };

/** The recipe's blocks, by their first line: `// sw.js` and `// page`. */
function recipe() {
  const page = readFileSync(path.join(repo, "docs/recipes.md"), "utf8");
  const section = page.split(/^## /m).find((s) => s.startsWith("A service worker that adds the bearer (PWA)\n"));
  const blocks = [...(section ?? "").matchAll(/^```js\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  const sw = blocks.find((b) => b.startsWith("// sw.js\n"));
  const pageModule = blocks.find((b) => b.startsWith("// page\n"));
  assert.ok(sw && pageModule, "docs/recipes.md has the sw.js and page blocks under its service worker section");
  return { sw, pageModule };
}

const env = emulatorAndBrowser([], { www });
mkdirSync(www, { recursive: true }); // served from the emulator's start; filled by setUp()
let tenant;

/** The tenant, and the recipe's files for it. */
async function setUp() {
  tenant = await newTenant(env.emulator.url, "service-worker-recipe", { tokenLifetime: 600 });
  const tenantPath = new URL(tenant.portos).pathname; // /t/<name>/portos
  const { sw, pageModule } = recipe();
  const swText = sw.replace('new URL("/portos/"', `new URL(${JSON.stringify(tenantPath + "/")}`);
  const pageText = pageModule
    .replace('from "pos-auth"', 'from "/pkg/index.js"')
    .replace('baseUrl: "/portos"', `baseUrl: ${JSON.stringify(tenantPath)}`);
  assert.notEqual(swText, sw, "the recipe's service worker names its API as new URL(\"/portos/\", …)");
  assert.notEqual(pageText, pageModule, "the recipe's page imports pos-auth and uses baseUrl \"/portos\"");
  writeFileSync(path.join(www, "sw.js"), swText);
  writeFileSync(path.join(www, "page.js"), pageText);
  writeFileSync(path.join(www, "index.html"), `<!doctype html><title>till</title>
    <script type="module">import { client } from "/page.js"; window.client = client;</script>`);
}

test("the service worker recipe: fetch() under baseUrl carries the page's token, nothing else does", async (t) => {
  await setUp();
  const page = await env.browser.newPage();
  try {
    await page.goto(`${env.emulator.url}/index.html`);
    await page.waitForFunction(() => window.client && navigator.serviceWorker.controller, null, { timeout: 10_000 });
    const status = (url) => page.evaluate((url) => fetch(url).then((r) => r.status), url);
    const sent = async (route) => (await tenant.requests("GET", route)).at(-1)?.headers.authorization ?? null;

    await t.test("not signed in: the request goes without a bearer, and the server says 401", async () => {
      assert.equal(await status(`${tenant.portos}/api/auth`), 401);
      assert.equal(await sent("/portos/api/auth"), null);
    });

    await page.evaluate((user) => window.client.login(user), PORTOS_USER);
    const token = () => page.evaluate(() => window.client.session().accessToken);

    await t.test("signed in: a plain fetch() under baseUrl carries the page's token", async () => {
      assert.equal(await status(`${tenant.portos}/api/auth`), 200);
      assert.equal(await sent("/portos/api/auth"), `Bearer ${await token()}`);
    });

    await t.test("after a refresh, the new token", async () => {
      const before = await token();
      await page.evaluate(() => window.client.refresh());
      assert.notEqual(await token(), before);
      assert.equal(await status(`${tenant.portos}/api/auth`), 200);
      assert.equal(await sent("/portos/api/auth"), `Bearer ${await token()}`);
    });

    await t.test("outside baseUrl: no bearer", async () => {
      await status(`${tenant.root}/cashdesk/elsewhere`);
      assert.equal(await sent("/cashdesk/elsewhere"), null);
    });

    await t.test("a request with its own Authorization header passes untouched", async () => {
      await page.evaluate((url) => fetch(url, { headers: { Authorization: "Bearer mine" } }), `${tenant.portos}/api/auth`);
      assert.equal(await sent("/portos/api/auth"), "Bearer mine");
    });
  } finally {
    await page.close();
  }
});
