// A realistic consumer of pos-auth's typings. It is only type-checked
// (`cd tests && npx tsc -p types`), never run: it proves that every export,
// option, result, event and error field has a real type, and (the
// `@ts-expect-error` lines) that wrong usages are rejected.

import {
  AuthClient,
  AuthError,
  accessToken,
  approve,
  authFetch,
  configure,
  lock,
  login,
  logout,
  onChange,
  profile,
  refresh,
  session,
  unlock,
} from "pos-auth";
import type {
  AccessTokenOptions,
  Approval,
  ApproveOptions,
  AuthErrorCode,
  AuthErrorFields,
  AuthEvent,
  AuthEventType,
  AuthListener,
  AuthOptions,
  Backend,
  CashDeskCredentials,
  Credentials,
  CredentialsOf,
  DeviceInfo,
  MetaDefenderCredentials,
  PortosCredentials,
  Session,
  StorageKind,
  StorageLike,
  Unsubscribe,
  UserProfile,
  ValidationError,
} from "pos-auth";

// --- exact-type assertions -------------------------------------------------

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(): T | void {}

assertType<Equals<Backend, "portos" | "cashdesk" | "metadefender">>();
assertType<Equals<StorageKind, "session" | "memory">>();
assertType<Equals<AuthOptions["storage"], StorageKind | StorageLike | undefined>>();
// Every option the runtime reads (src/core/options.rs, KNOWN), no more.
assertType<
  Equals<
    keyof AuthOptions,
    | "baseUrl"
    | "backend"
    | "storage"
    | "storageKey"
    | "autoRefresh"
    | "refreshMargin"
    | "timeout"
    | "headers"
    | "developerId"
    | "serverTimeZone"
    | "allowInsecureHttp"
    | "idleLock"
    | "unlockAttempts"
  >
>();
assertType<Equals<Session["expiresAt"], number | null>>();
assertType<Equals<Session["refreshExpiresAt"], number | null>>();
assertType<Equals<Session["accessToken"], string>>();
assertType<Equals<Session["canRefresh"], boolean>>();
assertType<Equals<Session["locked"], boolean>>();
assertType<Equals<Approval["user"], UserProfile>>();
assertType<Equals<Approval["approvedAt"], number>>();
assertType<Equals<ApproveOptions["right"], string | undefined>>();
assertType<Equals<AuthOptions["idleLock"], number | undefined>>();
assertType<Equals<AuthOptions["unlockAttempts"], number | undefined>>();
assertType<Equals<Session["backend"], Backend>>();
assertType<Equals<Session["user"], UserProfile>>();
assertType<Equals<UserProfile["id"], string | null>>();
assertType<Equals<UserProfile["rights"], string[]>>();
assertType<Equals<UserProfile["role"], number | null>>();
assertType<Equals<UserProfile["device"], DeviceInfo | null>>();
assertType<Equals<UserProfile["raw"], Record<string, unknown>>>();
assertType<Equals<DeviceInfo["settings"], Record<string, string>>>();
assertType<Equals<DeviceInfo["preferences"], Record<string, unknown>>>();
assertType<Equals<AuthEvent["type"], AuthEventType>>();
assertType<Equals<AuthEvent["session"], Session | null>>();
assertType<Equals<AuthError["code"], AuthErrorCode>>();
assertType<Equals<AuthError["status"], number | null>>();
assertType<Equals<AuthError["errorCode"], string | number | null>>();
assertType<Equals<AuthError["retryAfter"], number | null>>();
assertType<Equals<AuthError["errors"], ValidationError[]>>();
assertType<Equals<ValidationError["code"], string | null>>();
assertType<Equals<ReturnType<AuthClient["login"]>, Promise<Session>>>();
assertType<Equals<ReturnType<AuthClient["profile"]>, Promise<UserProfile>>>();
assertType<Equals<ReturnType<AuthClient["refresh"]>, Promise<Session>>>();
assertType<Equals<ReturnType<AuthClient["logout"]>, Promise<void>>>();
assertType<Equals<ReturnType<AuthClient["session"]>, Session | null>>();
assertType<Equals<ReturnType<AuthClient["fetch"]>, Promise<Response>>>();
assertType<Equals<ReturnType<AuthClient["onChange"]>, Unsubscribe>>();
assertType<Equals<ReturnType<AuthClient["lock"]>, void>>();
assertType<Equals<ReturnType<AuthClient["unlock"]>, Promise<Session>>>();
assertType<Equals<ReturnType<AuthClient["approve"]>, Promise<Approval>>>();
assertType<Equals<Parameters<AuthClient["approve"]>[0], PortosCredentials>>();
assertType<Equals<Parameters<AuthClient<"cashdesk">["approve"]>[0], CashDeskCredentials>>();
assertType<Equals<ReturnType<typeof lock>, void>>();
assertType<Equals<ReturnType<typeof unlock>, Promise<Session>>>();
assertType<Equals<ReturnType<typeof approve>, Promise<Approval>>>();
assertType<Equals<ReturnType<typeof authFetch>, Promise<Response>>>();
assertType<Equals<ReturnType<typeof session>, Session | null>>();
assertType<Equals<ReturnType<typeof configure>, void>>();

