// Text for times, durations, errors and the back end's raw user data.

const pad = (n) => String(n).padStart(2, "0");

export const clockTime = (ms) => {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

/** The clock time today, with the date on any other day. */
export const dateTime = (ms) => {
  const d = new Date(ms);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay ? clockTime(ms) : `${d.toLocaleDateString()} ${clockTime(ms)}`;
};

/** mm:ss (hh:mm:ss past an hour) of a non-negative duration. */
export const duration = (ms) => {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
};

/** The idle-lock setting in words: "off", "after 30 s", "after 5 min". */
export const idleText = (seconds) =>
  seconds <= 0 ? "off" : seconds % 60 === 0 ? `after ${seconds / 60} min` : `after ${seconds} s`;

/** "code: message" for an AuthError, the message for anything else. */
export function errorSummary(err) {
  if (err && typeof err === "object" && "code" in err) return { code: String(err.code), message: String(err.message) };
  if (err instanceof Error) return { code: err.name, message: err.message };
  return { code: "error", message: String(err) };
}

/** A value from the back end's raw user data as display text ("" when absent). */
export function rawText(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string" || typeof value === "number") return String(value).trim();
  return "";
}
