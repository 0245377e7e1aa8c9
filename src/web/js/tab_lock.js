// The Web Lock that duplicated tabs take turns under to refresh (tabs.rs).

/**
 * Resolves once the exclusive lock `name` is held, or `ms` have passed, to
 * { release, waited } (tabs.rs reads them by name): `waited` is true when
 * another tab held it first (and so may have just rotated the tokens). After
 * `ms` (a holder that never lets go: frozen, in the back-forward cache, or a
 * page script on the same name) it resolves without the lock: `release` does
 * nothing and `waited` is false. Resolves to null where Web Locks do not
 * exist (insecure contexts); rejects if the request fails otherwise.
 */
export async function lock(name, ms) {
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
      }).catch((e) => (options.signal?.aborted ? granted(false) : failed(e)));
    });
  if (await take({ ifAvailable: true })) return { release, waited: false };
  const signal = globalThis.AbortSignal?.timeout?.(ms);
  return (await take({ signal })) ? { release, waited: true } : { release() {}, waited: false };
}