// --- options: every one of them ---------------------------------------------

const baseUrl = "https://pos.example.com/portos";

const fullOptions: AuthOptions = {
  baseUrl,
  backend: "portos",
  storage: "session",
  storageKey: "till-1",
  autoRefresh: true,
  refreshMargin: 60,
  timeout: 10_000,
  headers: { "Accept-Language": "sk" },
  developerId: "my-pos",
  serverTimeZone: "Europe/Kyiv",
  allowInsecureHttp: false,
  idleLock: 300,
  unlockAttempts: 5,
};

// `undefined` counts as absent, even under exactOptionalPropertyTypes.
const sparse: AuthOptions = { baseUrl, backend: undefined, timeout: undefined };
const cashdeskOptions: AuthOptions = {
  baseUrl: "https://cashdesk.example.com",
  backend: "cashdesk",
  developerId: "my-pos",
  serverTimeZone: "Europe/Kyiv",
  storage: "memory",
};
const metadefenderOptions: AuthOptions = { baseUrl: "http://10.0.0.5", backend: "metadefender", allowInsecureHttp: true };
const relative: AuthOptions = { baseUrl: "/portos" };

// --- storage: a name, the page's Web Storage, or a StorageLike of one's own ----------

// A dedicated terminal keeps its cashier signed in across tab closes.
const terminalOptions: AuthOptions = { ...fullOptions, storage: localStorage, storageKey: "till-1" };
const tabOptions: AuthOptions = { baseUrl, storage: sessionStorage };

/** A StorageLike backed by a Map, e.g. for tests or an encrypted wrapper. */
class MapStorage implements StorageLike {
  readonly #items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, value);
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
}
const mapOptions: AuthOptions = { baseUrl, storage: new MapStorage() };

// Structurally, without `implements`: getItem may answer undefined (no
// session), and setItem/removeItem may return whatever Map returns.
const items = new Map<string, string>();
const plainStorage = {
  getItem: (key: string) => items.get(key),
  setItem: (key: string, value: string) => items.set(key, value),
  removeItem: (key: string) => items.delete(key),
};
const plainOptions: AuthOptions = { baseUrl, storage: plainStorage };
const storages: StorageLike[] = [localStorage, sessionStorage, new MapStorage(), plainStorage];

// --- rendering helpers using every result field -----------------------------

function describeDevice(device: DeviceInfo): string {
  const settings = Object.entries(device.settings)
    .map(([key, value]: [string, string]) => `${key}=${value}`)
    .join(", ");
  const prefs: number = Object.keys(device.preferences).length;
  const env: string = device.envName ?? "?";
  const description: string = device.description ?? "";
  return `${device.name} (${env}) ${description} [${settings}] ${prefs} preferences`;
}

function describeUser(user: UserProfile): string {
  const name: string = user.name ?? user.userName ?? "anonymous";
  const id: string = user.id ?? "-";
  const email: string = user.email ?? "";
  const rights: readonly string[] = user.rights;
  const role: number = user.role ?? -1;
  const device: string = user.device ? describeDevice(user.device) : "no device";
  const shift: unknown = user.raw["opened_shift"];
  return `${name} #${id} <${email}> rights=${rights.join("|")} role=${role} ${device} shift=${String(shift)}`;
}

