// The README's recipes (its "Recipes" section), each run as written against
// the emulator: axios (fetch adapter and interceptor), openapi-fetch and
// SignalR in this Node process, Vite's HMR in Chromium; recipes.types.ts
// checks that the same snippets compile in TypeScript. The React lock screen
// recipe has its own file, lock-screen.test.mjs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import axios from "axios";
import createClient from "openapi-fetch";
import { HubConnectionBuilder, LogLevel } from "@microsoft/signalr";
import { createServer } from "vite";
import { AuthClient } from "../../pkg/index.js";
import { installPackedPackage, repo, launchBrowser } from "./harness.mjs";
import { newTenant, useEmulator } from "../support/emulator.mjs";

const PORTOS_USER = { userName: "999", password: "1234", deviceName: "P01" };
const emulator = useEmulator({ before, after });

/** A fresh emulator tenant, optionally with its own config (e.g. short tokens). */
const tenant = (name, config) => newTenant(emulator.url, `recipes-${name}`, config);

/** Whether the PORTOS back end accepts this token right now (GET /api/auth is 200 only with a live one). */
async function accepted(base, token) {
  const res = await fetch(`${base.portos}/api/auth`, { headers: { Authorization: `Bearer ${token}` } });
  return res.status === 200;
}

async function signedInClient(t, base, options = {}) {
  const client = new AuthClient({ baseUrl: base.portos, ...options });
  t.after(() => client.dispose());
  await client.login(PORTOS_USER);
  return client;
}

/**
 * Waits until the token is inside its refresh margin and still valid. With
 * 4 s tokens (`exp` in whole seconds: 3–4 s as this side sees it) the margin
 * is min(60 s, lifetime / 2) ≥ 1.5 s, so 1 s before expiry is inside it. The
 * client must have `autoRefresh: false`, or its timer would refresh right there.
 */
async function intoMargin(client) {
  await sleep(client.session().expiresAt - 1000 - Date.now());
  const left = client.session().expiresAt - Date.now();
  assert.ok(left > 0 && left < 1500, `the token expires in ${left} ms: inside the margin, not expired`);
}

test("axios through its fetch adapter: client.fetch as axios' fetch", async (t) => {
  const base = await tenant("axios-fetch");
  const client = await signedInClient(t, base);
  // The recipe: client.fetch handed over detached, as a value.
  const api = axios.create({ baseURL: base.portos, adapter: "fetch", env: { fetch: client.fetch } });

  await t.test("a request under baseUrl carries the current token", async () => {
    await base.clearLog();
    const { status, data } = await api.get("/api/auth");
    assert.equal(status, 200);
    assert.equal(data.userName, "999", "the back end accepted the token and answered with the profile");
    const [sent] = await base.requests("GET", "/portos/api/auth");
    assert.equal(sent.headers.authorization, `Bearer ${client.session().accessToken}`);
  });

  await t.test("a request outside baseUrl carries no token", async () => {
    await base.clearLog();
    // Same server, other path: the token must stay with the back end it belongs to.
    const { status } = await api.get(`${base.root}/cashdesk/elsewhere`, { validateStatus: () => true });
    assert.equal(status, 404);
    const [sent] = await base.requests("GET", "/cashdesk/elsewhere");
    assert.ok(sent, "the request reached the server");
    assert.equal(sent.headers.authorization, undefined);
  });

  await t.test("a 401 refreshes once and sends the request again with the new token", async () => {
    await base.clearLog();
    const old = client.session().accessToken;
    // The back end turns the token down once, as after a server-side revocation.
    await base.fault({ method: "GET", path: "/portos/api/auth", status: 401, body: { title: "Unauthorized", status: 401 } });
    const { status, data } = await api.get("/api/auth");
    assert.equal(status, 200, "axios sees only the retried request's answer");
    assert.equal(data.userName, "999");
    const fresh = client.session().accessToken;
    assert.notEqual(fresh, old);
    const sent = await base.requests("GET", "/portos/api/auth");
    assert.deepEqual(sent.map((r) => r.headers.authorization), [`Bearer ${old}`, `Bearer ${fresh}`]);
    assert.equal(await base.refreshes(), 1);
  });

  await t.test("a JSON body is sent again on the retry", async () => {
    await base.clearLog();
    const old = client.session().accessToken;
    // axios' fetch adapter wraps the body in a Request; the retry needs a copy of it.
    await base.fault({ method: "POST", path: "/portos/api/orders", status: 401, body: { title: "Unauthorized", status: 401 } });
    const { status } = await api.post("/api/orders", { items: [{ plu: 42, quantity: 2 }] }, { validateStatus: () => true });
    assert.equal(status, 404, "the retry reached the emulator, which has no such endpoint");
    const sent = await base.requests("POST", "/portos/api/orders");
    assert.deepEqual(sent.map((r) => r.headers.authorization), [`Bearer ${old}`, `Bearer ${client.session().accessToken}`]);
    assert.deepEqual(sent.map((r) => r.body), Array(2).fill('{"items":[{"plu":42,"quantity":2}]}'));
  });
});

