// What the buttons and the form do. Each action marks its button busy while
// it runs, and ignores a second press meanwhile.

import { BACKENDS, isBackend } from "./backends.js";
import { ensureClient } from "./client.js";
import { serverFor } from "./connection.js";
import { announce, isBusy, setBusy, ui } from "./dom.js";
import { errorSummary } from "./format.js";
import { logEntry } from "./log.js";
import { applyBackend, clearLoginError, formValues, showLoginError } from "./login-view.js";
import { state } from "./state.js";

export function onBackendChange() {
  if (!isBackend(ui.backend.value)) return;
  clearLoginError();
  ui.loginNotice.hidden = true;
  applyBackend();
  ui.server.value = serverFor(ui.backend.value);
  ui.serverSummary.textContent = ui.server.value;
  ensureClient();
}

export async function onSubmit(event) {
  event.preventDefault();
  if (isBusy(ui.loginSubmit)) return;
  clearLoginError();
  if (!ensureClient()) return;
  const { client } = state;
  const spec = BACKENDS[client.backend];
  const form = formValues();
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

export async function onRefresh() {
  const { client } = state;
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
    if (state.current) ui.refreshBtn.disabled = !state.current.canRefresh;
  }
}

export async function onCallApi() {
  const { client } = state;
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

/** Locks the till now (the idle lock does the same by itself). The `locked` event shows the lock screen. */
export function onLock() {
  const { client } = state;
  if (!client) return;
  try {
    client.instance.lock();
  } catch (err) {
    logEntry("error", "lock failed", { error: err });
    announce(`Lock failed: ${errorSummary(err).message}`);
  }
}

export async function onLogout() {
  const { client } = state;
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
