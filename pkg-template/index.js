// pos-auth: the package entry.
//
// wasm-pack's `--target web` output needs an explicit init before any export
// can be used. This module does it once, synchronously while it is evaluated,
// so a consumer only writes `import { AuthClient } from "pos-auth"`: no init
// call, no bundler plugin, and no top-level await (API.md, "Loading"): a
// module with one cannot start in a service worker, fails two overlapping
// import()s in Safari (WebKit bug 242740), and is refused by `require()` in
// Node and by Angular's build for zone.js apps.
//
// The wasm travels inside a JS module (a text of printable ASCII, one or two
// characters a byte, made by tools/embed-wasm.mjs) rather than beside it:
// bundlers that pre-bundle dependencies, such as Vite's dev server, move this
// file away from any sibling .wasm, and a URL to it would 404. Served with
// gzip, as every server does, that text costs 0.3 KB more than the wasm
// itself, and it decodes in one synchronous pass (docs/size.md, "The
// synchronous start").
//
// Importing never throws: where the wasm cannot be loaded (a CSP without
// 'wasm-unsafe-eval', no WebAssembly, an engine that will not compile it
// synchronously), the import succeeds and every export but AuthError throws
// or rejects AuthError("unsupported") saying why, so the page can show its
// own fallback.
import * as glue from "./pos_auth.js";
import * as wasmText from "./pos_auth_wasm.js";
import { decodeWasm } from "./decode_wasm.js";
// `AuthError` lives in a small JS snippet bundled by wasm-bindgen, so that the
// errors the wasm throws and this export are the same class (`instanceof` works).
// The snippet's folder is named with a hash; `make pkg` writes
// snippets/auth_error.js, which re-exports it under a name that does not change.
import { AuthError } from "./snippets/auth_error.js";

// `let`: replaced below by stand-ins if the wasm cannot load.
// Each read as `glue.name`, never the namespace as a value: a bundler then
// leaves out the glue's async init and its fetch path, which this entry never
// calls (0.5 KB).
export let configure = glue.configure, login = glue.login, profile = glue.profile, refresh = glue.refresh,
  logout = glue.logout, session = glue.session, authFetch = glue.authFetch, accessToken = glue.accessToken,
  onChange = glue.onChange, lock = glue.lock, unlock = glue.unlock, approve = glue.approve;
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

const failure = load();
if (failure !== null) {
  ({ AuthClient, configure, login, profile, refresh, logout, session, authFetch, accessToken, onChange, lock, unlock, approve } =
    unsupported(failure));
}

/** Loads the wasm, synchronously; `null` when it is ready, else why it cannot run here. */
function load() {
  if (typeof WebAssembly !== "object") {
    return "pos-auth cannot run here: no WebAssembly (turned off by policy, or by iOS Lockdown Mode)";
  }
  try {
    glue.initSync({ module: decodeWasm(wasmText) });
    return null;
  } catch (e) {
    const why = String(e?.message ?? e);
    if (/content.security.policy|\bcsp\b|unsafe-eval/i.test(why)) {
      return `pos-auth cannot run here: the page's Content Security Policy blocks WebAssembly; add 'wasm-unsafe-eval' to its script-src (${why})`;
    }
    // Chromium before 115 compiles nothing over 4 KB synchronously on a
    // page's main thread ("WebAssembly.Module(): … disallowed on the main
    // thread, if the buffer size is larger than 4KB").
    if (e instanceof RangeError && /main thread|4 ?KB/i.test(why)) {
      return `pos-auth cannot run here: WebAssembly is not compiled synchronously here (Chrome 115 or later) (${why})`;
    }
    return `pos-auth cannot run here: WebAssembly could not be loaded (${why})`;
  }
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
