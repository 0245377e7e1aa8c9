// pos-auth: the package entry.
//
// wasm-pack's `--target web` output needs an explicit `init()` before any
// export can be used. This module does it once, with top-level await, so a
// consumer only writes `import { AuthClient } from "pos-auth"`: no init call,
// no bundler plugin.
//
// The wasm travels inside a JS module (gzip by zopfli, then base64, made by `make pkg`)
// rather than beside it: bundlers that pre-bundle dependencies, such as Vite's
// dev server, move this file away from any sibling .wasm, and a URL to it
// would 404. Gzip first keeps the download as small as a separate .wasm, and
// the browser's own DecompressionStream feeds a streaming compile.
//
// Importing never throws: where the wasm cannot be loaded (a CSP without
// 'wasm-unsafe-eval', no WebAssembly, no DecompressionStream), the import
// succeeds and every export but AuthError throws or rejects
// AuthError("unsupported") saying why, so the page can show its own fallback.
import init, * as glue from "./pos_auth.js";
import wasmGzipBase64 from "./pos_auth_wasm.js";
// `AuthError` lives in a small JS snippet bundled by wasm-bindgen, so that the
// errors the wasm throws and this export are the same class (`instanceof` works).
// The snippet's folder is named with a hash; `make pkg` writes
// snippets/auth_error.js, which re-exports it under a name that does not change.
import { AuthError } from "./snippets/auth_error.js";

// `let`: replaced below by stand-ins if the wasm cannot load.
export let { configure, login, profile, refresh, logout, session, authFetch, accessToken, onChange, lock, unlock, approve } = glue;
export { AuthError };

// Methods that work detached from their client, as callers pass them:
// `createClient({ fetch: client.fetch })`, `useSyncExternalStore(client.onChange,
// client.session)`. Each client carries its own bound copies (stable, so a
// subscription made with one is not renewed every render).
const METHODS = [
  "login", "profile", "refresh", "logout", "session", "fetch", "accessToken", "onChange", "lock", "unlock", "approve", "dispose",
];
export let AuthClient = class AuthClient extends glue.AuthClient {
  constructor(options) {
    super(options);
    for (const name of METHODS) Object.defineProperty(this, name, { value: super[name].bind(this), configurable: true, writable: true });
  }
};
// `free()` disposes rather than releasing the wasm object at once, so a call
// after it fails with AuthError "disposed" instead of a null-pointer error.
// The object itself is released by wasm-bindgen's finalizer once unreachable.
glue.AuthClient.prototype.free = glue.AuthClient.prototype.dispose;
if (Symbol.dispose) glue.AuthClient.prototype[Symbol.dispose] = glue.AuthClient.prototype.dispose;

const failure = await load();
if (failure !== null) {
  ({ AuthClient, configure, login, profile, refresh, logout, session, authFetch, accessToken, onChange, lock, unlock, approve } =
    unsupported(failure));
}

/** Loads the wasm; `null` when it is ready, else why it cannot run here. */
async function load() {
  if (typeof WebAssembly !== "object") {
    return "pos-auth cannot run here: this environment has no WebAssembly (turned off by policy, or by a mode such as iOS Lockdown Mode)";
  }
  if (typeof DecompressionStream !== "function") {
    return "pos-auth cannot run here: WebAssembly is available but DecompressionStream is not (Chrome 80, Firefox 113, Safari 16.4 or later)";
  }
  const gzip = decodeBase64(wasmGzipBase64);
  const sources = [
    () => new Response(gunzip(gzip.slice()), { headers: { "Content-Type": "application/wasm" } }),
    // An engine whose Response the streaming compile refuses (happy-dom's,
    // under Node) compiles from bytes instead.
    () => readAll(gunzip(gzip)),
  ];
  let why;
  for (const source of sources) {
    try {
      await init({ module_or_path: await source() });
      return null;
    } catch (e) {
      why = String(e?.message ?? e);
      if (/content.security.policy|\bcsp\b|unsafe-eval/i.test(why)) {
        return `pos-auth cannot run here: the page's Content Security Policy blocks WebAssembly; add 'wasm-unsafe-eval' to its script-src (${why})`;
      }
    }
  }
  return `pos-auth cannot run here: WebAssembly could not be loaded (${why})`;
}

function decodeBase64(text) {
  // Native base64 decoding where the engine has it (about 10 ms faster here).
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function gunzip(bytes) {
  // A stream made here, not Blob.stream(): a Blob's bytes go through the
  // browser's blob store, which took 12 ms (median, up to 70) against 4 ms.
  const source = new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  return source.pipeThrough(new DecompressionStream("gzip"));
}

async function readAll(stream) {
  const chunks = [];
  let length = 0;
  for (const reader = stream.getReader(); ; ) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const bytes = new Uint8Array(length);
  for (let i = 0, at = 0; i < chunks.length; at += chunks[i++].length) bytes.set(chunks[i], at);
  return bytes;
}

/** Stand-ins for every export but AuthError, each failing with `why`. */
function unsupported(why) {
  const fail = () => {
    throw new AuthError("unsupported", why);
  };
  const reject = async () => fail();
  return {
    AuthClient: class AuthClient {
      constructor() {
        fail();
      }
    },
    configure: fail,
    session: fail,
    onChange: fail,
    lock: fail,
    login: reject,
    profile: reject,
    refresh: reject,
    logout: reject,
    authFetch: reject,
    accessToken: reject,
    unlock: reject,
    approve: reject,
  };
}
