// The AuthClient: made for the form's options, and the one listener that
// turns its events into views.

import { BACKENDS, storageKeyFor } from "./backends.js";
import { rememberConnection } from "./connection.js";
import { announce, setPill, ui } from "./dom.js";
import { describeEvent, logEntry } from "./log.js";
import { clearOptionErrors, firstEmptyField, prefillFrom, showLogin, showOptionError } from "./login-view.js";
import { hideExpiring, showExpiring, showSession, tick } from "./session-view.js";
import { state } from "./state.js";

const userLabel = (session) => session.user.name ?? session.user.userName ?? "user";

function onAuthEvent(event) {
  logEntry(event.type, describeEvent(event), { error: event.error });
  switch (event.type) {
    case "initial":
      // No margin check here: a client looks at the clock first in a task
      // after it is made, so a restored session already inside its margin
      // gets `expiring` right after this (a frame may be painted in between).
      if (event.session) {
        showSession(event.session);
      } else {
        showLogin();
        // A terminal with a keyboard: ready to type. (Not on touch screens, where it would pop up the keyboard.)
        if (matchMedia("(pointer: fine)").matches && !ui.loginView.contains(document.activeElement)) firstEmptyField().focus();
      }
      break;
    case "signedIn":
      state.refreshTrouble = false;
      hideExpiring();
      showSession(event.session, { focus: true });
      announce(`Signed in as ${userLabel(event.session)}`);
      break;
    case "refreshed":
      if (state.refreshTrouble) announce("Connection restored, session refreshed");
      state.refreshTrouble = false;
      showSession(event.session);
      break;
    case "userUpdated":
      showSession(event.session);
      break;
    case "expiring":
      state.refreshTrouble = Boolean(event.error);
      // Without an error the session will not refresh itself (CashDesk): warn the cashier.
      if (!event.error && event.session) showExpiring(event.session);
      setPill(event.error ? "Reconnecting" : "Expiring", "warn");
      tick();
      if (event.error) announce(`Session refresh failed: ${event.error.message}`);
      break;
    case "expired": {
      const { current } = state;
      const cannotRefresh = current && !current.canRefresh;
      if (current) prefillFrom(current);
      state.current = null;
      state.refreshTrouble = false;
      showLogin(cannotRefresh
        ? `Your ${BACKENDS[state.client?.backend]?.label ?? ""} session has ended: the token ran out and cannot be refreshed. Please sign in again.`
        : "Your session has ended. Please sign in again.");
      announce("Session ended");
      break;
    }
    case "signedOut":
      state.current = null;
      state.refreshTrouble = false;
      showLogin();
      announce("Signed out");
      break;
  }
}

/** (Re)creates the client for the form's back end, server and developer id.
 *  Returns false and shows why when the options are refused. */
export function ensureClient() {
  const backend = ui.backend.value;
  const baseUrl = ui.server.value.trim().replace(/\/+$/, "");
  const developerId = backend === "cashdesk" ? ui.developerId.value.trim() : "";
  const { client } = state;
  if (client && client.baseUrl === baseUrl && client.backend === backend && client.developerId === developerId) return true;

  state.unsubscribe?.();
  state.unsubscribe = null;
  client?.instance.dispose();
  state.client = null;
  state.current = null;
  state.refreshTrouble = false;
  hideExpiring();
  clearOptionErrors();
  let instance;
  try {
    instance = new state.AuthClient({
      baseUrl,
      backend,
      storageKey: storageKeyFor(backend),
      developerId: developerId || undefined,
    });
  } catch (err) {
    showOptionError(err);
    logEntry("error", "options refused", { error: err });
    return false;
  }
  state.client = { instance, baseUrl, backend, developerId };
  rememberConnection(backend, baseUrl, developerId);
  ui.serverSummary.textContent = baseUrl;
  // In the same task as the constructor, so as not to miss the `expiring`
  // of a restored session.
  state.unsubscribe = instance.onChange(onAuthEvent);
  return true;
}
