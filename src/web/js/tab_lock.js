// The Web Lock that duplicated tabs take turns under to refresh (tabs.rs).

/**
 * Resolves once the exclusive lock `name` is held, to { release, waited }
 * (tabs.rs reads them by name): `waited` is true when another tab held it first (and so may have just
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
  return { release, waited: !free };
}
