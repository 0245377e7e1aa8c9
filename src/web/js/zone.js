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
export function runOutsideAngular(f) {
  const zone = outerZone();
  try {
    return zone ? zone.run(f) : f();
  } catch {
    return undefined;
  }
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
