// The error class of pos-auth. It lives in JavaScript so that `instanceof`
// works for callers and the stack trace points at their code.

// docs/API.md's codes with "retryable: yes" (core::error::Code::retryable).
const RETRYABLE = ["network", "timeout", "rate_limited", "server"];

export class AuthError extends Error {
  constructor(code, message, details = {}) {
    super(message);
    this.name = "AuthError";
    this.code = code;
    this.status = details.status ?? null;
    this.title = details.title ?? null;
    this.detail = details.detail ?? null;
    this.traceId = details.traceId ?? null;
    this.errorCode = details.errorCode ?? null;
    this.errors = details.errors ?? [];
    this.retryable = details.retryable ?? RETRYABLE.includes(code);
    this.retryAfter = details.retryAfter ?? null;
  }
}

// Called from Rust with the fields as a plain object.
export function makeAuthError(fields) {
  return new AuthError(fields.code, fields.message, fields);
}

// Reports a listener's exception without stopping the others.
export function report(error) {
  if (typeof reportError === "function") reportError(error);
  else setTimeout(() => { throw error; });
}
