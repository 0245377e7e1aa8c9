/// <reference lib="esnext.disposable" />
/**
 * pos-auth: sign a cashier in to a point-of-sale back end (PORTOS, CashDesk or
 * OPSWAT MetaDefender), keep the session alive and attach its token to API calls.
 *
 * The module initialises its WebAssembly itself: importing it is enough.
 *
 * @example
 * ```ts
 * import { AuthClient, AuthError } from "pos-auth";
 *
 * const client = new AuthClient({ baseUrl: "https://pos.example.com", backend: "portos" });
 * client.onChange((event) => render(event.session));
 * await client.login({ userName: "999", password: "1234", deviceName: "P01" });
 * const response = await client.fetch("https://pos.example.com/api/products");
 * ```
 *
 * @packageDocumentation
 */

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/**
 * The API dialect a client speaks.
 *
 * - `"portos"`: PORTOS (`/api/auth`), refreshable, with a profile endpoint.
 * - `"cashdesk"`: CashDesk PRRO (`/api/v2/authenticate`), one token per shift, no refresh.
 * - `"metadefender"`: OPSWAT MetaDefender Storage Security (`/api/user/authenticate`), refreshable.
 */
export type Backend = "portos" | "cashdesk" | "metadefender";

/** Where a client keeps its session, by name: `sessionStorage` or this page only. */
export type StorageKind = "session" | "memory";

/**
 * A storage of the caller's for the session: any object with `getItem`,
 * `setItem` and `removeItem` that work like the Web Storage ones, such as
 * `localStorage` (a dedicated terminal that keeps its cashier signed in
 * across tab closes) or a wrapper of the caller's. The three methods are read
 * once, when the client is created, and called on the object.
 *
 * A `getItem` that throws or answers anything but a string reads as no
 * session; a `setItem` that throws (a full quota) makes the client keep the
 * session in this page only from then on, with one console warning; a
 * `removeItem` that throws is ignored.
 */
