// pos-auth demo: the sign-in screen of a POS terminal.
//
// Plain ES module, no build step. The package is served at /pkg/ and
// initialises its WebAssembly itself, so importing it is all it takes.
// Everything the server sends is shown with textContent, never as HTML.

/** Back ends the form knows. Only PORTOS is enabled for now; the others show
 *  how a switcher slots in: each lists its form fields and builds its credentials. */
const BACKENDS = {
  portos: {
    label: "PORTOS",
    enabled: true,
    path: "/portos",
    fields: ["userName", "password", "deviceName"],
    credentials: (f) => ({ userName: f.userName, password: f.password, deviceName: f.deviceName }),
  },
  cashdesk: {
    label: "CashDesk",
    enabled: false,
    path: "/cashdesk",
    fields: ["email", "password"],
    credentials: (f) => ({ email: f.email, password: f.password }),
  },
  metadefender: {
    label: "MetaDefender",
    enabled: false,
    path: "/metadefender",
    fields: ["userName", "password"],
    credentials: (f) => ({ userName: f.userName, password: f.password }),
  },
};

const STORE_KEY = "pos-auth-demo:connection"; // the demo's own settings, not the session
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
  userName: $("user-name"),
  email: $("email"),
  password: $("password"),
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
  profileName: $("profile-name"),
  profileUserName: $("profile-user-name"),
  profileRights: $("profile-rights"),
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

function loadConnection() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? "null");
    if (saved && typeof saved.server === "string" && BACKENDS[saved.backend]?.enabled) return saved;
  } catch {
    // unreadable: fall back to the defaults
  }
  return { backend: "portos", server: defaultServer("portos") };
}

function saveConnection(backend, server) {
  try {
    sessionStorage.setItem(STORE_KEY, JSON.stringify({ backend, server }));
  } catch {
    // storage unavailable: the demo still works, the choice is just not kept
  }
}

