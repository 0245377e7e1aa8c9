// The page's timers and events (timer.rs), set up outside Angular's zone
// (zone.js) so that a signed-in app still becomes stable.

import { runOutsideAngular } from "./zone.js";

/** `setTimeout(callback, ms)` on `globalThis`; undefined where there is none. */
export function schedule(callback, ms) {
  return runOutsideAngular(() => globalThis.setTimeout(callback, ms));
}

/**
 * `target.addEventListener(type, callback)`; in the capture phase and
 * passive when `capture` is true (input watched without delaying it, and
 * seen even when the app stops its propagation).
 */
export function listen(target, type, callback, capture = false) {
  runOutsideAngular(() => target.addEventListener(type, callback, capture ? { capture: true, passive: true } : undefined));
}

/** Undoes `listen`. */
export function unlisten(target, type, callback, capture = false) {
  runOutsideAngular(() => target.removeEventListener(type, callback, capture ? { capture: true } : undefined));
}