export interface StorageLike {
  getItem(key: string): string | null | undefined;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Options of {@link AuthClient} and {@link configure}.
 *
 * Unknown option names, wrong types, out-of-range numbers and an invalid
 * `baseUrl` throw {@link AuthError} with code `"invalid_argument"` and a
 * message naming the option. An option set to `undefined` counts as absent.
 */
export interface AuthOptions<B extends Backend = Backend> {
  /**
   * Server root; the back end's paths (e.g. `/api/auth`) are appended to it.
   *
   * Must be `https:`, or `http:` on `localhost`, `127.0.0.0/8` or `[::1]`;
   * any other `http:` URL needs {@link AuthOptions.allowInsecureHttp}.
   * A relative one starting with `/`, `./` or `../` (`"/portos"`) is resolved
   * against `location` (page or Worker) when the client is created.
   * Requests under this URL (same origin and path prefix) are the only ones
   * {@link AuthClient.fetch} adds the token to.
   */
  baseUrl: string;
  /**
   * Which API dialect to speak.
   * @defaultValue `"portos"`
   */
  backend?: B | undefined;
  /**
   * Where the session lives: `"session"` keeps it in `sessionStorage` (it
   * survives a reload of the tab), `"memory"` in this page only, and a
   * {@link StorageLike} such as `localStorage` in that storage. Falls back
   * to memory, with one console warning, when `sessionStorage` is
   * unavailable or the storage refuses to write.
   * @defaultValue `"session"`
   */
  storage?: StorageKind | StorageLike | undefined;
  /**
   * The key of the session in its storage. Two clients with different keys
   * are independent.
   * @defaultValue `"pos-auth"`
   */
  storageKey?: string | undefined;
  /**
   * Refresh the token in the background before it expires.
   * @defaultValue `true`
   */
  autoRefresh?: boolean | undefined;
  /**
   * Seconds before expiry at which to refresh (finite, ≥ 0). Capped at half
   * the token's lifetime.
   * @defaultValue `60`
   */
  refreshMargin?: number | undefined;
  /**
   * Per-request limit in milliseconds (finite, > 0) on the module's own calls
   * (login, profile, refresh, logout); exceeding it rejects with `"timeout"`.
   * Not applied to {@link AuthClient.fetch}.
   * @defaultValue `10000`
   */
  timeout?: number | undefined;
  /**
   * Extra headers on every call to the back end, e.g. `Accept-Language`.
   * `Authorization` and values containing CR or LF are refused.
   * @defaultValue `{}`
   */
  headers?: Record<string, string> | undefined;
  /**
   * CashDesk: sent as the `developer-id` header on every call.
   * @defaultValue none
   */
  developerId?: string | undefined;
  /**
   * CashDesk: IANA time zone of `token_expires_at`, used when the token has
   * no `exp` claim.
   * @defaultValue `"Europe/Kyiv"`
   */
  serverTimeZone?: string | undefined;
  /**
   * Permit plain `http:` to a host that is not loopback.
   * @defaultValue `false`
   */
  allowInsecureHttp?: boolean | undefined;
  /**
   * Lock the session ({@link AuthClient.lock}) after this many seconds
   * without input (finite, ≥ 0; `0` is off). Counted from the latest of: the
   * session's start or restore in this page, the last unlock, and the last
   * `pointerdown`, `keydown`, `touchstart` or `wheel` in any tab holding the
   * session (listened to in the capture phase, so `stopPropagation` does not
   * hide it). Where there is no input (a Worker, Node) it never fires.
   * @defaultValue `0` (off)
   */
  idleLock?: number | undefined;
  /**
   * Wrong passwords in a row at {@link AuthClient.unlock} before the session
   * ends (`signedOut` with error `"too_many_attempts"`). An integer ≥ 1. A
   * successful unlock resets the count; a reload does not.
   * @defaultValue `5`
   */
  unlockAttempts?: number | undefined;
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

/** PORTOS login: a user signs in to one device (cash register). */
export interface PortosCredentials {
  /** Unique user name, e.g. `"999"`. Required, not empty. */
  userName: string;
  /** The user's password; may be empty or absent, as PORTOS allows. */
  password?: string | undefined;
  /** Name of the device the user signs in to, e.g. `"P01"`. Required, not empty. */
  deviceName: string;
}

/** CashDesk login. */
export interface CashDeskCredentials {
  /** The cashier's e-mail. Required, not empty. */
  email: string;
  /** Required, not empty. */
  password: string;
}

/** MetaDefender login. */
export interface MetaDefenderCredentials {
  /** Required, not empty. */
  userName: string;
  /** Required, not empty. */
  password: string;
}

/**
 * What {@link AuthClient.login} takes; the shape must match the client's
 * {@link AuthOptions.backend}. A missing or empty required field, a field of
 * the wrong type or an unknown field rejects with `"invalid_argument"` and
 * sends nothing. The password is never stored.
 */
export type Credentials = PortosCredentials | CashDeskCredentials | MetaDefenderCredentials;

/** Each back end's credentials: `CredentialsOf["cashdesk"]` is {@link CashDeskCredentials}. */
export interface CredentialsOf {
  portos: PortosCredentials;
  cashdesk: CashDeskCredentials;
  metadefender: MetaDefenderCredentials;
}

// ---------------------------------------------------------------------------
// Session and profile
// ---------------------------------------------------------------------------

/** The device a PORTOS user signed in to. */
export interface DeviceInfo {
  /** Device name, e.g. `"P01"`. */
  name: string;
  /** Environment, e.g. `"CashRegister"`. */
  envName: string | null;
  description: string | null;
  /** Device settings as PORTOS sends them (all values are strings). */
  settings: Record<string, string>;
  /** Device preferences as PORTOS sends them. */
  preferences: Record<string, unknown>;
}

/** The signed-in user, the same shape for every back end. */
export interface UserProfile {
  /** PORTOS `id`, CashDesk `uuid`; `null` for MetaDefender. */
  id: string | null;
  /** PORTOS `userName`, CashDesk `email`, MetaDefender `userName`. */
  userName: string | null;
  /** Display name: PORTOS `name`, CashDesk `full_name`, MetaDefender `fullName`. */
  name: string | null;
  email: string | null;
  /** PORTOS rights, e.g. `["admin"]`; `[]` for the other back ends. */
  rights: string[];
  /** MetaDefender role; `null` elsewhere. */
  role: number | null;
  /** PORTOS device; `null` elsewhere. */
  device: DeviceInfo | null;
  /**
   * The back end's own user data as received, with every token field removed:
   * PORTOS the `UserProfileContext`; CashDesk the whole login body without
   * `token`/`token_expires_at` (`active_rro`, `opened_shift`, `developer_id`,
   * `user` stay); MetaDefender the login body without tokens and expiry times.
   */
  raw: Record<string, unknown>;
}

/**
 * A signed-in session. {@link AuthClient.session} returns the same object
 * (`===`) until the session changes. The refresh token is never exposed.
 */
export interface Session {
  /** The back end that issued the session. */
  backend: Backend;
  /** The bearer token, without a `"Bearer "` prefix. */
  accessToken: string;
  /**
   * When the access token expires, in ms since the epoch on this machine's
   * clock (corrected for server clock skew); `null` if unknown.
   */
  expiresAt: number | null;
  /** When the refresh token expires (same clock as `expiresAt`); `null` if unknown. */
  refreshExpiresAt: number | null;
  /** Whether {@link AuthClient.refresh} can extend the session (`false` for CashDesk). */
  canRefresh: boolean;
  /**
   * Whether the session is locked ({@link AuthClient.lock}, or
   * {@link AuthOptions.idleLock}): show the lock screen until
   * {@link AuthClient.unlock} succeeds. Kept in storage, so a reload or a
   * duplicated tab comes back locked. The token stays usable while locked.
   */
  locked: boolean;
  /** The signed-in user. */
  user: UserProfile;
}

/**
 * What {@link AuthClient.approve} resolves with: who approved, and when. The
 * approver's tokens are never exposed.
 */
export interface Approval {
  /** The approver, read from their login answer and mapped as a session's user is. */
  user: UserProfile;
  /** When the approval was given, in ms since the epoch on this machine's clock. */
  approvedAt: number;
}

/** Options of {@link AuthClient.approve}. */
export interface ApproveOptions {
  /**
   * A right the approver must hold (in {@link UserProfile.rights}, so PORTOS
   * only), e.g. `"admin"`; without it the approval is rejected `"forbidden"`.
   * A non-empty string.
   * @defaultValue none: any user who can sign in approves
   */
  right?: string | undefined;
}

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/** Every {@link AuthEvent.type}. */
export type AuthEventType =
  | "initial"
  | "signedIn"
  | "refreshed"
  | "userUpdated"
  | "expiring"
  | "expired"
  | "signedOut"
  | "locked"
  | "unlocked";

/**
 * A change of session, delivered to {@link AuthClient.onChange} listeners
 * after the change is stored and before the causing call's promise settles.
 *
 * - `initial`: once per listener, in a microtask after subscribing; the
 *   current session (restored from storage) or `null`.
 * - `signedIn`: a login succeeded.
 * - `refreshed`: the access token was renewed (by the timer or a call).
 * - `userUpdated`: {@link AuthClient.profile} found a changed user.
 * - `expiring`: once per access token, when it is about to expire and will
 *   not be renewed in time (no refresh possible, or a background refresh failed:
 *   then `error` says why).
 * - `expired`: the session ended without a logout; `error` is set when the
 *   server rejected the refresh.
 * - `signedOut`: {@link AuthClient.logout}, here or in a duplicated tab, or
 *   too many wrong passwords at {@link AuthClient.unlock}: then `error` has
 *   code `"too_many_attempts"`.
 * - `locked`: the session was locked ({@link AuthClient.lock}, the idle lock,
 *   or another tab holding the session).
 * - `unlocked`: {@link AuthClient.unlock} succeeded, here or in another tab
 *   holding the session.
 */
export type AuthEvent =
  | {
      type: "initial";
      /** The current session, or `null` when signed out. */
      session: Session | null;
      error?: undefined;
    }
  | {
      type: "signedIn" | "refreshed" | "userUpdated";
      /** The new current session. */
      session: Session;
      error?: undefined;
    }
  | {
      type: "expiring";
      /** The session that is about to expire. */
      session: Session;
      /** Set when a failed background refresh caused this event. */
      error?: AuthError;
    }
  | {
      type: "expired";
      session: null;
      /** Set when the server rejected the refresh. */
      error?: AuthError;
    }
  | {
      type: "signedOut";
      session: null;
      /** Set (code `"too_many_attempts"`) when wrong passwords at unlock ended the session. */
      error?: AuthError;
    }
  | {
      type: "locked" | "unlocked";
      /** The session, now locked or unlocked (see {@link Session.locked}). */
      session: Session;
      error?: undefined;
    };

/** A listener of {@link AuthClient.onChange}. A listener that throws is reported and does not stop the others. */
export type AuthListener = (event: AuthEvent) => void;

/** Removes the listener it was returned for. Calling it again does nothing. */
export type Unsubscribe = () => void;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/**
 * Every {@link AuthError.code}.
 *
 * | code | when | retryable |
 * | --- | --- | --- |
 * | `invalid_argument` | bad options, credentials or arguments; nothing was sent | no |
 * | `not_configured` | a default-client function before {@link configure} | no |
 * | `unsupported` | the WebAssembly could not be loaded here (a CSP without `'wasm-unsafe-eval'`, no WebAssembly); the message says why. Every export but `AuthError` then fails with it | no |
 * | `disposed` | a call on a disposed client | no |
 * | `invalid_credentials` | login answered 400, 401 or 403 without field errors | no |
 * | `validation` | a 400 or 422 with field `errors` | no |
 * | `no_session` | `profile`/`refresh`/`fetch`/`lock`/`unlock` with no session | no |
 * | `session_expired` | the server rejected the session or refresh token, or it ran out | no |
 * | `refresh_unsupported` | `refresh()` on CashDesk | no |
 * | `forbidden` | 403 on a call other than login; an approver without the required right | no |
 * | `too_many_attempts` | `unlock` after `unlockAttempts` wrong passwords in a row: the session has ended | no |
 * | `network` | no HTTP answer (offline, DNS, CORS, reset) | yes |
 * | `timeout` | no answer within {@link AuthOptions.timeout} | yes |
 * | `rate_limited` | 429 | yes |
 * | `server` | 5xx | yes |
 * | `bad_response` | an undocumented answer: not JSON, missing fields, over 1 MiB, other status | no |
 */
export type AuthErrorCode =
  | "invalid_argument"
  | "not_configured"
  | "unsupported"
  | "disposed"
  | "invalid_credentials"
  | "validation"
  | "no_session"
  | "session_expired"
  | "refresh_unsupported"
  | "forbidden"
  | "too_many_attempts"
  | "network"
  | "timeout"
  | "rate_limited"
  | "server"
  | "bad_response";

/** One field error of a `"validation"` {@link AuthError} (PORTOS ProblemDetails `errors`). */
export interface ValidationError {
  /** The request field concerned, e.g. `"UserName"`; `""` when the server named none. */
  memberName: string;
  /** Human-readable, possibly localized, e.g. `"The UserName field is required."`. */
  message: string;
  /** The back end's code for this error (e.g. `"Required"`, numbers as text), or `null` when it sent none. */
  code: string | null;
}

/**
 * The only error the module throws or rejects with (apart from what
 * {@link AuthClient.fetch} passes through from the network). Created by the
 * module; check it with `err instanceof AuthError` and switch on
 * {@link AuthError.code}.
 */
export class AuthError extends Error implements AuthErrorFields {
  /**
   * The same class the module throws, for tests and for code that wraps the
   * client. Absent fields take their defaults (`status: null`, `errors: []`,
   * `retryable` from the code, …).
   */
  constructor(code: AuthErrorCode, message?: string, fields?: Partial<AuthErrorFields>);
  /** Always `"AuthError"`. */
  readonly name: "AuthError";
  /** What went wrong; stable, for programs. */
  readonly code: AuthErrorCode;
  /**
   * Human-readable; the server's `detail`, `title`, `responseMessage` or
   * `message`, in that order, when it sent one. Never contains the password.
   */
  readonly message: string;
  /** The HTTP status of the answer, or `null` when there was none. */
  readonly status: number | null;
  /** ProblemDetails `title`, e.g. `"Nesprávne meno alebo heslo."`. */
  readonly title: string | null;
  /** ProblemDetails `detail`. */
  readonly detail: string | null;
  /** ProblemDetails `traceId`, worth logging for the server's support. */
  readonly traceId: string | null;
  /** The back end's own code: ProblemDetails `errorCode` or MetaDefender `responseKey`. */
  readonly errorCode: string | number | null;
  /** Field errors of a `"validation"` error; `[]` otherwise. */
  readonly errors: ValidationError[];
  /** Whether trying again later may succeed (`network`, `timeout`, `rate_limited`, `server`). */
  readonly retryable: boolean;
  /**
   * Seconds to wait, from the `Retry-After` header (a cross-origin server must
   * expose it), or `null`.
   */
  readonly retryAfter: number | null;
}

/** The fields of an {@link AuthError} besides `code`, `message` and `name`. */
export interface AuthErrorFields {
  status: number | null;
  title: string | null;
  detail: string | null;
  traceId: string | null;
  errorCode: string | number | null;
  errors: ValidationError[];
  retryable: boolean;
  retryAfter: number | null;
}

/** Options of {@link AuthClient.accessToken}. */
export interface AccessTokenOptions {
  /**
   * Seconds the token must still be valid; a token expiring sooner is
   * refreshed first (when the back end can refresh). A finite number ≥ 0.
   * @defaultValue the refresh margin, `min(refreshMargin, lifetime / 2)`, as {@link AuthClient.fetch} uses
   */
  minValidity?: number | undefined;
}

// ---------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------

/**
 * One session with one back end: login, background refresh, an authenticated
 * `fetch`, change events and logout.
 *
 * With `storage: "session"` (the default) the session survives a page reload:
 * a new client with the same options restores it and reports it as the
 * `initial` event.
 */
export class AuthClient<B extends Backend = "portos"> {
  /**
   * Creates a client. Nothing is sent; a stored session is restored.
   * The back end of `options` sets what {@link AuthClient.login} takes.
   * Every method works detached from the client (`{ fetch } = client`).
   * @throws {@link AuthError} `"invalid_argument"` on bad options (the message names the option).
   */
  constructor(options: AuthOptions<B>);

