// `make pkg`, after wasm-opt: shortens the names the wasm and its glue share.
//
// wasm-bindgen names every import after the JS it calls plus a hash
// (`__wbg_getItem_4c80b7663197c7ff`), from modules named by path
// (`./snippets/pos-auth-<hash>/src/web/http.js`), and every export after its
// Rust item. Both sides carry each name, and hashes do not compress: about
// 4 KB of the gzipped package. Binaryen renames them all (one module "a",
// names "a", "b", …) and prints the mapping; this script applies the same
// mapping to the glue and checks that nothing was left behind.
//
//   node tools/minify-names.mjs pkg/pos_auth_bg.wasm pkg/pos_auth.js -- <wasm-opt and its feature flags>
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const [wasmFile, glueFile, dashes, ...wasmOpt] = process.argv.slice(2);
if (dashes !== "--" || wasmOpt.length === 0) {
  console.error("usage: minify-names.mjs <wasm> <glue.js> -- <wasm-opt command and flags>");
  process.exit(2);
}
const [command, ...flags] = wasmOpt;
const printed = execFileSync(command, [...flags, "--minify-imports-and-exports-and-modules", wasmFile, "-o", wasmFile], {
  encoding: "utf8",
  maxBuffer: 16 << 20,
});
const mapping = JSON.parse(printed.slice(printed.indexOf("{")));

let glue = readFileSync(glueFile, "utf8");
const fail = (why) => {
  console.error(`minify-names: ${why}`);
  process.exit(1);
};
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Exports: the glue reaches every one as `wasm.<name>`.
const exports = new Map(mapping.exports);
glue = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (all, name) => {
  if (!exports.has(name)) fail(`the glue uses wasm.${name}, which the wasm does not export`);
  return `wasm.${exports.get(name)}`;
});

// Imports: the glue hands the wasm one object per module, built by
// `__wbg_get_imports`: a literal of shims for wasm-bindgen's own module, and
// the namespaces of the snippets, which the wasm calls directly.
const returned = /return \{\s*__proto__: null,\s*((?:"[^"]+": import\d+,\s*)+)\};/.exec(glue);
if (!returned) fail("no module table at the end of __wbg_get_imports");
const namespaces = new Map([...returned[1].matchAll(/"([^"]+)": (import\d+)/g)].map((m) => [m[1], m[2]]));
const shimsOf = namespaces.get("./pos_auth_bg.js");
if (shimsOf !== "import0") fail("wasm-bindgen's own imports are not import0");
const fromSnippets = [];
for (const [module, name, short] of mapping.imports) {
  const namespace = namespaces.get(module);
  if (!namespace) fail(`the wasm imports ${name} from ${module}, which the glue does not provide`);
  if (namespace === "import0") {
    // A key of the literal: `    <name>: function(…) {`.
    const key = new RegExp(`^(\\s+)${escape(name)}:`, "m");
    if (!key.test(glue)) fail(`no shim named ${name}`);
    glue = glue.replace(key, `$1${short}:`);
  } else {
    fromSnippets.push(`${short}: ${namespace}.${name}`);
  }
}
glue = glue.replace(returned[0], `return { __proto__: null, a: Object.assign(import0, { ${fromSnippets.join(", ")} }) };`);
if (/\b__wbg_[\w$]*_[0-9a-f]{16}\b/.test(glue)) fail(`a hashed name is left: ${glue.match(/\b__wbg_[\w$]*_[0-9a-f]{16}\b/)[0]}`);
writeFileSync(glueFile, glue);
console.log(`minify-names: ${mapping.imports.length} imports, ${mapping.exports.length} exports renamed`);
