// pos-auth demo: the sign-in screen of a POS terminal.
//
// Plain ES module, no build step. The package is served at /pkg/ and
// initialises its WebAssembly itself, so importing it is all it takes.
// Everything the server sends is shown with textContent, never as HTML.

/** Back ends the form knows: each lists its form fields, builds its
 *  credentials and says which authenticated call "Call API" makes (if any). */
const BACKENDS = {
  portos: {
    label: "PORTOS",
    hint: "Retail POS: user, password and the device you sign in on.",
    path: "/portos",
    fields: ["userName", "password", "deviceName"],
    userNamePlaceholder: "999",
    apiPath: "/api/auth",
    credentials: (f) => ({ userName: f.userName, password: f.password, deviceName: f.deviceName }),
  },
  cashdesk: {
    label: "CashDesk",
    hint: "Software cash register (PRRO): the token lasts one shift and cannot be refreshed.",
    path: "/cashdesk",
    fields: ["email", "password", "developerId"],
    apiPath: null, // the back end documents no call besides the login
    credentials: (f) => ({ email: f.email, password: f.password }),
  },
  metadefender: {
    label: "MetaDefender",
    hint: "OPSWAT MetaDefender Storage Security: user name and password.",
    path: "/metadefender",
    fields: ["userName", "password"],
    userNamePlaceholder: "admin",
    apiPath: null,
    credentials: (f) => ({ userName: f.userName, password: f.password }),
  },
};

const STORE_KEY = "pos-auth-demo:connection"; // the demo's own settings, not the session
/** Each back end keeps its own session record, so switching never clobbers another's. */
const storageKeyFor = (backend) => `pos-auth-demo:session:${backend}`;
const LOG_LIMIT = 60;
const REFRESHING_NEAR_MS = 3000; // show "refreshing…" this close to expiry

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
};

const ui = {
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
  refreshNote: $("refresh-note"),
  refreshBtn: $("refresh"),
  callApiBtn: $("call-api"),
  logoutBtn: $("logout"),
  apiResult: $("api-result"),
  eventLog: $("event-log"),
  clearLog: $("clear-log"),
};

// ---------------------------------------------------------------- helpers

const pad = (n) => String(n).padStart(2, "0");
const clockTime = (ms) => {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};
const dateTime = (ms) => {
  const d = new Date(ms);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay ? clockTime(ms) : `${d.toLocaleDateString()} ${clockTime(ms)}`;
};
/** mm:ss (hh:mm:ss past an hour) of a non-negative duration. */
const duration = (ms) => {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
};

/** An element with text content only (server data is never parsed as HTML). */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function announce(message) {
  // Clear first so the same message twice is announced twice.
  ui.status.textContent = "";
  setTimeout(() => { ui.status.textContent = message; }, 50);
}

/** Marks a button busy without disabling it, so keyboard focus stays on it. */
function setBusy(button, busy) {
  button.setAttribute("aria-busy", String(busy));
  button.setAttribute("aria-disabled", String(busy));
}
const isBusy = (button) => button.getAttribute("aria-busy") === "true";

/** "code: message" for an AuthError, the message for anything else. */
function errorSummary(err) {
  if (err && typeof err === "object" && "code" in err) return { code: String(err.code), message: String(err.message) };
  if (err instanceof Error) return { code: err.name, message: err.message };
  return { code: "error", message: String(err) };
}

function defaultServer(backend) {
  return new URL(BACKENDS[backend].path, location.href).href.replace(/\/+$/, "");
}

const isBackend = (name) => typeof name === "string" && Object.hasOwn(BACKENDS, name);

/** The demo's settings: the chosen back end, the server used for each, the CashDesk developer id. */
let connection = { backend: "portos", servers: {}, developerId: "" };

function loadConnection() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? "null");
    if (saved && isBackend(saved.backend)) {
      const servers = {};
      for (const [name, url] of Object.entries(saved.servers ?? {})) {
        if (isBackend(name) && typeof url === "string") servers[name] = url;
      }
      const developerId = typeof saved.developerId === "string" ? saved.developerId : "";
      return { backend: saved.backend, servers, developerId };
    }
  } catch {
    // unreadable: fall back to the defaults
  }
  return { backend: "portos", servers: {}, developerId: "" };
}