  /**
   * Signs in. On success the session is stored, a `signedIn` event fires,
   * and (with {@link AuthOptions.autoRefresh}) a refresh is scheduled.
   * A second login while signed in replaces the session only if it succeeds.
   * On a locked session it is a change of cashier: the new session starts
   * unlocked, and a failed login leaves the locked one as it was.
   * Logins and unlocks run one at a time.
   *
   * @returns the new session.
   * @throws {@link AuthError} `"invalid_argument"` (nothing sent), `"invalid_credentials"`,
   * `"validation"`, `"network"`, `"timeout"`, `"rate_limited"`, `"server"`, `"bad_response"`, `"disposed"`.
   */
  login(credentials: CredentialsOf[B]): Promise<Session>;

  /**
   * The signed-in user. PORTOS asks the server (`GET /api/auth`) and fires
   * `userUpdated` when the user changed; the other back ends return the stored user.
   *
   * @throws {@link AuthError} `"no_session"`, `"forbidden"` (the session is kept),
   * `"session_expired"`, `"network"`, `"timeout"`, `"server"`, `"bad_response"`, `"disposed"`.
   */
  profile(): Promise<UserProfile>;

  /**
   * Renews the access token now and fires `refreshed`. Concurrent calls (and
   * the background timer) share one request.
   *
   * @throws {@link AuthError} `"no_session"`; `"refresh_unsupported"` (CashDesk);
   * `"session_expired"` when the server rejects the refresh (the session ends
   * with an `expired` event); `"network"`, `"timeout"`, `"server"`,
   * `"rate_limited"` or `"bad_response"` (the session is kept and retried in the background); `"disposed"`.
   */
  refresh(): Promise<Session>;

