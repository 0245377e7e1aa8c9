// The event log: every AuthEvent and every failed call, newest first.

import { BACKENDS } from "./backends.js";
import { el, ui } from "./dom.js";
import { clockTime, errorSummary } from "./format.js";
import { state } from "./state.js";

const LOG_LIMIT = 60;

export function logEntry(type, detail, { error } = {}) {
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

export function clearLog() {
  ui.eventLog.replaceChildren(el("li", "No events yet.", "empty"));
}

/** One line about an AuthEvent for the log. */
export function describeEvent(event) {
  const s = event.session;
  switch (event.type) {
    case "initial": {
      const label = BACKENDS[s?.backend ?? state.client?.backend]?.label ?? "";
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
      return event.error ? "signed out after too many wrong passwords at the lock screen" : "signed out";
    case "locked":
      return `till locked; only ${s.user.name ?? s.user.userName ?? "the cashier"} can unlock it`;
    case "unlocked":
      return `${s.user.name ?? s.user.userName ?? "the cashier"} unlocked the till`;
    default:
      return "";
  }
}
