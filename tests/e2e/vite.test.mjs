// The packed npm tarball inside a real Vite app: `import { AuthClient } from
// "pos-auth"` with no init call and no plugin, in Vite's dev server (which
// pre-bundles dependencies) and in a production build.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createServer, build, preview } from "vite";
import { installPackedPackage, repo, launchBrowser, pageReport } from "./harness.mjs";

const app = path.join(repo, "tests/e2e/out/vite-app");
let browser;

before(async () => {
  rmSync(app, { recursive: true, force: true });
  installPackedPackage(app);
  writeFileSync(path.join(app, "index.html"),
    '<!doctype html><html><body><pre id="out">loading</pre><script type="module" src="/main.js"></script></body></html>');
  writeFileSync(path.join(app, "main.js"), `
    import { AuthClient, AuthError, configure, session } from "pos-auth";
    const out = document.getElementById("out");
    try {
      new AuthClient({ baseUrl: "http://pos.example" });
      out.textContent = "no error";
    } catch (e) {
      configure({ baseUrl: "https://pos.example", storage: "memory" });
      out.textContent = [e instanceof AuthError, e.code, session()].join(" ");
    }`);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** The app at `url` reports that the package threw AuthError "invalid_argument" for an http: base, with no page error. */
async function assertInitialises(url) {
  const { text, pageErrors } = await pageReport(browser, url);
  assert.deepEqual(pageErrors, []);
  assert.equal(text, "true invalid_argument ");
}

test("Vite dev server: the package initialises itself", async () => {
  const server = await createServer({ root: app, logLevel: "silent", server: { port: 0, host: "127.0.0.1" }, optimizeDeps: { force: true } });
  await server.listen();
  try {
    await assertInitialises(server.resolvedUrls.local[0]);
  } finally {
    await server.close();
  }
});

test("Vite production build: the package initialises itself", async () => {
  await build({ root: app, logLevel: "silent" });
  const server = await preview({ root: app, logLevel: "silent", preview: { port: 0, host: "127.0.0.1" } });
  try {
    await assertInitialises(server.resolvedUrls.local[0]);
  } finally {
    server.httpServer.close();
  }
});
