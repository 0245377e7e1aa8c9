// "Void receipt": an action a cashier may not take alone. A manager signs in
// for that one action in a modal dialog (pos-auth's approve): the approver's
// token is never kept and the till's session does not change.

import { BACKENDS } from "./backends.js";
import { announce, isBusy, setBusy, ui } from "./dom.js";
import { clockTime } from "./format.js";
import { logEntry } from "./log.js";
import { state } from "./state.js";
import { applyFields, clearError, credentialsFrom, displayName, field, firstEmpty, resetFields, showError } from "./till-forms.js";

const TEXTS = {
  forbidden: "This user may not void receipts. Ask a manager.",
  invalid_credentials: "Wrong user name or password.",
  network: "The server cannot be reached: an approval needs the server.",
  timeout: "The server did not answer in time: an approval needs the server.",
};

export function openApproval() {
  const session = state.client?.instance.session();
  if (!session || session.locked || ui.approvalDialog.open) return;
  state.approvalRun++;
  resetFields(ui.approvalForm);
  clearError(ui.approvalError);
  applyFields(ui.approvalForm, session.backend);
  // The manager approves on this till: its device is the likely one.
  if (session.user.device) field(ui.approvalForm, "deviceName").value = session.user.device.name;
  ui.approvalCashier.textContent = displayName(session.user);
  setBusy(ui.approvalSubmit, false);
  ui.approvalDialog.showModal();
  firstEmpty(ui.approvalForm).focus();
}

/** Closes the dialog, if open; an answer still on its way is then ignored. */
export function closeApproval() {
  if (ui.approvalDialog.open) ui.approvalDialog.close();
}

/** The dialog closed (Cancel, Escape, a lock or a sign-out): forget what was typed. */
export function onApprovalClosed() {
  state.approvalRun++;
  resetFields(ui.approvalForm);
  clearError(ui.approvalError);
}

export async function onApprove(event) {
  event.preventDefault();
  const { client } = state;
  if (!client || isBusy(ui.approvalSubmit)) return;
  const run = state.approvalRun;
  const right = BACKENDS[client.backend].voidRight;
  clearError(ui.approvalError);
  for (const input of ui.approvalForm.querySelectorAll("input")) input.removeAttribute("aria-invalid");
  setBusy(ui.approvalSubmit, true);
  try {
    const credentials = credentialsFrom(ui.approvalForm, client.backend);
    const approval = await client.instance.approve(credentials, right ? { right } : undefined);
    if (run !== state.approvalRun) return; // cancelled meanwhile: void nothing
    const name = displayName(approval.user);
    closeApproval();
    ui.voidResult.className = "void-result ok";
    ui.voidResult.textContent = `Voided, approved by ${name} at ${clockTime(approval.approvedAt)}`;
    logEntry("approved", `void approved by ${name}${approval.user.userName ? ` (${approval.user.userName})` : ""}`);
    announce(`Receipt voided, approved by ${name}`);
    ui.voidBtn.focus();
  } catch (err) {
    if (run !== state.approvalRun) return;
    const { code, message } = showError(ui.approvalError, err, TEXTS);
    logEntry("error", "approval refused", { error: err });
    announce(`Not approved: ${TEXTS[code] ?? message}`);
    // Wrong password: type it again. Not allowed: another person, from the top.
    const retype = code === "invalid_credentials" ? field(ui.approvalForm, "password")
      : code === "forbidden" ? ui.approvalForm.querySelector("input:enabled") : null;
    if (code === "invalid_credentials") retype.setAttribute("aria-invalid", "true");
    retype?.select();
    retype?.focus();
  } finally {
    setBusy(ui.approvalSubmit, false);
  }
}

/** A new session on the till: the last approval was for someone else's receipt. */
export function clearVoidResult() {
  ui.voidResult.className = "void-result";
  ui.voidResult.textContent = "";
}