/** When the shown token arrived, for the meter; kept across reloads, keyed by its expiry. */
function tokenArrival(session) {
  const key = "pos-auth-demo:token-since";
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
    case "initial":
      return s ? `restored session of ${s.user.name ?? s.user.userName ?? "user"}` : "no session";
    case "signedIn":
      return `${s.user.name ?? s.user.userName ?? "user"}${s.user.device ? ` on ${s.user.device.name}` : ""}` +
        (s.expiresAt !== null ? `, valid until ${clockTime(s.expiresAt)}` : "");
    case "refreshed":
      return s.expiresAt !== null ? `new token, valid until ${clockTime(s.expiresAt)}` : "new token";
    case "userUpdated":
      return `profile changed: ${s.user.name ?? s.user.userName ?? "user"}`;
    case "expiring":
      return event.error ? "background refresh failed" : `token expires at ${s?.expiresAt ? clockTime(s.expiresAt) : "?"}`;
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

function showLogin(notice) {
  const wasSignedIn = !ui.sessionView.hidden;
  ui.body.classList.remove("booting");
  ui.boot.hidden = true;
  ui.sessionView.hidden = true;
  ui.loginView.hidden = false;
  ui.loginNotice.hidden = !notice;
  ui.loginNotice.textContent = notice ?? "";
  setPill("Signed out", "off");
  if (wasSignedIn || notice) (ui.userName.value ? ui.password : ui.userName).focus();
}

function showSession(session, { focus = false } = {}) {
  ui.body.classList.remove("booting");
  ui.boot.hidden = true;
  ui.loginView.hidden = true;
  ui.sessionView.hidden = false;
  if (refreshTrouble) setPill("Reconnecting", "warn");
  else setPill("Signed in", "on");

  if (session !== current) {
    if (!current || session.accessToken !== current.accessToken) tokenSince = tokenArrival(session);
    current = session;
    renderProfile(session.user);
    renderSessionFacts(session);
  }
  tick();
  if (focus) ui.profileName.focus();
}

function renderProfile(user) {
  const name = user.name ?? user.userName ?? "—";
  ui.profileName.textContent = name;
  ui.avatar.textContent = [...name.trim()][0]?.toUpperCase() ?? "?";
  ui.profileUserName.textContent = user.userName ?? "—";

  const chips = user.rights.map((right) => el("li", right));
  ui.profileRights.replaceChildren(...(chips.length ? chips : [el("li", "none", "none")]));

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

function renderSessionFacts(session) {
  ui.expiresAt.textContent = session.expiresAt === null ? "unknown" : dateTime(session.expiresAt);
  ui.refreshExpiryRow.hidden = session.refreshExpiresAt === null;
  ui.refreshExpiry.textContent = session.refreshExpiresAt === null ? "" : dateTime(session.refreshExpiresAt);
  ui.sessionBackend.textContent = BACKENDS[session.backend]?.label ?? session.backend;
  ui.sessionRefresh.textContent = session.canRefresh ? "on" : "not supported";
  ui.refreshBtn.disabled = !session.canRefresh;
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
  ui.countdown.classList.toggle("low", fraction < 0.25 && left > 0);
  ui.countdown.classList.toggle("gone", left <= 0);
  const note = refreshTrouble ? "server unreachable, retrying…"
    : left <= REFRESHING_NEAR_MS ? (current.canRefresh ? "refreshing…" : "expiring…") : "";
  if (ui.countdownNote.textContent !== note) ui.countdownNote.textContent = note;
  ui.meterBar.style.width = `${(fraction * 100).toFixed(1)}%`;
  ui.meterBar.classList.toggle("low", fraction < 0.25);
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
      if (event.session) showSession(event.session);
      else {
        showLogin();
        // A terminal with a keyboard: ready to type. (Not on touch screens, where it would pop up the keyboard.)
        if (matchMedia("(pointer: fine)").matches && !ui.loginView.contains(document.activeElement)) ui.userName.focus();
      }
      break;
    case "signedIn":
      refreshTrouble = false;
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
      setPill(event.error ? "Reconnecting" : "Expiring", "warn");
      tick();
      if (event.error) announce(`Session refresh failed: ${event.error.message}`);
      break;
    case "expired":
      current = null;
      refreshTrouble = false;
      showLogin("Your session has ended. Please sign in again.");
      announce("Session ended");
      break;
    case "signedOut":
      current = null;
      refreshTrouble = false;
      showLogin();
      announce("Signed out");
      break;
  }
}

/** (Re)creates the client for the form's back end and server. Returns false
 *  and shows why when the options are refused. */
function ensureClient() {
  const backend = ui.backend.value;
  const baseUrl = ui.server.value.trim().replace(/\/+$/, "");
  if (client && client.baseUrl === baseUrl && client.backend === backend) return true;

  unsubscribe?.();
  unsubscribe = null;
  client?.instance.dispose();
  client = null;
  current = null;
  ui.serverError.hidden = true;
  ui.server.removeAttribute("aria-invalid");
  try {
    const instance = new AuthClient({ baseUrl, backend });
    client = { instance, baseUrl, backend };
  } catch (err) {
    const { code, message } = errorSummary(err);
    ui.serverError.textContent = `${message} (${code})`;
    ui.serverError.hidden = false;
    ui.server.setAttribute("aria-invalid", "true");
    ui.advanced.open = true;
    logEntry("error", "options refused", { error: err });
    return false;
  }
  saveConnection(backend, baseUrl);
  ui.serverSummary.textContent = baseUrl;
  unsubscribe = client.instance.onChange(onAuthEvent);
  return true;
}

function applyBackend() {
  const fields = BACKENDS[ui.backend.value].fields;
  for (const wrapper of ui.form.querySelectorAll(".field[data-field]")) {
    const name = wrapper.dataset.field;
    if (name === "backend" || name === "server") continue;
    const used = fields.includes(name);
    wrapper.hidden = !used;
    for (const input of wrapper.querySelectorAll("input")) input.disabled = !used;
  }
}

async function onSubmit(event) {
  event.preventDefault();
  if (isBusy(ui.loginSubmit)) return;
  clearLoginError();
  if (!ensureClient()) return;
  const spec = BACKENDS[ui.backend.value];
  const form = {
    userName: ui.userName.value.trim(),
    email: ui.email.value.trim(),
    password: ui.password.value,
    deviceName: ui.device.value.trim(),
  };
  setBusy(ui.loginSubmit, true);
  try {
    await client.instance.login(spec.credentials(form));
    ui.password.value = ""; // never keep the password around
  } catch (err) {
    showLoginError(err);
    logEntry("error", "login failed", { error: err });
    announce(`Sign-in failed: ${errorSummary(err).message}`);
  } finally {
    setBusy(ui.loginSubmit, false);
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
  if (!client || isBusy(ui.callApiBtn)) return;
  const url = `${client.baseUrl}/api/auth`;
  setBusy(ui.callApiBtn, true);
  ui.apiResult.className = "api-result";
  ui.apiResult.textContent = "Calling…";
  const started = performance.now();
  try {
    const response = await client.instance.fetch(url);
    const ms = Math.round(performance.now() - started);
    ui.apiResult.classList.add(response.ok ? "ok" : "bad");
    ui.apiResult.textContent = `GET /api/auth → ${response.status}${response.statusText ? ` ${response.statusText}` : ""} (${ms} ms)`;
    logEntry("api", `GET /api/auth → ${response.status}`);
  } catch (err) {
    const { code, message } = errorSummary(err);
    ui.apiResult.classList.add("bad");
    ui.apiResult.textContent = `GET /api/auth failed: ${message} (${code})`;
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
    const option = el("option", spec.enabled ? spec.label : `${spec.label} (coming soon)`);
    option.value = value;
    option.disabled = !spec.enabled;
    ui.backend.append(option);
  }
  const saved = loadConnection();
  ui.backend.value = saved.backend;
  ui.server.value = saved.server;
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
  ui.backend.addEventListener("change", () => {
    applyBackend();
    ui.server.value = defaultServer(ui.backend.value);
    ensureClient();
  });
  ui.refreshBtn.addEventListener("click", onRefresh);
  ui.callApiBtn.addEventListener("click", onCallApi);
  ui.logoutBtn.addEventListener("click", onLogout);
  ui.clearLog.addEventListener("click", clearLog);

  // The `initial` event decides which view to show (a reload restores the session).
  if (!ensureClient()) showLogin();
}

start();
