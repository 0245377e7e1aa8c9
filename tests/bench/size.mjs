// Size of what a consumer ships: esbuild bundle + minify, then `gzip -9`.
//
//   node bench/size.mjs            print our size (no peers, no browser)
//   node bench/size.mjs --check    fail if ours grew > 5 % over size-budget.json
//   node bench/size.mjs --record   write our current size into size-budget.json
//
// bench.mjs imports `measureOurs` and `measurePeers` from here, so the budget
// and the benchmark measure exactly the same way.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import * as esbuild from "esbuild";

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const testsDir = path.resolve(benchDir, "..");
export const repo = path.resolve(testsDir, "..");
export const pkgDir = process.env.POS_PKG_DIR || path.join(repo, "pkg");
const budgetFile = path.join(benchDir, "size-budget.json");
export const BUDGET_TOLERANCE = 0.05;

// The peers, each bundled from an entry that imports its main class. Versions
// are pinned in tests/package-lock.json; the table reports what is installed.
export const PEERS = [
  { name: "oidc-client-ts", entry: 'import { UserManager } from "oidc-client-ts";\nconsole.log(UserManager);\n' },
  { name: "@auth0/auth0-spa-js", entry: 'import { Auth0Client } from "@auth0/auth0-spa-js";\nconsole.log(Auth0Client);\n' },
  { name: "@supabase/auth-js", entry: 'import { GoTrueClient } from "@supabase/auth-js";\nconsole.log(GoTrueClient);\n' },
  { name: "keycloak-js", entry: 'import Keycloak from "keycloak-js";\nconsole.log(Keycloak);\n' },
];

// The same esbuild settings for everyone: one ES module for current browsers.
const BUILD = {
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: "es2022", // top-level await (our entry initialises the wasm with it)
  write: false,
  legalComments: "none",
  logLevel: "silent",
  absWorkingDir: testsDir,
};

/** `gzip -9` (no name, no timestamp: the same bytes every run) → compressed size. */
export function gzip9(bytes) {
  return execFileSync("gzip", ["-9", "-n", "-c"], { input: bytes, maxBuffer: 64 << 20 }).length;
}

async function bundle(options) {
  const result = await esbuild.build({ ...BUILD, ...options });
  return Buffer.from(result.outputFiles[0].contents);
}

function version(name) {
  return JSON.parse(readFileSync(path.join(testsDir, "node_modules", name, "package.json"), "utf8")).version;
}

/**
 * Ours: the whole package entry (pkg/index.js pulls pos_auth.js, the AuthError
 * snippet and the base64-inlined wasm) bundled and minified, gzip -9; and the
 * split: pos_auth_bg.wasm gzip -9 + the glue bundled with the inlined wasm
 * left out.
 */
export async function measureOurs({ outDir } = {}) {
  const entry = path.join(pkgDir, "index.js");
  const full = await bundle({ entryPoints: [entry] });
  const glue = await bundle({
    entryPoints: [entry],
    plugins: [{
      name: "wasm-external",
      setup(build) {
        build.onResolve({ filter: /pos_auth_wasm\.js$/ }, (args) => ({ path: args.path, external: true }));
      },
    }],
  });
  const wasm = readFileSync(path.join(pkgDir, "pos_auth_bg.wasm"));
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, "pos-auth.min.js"), full);
    writeFileSync(path.join(outDir, "pos-auth-glue.min.js"), glue);
  }
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  return {
    name: "pos-auth",
    version: pkg.version,
    minified: full.length,
    gzip: gzip9(full),
    split: {
      wasm: wasm.length,
      wasmGzip: gzip9(wasm),
      glueMinified: glue.length,
      glueGzip: gzip9(glue),
    },
  };
}

/** Each peer's main class, bundled and measured the same way as ours. */
export async function measurePeers({ outDir } = {}) {
  const rows = [];
  for (const peer of PEERS) {
    const code = await bundle({
      stdin: { contents: peer.entry, resolveDir: testsDir, sourcefile: "entry.js", loader: "js" },
    });
    if (outDir) {
      mkdirSync(outDir, { recursive: true });
      writeFileSync(path.join(outDir, `${peer.name.replace(/[@/]/g, (c) => (c === "/" ? "__" : ""))}.min.js`), code);
    }
    rows.push({ name: peer.name, version: version(peer.name), minified: code.length, gzip: gzip9(code) });
  }
  return rows;
}

/** An ES module exporting oidc-client-ts's UserManager, for the start-up page. */
export async function bundleOidcModule() {
  return bundle({
    stdin: { contents: 'export { UserManager } from "oidc-client-ts";\n', resolveDir: testsDir, sourcefile: "oidc.js", loader: "js" },
  });
}

export function readBudget() {
  return JSON.parse(readFileSync(budgetFile, "utf8"));
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function main(argv) {
  const ours = await measureOurs();
  if (argv.includes("--record")) {
    const record = {
      note: "pos-auth shipped size: pkg/index.js bundled + minified by esbuild, gzip -9. `make test-size` fails above +5 %; `make size-record` rewrites this file.",
      gzip: ours.gzip,
      minified: ours.minified,
      wasmGzip: ours.split.wasmGzip,
      glueGzip: ours.split.glueGzip,
    };
    writeFileSync(budgetFile, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`size budget recorded: ${ours.gzip} B gzip (${kb(ours.gzip)}) in ${path.relative(repo, budgetFile)}`);
    return 0;
  }
  const line = `pos-auth: ${ours.gzip} B gzip -9 (${kb(ours.gzip)}; wasm ${ours.split.wasmGzip} B + glue ${ours.split.glueGzip} B)`;
  if (!argv.includes("--check")) {
    console.log(line);
    return 0;
  }
  const budget = readBudget();
  const limit = Math.floor(budget.gzip * (1 + BUDGET_TOLERANCE));
  const change = ((ours.gzip / budget.gzip - 1) * 100).toFixed(1);
  const summary = `size: now ${ours.gzip} B, recorded ${budget.gzip} B (${change >= 0 ? "+" : ""}${change} %), limit ${limit} B (+${BUDGET_TOLERANCE * 100} %)`;
  if (ours.gzip > limit) {
    console.error(`FAIL ${summary}`);
    console.error("The package grew more than 5 % over tests/bench/size-budget.json.");
    console.error("If the growth is intended, record the new size and commit it: make size-record");
    return 1;
  }
  console.log(`ok   ${summary}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
