// The demo's own settings (back end, server per back end, CashDesk developer
// id, idle lock), kept in sessionStorage across reloads. The session itself is the
// package's business, under its own storage key.

import { defaultServer, isBackend } from "./backends.js";
import { state } from "./state.js";

const STORE_KEY = "pos-auth-demo:connection";

/** Seconds without input before the till locks; the choices of the #idle-lock select. */
export const IDLE_LOCK_CHOICES = [0, 30, 60, 300];
export const IDLE_LOCK_DEFAULT = 30;
const idleLockOf = (value) => (IDLE_LOCK_CHOICES.includes(value) ? value : IDLE_LOCK_DEFAULT);

/** The saved settings, or the defaults when there are none or they are unreadable. */
export function loadConnection() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? "null");
    if (saved && isBackend(saved.backend)) {
      const servers = {};
      for (const [name, url] of Object.entries(saved.servers ?? {})) {
        if (isBackend(name) && typeof url === "string") servers[name] = url;
      }
      const developerId = typeof saved.developerId === "string" ? saved.developerId : "";
      return { backend: saved.backend, servers, developerId, idleLock: idleLockOf(saved.idleLock) };
    }
  } catch {
    // unreadable: fall back to the defaults
  }
  return { backend: "portos", servers: {}, developerId: "", idleLock: IDLE_LOCK_DEFAULT };
}

/** Records the options a client was just made with, and saves them. */
export function rememberConnection(backend, baseUrl, developerId, idleLock) {
  const { connection } = state;
  state.connection = {
    backend,
    servers: { ...connection.servers, [backend]: baseUrl },
    developerId: backend === "cashdesk" ? developerId : connection.developerId,
    idleLock: idleLockOf(idleLock),
  };
  try {
    sessionStorage.setItem(STORE_KEY, JSON.stringify(state.connection));
  } catch {
    // storage unavailable: the demo still works, the choice is just not kept
  }
}

export const serverFor = (backend) => state.connection.servers[backend] ?? defaultServer(backend);
