// What the client asks of the page beyond fetch and storage: the Web Lock
// that duplicated tabs take turns under (tabs.rs), the timer and wake
// listeners set up outside Angular's zone (timer.rs), and change listeners
// bound to the zone they subscribed from (events.rs).

/**
 * Resolves once the exclusive lock `name` is held, to [release, waited]:
 * `waited` is true when another tab held it first (and so may have just
 * rotated the tokens). Resolves to null where Web Locks do not exist
 * (insecure contexts); rejects if the request fails.
 */
export async function lock(name) {
  const locks = globalThis.navigator?.locks;
  if (typeof locks?.request !== "function") return null;
  let release;
  const held = new Promise((resolve) => (release = resolve));
  // Resolves to whether the lock was granted; once it is, it stays held
  // until `release` is called.
  const take = (options) =>
    new Promise((granted, failed) => {
      locks.request(name, options, (lock) => {
        granted(lock !== null);
        return lock && held;
      }).catch(failed);
    });
  const free = await take({ ifAvailable: true });
  if (!free) await take({});
  return [release, !free];
}

// zone.js, where the page has it (an Angular app that has not gone
// zoneless): Angular calls an app stable when its zone has no macrotask
// pending, and waits for that to register a service worker, to finish
// hydration and in `whenStable()`. The client's timer and wake listeners
// live as long as the session, so they are set up outside Angular's zone, as
// `NgZone.runOutsideAngular` would (in the zone Angular's was forked from),
// and listeners are called in the zone they subscribed from, so that Angular
// sees what they change. Duck-typed, and nothing a page's `Zone` throws gets
// out.

/**
 * The nearest zone.js zone outside Angular's, when the current one is
 * Angular's (its `isAngularZone` property, as `NgZone.isInAngularZone()`
 * reads it); null otherwise, without zone.js, and when a `Zone` throws.
 */
function outerZone() {
  try {
    const current = globalThis.Zone?.current;
    let zone = current;
    for (let depth = 0; depth < 16 && zone?.get?.("isAngularZone") === true; depth++) zone = zone.parent;
    return zone !== current && typeof zone?.run === "function" ? zone : null;
  } catch {
    return null;
  }
}

/** `f()`, outside Angular's zone; undefined when it throws. */
function runOutsideAngular(f) {
  const zone = outerZone();
  try {
    return zone ? zone.run(f) : f();
  } catch {
    return undefined;
  }
}

/** `setTimeout(callback, ms)` on `globalThis`; undefined where there is none. */
export function schedule(callback, ms) {
  return runOutsideAngular(() => globalThis.setTimeout(callback, ms));
}

/** `target.addEventListener(type, callback)`. */
export function listen(target, type, callback) {
  runOutsideAngular(() => target.addEventListener(type, callback));
}

/** `listener`, bound to run in the zone.js zone current now. */
export function boundToCurrentZone(listener) {
  try {
    const bound = globalThis.Zone?.current?.wrap?.(listener, "pos-auth onChange");
    return typeof bound === "function" ? bound : listener;
  } catch {
    return listener;
  }
}
