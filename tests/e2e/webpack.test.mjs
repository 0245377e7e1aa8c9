// The packed npm tarball in a webpack 5 production build with webpack's
// defaults (no loader, no experiments flag: top-level await is on by default
// since 5.83), loaded in Chromium and signing in to the emulator's PORTOS.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import webpack from "webpack";
import { installPackedPackage, repo, launchBrowser, pageReport } from "./harness.mjs";
import { newTenant, startEmulator } from "../support/emulator.mjs";

const app = path.join(repo, "tests/e2e/out/webpack-app");
const dist = path.join(app, "dist");
const env = { emulator: null, browser: null };

const MAIN = `
import { AuthClient, AuthError } from "pos-auth";

const out = document.getElementById("out");
const base = new URLSearchParams(location.search).get("base");
const client = new AuthClient({ baseUrl: base + "/portos" });
let wrongPassword;
try {
  await client.login({ userName: "999", password: "wrong", deviceName: "P01" });
} catch (e) {
  wrongPassword = { authError: e instanceof AuthError, code: e.code };
}
const session = await client.login({ userName: "999", password: "1234", deviceName: "P01" });
out.textContent = JSON.stringify({ wrongPassword, name: session.user.name, token: session.accessToken, same: client.session() === session });
`;

before(async () => {
  rmSync(app, { recursive: true, force: true });
  installPackedPackage(app);
  mkdirSync(path.join(app, "src"));
  writeFileSync(path.join(app, "src/main.js"), MAIN);
  env.browser = await launchBrowser();
});

after(async () => {
  await env.browser?.close();
  await env.emulator?.stop();
});

function build(config) {
  const compiler = webpack(config);
  return new Promise((resolve, reject) => {
    compiler.run((err, stats) => compiler.close(() => (err ? reject(err) : resolve(stats))));
  });
}

test("webpack 5 production build: import { AuthClient, AuthError } from 'pos-auth' signs in", async (t) => {
  // Only what every webpack app states: where the entry is and where to write.
  const stats = await build({
    mode: "production",
    context: app,
    entry: "./src/main.js",
    output: { path: dist, filename: "main.js", clean: true },
  });
  const { errors, warnings, assets } = stats.toJson({ all: false, errors: true, warnings: true, assets: true });
  assert.deepEqual(errors.map((e) => e.message), [], "webpack errors");
  // webpack's performance hints count uncompressed bytes (244 KiB): the wasm
  // travels as text of about its own size (docs/size.md, "The synchronous
  // start"), so they fire for pos-auth alone; the README says how to raise
  // them. Any other warning fails.
  const hint = /^(asset size limit|entrypoint size limit|webpack performance recommendations)/;
  assert.deepEqual(warnings.map((w) => w.message).filter((m) => !hint.test(m)), [], "webpack warnings");
  t.diagnostic(`bundle: ${assets.map((a) => `${a.name} ${a.size} B`).join(", ")}`);

  // webpack's default output is a classic script; it runs the async module itself.
  writeFileSync(path.join(dist, "index.html"),
    '<!doctype html><html><body><pre id="out">loading</pre><script src="main.js"></script></body></html>');
  env.emulator = await startEmulator({ www: dist });

  const { root: base } = await newTenant(env.emulator.url, "webpack");
  const { text, pageErrors } = await pageReport(env.browser, `${env.emulator.url}/index.html?base=${encodeURIComponent(base)}`);
  assert.deepEqual(pageErrors, []);
  assert.notEqual(text, "loading", "the bundle never reported");
  const shown = JSON.parse(text);
  assert.deepEqual(shown.wrongPassword, { authError: true, code: "invalid_credentials" });
  assert.equal(shown.name, "Majiteľ");
  assert.match(shown.token, /^[\w-]+\.[\w-]+\.[\w-]+$/, "a JWT access token");
  assert.equal(shown.same, true);
});