  /**
   * Signs out: tells the server (PORTOS `DELETE /api/auth`, best effort),
   * always clears the local session and fires `signedOut`. Signs out
   * duplicated tabs that share the session. Works while locked.
   *
   * @throws {@link AuthError} only `"disposed"`.
   */
  logout(): Promise<void>;

  /**
   * The current session, or `null`; synchronous. Returns the same object
   * until the session changes, so it can back `useSyncExternalStore`.
   * @throws {@link AuthError} `"disposed"`.
   */
  session(): Session | null;

  /**
   * The global `fetch`, with the session's token on requests under
   * {@link AuthOptions.baseUrl}; any other request passes through untouched.
   *
   * Under `baseUrl`: refreshes first when the token is about to expire, adds
   * `Authorization: Bearer …` (unless the request sets `Authorization` itself)
   * and the configured headers, and on a 401 refreshes once and retries once.
   * If the retry is 401 too, the session ends and that `Response` is returned.
   * {@link AuthOptions.timeout} does not apply: use `init.signal`.
   *
   * @throws {@link AuthError} `"no_session"`, or `"session_expired"` when a
   * needed refresh ended the session; a `TypeError` or `AbortError` from the
   * request itself passes through unchanged.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;

  /**
   * The current access token (never with a `Bearer ` prefix), for transports
   * that are not `fetch`: axios interceptors, SignalR's `accessTokenFactory`,
   * WebSocket or EventSource URLs. A token expiring within `minValidity`
   * is refreshed first, sharing one request with every other refresh.
   *
   * @throws {@link AuthError} `"no_session"`; `"session_expired"` when the
   * session ended (a rejected refresh, or a CashDesk token that ran out);
   * `"network"`, `"timeout"`, `"server"`, `"rate_limited"` or `"bad_response"`
   * when a needed refresh failed and the token has expired (while it has
   * not, it is returned); `"invalid_argument"`; `"disposed"`.
   */
  accessToken(options?: AccessTokenOptions): Promise<string>;