test("axios interceptor with accessToken(): no refresh for a fresh token, one for 20 concurrent requests inside the margin", async (t) => {
  const base = await tenant("axios-interceptor", { tokenLifetime: 4 });
  const client = await signedInClient(t, base, { autoRefresh: false });
  // The recipe, with axios' default adapter.
  const api = axios.create({ baseURL: base.portos });
  api.interceptors.request.use(async (config) => {
    config.headers.Authorization = `Bearer ${await client.accessToken()}`;
    return config;
  });

  // A fresh token is sent as it is.
  const old = client.session().accessToken;
  await base.clearLog();
  assert.equal((await api.get("/api/auth")).status, 200);
  assert.deepEqual((await base.requests("GET", "/portos/api/auth")).map((r) => r.headers.authorization), [`Bearer ${old}`]);
  assert.equal(await base.refreshes(), 0, "no refresh while the token is outside the margin");

  await intoMargin(client);
  await base.clearLog();
  const responses = await Promise.all(Array.from({ length: 20 }, () => api.get("/api/auth")));
  assert.ok(responses[0].request instanceof http.ClientRequest, "axios used its http adapter, not fetch");
  assert.deepEqual(responses.map((r) => r.status), Array(20).fill(200));

  assert.equal(await base.refreshes(), 1, "the 20 interceptors shared one refresh");
  const fresh = client.session().accessToken;
  assert.notEqual(fresh, old);
  const sent = await base.requests("GET", "/portos/api/auth");
  assert.deepEqual(sent.map((r) => r.headers.authorization), Array(20).fill(`Bearer ${fresh}`));
});

test("openapi-fetch: client.fetch as its fetch, called with a Request", async (t) => {
  const base = await tenant("openapi-fetch");
  const client = await signedInClient(t, base);
  // The recipe (typed in recipes.types.ts).
  const api = createClient({ baseUrl: base.portos, fetch: client.fetch });

  await base.clearLog();
  const { data, error, response } = await api.GET("/api/auth");
  assert.equal(response.status, 200);
  assert.equal(error, undefined);
  assert.equal(data.userName, "999");
  assert.deepEqual(data.rights, ["admin"]);
  const [sent] = await base.requests("GET", "/portos/api/auth");
  assert.equal(sent.headers.authorization, `Bearer ${client.session().accessToken}`);
});

test("SignalR: accessTokenFactory from accessToken() authorizes the negotiate request", async (t) => {
  const base = await tenant("signalr", { tokenLifetime: 4 });
  const client = await signedInClient(t, base, { autoRefresh: false });
  // The recipe. The emulator has no hub: start() fails once negotiate is answered 404.
  const hubUrl = `${base.portos}/hubs/notifications`;
  const connection = new HubConnectionBuilder()
    .withUrl(hubUrl, { accessTokenFactory: () => client.accessToken() })
    .configureLogging(LogLevel.None)
    .build();
  const negotiate = () => base.requests("POST", "/portos/hubs/notifications/negotiate");

  await t.test("with a fresh token: that token, no refresh", async () => {
    await base.clearLog();
    const token = client.session().accessToken;
    await assert.rejects(connection.start(), /negotiat/i);
    const sent = await negotiate();
    assert.deepEqual(sent.map((r) => r.headers.authorization), [`Bearer ${token}`]);
    assert.equal(await base.refreshes(), 0);
    assert.ok(await accepted(base, token), "the token sent is one the back end accepts");
  });

  await t.test("inside the margin: the factory refreshes first and negotiate carries the new token", async () => {
    const old = client.session().accessToken;
    await intoMargin(client);
    await base.clearLog();
    await assert.rejects(connection.start(), /negotiat/i);
    const fresh = client.session().accessToken;
    assert.notEqual(fresh, old);
    const sent = await base.requests();
    assert.deepEqual(sent.map((r) => `${r.method} ${r.path}`), ["POST /portos/api/auth/refresh", "POST /portos/hubs/notifications/negotiate"],
      "one refresh, before negotiate");
    assert.equal(sent[1].headers.authorization, `Bearer ${fresh}`);
    assert.ok(await accepted(base, fresh));
  });
});

