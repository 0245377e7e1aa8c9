// Waiting for something a browser or a server does in its own time.
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Calls `probe` (sync or async) every `interval` ms until it answers
 * something truthy, and resolves with that. A probe that throws has not
 * answered yet. After `timeout` ms it fails, naming `what` and the last value
 * or error seen.
 */
export async function eventually(what, probe, { timeout = 10_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  let lastError;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (last) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError ? `last error: ${lastError.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (${seen})`);
    }
    await sleep(interval);
  }
}