  /**
   * For framework bindings (pos-auth/angular's HttpClient interceptor): the
   * rules of {@link AuthClient.fetch} around a transport of the caller's.
   * For a URL under {@link AuthOptions.baseUrl} (resolved as `fetch` resolves
   * it) it calls `send` with the token (refreshed first inside the margin)
   * and the `headers` option; when what `send` resolves or rejects with has
   * `status` 401 it refreshes once and calls `send` once more (with the
   * current token at once if it changed in flight); a 401 to that ends the
   * session and settles the call as `send` did. Any other URL: `send(null)`,
   * and its promise as it is.
   *
   * @throws {@link AuthError} `"no_session"` (nothing is sent),
   * `"session_expired"` when a needed refresh ended the session, `"disposed"`
   * (for every URL), `"invalid_argument"` when `send` is no function;
   * anything else `send` threw or rejected with.
   */
  authorize<T>(url: string | URL, send: (token: string | null, headers: Record<string, string>) => Promise<T>): Promise<T>;

  /**
   * Subscribes to session changes. The listener is first called once, in a
   * microtask, with an `initial` event carrying the current session.
   *
   * @returns a function that unsubscribes the listener.
   * @throws {@link AuthError} `"disposed"`.
   */
  onChange(listener: AuthListener): Unsubscribe;