function saveConnection() {
  try {
    sessionStorage.setItem(STORE_KEY, JSON.stringify(connection));
  } catch {
    // storage unavailable: the demo still works, the choice is just not kept
  }
}

const serverFor = (backend) => connection.servers[backend] ?? defaultServer(backend);

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

// ---------------------------------------------------------------- event log

function logEntry(type, detail, { error } = {}) {
  ui.eventLog.querySelector(".empty")?.remove();
  const item = el("li");
  item.dataset.type = type;
  const now = Date.now();
  const time = el("time", clockTime(now));
  time.dateTime = new Date(now).toISOString();
  item.append(time, el("span", type, "type"));
  const text = el("span", detail, "detail");
  if (error) {
    item.classList.add("error");
    const { code, message } = errorSummary(error);
    text.textContent = detail ? `${detail}: ` : "";
    text.append(el("code", code), document.createTextNode(` ${message}`));
  }
  item.append(text);
  ui.eventLog.prepend(item);
  while (ui.eventLog.children.length > LOG_LIMIT) ui.eventLog.lastElementChild?.remove();
}

function clearLog() {
  ui.eventLog.replaceChildren(el("li", "No events yet.", "empty"));
}

function describeEvent(event) {
  const s = event.session;
  switch (event.type) {
    case "initial": {
      const label = BACKENDS[s?.backend ?? client?.backend]?.label ?? "";
      return s ? `restored ${label} session of ${s.user.name ?? s.user.userName ?? "user"}` : `no ${label} session`;
    }
    case "signedIn":
      return `${s.user.name ?? s.user.userName ?? "user"}${s.user.device ? ` on ${s.user.device.name}` : ""}` +
        ` (${BACKENDS[s.backend]?.label ?? s.backend})` +
        (s.expiresAt !== null ? `, valid until ${clockTime(s.expiresAt)}` : "");
    case "refreshed":
      return s.expiresAt !== null ? `new token, valid until ${clockTime(s.expiresAt)}` : "new token";
    case "userUpdated":
      return `profile changed: ${s.user.name ?? s.user.userName ?? "user"}`;
    case "expiring":
      if (event.error) return "background refresh failed";
      return `token expires at ${s?.expiresAt ? clockTime(s.expiresAt) : "?"}${s && !s.canRefresh ? ", no refresh possible" : ""}`;
    case "expired":
      return event.error ? "session ended" : "session ran out";
    case "signedOut":
      return "signed out";
    default:
      return "";
  }
}

// ---------------------------------------------------------------- views

let client = null;
let unsubscribe = null;
let current = null; // the Session shown
let tokenSince = 0; // local time the shown token arrived (for the meter)
let refreshTrouble = false; // a background refresh failed and is being retried
let expiringToken = null; // access token an `expiring` warning was shown for (no refresh possible)

function showBoot(message, failed = false) {
  ui.bootMessage.textContent = message;
  ui.body.classList.toggle("boot-failed", failed);
  ui.boot.hidden = false;
  ui.loginView.hidden = true;
  ui.sessionView.hidden = true;
}

function setPill(text, kind) {
  ui.statePill.textContent = text;
  ui.statePill.className = `pill pill-${kind}`;
}

/** The first visible login input still empty (the password once the user is known). */
function firstEmptyField() {
  const inputs = [ui.userName, ui.email, ui.password, ui.device]
    .filter((input) => !input.disabled && !input.closest(".field").hidden);
  return inputs.find((input) => input !== ui.password && !input.value) ?? ui.password;
}

function showLogin(notice) {
  const wasSignedIn = !ui.sessionView.hidden;
  ui.body.classList.remove("booting");
  ui.boot.hidden = true;
  ui.sessionView.hidden = true;
  ui.loginView.hidden = false;
  ui.loginNotice.hidden = !notice;
  ui.loginNotice.textContent = notice ?? "";
  hideExpiring();
  setPill("Signed out", "off");
  if (wasSignedIn || notice) firstEmptyField().focus();
}

