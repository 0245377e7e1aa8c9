// Size of what a consumer ships: esbuild bundle + minify, then `gzip -9`.
//
//   node tools/size.mjs            print our size
//   node tools/size.mjs --check    fail if ours grew > 5 % over size-budget.json, or past 100 KB
//   node tools/size.mjs --record   write our current size into size-budget.json
//
// tests/bench/ imports `measureOurs`, `bundle` and `gzip9` from here for its
// comparison with other libraries, so the budget and the benchmark measure
// exactly the same way.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import * as esbuild from "esbuild";

export const toolsDir = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(toolsDir, "..");
export const pkgDir = process.env.POS_PKG_DIR || path.join(repo, "pkg");
const budgetFile = path.join(toolsDir, "size-budget.json");
export const BUDGET_TOLERANCE = 0.05;
/** The project's budget for everything shipped together: 100 KB gzip. */
export const CEILING = 100 * 1024;

// The same esbuild settings for everyone: one ES module for current browsers.
const BUILD = {
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  write: false,
  legalComments: "none",
  logLevel: "silent",
  absWorkingDir: toolsDir,
};

/** `gzip -9` (no name, no timestamp: the same bytes every run) → compressed size. */
export function gzip9(bytes) {
  return execFileSync("gzip", ["-9", "-n", "-c"], { input: bytes, maxBuffer: 64 << 20 }).length;
}

/** `options` over the shared settings (a caller's entry, resolveDir, absWorkingDir) → the bundle. */
export async function bundle(options) {
  const result = await esbuild.build({ ...BUILD, ...options });
  return Buffer.from(result.outputFiles[0].contents);
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
  // A recorded size drifts by at most 5 %, and never past the ceiling.
  const limit = Math.min(Math.floor(budget.gzip * (1 + BUDGET_TOLERANCE)), CEILING);
  const change = ((ours.gzip / budget.gzip - 1) * 100).toFixed(1);
  const summary = `size: now ${ours.gzip} B, recorded ${budget.gzip} B (${change >= 0 ? "+" : ""}${change} %), limit ${limit} B (+${BUDGET_TOLERANCE * 100} %, at most ${CEILING} B)`;
  if (ours.gzip > limit) {
    console.error(`FAIL ${summary}`);
    console.error(`The package grew more than 5 % over tools/size-budget.json, or past ${CEILING} B (100 KB).`);
    console.error("If the growth is intended, record the new size and commit it: make size-record");
    return 1;
  }
  console.log(`ok   ${summary}`);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
