// Fails when the Rust modules of a crate depend on each other in a cycle.
//
//   node tools/module-cycles.mjs src
//
// A module is a file (`a/b.rs` or `a/b/mod.rs` is `a::b`). It depends on
// every module its paths name: `use crate::…`, `use super::…`, and
// `crate::…` or `super::…` written in the code, each taken to the deepest
// module that exists (an item's path ends at the module that defines it).
// `mod` declarations are not dependencies. Tests inside a file
// (`#[cfg(test)] mod tests`) are left out: they may look anywhere.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = process.argv[2] ?? "src";

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : name.endsWith(".rs") ? [full] : [];
  });
}

function moduleOf(file) {
  const parts = path.relative(root, file).replace(/\.rs$/, "").split(path.sep);
  if (["mod", "lib", "main"].includes(parts.at(-1))) parts.pop();
  return ["crate", ...parts].join("::");
}

const sources = new Map(files(root).map((f) => [moduleOf(f), readFileSync(f, "utf8")]));
const modules = new Set(sources.keys());

/** The deepest existing module that `segments` (absolute) starts with. */
function owner(segments) {
  for (let n = segments.length; n > 0; n--) {
    const name = segments.slice(0, n).join("::");
    if (modules.has(name)) return name;
  }
  return null;
}

/** Absolute segments of a path written in module `from`. */
function absolute(from, written) {
  const segments = written.split("::");
  let at = from.split("::");
  if (segments[0] === "crate") return segments;
  while (segments[0] === "super") {
    segments.shift();
    at = at.slice(0, -1);
  }
  if (segments[0] === "self") segments.shift();
  return [...at, ...segments];
}

/** Every path a source names, `use` groups expanded. */
function paths(source) {
  const code = source.replace(/#\[cfg\(test\)\]\s*mod tests \{[\s\S]*$/m, "").replace(/\/\/.*$/gm, "");
  const found = [];
  const expand = (prefix, body) => {
    // Split a `{…}` group at its top-level commas.
    let depth = 0, start = 0;
    for (let i = 0; i <= body.length; i++) {
      const c = body[i];
      if (c === "{") depth++;
      else if (c === "}") depth--;
      else if ((c === "," && depth === 0) || i === body.length) {
        const item = body.slice(start, i).trim();
        start = i + 1;
        if (!item) continue;
        const group = item.match(/^([\w:]*?)::\{([\s\S]*)\}$/);
        if (group) expand(prefix + group[1] + "::", group[2]);
        else found.push(prefix + item.split(/\s+as\s+/)[0].replace(/::\*$/, ""));
      }
    }
  };
  for (const [, body] of code.matchAll(/\buse\s+((?:crate|super|self)::[\s\S]*?);/g)) expand("", body);
  for (const [written] of code.matchAll(/\b(?:crate|super)(?:::\w+)+/g)) found.push(written);
  return found;
}

const edges = new Map([...modules].map((m) => [m, new Set()]));
for (const [from, source] of sources) {
  for (const written of paths(source)) {
    const to = owner(absolute(from, written));
    // A module's own items, and its ancestors' (which declare it), are not edges.
    if (to && to !== from && !from.startsWith(to + "::")) edges.get(from).add(to);
  }
}

// Tarjan's strongly connected components: any with two or more modules is a cycle.
let index = 0;
const stack = [], on = new Set(), idx = new Map(), low = new Map(), cycles = [];
function visit(v) {
  idx.set(v, index); low.set(v, index); index++;
  stack.push(v); on.add(v);
  for (const w of edges.get(v)) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1) cycles.push(scc);
  }
}
for (const m of modules) if (!idx.has(m)) visit(m);

const count = [...edges.values()].reduce((n, s) => n + s.size, 0);
if (cycles.length) {
  for (const scc of cycles) {
    console.error(`cycle: ${scc.join(", ")}`);
    for (const m of scc) console.error(`  ${m} -> ${[...edges.get(m)].filter((t) => scc.includes(t)).join(", ")}`);
  }
  process.exit(1);
}
console.log(`module-cycles: ${modules.size} modules, ${count} dependencies, no cycle`);