function describeSession(s: Session): string {
  const backend: Backend = s.backend;
  const token: string = s.accessToken;
  const left: number | null = s.expiresAt === null ? null : s.expiresAt - Date.now();
  const refreshLeft: number = (s.refreshExpiresAt ?? Infinity) - Date.now();
  const canRefresh: boolean = s.canRefresh;
  const locked: boolean = s.locked;
  return `${backend} ${token.length} ${left ?? "∞"} ${refreshLeft} ${canRefresh} ${locked} ${describeUser(s.user)}`;
}

function describeError(err: AuthError): string {
  const name: "AuthError" = err.name;
  const code: AuthErrorCode = err.code;
  const message: string = err.message;
  const status: number | null = err.status;
  const title: string | null = err.title;
  const detail: string | null = err.detail;
  const traceId: string | null = err.traceId;
  const backendCode: string = err.errorCode === null ? "" : typeof err.errorCode === "number" ? err.errorCode.toFixed(0) : err.errorCode;
  const fields: string = err.errors.map((e: ValidationError) => `${e.memberName}: ${e.message} (${e.code ?? "-"})`).join("; ");
  const retry: string = err.retryable ? `retry in ${err.retryAfter ?? 1}s` : "final";
  const base: Error = err; // an AuthError is an Error
  return `${name}/${code} ${status ?? "-"} ${title ?? ""} ${detail ?? ""} ${traceId ?? ""} ${backendCode} ${fields} ${retry} ${message} ${base.stack ?? ""}`;
}

