// The error class of pos-auth. It lives in JavaScript so that `instanceof`
// works for callers and the stack trace points at their code.
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
    this.retryable = details.retryable ?? false;
    this.retryAfter = details.retryAfter ?? null;
  }
}

// Called from Rust with the fields as JSON text.
export function makeAuthError(json) {
  const d = JSON.parse(json);
  return new AuthError(d.code, d.message, d);
}

// Reports a listener's exception without stopping the others.
export function report(error) {
  if (typeof reportError === "function") reportError(error);
  else setTimeout(() => { throw error; });
}
