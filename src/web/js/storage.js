// Storage behind methods that cannot surprise gloo-storage (storage.rs):
// sessionStorage, or the caller's StorageLike, read once and guarded.

/**
 * A storage behind methods that cannot surprise gloo-storage: getItem
 * answers a string or null, removeItem swallows everything, and setItem
 * turns any failure (quota, a page's wrapper throwing a string) into an
 * Error. `storage` is called at every use: sessionStorage is looked up on
 * globalThis each time (a sandboxed frame throws on the getter).
 */
function guardedStorage(storage, status) {
  return {
    status,
    getItem(key) {
      try {
        const value = storage().getItem(key);
        return typeof value === "string" ? value : null;
      } catch {
        return null;
      }
    },
    setItem(key, value) {
      try {
        storage().setItem(key, value);
      } catch {
        throw new Error("the storage refused the record");
      }
    },
    removeItem(key) {
      try {
        storage().removeItem(key);
      } catch {}
    },
  };
}

export function guardedSessionStorage() {
  const storage = () => globalThis.sessionStorage;
  // "absent" where the environment has no sessionStorage at all (a Worker,
  // plain Node); "failing" where a page's is disabled (null) or blocked
  // (the getter throws).
  return guardedStorage(storage, () => {
    try {
      if (!("sessionStorage" in globalThis)) return "absent";
      return storage() != null ? "usable" : "failing";
    } catch {
      return "failing";
    }
  });
}

/**
 * The `storage` option when it is a StorageLike (an object with getItem,
 * setItem and removeItem, such as localStorage), guarded; else undefined.
 * Its members are read once, here.
 */
export function storageOption(options) {
  try {
    const given = options?.storage;
    if (given === null || (typeof given !== "object" && typeof given !== "function")) return undefined;
    const { getItem, setItem, removeItem } = given;
    if (![getItem, setItem, removeItem].every((f) => typeof f === "function")) return undefined;
    const storage = {
      getItem: (key) => getItem.call(given, key),
      setItem: (key, value) => setItem.call(given, key, value),
      removeItem: (key) => removeItem.call(given, key),
    };
    return guardedStorage(() => storage, () => "usable");
  } catch {
    return undefined;
  }
}