  /**
   * Locks the session: {@link Session.locked} becomes `true` (a new `Session`
   * object) and a `locked` event fires before this returns. Every tab holding
   * the session locks with it, and a reload comes back locked. Nothing else
   * stops: refresh, {@link AuthClient.fetch}, {@link AuthClient.accessToken}
   * and {@link AuthClient.profile} go on. Does nothing on a locked session.
   * The lock is what the page shows, not a barrier against script in the page.
   *
   * @throws {@link AuthError} `"no_session"`, `"disposed"`.
   */
  lock(): void;

  /**
   * Opens the locked session with its cashier's password. Online, the back
   * end's login call is made with the session's own user (PORTOS user name and
   * device, CashDesk e-mail, MetaDefender user name): the session continues
   * with the new tokens. When that call gets no answer (`network`,
   * `timeout`), the password is checked against a slow hash held in memory
   * since this client's last login or unlock (never stored): the session
   * continues with the same tokens. Either way `unlocked` fires (not
   * `signedIn`) and every tab holding the session unlocks. On a session that
   * is not locked it resolves the current session without a request.
   *
   * A wrong password is counted (no event); the {@link AuthOptions.unlockAttempts}-th
   * in a row ends the session as {@link AuthClient.logout} does, with a
   * `signedOut` event carrying the error. For a new cashier, call
   * {@link AuthClient.login} instead.
   *
   * @returns the unlocked session.
   * @throws {@link AuthError} `"invalid_credentials"` (a wrong password, counted);
   * `"too_many_attempts"` (the session has ended); `"network"` or `"timeout"`
   * when offline and no hash is held (the page was reloaded since the login;
   * nothing counted); `"server"`, `"rate_limited"`, `"validation"`,
   * `"bad_response"` (nothing counted, still locked); `"invalid_argument"`
   * (`password` is not a string, or empty where the back end takes none;
   * nothing sent); `"no_session"`; `"disposed"`.
   */
  unlock(password: string): Promise<Session>;

