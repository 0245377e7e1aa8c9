// The error codes are written in several places that no compiler ties
// together: the Rust `Code` enum (serialized in snake_case), the JS snippet
// that declares `AuthError` (its RETRYABLE list), codes thrown by JS itself
// (`new AuthError("unsupported", …)` in the entry), and pkg-template/index.d.ts
// (the `AuthErrorCode` union and the table documenting it). This reads them
// as text and checks each against the others. It needs no build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const DTS = "pkg-template/index.d.ts";

/** Repository-relative paths of the files under `dir` ending in `ext`. */
const filesUnder = (dir, ext) =>
  readdirSync(path.join(repo, dir), { recursive: true })
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f));
const read = (file) => readFileSync(path.join(repo, file), "utf8");
const snake = (variant) => variant.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
const quoted = (text) => [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
const list = (codes) => codes.map((c) => `"${c}"`).join(", ");
const minus = (a, b) => [...a].filter((x) => !b.has(x)).sort();

// Rust: the enum `Code` and the codes its `retryable()` names.
const rust = (() => {
  const files = filesUnder("src", ".rs").filter((f) => /\bpub enum Code \{/.test(read(f)));
  assert.equal(files.length, 1, `expected one \`pub enum Code\` under src/, found: ${files.join(", ") || "none"}`);
  const file = files[0];
  const text = read(file).replace(/\/\/.*$/gm, "");
  const decl = /#\[serde\(rename_all = "snake_case"\)\]\s*pub enum Code \{([^}]*)\}/.exec(text);
  assert.ok(decl, `${file}: Code is no longer #[serde(rename_all = "snake_case")] right before \`pub enum Code\`; update this test to how it is serialized`);
  // A variant may carry its own #[serde(rename = "…")].
  const variants = [...decl[1].matchAll(/(?:#\[serde\(rename = "([^"]+)"\)\]\s*)?([A-Z]\w*)/g)].map((m) => ({
    name: m[2],
    code: m[1] ?? snake(m[2]),
  }));
  const retryable = /fn retryable\(self\) -> bool \{\s*matches!\(\s*self,([^)]*)\)/.exec(text);
  assert.ok(retryable, `${file}: Code::retryable() is no longer one matches!(self, …); update this test`);
  const byName = new Map(variants.map((v) => [v.name, v.code]));
  const retryableCodes = [...retryable[1].matchAll(/Code::(\w+)/g)].map((m) => byName.get(m[1]) ?? snake(m[1]));
  return { file, variants, codes: new Set(variants.map((v) => v.code)), retryable: new Set(retryableCodes) };
})();

// JS: the snippet declaring AuthError, and every code a JS file throws itself.
const js = (() => {
  const sources = [...filesUnder("src", ".js"), ...filesUnder("pkg-template", ".js")];
  const declaring = sources.filter((f) => /^export class AuthError\b/m.test(read(f)));
  assert.equal(declaring.length, 1, `expected one JS file under src/ declaring \`export class AuthError\`, found: ${declaring.join(", ") || "none"}`);
  const file = declaring[0];
  const retryable = /const RETRYABLE = \[([^\]]*)\]/.exec(read(file));
  assert.ok(retryable, `${file}: no \`const RETRYABLE = [...]\`; update this test`);
  const thrown = new Map(); // code -> the files throwing it
  for (const f of sources) {
    for (const m of read(f).matchAll(/new AuthError\(\s*["']([^"']+)["']/g)) {
      thrown.set(m[1], [...(thrown.get(m[1]) ?? []), f]);
    }
  }
  return { file, retryable: new Set(quoted(retryable[1])), thrown };
})();

// TypeScript: the AuthErrorCode union and the table in its doc comment.
const dts = (() => {
  const text = read(DTS);
  const union = /export type AuthErrorCode =([^;]*);/.exec(text);
  assert.ok(union, `${DTS}: no \`export type AuthErrorCode = …;\``);
  const doc = text.slice(text.lastIndexOf("/**", union.index), union.index);
  const rows = [...doc.matchAll(/^\s*\*\s*\|\s*`([^`]+)`\s*\|.*\|\s*(yes|no)\s*\|\s*$/gm)];
  return {
    codes: new Set(quoted(union[1])),
    table: new Set(rows.map((r) => r[1])),
    tableRetryable: new Set(rows.filter((r) => r[2] === "yes").map((r) => r[1])),
  };
})();

test("every list was found and read", () => {
  assert.ok(rust.codes.size >= 10, `only ${rust.codes.size} variants read from Code in ${rust.file}`);
  assert.ok(dts.codes.size >= 10, `only ${dts.codes.size} codes read from AuthErrorCode in ${DTS}`);
  assert.ok(dts.table.size >= 10, `only ${dts.table.size} rows read from the table above AuthErrorCode in ${DTS}`);
  assert.ok(rust.retryable.size > 0 && js.retryable.size > 0, "no retryable codes read");
});

test("every Rust Code is in the TypeScript AuthErrorCode", () => {
  const missing = rust.variants.filter((v) => !dts.codes.has(v.code));
  assert.deepEqual(
    missing.map((v) => v.code),
    [],
    `AuthErrorCode in ${DTS} lacks ${missing.map((v) => `"${v.code}" (Code::${v.name} in ${rust.file})`).join(", ")}`,
  );
});

test("every code JS throws itself is in AuthErrorCode", () => {
  const missing = minus(js.thrown.keys(), dts.codes);
  assert.deepEqual(
    missing,
    [],
    `AuthErrorCode in ${DTS} lacks ${missing.map((c) => `"${c}" (thrown in ${js.thrown.get(c).join(", ")})`).join(", ")}`,
  );
});

test("AuthErrorCode has no code that nothing raises", () => {
  const raised = new Set([...rust.codes, ...js.thrown.keys()]);
  const extra = minus(dts.codes, raised);
  assert.deepEqual(
    extra,
    [],
    `AuthErrorCode in ${DTS} has ${list(extra)}, which neither Code in ${rust.file} nor a \`new AuthError("…")\` in JS raises`,
  );
  // The JS-only codes are the ones the wasm cannot raise because it is not
  // running: today only "unsupported" (pkg-template/index.js).
  assert.deepEqual(minus(js.thrown.keys(), rust.codes), ["unsupported"], "the codes only JS throws changed: say why here");
});

test("the table above AuthErrorCode lists exactly its codes", () => {
  const undocumented = minus(dts.codes, dts.table);
  const stale = minus(dts.table, dts.codes);
  assert.deepEqual(undocumented, [], `the table above AuthErrorCode in ${DTS} has no row for ${list(undocumented)}`);
  assert.deepEqual(stale, [], `the table above AuthErrorCode in ${DTS} has a row for ${list(stale)}, which is not in the union`);
});

test("Rust, the JS AuthError and the table agree on which codes are retryable", () => {
  const rustList = [...rust.retryable].sort();
  assert.deepEqual([...js.retryable].sort(), rustList, `RETRYABLE in ${js.file} is not Code::retryable() of ${rust.file} (${list(rustList)})`);
  assert.deepEqual([...dts.tableRetryable].sort(), rustList, `the "yes" rows of the table in ${DTS} are not Code::retryable() of ${rust.file} (${list(rustList)})`);
});
