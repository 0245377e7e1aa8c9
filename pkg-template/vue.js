// pos-auth/vue: a Vue (≥ 3.3) plugin, composables and a vue-router guard.
//
// A separate entry, so `import "pos-auth"` never loads Vue (an optional peer
// dependency). The plugin provides one client to the app (provide/inject);
// the composables hold what it reports in shallow refs, subscribed to
// `onChange` for the life of the calling scope (a component, a Pinia store,
// an effectScope) and unsubscribed when that scope is disposed. Outside an
// app that installed the plugin they follow the module's default client, as
// pos-auth/react's hooks do without an argument. In server rendering they
// neither call nor create a client and hold null: the server cannot know the
// browser's session.
import {
  getCurrentScope, hasInjectionContext, inject, onScopeDispose, shallowReadonly, shallowRef, ssrContextKey,
} from "vue";
import * as auth from "./index.js";

const KEY = Symbol("pos-auth");
const SIGN_IN_PATH = "/login";

// The default client as an object of the client's shape. Each method reads
// the module's export at call time, so it reaches whichever client the latest
// `configure()` made (and the entry's stand-ins where the wasm cannot load).
const defaultClient = {
  login: (credentials) => auth.login(credentials),
  profile: () => auth.profile(),
  refresh: () => auth.refresh(),
  logout: () => auth.logout(),
  session: () => auth.session(),
  fetch: (input, init) => auth.authFetch(input, init),
  accessToken: (options) => auth.accessToken(options),
  onChange: (listener) => auth.onChange(listener),
  lock: () => auth.lock(),
  unlock: (password) => auth.unlock(password),
  approve: (credentials, options) => auth.approve(credentials, options),
  // The default client belongs to the page, not to an app: only configure() replaces it.
  dispose() {},
  free() {},
};
if (Symbol.dispose) defaultClient[Symbol.dispose] = defaultClient.dispose;
const defaultContext = { client: defaultClient, signInPath: SIGN_IN_PATH };

/**
 * The plugin. The client is made on first use, not at install: server
 * rendering, where the composables never touch it, then makes none (and a
 * relative `baseUrl` has no page to resolve against there).
 */
export function createAuth(clientOrOptions, { signInPath = SIGN_IN_PATH } = {}) {
  if (typeof signInPath !== "string" || !signInPath.startsWith("/")) {
    throw new auth.AuthError("invalid_argument", "signInPath must be a path starting with /");
  }
  const given = typeof clientOrOptions?.onChange === "function" ? clientOrOptions : null;
  return {
    install(app) {
      let made = null;
      app.provide(KEY, {
        signInPath,
        get client() {
          return given ?? (made ??= new auth.AuthClient(clientOrOptions));
        },
      });
      // Only a client this plugin made is disposed: a given one is the caller's.
      const dispose = () => made?.dispose();
      if (typeof app.onUnmount === "function") {
        app.onUnmount(dispose); // Vue ≥ 3.5
      } else {
        const unmount = app.unmount;
        app.unmount = function (...args) {
          unmount.apply(this, args);
          dispose();
        };
      }
    },
  };
}

/** The client and sign-in path of the calling app, else the default client's. */
function context() {
  return (hasInjectionContext() && inject(KEY, null)) || defaultContext;
}

// renderToString provides the SSR context to the app it renders; a browser
// app never has one.
const serverRendering = () => hasInjectionContext() && inject(ssrContextKey, null) !== null;

export function useAuth() {
  return context().client;
}

/** Listens for as long as the calling scope lives (for good when there is none). */
function listen(client, listener) {
  const unsubscribe = client.onChange(listener);
  if (getCurrentScope()) onScopeDispose(unsubscribe);
}

export function useSession() {
  const session = shallowRef(null);
  if (!serverRendering()) {
    const { client } = context();
    session.value = client.session();
    // A shallow ref triggers only on a different value (Object.is), and
    // session() keeps its object until the session changes: an event that
    // changes nothing (initial, expiring) renders nothing.
    listen(client, () => {
      session.value = client.session();
    });
  }
  return shallowReadonly(session);
}

// `initial` is never held: it carries no news (useSession has the state).
// The first one greets this subscription, in a microtask, and is skipped; a
// later one means configure() replaced the default client, and resets the
// ref to null, as it holds the latest change of the client it follows. A
// change that reaches the listener before its greeting is newer than it and
// is kept.
export function useAuthEvent() {
  const latest = shallowRef(null);
  if (!serverRendering()) {
    let greeted = false;
    listen(context().client, (event) => {
      if (event.type !== "initial") latest.value = event;
      else if (greeted) latest.value = null;
      greeted = true;
    });
  }
  return shallowReadonly(latest);
}

// Per client: whether its current or next session needs no profile() check.
// A session present when the guard first sees the client was restored from
// storage (or made before the router started) and is checked with the server
// once; one that appears after the guard saw none came from a login in this
// page. (configure() replacing the default client is not seen here.)
const trust = new WeakMap();

/**
 * For `router.beforeEach`. vue-router (≥ 4.2) runs guards inside the app's
 * context, so `inject` finds the plugin's client. Every route is guarded
 * except the sign-in path and routes whose `meta.auth` is `false` (vue-router
 * merges a parent's meta into its children's, so a public section opts out
 * once).
 */
export async function authGuard(to) {
  const { client, signInPath } = context();
  if (to.path === signInPath || to.meta?.auth === false) return true;
  if (await checked(client)) return true;
  return { path: signInPath, query: { redirect: to.fullPath } };
}

async function checked(client) {
  let state = trust.get(client);
  if (!state) trust.set(client, (state = { trusted: false, profile: null }));
  if (client.session() === null) {
    state.trusted = true;
    return false;
  }
  try {
    if (state.trusted) {
      // Refreshed first when inside the margin; rejects if the session ended.
      await client.accessToken();
    } else {
      // On PORTOS a request: a session revoked while the till was closed ends
      // here (its 401, then the refused refresh). Navigations during it share it.
      state.profile ??= client.profile().catch((e) => offline(e, client)).finally(() => (state.profile = null));
      await state.profile;
      state.trusted = true;
    }
  } catch {
    return false;
  }
  return client.session() !== null;
}

// A server out of reach is no revocation (as for a refresh, only the server's
// word ends a session): a retryable failure of `profile()` (network, timeout,
// 5xx) leaves the session to `accessToken()`, which goes on offline while the
// token is unexpired, as later navigations do. pos-auth/angular's guard
// decides the same.
function offline(error, client) {
  if (error?.retryable && client.session() !== null) return client.accessToken();
  throw error;
}
