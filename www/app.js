// pos-auth demo: the sign-in screen of a POS terminal.
//
// Plain ES modules, no build step: this entry fills the form, loads the
// package from /pkg/ (it initialises its WebAssembly itself) and wires the
// controls. The screens and concerns live in js/; their shared state is the
// one object of js/state.js.

import { onBackendChange, onCallApi, onLock, onLogout, onRefresh, onSubmit } from "./js/actions.js";
import { onApprovalClosed, onApprove, openApproval } from "./js/approval.js";
import { BACKENDS } from "./js/backends.js";
import { ensureClient } from "./js/client.js";
import { loadConnection, serverFor } from "./js/connection.js";
import { el, setPill, ui } from "./js/dom.js";
import { errorSummary } from "./js/format.js";
import { onChangeCashier, onChangeToggle, onUnlock } from "./js/lock-view.js";
import { clearLog } from "./js/log.js";
import { applyBackend, showLogin } from "./js/login-view.js";
import { scheduleTicks } from "./js/session-view.js";
import { state } from "./js/state.js";

function showBoot(message, failed = false) {
  ui.bootMessage.textContent = message;
  ui.body.classList.toggle("boot-failed", failed);
  ui.boot.hidden = false;
  ui.loginView.hidden = true;
  ui.sessionView.hidden = true;
  ui.lockView.hidden = true;
}

async function start() {
  clearLog();
  scheduleTicks();
  setPill("Starting…", "off");

  for (const [value, spec] of Object.entries(BACKENDS)) {
    const option = el("option", spec.label);
    option.value = value;
    ui.backend.append(option);
  }
  state.connection = loadConnection();
  ui.backend.value = state.connection.backend;
  ui.server.value = serverFor(state.connection.backend);
  ui.serverSummary.textContent = ui.server.value;
  ui.developerId.value = state.connection.developerId;
  ui.idleLock.value = String(state.connection.idleLock);
  applyBackend();

  // Imported here, not statically, so a missing package leaves a message
  // instead of a blank page.
  try {
    ({ AuthClient: state.AuthClient } = await import("/pkg/index.js"));
  } catch (err) {
    showBoot(`Could not load the pos-auth package from /pkg/: ${errorSummary(err).message}`, true);
    setPill("Unavailable", "warn");
    return;
  }

  ui.form.addEventListener("submit", onSubmit);
  ui.server.addEventListener("change", () => ensureClient());
  ui.idleLock.addEventListener("change", () => ensureClient());
  ui.backend.addEventListener("change", onBackendChange);
  ui.refreshBtn.addEventListener("click", onRefresh);
  ui.callApiBtn.addEventListener("click", onCallApi);
  ui.logoutBtn.addEventListener("click", onLogout);
  // The till: lock, unlock, change of cashier, manager approval.
  ui.lockBtn.addEventListener("click", onLock);
  ui.unlockForm.addEventListener("submit", onUnlock);
  ui.changeForm.addEventListener("submit", onChangeCashier);
  ui.changeCashier.addEventListener("toggle", onChangeToggle);
  ui.voidBtn.addEventListener("click", openApproval);
  ui.approvalForm.addEventListener("submit", onApprove);
  ui.approvalCancel.addEventListener("click", () => ui.approvalDialog.close());
  ui.approvalDialog.addEventListener("close", onApprovalClosed);
  ui.clearLog.addEventListener("click", clearLog);

  // The `initial` event decides which view to show (a reload restores the session).
  if (!ensureClient()) showLogin();
}

start();
