// The page's elements and small DOM helpers. Everything the server sends is
// shown with textContent, never as HTML.

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
};

export const ui = {
  body: document.body,
  statePill: $("state-pill"),
  clock: $("clock"),
  status: $("status"),
  boot: $("boot"),
  bootMessage: $("boot-message"),
  loginView: $("login-view"),
  loginNotice: $("login-notice"),
  form: $("login-form"),
  backend: $("backend"),
  backendHint: $("backend-hint"),
  userName: $("user-name"),
  email: $("email"),
  password: $("password"),
  developerId: $("developer-id"),
  developerIdError: $("developer-id-error"),
  device: $("device"),
  advanced: $("advanced"),
  server: $("server"),
  serverSummary: $("server-summary"),
  serverError: $("server-error"),
  idleLock: $("idle-lock"),
  loginError: $("login-error"),
  loginErrorMessage: $("login-error-message"),
  loginErrorCode: $("login-error-code"),
  loginErrorStatus: $("login-error-status"),
  loginErrorFields: $("login-error-fields"),
  loginSubmit: $("login-submit"),
  sessionView: $("session-view"),
  avatar: $("avatar"),
  expiringBanner: $("expiring-banner"),
  expiringTitle: $("expiring-title"),
  expiringText: $("expiring-text"),
  profileName: $("profile-name"),
  profileUserLabel: $("profile-user-label"),
  profileUserName: $("profile-user-name"),
  rightsBlock: $("rights-block"),
  profileRights: $("profile-rights"),
  accountBlock: $("account-block"),
  profileEmail: $("profile-email"),
  profileRole: $("profile-role"),
  shiftBlock: $("shift-block"),
  shiftNumber: $("shift-number"),
  shiftRro: $("shift-rro"),
  developerRow: $("developer-row"),
  shiftDeveloperId: $("shift-developer-id"),
  deviceBlock: $("device-block"),
  deviceName: $("device-name"),
  deviceEnv: $("device-env"),
  deviceDescription: $("device-description"),
  deviceSettings: $("device-settings"),
  countdown: $("countdown"),
  countdownNote: $("countdown-note"),
  meterBar: $("meter-bar"),
  expiresAt: $("expires-at"),
  refreshExpiryRow: $("refresh-expiry-row"),
  refreshExpiry: $("refresh-expiry"),
  sessionBackend: $("session-backend"),
  sessionRefresh: $("session-refresh"),
  sessionIdleLock: $("session-idle-lock"),
  refreshNote: $("refresh-note"),
  refreshBtn: $("refresh"),
  callApiBtn: $("call-api"),
  logoutBtn: $("logout"),
  apiResult: $("api-result"),
  voidBtn: $("void-receipt"),
  lockBtn: $("lock"),
  voidResult: $("void-result"),
  lockView: $("lock-view"),
  lockTitle: $("lock-title"),
  lockAvatar: $("lock-avatar"),
  lockName: $("lock-name"),
  lockUserLabel: $("lock-user-label"),
  lockUserName: $("lock-user-name"),
  unlockForm: $("unlock-form"),
  unlockUser: $("unlock-user"),
  unlockPassword: $("unlock-password"),
  unlockHint: $("unlock-hint"),
  unlockError: $("unlock-error"),
  unlockSubmit: $("unlock-submit"),
  changeCashier: $("change-cashier"),
  changeForm: $("change-form"),
  changeError: $("change-error"),
  changeSubmit: $("change-submit"),
  approvalDialog: $("approval-dialog"),
  approvalForm: $("approval-form"),
  approvalCashier: $("approval-cashier"),
  approvalError: $("approval-error"),
  approvalCancel: $("approval-cancel"),
  approvalSubmit: $("approval-submit"),
  eventLog: $("event-log"),
  clearLog: $("clear-log"),
};

/** An element with text content only (server data is never parsed as HTML). */
export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

/** Says `message` to screen readers through the live region. */
export function announce(message) {
  // Clear first so the same message twice is announced twice.
  ui.status.textContent = "";
  setTimeout(() => { ui.status.textContent = message; }, 50);
}

/** Marks a button busy without disabling it, so keyboard focus stays on it. */
export function setBusy(button, busy) {
  button.setAttribute("aria-busy", String(busy));
  button.setAttribute("aria-disabled", String(busy));
}

export const isBusy = (button) => button.getAttribute("aria-busy") === "true";

/** The header's state pill; `kind` is on, off or warn. */
export function setPill(text, kind) {
  ui.statePill.textContent = text;
  ui.statePill.className = `pill pill-${kind}`;
}