/** Exhaustive: adding a code to the union without handling it here fails to compile. */
function userMessage(code: AuthErrorCode): string {
  switch (code) {
    case "invalid_argument":
    case "not_configured":
    case "disposed":
      return "Programming error";
    case "unsupported":
      return "This terminal's browser cannot run the sign-in module";
    case "invalid_credentials":
      return "Wrong user name or password";
    case "validation":
      return "Check the form";
    case "no_session":
    case "session_expired":
      return "Please sign in";
    case "refresh_unsupported":
      return "Sign in again at the end of the shift";
    case "forbidden":
      return "Not allowed";
    case "too_many_attempts":
      return "Too many wrong passwords: sign in again";
    case "network":
    case "timeout":
      return "Offline";
    case "rate_limited":
      return "Slow down";
    case "server":
      return "Server trouble";
    case "bad_response":
      return "Unexpected answer";
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}

// --- events --------------------------------------------------------------------

const log: string[] = [];

const listener: AuthListener = (event: AuthEvent): void => {
  const type: AuthEventType = event.type;
  switch (event.type) {
    case "initial":
      log.push(event.session ? `restored ${describeSession(event.session)}` : "signed out");
      break;
    case "signedIn":
    case "refreshed":
    case "userUpdated": {
      const current: Session = event.session; // never null for these
      log.push(`${type}: ${describeSession(current)}`);
      break;
    }
    case "expiring": {
      const current: Session = event.session;
      const why: AuthError | undefined = event.error;
      log.push(`expiring at ${current.expiresAt ?? "?"} ${why ? describeError(why) : ""}`);
      break;
    }
    case "expired": {
      const none: null = event.session;
      if (event.error) log.push(`expired: ${event.error.code} ${String(none)}`);
      break;
    }
    case "signedOut": {
      const none: null = event.session;
      const why: AuthErrorCode | undefined = event.error?.code;
      log.push(`signed out ${String(none)} ${why === "too_many_attempts" ? "after wrong passwords" : ""}`);
      break;
    }
    case "locked":
    case "unlocked": {
      const current: Session = event.session; // never null for these
      log.push(`${type}: ${current.locked ? "lock screen" : "till"}`);
      break;
    }
    default: {
      const unreachable: never = event;
      log.push(String(unreachable));
    }
  }
};

// --- an AuthClient, end to end ----------------------------------------------

const client: AuthClient = new AuthClient(fullOptions);
const unsubscribe: Unsubscribe = client.onChange(listener);

const portos: PortosCredentials = { userName: "999", password: "1234", deviceName: "P01" };
const portosNoPassword: Credentials = { userName: "999", deviceName: "P01" };
const cashdesk: CashDeskCredentials = { email: "cashier@example.com", password: "secret" };
const metadefender: MetaDefenderCredentials = { userName: "admin", password: "AdminPassword" };

try {
  const signedIn: Session = await client.login(portos);
  log.push(describeSession(signedIn));
} catch (err: unknown) {
  if (err instanceof AuthError && err.code === "invalid_credentials") {
    log.push(`${err.title ?? err.message} (${err.status ?? 0})`);
  } else if (err instanceof AuthError && err.code === "validation") {
    for (const field of err.errors) log.push(`${field.memberName}: ${field.message}`);
  } else if (err instanceof AuthError) {
    log.push(userMessage(err.code));
  } else {
    throw err;
  }
}
await client.login(portosNoPassword);

const current: Session | null = client.session();
if (current !== null) log.push(current.user.device?.settings["DefaultStockName"] ?? "no stock");

const me: UserProfile = await client.profile();
log.push(describeUser(me));

try {
  const renewed: Session = await client.refresh();
  log.push(String(renewed.expiresAt));
} catch (err: unknown) {
  if (err instanceof AuthError && err.code === "no_session") log.push("sign in first");
  else if (err instanceof AuthError && err.retryable) log.push(`later: ${err.retryAfter ?? "?"}`);
}

const r1: Response = await client.fetch(`${baseUrl}/api/auth`);
const r2: Response = await client.fetch(new URL("/portos/api/orders", baseUrl), {
  method: "POST",
  body: JSON.stringify({ id: 1 }),
  headers: { "Content-Type": "application/json" },
  signal: AbortSignal.timeout(5000),
});
const r3: Response = await client.fetch(new Request(`${baseUrl}/api/auth`));
log.push(`${r1.status} ${r2.ok} ${r3.statusText}`);

await client.logout();
unsubscribe();
client.dispose();
client.free();

const other = new AuthClient(cashdeskOptions);
await other.login(cashdesk);
other.dispose();
const third = new AuthClient(metadefenderOptions);
await third.login(metadefender);
third.free();
new AuthClient(sparse).dispose();
for (const options of [relative, terminalOptions, tabOptions, mapOptions, plainOptions]) new AuthClient(options).dispose();
for (const storage of storages) new AuthClient({ baseUrl, storage }).dispose();
new AuthClient({ baseUrl, backend: "cashdesk", storage: localStorage }).dispose();
configure({ baseUrl, storage: new MapStorage() });

// --- the default client ----------------------------------------------------------

configure({ baseUrl, backend: "portos", storageKey: "default" });
const stop: () => void = onChange((event) => log.push(event.type));
const s1: Session = await login(portos);
const p1: UserProfile = await profile();
const s2: Session = await refresh();
const s3: Session | null = session();
const res: Response = await authFetch(`${baseUrl}/api/auth`, { cache: "no-store" });
await logout();
stop();
log.push(`${s1.accessToken} ${p1.name ?? ""} ${s2.expiresAt ?? ""} ${s3?.backend ?? ""} ${res.status}`);

// --- the till: lock, unlock, change of cashier, manager approval ---------------------

const till = new AuthClient({ baseUrl, idleLock: 120, unlockAttempts: 3 });
await till.login(portos);
till.lock();
const lockedNow: boolean = till.session()?.locked ?? false;
try {
  const reopened: Session = await till.unlock("1234");
  log.push(`${lockedNow} ${reopened.locked}`);
} catch (err: unknown) {
  if (err instanceof AuthError && err.code === "invalid_credentials") log.push("wrong password");
  else if (err instanceof AuthError && err.code === "too_many_attempts") log.push("signed out: sign in again");
  else throw err;
}
// A change of cashier on the lock screen is a login.
await till.login({ userName: "998", password: "0000", deviceName: "P01" });
const manager: PortosCredentials = { userName: "100", password: "manager", deviceName: "P01" };
const refund: ApproveOptions = { right: "admin" };
const approval: Approval = await till.approve(manager, refund);
const anyone: Approval = await till.approve(manager);
const noRight: Approval = await till.approve(manager, { right: undefined });
log.push(`${approval.user.name ?? ""} ${new Date(approval.approvedAt).toISOString()} ${anyone.user.rights.length} ${noRight.approvedAt}`);
// Detached, as a lock button's handler or a hook's dependency.
const { lock: lockTill, unlock: unlockTill, approve: approveOn } = till;
lockTill();
const viaDetached: Session = await unlockTill("1234");
const viaDetachedApproval: Approval = await approveOn(manager, { right: "admin" });
log.push(`${viaDetached.locked} ${viaDetachedApproval.approvedAt}`);
// A CashDesk client approves with CashDesk credentials.
const cashdeskTill: AuthClient<"cashdesk"> = new AuthClient({ baseUrl, backend: "cashdesk", unlockAttempts: 1 });
const cashdeskApproval: Approval = await cashdeskTill.approve({ email: "manager@example.com", password: "secret" });
log.push(cashdeskApproval.user.email ?? "");
// The default client.
lock();
const s4: Session = await unlock("1234");
const a1: Approval = await approve(manager, { right: "admin" });
log.push(`${s4.locked} ${a1.user.userName ?? ""}`);
till.dispose();

// --- React-style external store -------------------------------------------------

const store = {
  subscribe: (notify: () => void): (() => void) => client.onChange(() => notify()),
  getSnapshot: (): Session | null => client.session(),
};
log.push(typeof store.getSnapshot());

// --- tokens for other transports, detached methods, `using`, own errors ------------

const bearer: string = await client.accessToken();
const fresh: AccessTokenOptions = { minValidity: 30 };
const longer: string = await client.accessToken(fresh);
const fromDefault: string = await accessToken({ minValidity: 0 });
// Passed as values, as openapi-fetch, axios and useSyncExternalStore take them.
const { fetch: boundFetch, session: boundSession, onChange: boundOnChange, accessToken: boundToken } = client;
const viaBound: Response = await boundFetch(`${baseUrl}/api/auth`);
const stopBound: Unsubscribe = boundOnChange(() => log.push(String(boundSession())));
stopBound();
log.push(`${bearer} ${longer} ${fromDefault} ${viaBound.status} ${await boundToken()}`);
{
  using scoped = new AuthClient({ baseUrl, storage: "memory" });
  log.push(String(scoped.session()));
}
const fields: Partial<AuthErrorFields> = { status: 503, retryAfter: 3 };
const mine: AuthError = new AuthError("server", "The till server is down", fields);
const bare: AuthError = new AuthError("network");
log.push(`${mine.retryable} ${bare.message}`);

// The back end in the options picks the credentials login takes.
const cashdeskClient: AuthClient<"cashdesk"> = new AuthClient({ baseUrl, backend: "cashdesk" });
await cashdeskClient.login(cashdesk);
const cashdeskLogin: CredentialsOf["cashdesk"] = cashdesk;
log.push(cashdeskLogin.email);
const defaultBackend = new AuthClient({ baseUrl });
await defaultBackend.login(portos);
// A client whose back end is only known at run time takes any credentials.
const chosen: Backend = (globalThis as { backend?: Backend }).backend ?? "portos";
await new AuthClient({ baseUrl, backend: chosen }).login(cashdesk);

// --- wrong usages, each must be a compile error -----------------------------------

// @ts-expect-error a CashDesk client takes CashDesk credentials, not PORTOS ones
await cashdeskClient.login(portos);
// @ts-expect-error a PORTOS client (the default back end) takes PORTOS credentials
await defaultBackend.login(cashdesk);
// @ts-expect-error minValidity is a number of seconds
await client.accessToken({ minValidity: "30s" });
// @ts-expect-error AuthError codes are the documented ones
new AuthError("oops");

// @ts-expect-error unknown back end
new AuthClient({ baseUrl, backend: "square" });
// @ts-expect-error timeout is a number of milliseconds
new AuthClient({ baseUrl, timeout: "10s" });
// @ts-expect-error autoRefresh is a boolean
new AuthClient({ baseUrl, autoRefresh: "yes" });
// @ts-expect-error baseUrl is required
new AuthClient({ backend: "portos" });
// @ts-expect-error baseUrl is a string, not a URL
new AuthClient({ baseUrl: new URL(baseUrl) });
// @ts-expect-error misspelled option
new AuthClient({ baseUrl, refreshMargn: 30 });
// @ts-expect-error storage is "session", "memory" or a StorageLike
new AuthClient({ baseUrl, storage: "local" });
// @ts-expect-error storage is not a flag
new AuthClient({ baseUrl, storage: true });
// @ts-expect-error storage is not null (leave it out, or undefined)
new AuthClient({ baseUrl, storage: null });
// @ts-expect-error a Map is not a StorageLike (get/set, not getItem/setItem)
new AuthClient({ baseUrl, storage: new Map<string, string>() });
// @ts-expect-error a StorageLike needs removeItem too
new AuthClient({ baseUrl, storage: { getItem: (key: string) => items.get(key), setItem: (key: string, value: string) => void items.set(key, value) } });
// @ts-expect-error getItem answers a string (or null), not a number
new AuthClient({ baseUrl, storage: { ...plainStorage, getItem: (key: string) => key.length } });
// @ts-expect-error getItem is synchronous
new AuthClient({ baseUrl, storage: { ...plainStorage, getItem: async (key: string) => items.get(key) } });
// @ts-expect-error storageKey is a string
new AuthClient({ baseUrl, storageKey: 1 });
// @ts-expect-error refreshMargin is a number of seconds
new AuthClient({ baseUrl, refreshMargin: "60" });
// @ts-expect-error developerId is a string
new AuthClient({ baseUrl, backend: "cashdesk", developerId: 42 });
// @ts-expect-error serverTimeZone is an IANA name, a string
new AuthClient({ baseUrl, backend: "cashdesk", serverTimeZone: 2 });
// @ts-expect-error allowInsecureHttp is a boolean
new AuthClient({ baseUrl, allowInsecureHttp: "yes" });
// @ts-expect-error headers is an object of strings, not a list
new AuthClient({ baseUrl, headers: [["Accept-Language", "sk"]] });
// @ts-expect-error idleLock is a number of seconds
new AuthClient({ baseUrl, idleLock: "5m" });
// @ts-expect-error unlockAttempts is a number
new AuthClient({ baseUrl, unlockAttempts: "5" });
// @ts-expect-error a CashDesk client's approver signs in with CashDesk credentials, not PORTOS ones
await cashdeskClient.approve(portos);
// @ts-expect-error the password to unlock with is a string
await client.unlock(5);
// @ts-expect-error unlock needs the password
await client.unlock();
// @ts-expect-error right is a string, the name of a right
await client.approve(portos, { right: 5 });
// @ts-expect-error misspelled approve option
await client.approve(portos, { rights: ["admin"] });
// @ts-expect-error lock is synchronous
await lock().then(() => {});
// @ts-expect-error locked and unlocked events carry the session
const lockedEvent: AuthEvent = { type: "locked", session: null };
// @ts-expect-error an approval carries no token
log.push(approval.accessToken);
// @ts-expect-error header values are strings
new AuthClient({ baseUrl, headers: { "X-Till": 1 } });
// @ts-expect-error PORTOS credentials need a user name
await client.login({ password: "1234", deviceName: "P01" });
// @ts-expect-error the password is a string
await client.login({ userName: "999", password: 1234, deviceName: "P01" });
// @ts-expect-error no credentials
await client.login();
// @ts-expect-error misspelled event type
client.onChange((event) => event.type === "signed_in");
// @ts-expect-error not an event type
const badType: AuthEventType = "loggedIn";
// @ts-expect-error not an error code
const badCode: AuthErrorCode = "unauthorized";
// @ts-expect-error session() may be null
const notNull: Session = client.session();
// @ts-expect-error the refresh token is never exposed
log.push(current?.refreshToken);
// @ts-expect-error fetch takes a URL, string or Request
await client.fetch(42);
// @ts-expect-error listeners receive an AuthEvent
client.onChange((event: string) => log.push(event));
// @ts-expect-error AuthErrors are created by the module
new AuthError("boom");

declare const someError: AuthError;
// @ts-expect-error nonexistent field
log.push(String(someError.statusCode));
// @ts-expect-error fields are read-only
someError.code = "network";
// @ts-expect-error errors is read-only
someError.errors = [];
// @ts-expect-error a validation error has a memberName
someError.errors.push({ field: "x", message: "y", code: "z" });
// @ts-expect-error expiresAt may be null
const ms: number = current!.expiresAt;
// @ts-expect-error the session is null after sign-out
const ev: AuthEvent = { type: "signedOut", session: current! };
// @ts-expect-error configure returns nothing
await configure(fullOptions).then(() => {});

log.push(String(badType), String(badCode), String(notNull), String(ms), ev.type, lockedEvent.type);