function showSession(session, { focus = false } = {}) {
  ui.body.classList.remove("booting");
  ui.boot.hidden = true;
  ui.loginView.hidden = true;
  ui.sessionView.hidden = false;
  if (refreshTrouble) setPill("Reconnecting", "warn");
  else if (expiringToken && expiringToken === session.accessToken) setPill("Expiring", "warn");
  else setPill("Signed in", "on");

  if (session !== current) {
    if (!current || session.accessToken !== current.accessToken) {
      tokenSince = tokenArrival(session);
      if (expiringToken !== session.accessToken) hideExpiring();
    }
    current = session;
    renderProfile(session);
    renderSessionFacts(session);
  }
  tick();
  if (focus) ui.profileName.focus();
}

/** A value from the back end's raw user data as display text ("" when absent). */
function rawText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" || typeof value === "number") return String(value).trim();
  return "";
}

function renderProfile(session) {
  const { user, backend } = session;
  const name = user.name ?? user.userName ?? "—";
  ui.profileName.textContent = name;
  const longestWord = Math.max(...name.split(/\s+/).map((word) => [...word].length));
  ui.profileName.classList.toggle("long", [...name].length > 16 || longestWord > 11);
  ui.avatar.textContent = [...name.trim()][0]?.toUpperCase() ?? "?";
  // CashDesk's user name is the cashier's e-mail.
  ui.profileUserLabel.textContent = backend === "cashdesk" ? "E-mail" : "User";
  ui.profileUserLabel.classList.toggle("visually-hidden", backend === "cashdesk"); // an address speaks for itself
  ui.profileUserName.textContent = (backend === "cashdesk" ? user.email ?? user.userName : user.userName) ?? "—";

  // Rights: PORTOS only (the others have none).
  ui.rightsBlock.hidden = backend !== "portos";
  const chips = user.rights.map((right) => el("li", right));
  ui.profileRights.replaceChildren(...(chips.length ? chips : [el("li", "none", "none")]));

  // Account: MetaDefender's e-mail and numeric role.
  ui.accountBlock.hidden = backend !== "metadefender";
  ui.profileEmail.textContent = user.email ?? "—";
  ui.profileRole.textContent = user.role === null ? "none" : `Role ${user.role}`;
  ui.profileRole.classList.toggle("none", user.role === null);

  // Shift: CashDesk's open shift and cash register, from the login body.
  ui.shiftBlock.hidden = backend !== "cashdesk";
  if (backend === "cashdesk") renderShift(user.raw);

  const device = user.device;
  ui.deviceBlock.hidden = !device;
  if (!device) return;
  ui.deviceName.textContent = device.name;
  ui.deviceEnv.textContent = device.envName ?? "—";
  ui.deviceDescription.textContent = device.description ?? "—";
  const rows = Object.entries(device.settings).flatMap(([key, value]) => {
    const dd = el("dd", value === "" ? "—" : value);
    if (value === "") {
      dd.classList.add("empty");
      dd.title = "empty";
    }
    return [el("dt", key), dd];
  });
  ui.deviceSettings.replaceChildren(...(rows.length ? rows : [el("dt", "none"), el("dd", "")]));
}

function renderShift(raw) {
  const shift = rawText(raw.opened_shift);
  ui.shiftNumber.textContent = shift ? `№ ${shift}` : "no open shift";
  ui.shiftNumber.classList.toggle("empty", !shift);

  // `active_rro` is documented as a boolean ("the user has active cash registers").
  const rro = raw.active_rro;
  const rroText = rro === true ? "active" : rro === false || rro === null || rro === undefined ? "none active" : rawText(rro) || "—";
  ui.shiftRro.textContent = rroText;
  ui.shiftRro.classList.toggle("empty", rro !== true && !rawText(rro));

  const developerId = rawText(raw.developer_id);
  ui.developerRow.hidden = !developerId;
  ui.shiftDeveloperId.textContent = developerId;
}

function renderSessionFacts(session) {
  const spec = BACKENDS[session.backend];
  ui.expiresAt.textContent = session.expiresAt === null ? "unknown" : dateTime(session.expiresAt);
  ui.refreshExpiryRow.hidden = session.refreshExpiresAt === null;
  ui.refreshExpiry.textContent = session.refreshExpiresAt === null ? "" : dateTime(session.refreshExpiresAt);
  ui.sessionBackend.textContent = spec?.label ?? session.backend;
  ui.sessionRefresh.textContent = session.canRefresh ? "on" : "not supported";
  // A session that cannot refresh (CashDesk) gets a note instead of the button.
  ui.refreshBtn.hidden = !session.canRefresh;
  ui.refreshBtn.disabled = !session.canRefresh;
  ui.refreshNote.hidden = session.canRefresh;
  ui.callApiBtn.hidden = !spec?.apiPath;
  ui.apiResult.hidden = !spec?.apiPath;
  ui.apiResult.textContent = "";
  ui.apiResult.className = "api-result";
}