  /**
   * A second person's sign-in for one action (a void, a refund): makes the
   * back end's login call with the approver's `credentials` (this client's
   * back end, {@link AuthOptions.headers} and `developerId`), reads who they
   * are, and on PORTOS ends their token at once (best effort). Their tokens
   * are never stored, returned, put in an event or used by
   * {@link AuthClient.fetch}. Works with or without a session, locked or not,
   * and changes nothing of the session (no event). The password is never stored.
   *
   * @returns who approved, and when.
   * @throws {@link AuthError} `"forbidden"` when `options.right` is given and
   * the approver lacks it; `"invalid_argument"` (bad credentials or options;
   * nothing sent), `"invalid_credentials"`, `"validation"`, `"network"`,
   * `"timeout"`, `"rate_limited"`, `"server"`, `"bad_response"`, `"disposed"`.
   */
  approve(credentials: CredentialsOf[B], options?: ApproveOptions): Promise<Approval>;

  /**
   * Stops the client: clears timers and page listeners, closes the tab
   * channel, aborts requests in flight and drops listeners (without an event).
   * The stored session stays. Idempotent; any later call throws or rejects
   * with `"disposed"`.
   */
  dispose(): void;

  /** Same as {@link AuthClient.dispose} (wasm-bindgen's name for releasing the object). */
  free(): void;

  /** Same as {@link AuthClient.dispose}, for `using client = new AuthClient(…)`. */
  [Symbol.dispose](): void;
}

// ---------------------------------------------------------------------------
// The default client
// ---------------------------------------------------------------------------

/**
 * (Re)creates the default client used by the module-level functions. Disposes
 * the previous one; listeners added with {@link onChange} stay subscribed and
 * receive a new `initial` event.
 * @throws {@link AuthError} `"invalid_argument"` on bad options.
 */
export function configure(options: AuthOptions): void;

/**
 * {@link AuthClient.login} on the default client.
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function login(credentials: Credentials): Promise<Session>;

/**
 * {@link AuthClient.profile} on the default client.
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function profile(): Promise<UserProfile>;

/**
 * {@link AuthClient.refresh} on the default client.
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function refresh(): Promise<Session>;

/**
 * {@link AuthClient.logout} on the default client.
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function logout(): Promise<void>;

/**
 * {@link AuthClient.session} on the default client.
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function session(): Session | null;

/**
 * {@link AuthClient.fetch} on the default client.
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function authFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;

/**
 * {@link AuthClient.onChange} on the default client. The listener survives
 * {@link configure} and gets a new `initial` event from each new default client.
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function onChange(listener: AuthListener): Unsubscribe;

/**
 * {@link AuthClient.accessToken} of the default client.
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function accessToken(options?: AccessTokenOptions): Promise<string>;

/**
 * {@link AuthClient.lock} on the default client.
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function lock(): void;

/**
 * {@link AuthClient.unlock} on the default client.
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function unlock(password: string): Promise<Session>;

/**
 * {@link AuthClient.approve} on the default client, which takes any back end's
 * credentials (the runtime checks them against the configured back end).
 * @throws {@link AuthError} `"not_configured"` before {@link configure}.
 */
export function approve(credentials: Credentials, options?: ApproveOptions): Promise<Approval>;
