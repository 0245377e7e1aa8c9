// The libraries the benchmark compares pos-auth with, bundled and measured by
// tools/size.mjs's `bundle` and `gzip9`, as ours is. They are test packages
// (pinned in tests/package-lock.json, resolved from tests/), kept out of the
// release tooling; the table reports the versions installed.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { bundle, gzip9 } from "../../tools/size.mjs";

export const benchDir = path.dirname(fileURLToPath(import.meta.url));
export const testsDir = path.resolve(benchDir, "..");

// Each peer bundled from an entry that imports its main class.
export const PEERS = [
  { name: "oidc-client-ts", entry: 'import { UserManager } from "oidc-client-ts";\nconsole.log(UserManager);\n' },
  { name: "@auth0/auth0-spa-js", entry: 'import { Auth0Client } from "@auth0/auth0-spa-js";\nconsole.log(Auth0Client);\n' },
  { name: "@supabase/auth-js", entry: 'import { GoTrueClient } from "@supabase/auth-js";\nconsole.log(GoTrueClient);\n' },
  { name: "keycloak-js", entry: 'import Keycloak from "keycloak-js";\nconsole.log(Keycloak);\n' },
];

function version(name) {
  return JSON.parse(readFileSync(path.join(testsDir, "node_modules", name, "package.json"), "utf8")).version;
}

/** An entry given as text, resolved from tests/ (where the peers are installed). */
const fromTests = (contents, sourcefile) => bundle({
  absWorkingDir: testsDir,
  stdin: { contents, resolveDir: testsDir, sourcefile, loader: "js" },
});

/** Each peer's main class, bundled and measured the same way as ours. */
export async function measurePeers({ outDir } = {}) {
  const rows = [];
  for (const peer of PEERS) {
    const code = await fromTests(peer.entry, "entry.js");
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
  return fromTests('export { UserManager } from "oidc-client-ts";\n', "oidc.js");
}
