// What the till's forms share (unlock, change of cashier, manager approval):
// the back end's credential fields, their values and an error box with the
// demo's own words for the codes a cashier meets.

import { BACKENDS } from "./backends.js";
import { errorSummary } from "./format.js";

const inputsOf = (form) => [...form.querySelectorAll(".field[data-field] input")];

/** Shows the credential fields of `backend` in `form`; the others are hidden and disabled. */
export function applyFields(form, backend) {
  const { fields } = BACKENDS[backend];
  for (const wrapper of form.querySelectorAll(".field[data-field]")) {
    const used = fields.includes(wrapper.dataset.field);
    wrapper.hidden = !used;
    for (const input of wrapper.querySelectorAll("input")) input.disabled = !used;
  }
}

/** The back end's credentials from `form` (trimmed, except the password). */
export function credentialsFrom(form, backend) {
  const values = { userName: "", email: "", password: "", deviceName: "" };
  for (const input of inputsOf(form)) {
    if (input.disabled) continue;
    const name = input.closest(".field").dataset.field;
    values[name] = name === "password" ? input.value : input.value.trim();
  }
  return BACKENDS[backend].credentials(values);
}

/** Empties the fields (a password is never kept) and marks none invalid. */
export function resetFields(form) {
  for (const input of inputsOf(form)) {
    input.value = "";
    input.removeAttribute("aria-invalid");
  }
}

export const field = (form, name) => form.querySelector(`.field[data-field="${name}"] input`);

/** The first enabled field still empty, else the password. */
export function firstEmpty(form) {
  const inputs = inputsOf(form).filter((input) => !input.disabled);
  return inputs.find((input) => !input.value) ?? field(form, "password");
}

/**
 * Puts `err` into `box` (an .error-box with .error-title and a <code>): the
 * words of `texts[code]` when given, else the module's message.
 */
export function showError(box, err, texts = {}) {
  const { code, message } = errorSummary(err);
  box.querySelector(".error-title").textContent = texts[code] ?? message;
  box.querySelector("code").textContent = code;
  box.hidden = false;
  return { code, message };
}

export function clearError(box) {
  box.hidden = true;
  box.querySelector(".error-title").textContent = "";
  box.querySelector("code").textContent = "";
}

/** The name to call a user by. */
export const displayName = (user) => user.name ?? user.userName ?? user.email ?? "the cashier";
