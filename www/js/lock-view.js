// The lock screen, shown whenever pos-auth's `session.locked` is true (after
// a reload too: the lock is kept in the session's record). Only the signed-in
// cashier's password opens the till again (online, or offline against what
// this page remembers since its sign-in), or another cashier signs in.

import { closeApproval } from "./approval.js";
import { announce, isBusy, setBusy, setPill, ui } from "./dom.js";
import { errorSummary } from "./format.js";
import { logEntry } from "./log.js";
import { state } from "./state.js";
import { applyFields, clearError, credentialsFrom, displayName, field, firstEmpty, resetFields, showError } from "./till-forms.js";

/** Wrong passwords in a row before the session ends; the client's `unlockAttempts`. */
export const UNLOCK_ATTEMPTS = 5;

const OFFLINE_UNLOCK = "The server cannot be reached; try your password again when online — " +
  "a till that signed in on this page can unlock offline.";
const UNLOCK_TEXTS = {
  invalid_credentials: `Wrong password. After ${UNLOCK_ATTEMPTS} wrong passwords in a row the cashier is signed out.`,
  network: OFFLINE_UNLOCK,
  timeout: OFFLINE_UNLOCK,
};

const OFFLINE_CHANGE = "The server cannot be reached: another cashier can sign in once it is back. The till stays locked.";
const CHANGE_TEXTS = {
  invalid_credentials: "Wrong user name or password. The till stays locked.",
  network: OFFLINE_CHANGE,
  timeout: OFFLINE_CHANGE,
};

/** Shows `session` locked; `focus` puts the cursor in the password field. */
export function showLock(session, { focus = false } = {}) {
  const opening = ui.lockView.hidden;
  ui.body.classList.remove("booting");
  ui.boot.hidden = true;
  ui.loginView.hidden = true;
  ui.sessionView.hidden = true;
  ui.lockView.hidden = false;
  closeApproval();
  setPill("Locked", "lock");
  renderLockedUser(session);
  if (opening) {
    // A fresh lock screen: nothing left over from the last one.
    ui.unlockPassword.value = "";
    ui.unlockPassword.removeAttribute("aria-invalid");
    clearError(ui.unlockError);
    ui.changeCashier.open = false;
    resetFields(ui.changeForm);
    clearError(ui.changeError);
    applyFields(ui.changeForm, session.backend);
    if (session.user.device) field(ui.changeForm, "deviceName").value = session.user.device.name;
  }
  if (focus) ui.unlockPassword.focus();
}

function renderLockedUser(session) {
  const { user, backend } = session;
  const name = displayName(user);
  ui.lockName.textContent = name;
  ui.lockAvatar.textContent = [...name.trim()][0]?.toUpperCase() ?? "?";
  const cashdesk = backend === "cashdesk"; // its user name is the e-mail, which speaks for itself
  ui.lockUserLabel.textContent = cashdesk ? "E-mail" : "User";
  ui.lockUserLabel.classList.toggle("visually-hidden", cashdesk);
  ui.lockUserName.textContent = (cashdesk ? user.email ?? user.userName : user.userName) ?? "—";
  ui.unlockHint.textContent = `Only ${name}'s password opens this till.`;
  ui.unlockUser.value = user.userName ?? user.email ?? "";
}

/** "Change cashier" opened: straight to the first empty field. */
export function onChangeToggle() {
  if (ui.changeCashier.open) firstEmpty(ui.changeForm).focus();
}

export async function onUnlock(event) {
  event.preventDefault();
  const { client } = state;
  if (!client || isBusy(ui.unlockSubmit)) return;
  clearError(ui.unlockError);
  ui.unlockPassword.removeAttribute("aria-invalid");
  setBusy(ui.unlockSubmit, true);
  try {
    // On success the `unlocked` event has shown the till before this resolves.
    await client.instance.unlock(ui.unlockPassword.value);
    ui.unlockPassword.value = "";
  } catch (err) {
    ui.unlockPassword.value = "";
    // The session has ended: `signedOut` (with the error) has shown the sign-in form.
    if (err?.code === "too_many_attempts") return;
    const { code, message } = showError(ui.unlockError, err, UNLOCK_TEXTS);
    logEntry("error", "unlock failed", { error: err });
    announce(`Not unlocked: ${UNLOCK_TEXTS[code] ?? message}`);
    if (code === "invalid_credentials") ui.unlockPassword.setAttribute("aria-invalid", "true");
    if (!ui.lockView.hidden) ui.unlockPassword.focus();
  } finally {
    setBusy(ui.unlockSubmit, false);
  }
}

/** Another cashier signs in on the locked till (a login: `signedIn` shows their session). */
export async function onChangeCashier(event) {
  event.preventDefault();
  const { client } = state;
  if (!client || isBusy(ui.changeSubmit)) return;
  clearError(ui.changeError);
  for (const input of ui.changeForm.querySelectorAll("input")) input.removeAttribute("aria-invalid");
  setBusy(ui.changeSubmit, true);
  try {
    await client.instance.login(credentialsFrom(ui.changeForm, client.backend));
    resetFields(ui.changeForm);
  } catch (err) {
    // The locked session stays exactly as it was.
    const { code, message } = showError(ui.changeError, err, CHANGE_TEXTS);
    logEntry("error", "change of cashier failed", { error: err });
    announce(`Change of cashier failed: ${CHANGE_TEXTS[code] ?? message}`);
    if (code === "invalid_credentials") {
      const password = field(ui.changeForm, "password");
      password.setAttribute("aria-invalid", "true");
      password.select();
      password.focus();
    }
  } finally {
    setBusy(ui.changeSubmit, false);
  }
}

/** The message on the sign-in form after the lock screen gave up. */
export function tooManyAttemptsNotice(error) {
  return `Signed out: ${UNLOCK_ATTEMPTS} wrong passwords in a row at the lock screen (${errorSummary(error).code}). Please sign in again.`;
}
