// What `npm pack` of pkg/ ships: both licenses, the entry and its typings,
// and the metadata a registry page and a package manager read.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { repo } from "./harness.mjs";

const pkg = path.join(repo, "pkg");

test("the tarball carries both licenses, the entry, the wasm module and the typings", () => {
  const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--silent"], { cwd: pkg }).toString());
  const files = packed.files.map((f) => f.path);
  for (const f of ["LICENSE-MIT", "LICENSE-APACHE", "README.md", "index.js", "index.d.ts", "react.js", "react.d.ts", "angular.js", "angular.d.ts", "pos_auth.js", "pos_auth_wasm.js", "package.json"]) {
    assert.ok(files.includes(f), `${f} is not in the tarball: ${files.join(", ")}`);
  }
  assert.ok(!files.some((f) => f.endsWith(".wasm")), "the bare .wasm is shipped besides the inlined one");
  assert.match(readFileSync(path.join(pkg, "LICENSE-APACHE"), "utf8"), /Apache License\s+Version 2\.0/);
  assert.match(readFileSync(path.join(pkg, "LICENSE-MIT"), "utf8"), /^MIT License/);
});

test("package.json names the license, the repository and the Node versions", () => {
  const meta = JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8"));
  assert.equal(meta.license, "MIT OR Apache-2.0");
  assert.match(meta.repository?.url ?? "", /^git\+https:\/\//);
  assert.equal(meta.engines?.node, ">=20");
});