// Vite's dev server in Chromium. A self-accepting main.js stands in for a
// framework's HMR boundary (a React Fast Refresh or Vue component): an edit
// of auth.js re-runs auth.js and its importer in the same page.
test("Vite HMR: an edit of the module that creates the client leaves one live client", async (t) => {
  const app = path.join(repo, "tests/e2e/out/recipes-vite");
  rmSync(app, { recursive: true, force: true });
  installPackedPackage(app);
  writeFileSync(path.join(app, "index.html"), '<!doctype html><script type="module" src="/main.js"></script>');
  writeFileSync(path.join(app, "main.js"), `
    import { client } from "./auth.js";
    window.app = { client };
    import.meta.hot?.accept();`);

  // auth.js, run `generation` of it: the recipe, or what it replaces (hot.dispose
  // alone), between hooks that let the test see every client and its events.
  const authModule = (baseUrl, generation, recipe) => `
    import { AuthClient } from "pos-auth";
    ${recipe ? `
    import.meta.hot?.data.client?.dispose();
    export const client = new AuthClient({ baseUrl: ${JSON.stringify(baseUrl)} });
    if (import.meta.hot) import.meta.hot.data.client = client;
    ` : `
    export const client = new AuthClient({ baseUrl: ${JSON.stringify(baseUrl)} });
    import.meta.hot?.dispose(() => client.dispose());
    `}
    (window.clients ??= []).push(client);
    client.onChange((e) => (window.events ??= []).push("${generation}:" + e.type));`;

  const server = await createServer({ root: app, logLevel: "silent", server: { port: 0, host: "127.0.0.1" }, optimizeDeps: { force: true } });
  await server.listen();
  const browser = await launchBrowser();
  t.after(async () => {
    await browser.close();
    await server.close();
  });

  /**
   * Loads the app with auth.js generation 1, signs in, edits auth.js into
   * generation 2 and reports what the page then holds.
   */
  async function loadAndEdit(base, recipe) {
    const baseUrl = base.portos;
    writeFileSync(path.join(app, "auth.js"), authModule(baseUrl, 1, recipe));
    const page = await browser.newPage();
    try {
      const pageErrors = [];
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await page.goto(server.resolvedUrls.local[0]);
      await page.waitForFunction(() => window.app?.client, null, { timeout: 15_000 });
      await page.evaluate((user) => {
        window.loadedOnce = true; // gone after a full reload
        return window.app.client.login(user);
      }, PORTOS_USER);
      const signedInAt = Date.now();
      writeFileSync(path.join(app, "auth.js"), authModule(baseUrl, 2, recipe));
      await page.waitForFunction(() => !window.loadedOnce || window.clients?.length === 2, null, { timeout: 10_000 });
      assert.ok(await page.evaluate(() => window.loadedOnce === true), "Vite updated the module in place, without a full reload");
      const state = await page.evaluate(() => ({
        importerHasNew: window.app.client === window.clients[1],
        newUser: window.clients[1].session()?.user.userName ?? null,
        old: (() => {
          try {
            return window.clients[0].session() ? "live" : "no session";
          } catch (e) {
            return e.code;
          }
        })(),
      }));
      assert.deepEqual(pageErrors, []);
      return { page, state, signedInAt };
    } catch (e) {
      await page.close(); // its HMR client would take the next edits too
      throw e;
    }
  }

  await t.test("the recipe: the old client is disposed and the new one carries on", async (st) => {
    const base = await tenant("vite-hmr", { tokenLifetime: 4 });
    const { page, state, signedInAt } = await loadAndEdit(base, true);
    st.after(() => page.close());
    assert.equal(state.old, "disposed", "the client of the first run of auth.js");
    assert.ok(state.importerHasNew, "main.js re-ran and holds the new client");
    assert.equal(state.newUser, "999", "the new client restored the session from sessionStorage");

    // Across refresh rotations (4 s tokens: one every 1.5–2 s) only the new client reports.
    const mark = await page.evaluate(() => window.events.length);
    await sleep(4500);
    const after = await page.evaluate((mark) => window.events.slice(mark), mark);
    assert.ok(after.includes("2:refreshed"), `the new client refreshed: ${JSON.stringify(after)}`);
    assert.deepEqual(after.filter((e) => e.startsWith("1:")), [], "the old client's listener stays silent");
    const refreshes = await base.refreshes();
    const rotations = Math.floor((Date.now() - signedInAt) / 1500);
    assert.ok(refreshes >= 1 && refreshes <= rotations, `one refresh per rotation: ${refreshes} in ${rotations}`);
  });

  await t.test("why not hot.dispose alone: Vite never calls it when an importer is the boundary", async () => {
    const base = await tenant("vite-hmr-dispose-only");
    const { page, state } = await loadAndEdit(base, false);
    await page.close();
    assert.ok(state.importerHasNew, "main.js re-ran and holds the new client");
    assert.equal(state.old, "live", "the first client was never disposed: two live clients in one page");
  });
});

test("the recipes type-check as TypeScript (recipes.types.ts)", () => {
  const tsc = path.join(repo, "tests/node_modules/.bin/tsc");
  try {
    execFileSync(tsc, ["-p", path.join(repo, "tests/e2e/recipes.tsconfig.json")], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`tsc: ${e.stdout}${e.stderr}`);
  }
});
