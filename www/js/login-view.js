// The sign-in screen: the form for the chosen back end, the login error, the
// errors of refused options (server, developer id).

import { BACKENDS } from "./backends.js";
import { el, setPill, ui } from "./dom.js";
import { errorSummary } from "./format.js";
import { hideExpiring } from "./session-view.js";

/** The first visible login input still empty (the password once the user is known). */
export function firstEmptyField() {
  const inputs = [ui.userName, ui.email, ui.password, ui.device]
    .filter((input) => !input.disabled && !input.closest(".field").hidden);
  return inputs.find((input) => input !== ui.password && !input.value) ?? ui.password;
}

export function showLogin(notice) {
  const wasSignedIn = !ui.sessionView.hidden || !ui.lockView.hidden;
  ui.body.classList.remove("booting");
  ui.boot.hidden = true;
  ui.sessionView.hidden = true;
  ui.lockView.hidden = true;
  ui.loginView.hidden = false;
  ui.loginNotice.hidden = !notice;
  ui.loginNotice.textContent = notice ?? "";
  hideExpiring();
  setPill("Signed out", "off");
  if (wasSignedIn || notice) firstEmptyField().focus();
}

/** Shows the fields of the chosen back end; the others are hidden and disabled (never submitted). */
export function applyBackend() {
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

/** The form's values, trimmed (except the password). */
export const formValues = () => ({
  userName: ui.userName.value.trim(),
  email: ui.email.value.trim(),
  password: ui.password.value,
  deviceName: ui.device.value.trim(),
});

/** After a session ran out: who was signed in, so only the password is left to type. */
export function prefillFrom(session) {
  const { user } = session;
  if (session.backend === "cashdesk") {
    if (!ui.email.value && user.email) ui.email.value = user.email;
  } else if (!ui.userName.value && user.userName) {
    ui.userName.value = user.userName;
  }
  if (session.backend === "portos" && !ui.device.value && user.device) ui.device.value = user.device.name;
}

export function clearLoginError() {
  ui.loginError.hidden = true;
  ui.loginErrorFields.hidden = true;
  ui.loginErrorFields.replaceChildren();
  for (const input of [ui.userName, ui.email, ui.password, ui.device]) input.removeAttribute("aria-invalid");
}

export function showLoginError(err) {
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

/** Why the client refused the options: under the developer id, or under the server (opened). */
export function showOptionError(err) {
  const { code, message } = errorSummary(err);
  const developerId = /developerId/.test(message);
  const [input, errorEl] = developerId ? [ui.developerId, ui.developerIdError] : [ui.server, ui.serverError];
  errorEl.textContent = `${message} (${code})`;
  errorEl.hidden = false;
  input.setAttribute("aria-invalid", "true");
  if (!developerId) ui.advanced.open = true;
}

export function clearOptionErrors() {
  for (const [input, errorEl] of [[ui.server, ui.serverError], [ui.developerId, ui.developerIdError]]) {
    errorEl.hidden = true;
    errorEl.textContent = "";
    input.removeAttribute("aria-invalid");
  }
}
