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
import init, { AuthClient } from "./pos_auth.js";
import wasmGzipBase64 from "./pos_auth_wasm.js";

await init({ module_or_path: wasmResponse(wasmGzipBase64) });

function wasmResponse(text) {
  // Native base64 decoding where the browser has it (about 10 ms faster here).
  let bytes;
  if (Uint8Array.fromBase64) bytes = Uint8Array.fromBase64(text);
  else {
    const binary = atob(text);
    bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  }
  // A stream made here, not Blob.stream(): a Blob's bytes go through the
  // browser's blob store, which took 12 ms (median, up to 70) against 4 ms.
  const source = new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  const stream = source.pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream, { headers: { "Content-Type": "application/wasm" } });
}

// `free()` disposes rather than releasing the wasm object at once, so a call
// after it fails with AuthError "disposed" instead of a null-pointer error.
// The object itself is released by wasm-bindgen's finalizer once unreachable.
AuthClient.prototype.free = AuthClient.prototype.dispose;
if (Symbol.dispose) AuthClient.prototype[Symbol.dispose] = AuthClient.prototype.dispose;

export {
  AuthClient,
  configure,
  login,
  profile,
  refresh,
  logout,
  session,
  authFetch,
  onChange,
} from "./pos_auth.js";

// `AuthError` lives in a small JS snippet bundled by wasm-bindgen, so that the
// errors the wasm throws and this export are the same class (`instanceof` works).
// `make pkg` replaces the placeholder below with the snippet's path.
export { AuthError } from "__AUTH_ERROR_MODULE__";
