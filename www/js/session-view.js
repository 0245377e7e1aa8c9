// The session screen: profile, session facts, the expiry meter and the
// warning that a token which cannot be refreshed is about to run out.

import { BACKENDS } from "./backends.js";
import { setPill, ui } from "./dom.js";
import { clockTime, dateTime, duration, idleText } from "./format.js";
import { renderProfile } from "./profile-view.js";
import { state } from "./state.js";

const REFRESHING_NEAR_MS = 3000; // show "refreshing…" this close to expiry

/** When the shown token arrived, for the meter; kept across reloads, keyed by its expiry. */
function tokenArrival(session) {
  const key = `pos-auth-demo:token-since:${session.backend}`;
  try {
    const saved = JSON.parse(sessionStorage.getItem(key) ?? "null");
    if (saved && saved.expiresAt === session.expiresAt && typeof saved.since === "number") return saved.since;
    const since = Date.now();
    sessionStorage.setItem(key, JSON.stringify({ expiresAt: session.expiresAt, since }));
    return since;
  } catch {
    return Date.now();
  }
}

export function showSession(session, { focus = false } = {}) {
  ui.body.classList.remove("booting");
  ui.boot.hidden = true;
  ui.loginView.hidden = true;
  ui.lockView.hidden = true;
  ui.sessionView.hidden = false;
  if (state.refreshTrouble) setPill("Reconnecting", "warn");
  else if (state.expiringToken && state.expiringToken === session.accessToken) setPill("Expiring", "warn");
  else setPill("Signed in", "on");

  if (session !== state.current) {
    if (!state.current || session.accessToken !== state.current.accessToken) {
      state.tokenSince = tokenArrival(session);
      if (state.expiringToken !== session.accessToken) hideExpiring();
    }
    state.current = session;
    renderProfile(session);
    renderSessionFacts(session);
  }
  tick();
  if (focus) ui.profileName.focus();
}

function renderSessionFacts(session) {
  const spec = BACKENDS[session.backend];
  ui.expiresAt.textContent = session.expiresAt === null ? "unknown" : dateTime(session.expiresAt);
  ui.refreshExpiryRow.hidden = session.refreshExpiresAt === null;
  ui.refreshExpiry.textContent = session.refreshExpiresAt === null ? "" : dateTime(session.refreshExpiresAt);
  ui.sessionBackend.textContent = spec?.label ?? session.backend;
  ui.sessionRefresh.textContent = session.canRefresh ? "on" : "not supported";
  ui.sessionIdleLock.textContent = idleText(state.client?.idleLock ?? 0);
  // A session that cannot refresh (CashDesk) gets a note instead of the button.
  ui.refreshBtn.hidden = !session.canRefresh;
  ui.refreshBtn.disabled = !session.canRefresh;
  ui.refreshNote.hidden = session.canRefresh;
  ui.callApiBtn.hidden = !spec?.apiPath;
  ui.apiResult.hidden = !spec?.apiPath;
  ui.apiResult.textContent = "";
  ui.apiResult.className = "api-result";
}

/** The warning that a token which cannot be refreshed is about to run out.
 *  Shown on pos-auth's `expiring` event, which also comes right after
 *  `initial` for a restored session already inside the margin: the demo
 *  never works the margin out itself. */
export function showExpiring(session) {
  state.expiringToken = session.accessToken;
  const at = session.expiresAt === null ? null : clockTime(session.expiresAt);
  ui.expiringTitle.textContent = at ? `Your session ends at ${at}` : "Your session ends soon";
  ui.expiringText.textContent = session.backend === "cashdesk"
    ? "The CashDesk token runs out soon and cannot be refreshed. Finish the current receipt, then sign in again."
    : "The token runs out soon and will not be refreshed. Save your work, then sign in again.";
  ui.expiringBanner.hidden = false;
  setPill("Expiring", "warn");
  tick();
}

export function hideExpiring() {
  state.expiringToken = null;
  ui.expiringBanner.hidden = true;
}

/** The clock and the countdown; called once a second and on every change. */
export function tick() {
  const now = Date.now();
  ui.clock.textContent = clockTime(now).slice(0, 5);
  ui.clock.dateTime = new Date(now).toISOString();
  const { current, tokenSince, refreshTrouble, expiringToken } = state;
  if (!current || ui.sessionView.hidden) return;

  const { expiresAt } = current;
  if (expiresAt === null) {
    ui.countdown.textContent = "--:--";
    ui.countdownNote.textContent = "expiry unknown";
    ui.meterBar.style.width = "100%";
    return;
  }
  const left = expiresAt - now;
  ui.countdown.textContent = duration(left);
  const span = Math.max(1, expiresAt - tokenSince);
  const fraction = Math.min(1, Math.max(0, left / span));
  const warned = !current.canRefresh && expiringToken === current.accessToken;
  ui.countdown.classList.toggle("low", (fraction < 0.25 || warned) && left > 0);
  ui.countdown.classList.toggle("gone", left <= 0);
  const note = refreshTrouble ? "server unreachable, retrying…"
    : warned ? "no refresh possible"
    : left <= REFRESHING_NEAR_MS ? (current.canRefresh ? "refreshing…" : "expiring…") : "";
  if (ui.countdownNote.textContent !== note) ui.countdownNote.textContent = note;
  ui.meterBar.style.width = `${(fraction * 100).toFixed(1)}%`;
  ui.meterBar.classList.toggle("low", fraction < 0.25 || warned);
}

export function scheduleTicks() {
  tick();
  // Align to the next whole second so the countdown steps evenly.
  setTimeout(scheduleTicks, 1000 - (Date.now() % 1000) + 5);
}