/** The warning that a token which cannot be refreshed is about to run out. */
function showExpiring(session) {
  expiringToken = session.accessToken;
  const at = session.expiresAt === null ? null : clockTime(session.expiresAt);
  ui.expiringTitle.textContent = at ? `Your session ends at ${at}` : "Your session ends soon";
  ui.expiringText.textContent = session.backend === "cashdesk"
    ? "The CashDesk token runs out soon and cannot be refreshed. Finish the current receipt, then sign in again."
    : "The token runs out soon and will not be refreshed. Save your work, then sign in again.";
  ui.expiringBanner.hidden = false;
  setPill("Expiring", "warn");
  tick();
}

/** Whether a session that cannot refresh is already inside its warning margin.
 *  pos-auth emits `expiring` for a restored session inside the margin while
 *  the client is being constructed, before `onChange` can subscribe, so after
 *  a reload the page works it out itself: margin = min(60 s, lifetime / 2). */
function insideMargin(session) {
  if (session.canRefresh || session.expiresAt === null) return false;
  const margin = Math.min(60_000, Math.max(0, session.expiresAt - tokenSince) / 2);
  return Date.now() >= session.expiresAt - margin;
}

function hideExpiring() {
  expiringToken = null;
  ui.expiringBanner.hidden = true;
}

