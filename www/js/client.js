// The AuthClient: made for the form's options, and the one listener that
// turns its events into views (sign-in, signed in, locked).

import { clearVoidResult, closeApproval } from "./approval.js";
import { BACKENDS, storageKeyFor } from "./backends.js";
import { rememberConnection } from "./connection.js";
import { announce, setPill, ui } from "./dom.js";
import { describeEvent, logEntry } from "./log.js";
import { showLock, tooManyAttemptsNotice, UNLOCK_ATTEMPTS } from "./lock-view.js";
import { clearOptionErrors, firstEmptyField, prefillFrom, showLogin, showOptionError } from "./login-view.js";
import { hideExpiring, showExpiring, showSession, tick } from "./session-view.js";
import { state } from "./state.js";

const userLabel = (session) => session.user.name ?? session.user.userName ?? "user";
const keyboardTerminal = () => matchMedia("(pointer: fine)").matches;

/** The newest session any event carried (the ones that end a session carry none). */
let latest = null;

/** A session that changed (new token, new profile) on the screen it belongs to. */
const showCurrent = (session) => (session.locked ? showLock(session) : showSession(session));

function onAuthEvent(event) {
  logEntry(event.type, describeEvent(event), { error: event.error });
  const ended = latest;
  latest = event.session ?? null;
  switch (event.type) {
    case "initial":
      // No margin check here: a client looks at the clock first in a task
      // after it is made, so a restored session already inside its margin
      // gets `expiring` right after this (a frame may be painted in between).
      if (event.session?.locked) {
        // Locked before the reload: still locked. A keyboard terminal gets the cursor in the password field.
        showLock(event.session, { focus: keyboardTerminal() });
      } else if (event.session) {
        showSession(event.session);
      } else {
        showLogin();
        // A terminal with a keyboard: ready to type. (Not on touch screens, where it would pop up the keyboard.)
        if (keyboardTerminal() && !ui.loginView.contains(document.activeElement)) firstEmptyField().focus();
      }
      break;
    case "signedIn":
      // Also the change of cashier on the lock screen.
      state.refreshTrouble = false;
      hideExpiring();
      clearVoidResult();
      showSession(event.session, { focus: true });
      announce(`Signed in as ${userLabel(event.session)}`);
      break;
    case "refreshed":
      if (state.refreshTrouble) announce("Connection restored, session refreshed");
      state.refreshTrouble = false;
      showCurrent(event.session);
      break;
    case "userUpdated":
      showCurrent(event.session);
      break;
    case "locked":
      showLock(event.session, { focus: true });
      announce(`Till locked. Only ${userLabel(event.session)} can unlock it.`);
      break;
    case "unlocked":
      showSession(event.session, { focus: true });
      announce(`Unlocked: ${userLabel(event.session)}`);
      break;
    case "expiring":
      state.refreshTrouble = Boolean(event.error);
      // Without an error the session will not refresh itself (CashDesk): warn the cashier.
      if (!event.error && event.session) showExpiring(event.session);
      setPill(event.error ? "Reconnecting" : "Expiring", "warn");
      tick();
      if (event.error) announce(`Session refresh failed: ${event.error.message}`);
      if (event.session?.locked) setPill("Locked", "lock"); // the lock screen stays what the pill says
      break;
    case "expired": {
      closeApproval();
      const current = state.current ?? ended;
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
      closeApproval();
      state.current = null;
      state.refreshTrouble = false;
      if (event.error?.code === "too_many_attempts") {
        // The lock screen gave up: only the password is left to type.
        if (ended) prefillFrom(ended);
        showLogin(tooManyAttemptsNotice(event.error));
        announce("Signed out after too many wrong passwords");
      } else {
        showLogin();
        announce("Signed out");
      }
      break;
  }
}

/** (Re)creates the client for the form's back end, server, developer id and
 *  idle lock. Returns false and shows why when the options are refused. */
export function ensureClient() {
  const backend = ui.backend.value;
  const baseUrl = ui.server.value.trim().replace(/\/+$/, "");
  const developerId = backend === "cashdesk" ? ui.developerId.value.trim() : "";
  const idleLock = Number(ui.idleLock.value) || 0;
  const { client } = state;
  if (client && client.baseUrl === baseUrl && client.backend === backend && client.developerId === developerId &&
      client.idleLock === idleLock) return true;

  state.unsubscribe?.();
  state.unsubscribe = null;
  client?.instance.dispose();
  state.client = null;
  state.current = null;
  state.refreshTrouble = false;
  latest = null;
  hideExpiring();
  closeApproval();
  clearOptionErrors();
  let instance;
  try {
    instance = new state.AuthClient({
      baseUrl,
      backend,
      storageKey: storageKeyFor(backend),
      developerId: developerId || undefined,
      idleLock,
      unlockAttempts: UNLOCK_ATTEMPTS,
    });
  } catch (err) {
    showOptionError(err);
    logEntry("error", "options refused", { error: err });
    return false;
  }
  state.client = { instance, baseUrl, backend, developerId, idleLock };
  rememberConnection(backend, baseUrl, developerId, idleLock);
  ui.serverSummary.textContent = baseUrl;
  // In the same task as the constructor, so as not to miss the `expiring`
  // of a restored session.
  state.unsubscribe = instance.onChange(onAuthEvent);
  return true;
}
