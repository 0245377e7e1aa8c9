// The page's timers and events (timer.rs), set up outside Angular's zone
// (zone.js) so that a signed-in app still becomes stable.

import { runOutsideAngular } from "./zone.js";

/** `setTimeout(callback, ms)` on `globalThis`; undefined where there is none. */
export function schedule(callback, ms) {
  return runOutsideAngular(() => globalThis.setTimeout(callback, ms));
}

/** `target.addEventListener(type, callback)`. */
export function listen(target, type, callback) {
  runOutsideAngular(() => target.addEventListener(type, callback));
}