/** Once a second: the clock and the countdown. */
function tick() {
  const now = Date.now();
  ui.clock.textContent = clockTime(now).slice(0, 5);
  ui.clock.dateTime = new Date(now).toISOString();
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

function scheduleTicks() {
  tick();
  // Align to the next whole second so the countdown steps evenly.
  setTimeout(scheduleTicks, 1000 - (Date.now() % 1000) + 5);
}

// ---------------------------------------------------------------- login errors

function clearLoginError() {
  ui.loginError.hidden = true;
  ui.loginErrorFields.hidden = true;
  ui.loginErrorFields.replaceChildren();
  for (const input of [ui.userName, ui.email, ui.password, ui.device]) input.removeAttribute("aria-invalid");
}

function showLoginError(err) {
  const { code, message } = errorSummary(err);
  ui.loginErrorMessage.textContent = message;
  ui.loginErrorCode.textContent = code;
  const status = err && typeof err === "object" && typeof err.status === "number" ? ` · HTTP ${err.status}` : "";
  ui.loginErrorStatus.textContent = status;
  const fields = Array.isArray(err?.errors) ? err.errors : [];
  ui.loginErrorFields.replaceChildren(...fields.map((f) => el("li", `${f.memberName}: ${f.message}`)));
  ui.loginErrorFields.hidden = fields.length === 0;
  ui.loginError.hidden = false;
  if (code === "invalid_credentials") {
    ui.password.setAttribute("aria-invalid", "true");
    ui.password.select();
    ui.password.focus();
  }
}

// ---------------------------------------------------------------- the client

function onAuthEvent(event) {
  logEntry(event.type, describeEvent(event), { error: event.error });
  switch (event.type) {
    case "initial":
      if (event.session) {
        showSession(event.session);
        if (insideMargin(event.session)) showExpiring(event.session);
      } else {
        showLogin();
        // A terminal with a keyboard: ready to type. (Not on touch screens, where it would pop up the keyboard.)
        if (matchMedia("(pointer: fine)").matches && !ui.loginView.contains(document.activeElement)) firstEmptyField().focus();
      }
      break;
    case "signedIn":
      refreshTrouble = false;
      hideExpiring();
      showSession(event.session, { focus: true });
      announce(`Signed in as ${event.session.user.name ?? event.session.user.userName ?? "user"}`);
      break;
    case "refreshed":
      if (refreshTrouble) announce("Connection restored, session refreshed");
      refreshTrouble = false;
      showSession(event.session);
      break;
    case "userUpdated":
      showSession(event.session);
      break;
    case "expiring":
      refreshTrouble = Boolean(event.error);
      // Without an error the session will not refresh itself (CashDesk): warn the cashier.
      if (!event.error && event.session) showExpiring(event.session);
      setPill(event.error ? "Reconnecting" : "Expiring", "warn");
      tick();
      if (event.error) announce(`Session refresh failed: ${event.error.message}`);
      break;
    case "expired": {
      const cannotRefresh = current && !current.canRefresh;
      if (current) prefillFrom(current);
      current = null;
      refreshTrouble = false;
      showLogin(cannotRefresh
        ? `Your ${BACKENDS[client?.backend]?.label ?? ""} session has ended: the token ran out and cannot be refreshed. Please sign in again.`
        : "Your session has ended. Please sign in again.");
      announce("Session ended");
      break;
    }
    case "signedOut":
      current = null;
      refreshTrouble = false;
      showLogin();
      announce("Signed out");
      break;
  }
}

/** After a session ran out: who was signed in, so only the password is left to type. */
function prefillFrom(session) {
  const { user } = session;
  if (session.backend === "cashdesk") {
    if (!ui.email.value && user.email) ui.email.value = user.email;
  } else if (!ui.userName.value && user.userName) {
    ui.userName.value = user.userName;
  }
  if (session.backend === "portos" && !ui.device.value && user.device) ui.device.value = user.device.name;
}

function showOptionError(input, errorEl, message) {
  errorEl.textContent = message;
  errorEl.hidden = false;
  input.setAttribute("aria-invalid", "true");
}

function clearOptionErrors() {
  for (const [input, errorEl] of [[ui.server, ui.serverError], [ui.developerId, ui.developerIdError]]) {
    errorEl.hidden = true;
    errorEl.textContent = "";
    input.removeAttribute("aria-invalid");
  }
}

/** (Re)creates the client for the form's back end, server and developer id.
 *  Returns false and shows why when the options are refused. */
function ensureClient() {
  const backend = ui.backend.value;
  const baseUrl = ui.server.value.trim().replace(/\/+$/, "");
  const developerId = backend === "cashdesk" ? ui.developerId.value.trim() : "";
  if (client && client.baseUrl === baseUrl && client.backend === backend && client.developerId === developerId) return true;

  unsubscribe?.();
  unsubscribe = null;
  client?.instance.dispose();
  client = null;
  current = null;
  refreshTrouble = false;
  hideExpiring();
  clearOptionErrors();
  try {
    const instance = new AuthClient({
      baseUrl,
      backend,
      storageKey: storageKeyFor(backend),
      developerId: developerId || undefined,
    });
    client = { instance, baseUrl, backend, developerId };
  } catch (err) {
    const { code, message } = errorSummary(err);
    if (/developerId/.test(message)) {
      showOptionError(ui.developerId, ui.developerIdError, `${message} (${code})`);
    } else {
      showOptionError(ui.server, ui.serverError, `${message} (${code})`);
      ui.advanced.open = true;
    }
    logEntry("error", "options refused", { error: err });
    return false;
  }
  connection = {
    backend,
    servers: { ...connection.servers, [backend]: baseUrl },
    developerId: backend === "cashdesk" ? developerId : connection.developerId,
  };
  saveConnection();
  ui.serverSummary.textContent = baseUrl;
  unsubscribe = client.instance.onChange(onAuthEvent);
  return true;
}

/** Shows the fields of the chosen back end; the others are hidden and disabled (never submitted). */
function applyBackend() {
  const spec = BACKENDS[ui.backend.value];
  for (const wrapper of ui.form.querySelectorAll(".field[data-field]")) {
    const name = wrapper.dataset.field;
    if (name === "backend" || name === "server") continue;
    const used = spec.fields.includes(name);
    wrapper.hidden = !used;
    for (const input of wrapper.querySelectorAll("input")) input.disabled = !used;
  }
  ui.backendHint.textContent = spec.hint;
  if (spec.userNamePlaceholder) ui.userName.placeholder = spec.userNamePlaceholder;
  ui.userName.required = spec.fields.includes("userName");
  ui.email.required = spec.fields.includes("email");
  ui.device.required = spec.fields.includes("deviceName");
}

function onBackendChange() {
  if (!isBackend(ui.backend.value)) return;
  clearLoginError();
  ui.loginNotice.hidden = true;
  applyBackend();
  ui.server.value = serverFor(ui.backend.value);
  ui.serverSummary.textContent = ui.server.value;
  ensureClient();
}

async function onSubmit(event) {
  event.preventDefault();
  if (isBusy(ui.loginSubmit)) return;
  clearLoginError();
  if (!ensureClient()) return;
  const spec = BACKENDS[client.backend];
  const form = {
    userName: ui.userName.value.trim(),
    email: ui.email.value.trim(),
    password: ui.password.value,
    deviceName: ui.device.value.trim(),
  };
  setBusy(ui.loginSubmit, true);
  ui.backend.disabled = true; // switching now would dispose the client mid-login
  try {
    await client.instance.login(spec.credentials(form));
    ui.password.value = ""; // never keep the password around
  } catch (err) {
    showLoginError(err);
    logEntry("error", "login failed", { error: err });
    announce(`Sign-in failed: ${errorSummary(err).message}`);
  } finally {
    setBusy(ui.loginSubmit, false);
    ui.backend.disabled = false;
  }
}

async function onRefresh() {
  if (!client || isBusy(ui.refreshBtn)) return;
  setBusy(ui.refreshBtn, true);
  try {
    await client.instance.refresh();
    announce("Session refreshed");
  } catch (err) {
    logEntry("error", "refresh failed", { error: err });
    announce(`Refresh failed: ${errorSummary(err).message}`);
  } finally {
    setBusy(ui.refreshBtn, false);
    if (current) ui.refreshBtn.disabled = !current.canRefresh;
  }
}

async function onCallApi() {
  const apiPath = client && BACKENDS[client.backend].apiPath;
  if (!apiPath || isBusy(ui.callApiBtn)) return;
  const url = `${client.baseUrl}${apiPath}`;
  setBusy(ui.callApiBtn, true);
  ui.apiResult.className = "api-result";
  ui.apiResult.textContent = "Calling…";
  const started = performance.now();
  try {
    const response = await client.instance.fetch(url);
    const ms = Math.round(performance.now() - started);
    ui.apiResult.classList.add(response.ok ? "ok" : "bad");
    ui.apiResult.textContent = `GET ${apiPath} → ${response.status}${response.statusText ? ` ${response.statusText}` : ""} (${ms} ms)`;
    logEntry("api", `GET ${apiPath} → ${response.status}`);
  } catch (err) {
    const { code, message } = errorSummary(err);
    ui.apiResult.classList.add("bad");
    ui.apiResult.textContent = `GET ${apiPath} failed: ${message} (${code})`;
    logEntry("error", "API call failed", { error: err });
  } finally {
    setBusy(ui.callApiBtn, false);
  }
}

async function onLogout() {
  if (!client || isBusy(ui.logoutBtn)) return;
  setBusy(ui.logoutBtn, true);
  try {
    await client.instance.logout(); // never rejects except "disposed"
  } catch (err) {
    logEntry("error", "logout failed", { error: err });
  } finally {
    setBusy(ui.logoutBtn, false);
  }
}

// ---------------------------------------------------------------- start

let AuthClient;

async function start() {
  clearLog();
  scheduleTicks();
  setPill("Starting…", "off");

  for (const [value, spec] of Object.entries(BACKENDS)) {
    const option = el("option", spec.label);
    option.value = value;
    ui.backend.append(option);
  }
  connection = loadConnection();
  ui.backend.value = connection.backend;
  ui.server.value = serverFor(connection.backend);
  ui.serverSummary.textContent = ui.server.value;
  ui.developerId.value = connection.developerId;
  applyBackend();

  try {
    ({ AuthClient } = await import("/pkg/index.js"));
  } catch (err) {
    showBoot(`Could not load the pos-auth package from /pkg/: ${errorSummary(err).message}`, true);
    setPill("Unavailable", "warn");
    return;
  }

  ui.form.addEventListener("submit", onSubmit);
  ui.server.addEventListener("change", () => ensureClient());
  ui.backend.addEventListener("change", onBackendChange);
  ui.refreshBtn.addEventListener("click", onRefresh);
  ui.callApiBtn.addEventListener("click", onCallApi);
  ui.logoutBtn.addEventListener("click", onLogout);
  ui.clearLog.addEventListener("click", clearLog);

  // The `initial` event decides which view to show (a reload restores the session).
  if (!ensureClient()) showLogin();
}

start();
