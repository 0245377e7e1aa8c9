// pos-auth/angular: the client as an Angular provider, its session as a
// signal, an HttpClient interceptor and a route guard.
//
// A separate entry, so `import "pos-auth"` never loads Angular (an optional
// peer dependency). Angular's own conventions throughout: functional
// providers (`provideAuth`, like `provideHttpClient`), an `InjectionToken`
// for the client, an `inject*()` function for the signal, and the
// functional `HttpInterceptorFn` and `CanActivateFn` shapes.
//
// The interceptor decides nothing itself: `client.authorize` runs the wasm's
// rules for `fetch` (the `baseUrl` gate, refresh first inside the margin, the
// 401 rule with its token-changed-in-flight case, the end of the session on a
// second 401) and calls back with the token to send, or null when the URL is
// not the back end's. This file only moves HttpClient's request and events.
import { DestroyRef, InjectionToken, NgZone, PLATFORM_ID, inject, makeEnvironmentProviders, signal } from "@angular/core";
import { isPlatformServer } from "@angular/common";
import { Router } from "@angular/router";
import { Observable } from "rxjs";
import { AuthClient } from "./index.js";

/** The app's AuthClient: `inject(AUTH_CLIENT)`. */
export const AUTH_CLIENT = new InjectionToken("pos-auth AuthClient");

// What the binding keeps per app: the client, the session signal, the
// guard's path and whether the session was restored and not checked yet.
const AUTH_STATE = new InjectionToken("pos-auth Angular state");

/**
 * One client per environment injector (the app's, or a lazy route's):
 * `options` make a new one, disposed when that injector is destroyed; a
 * client passed in is the caller's, and stays theirs.
 */
export function provideAuth(optionsOrClient, { signInPath = "/login" } = {}) {
  // A client is told apart from options by its methods, so a client made by
  // another copy of the package counts too.
  const given = typeof optionsOrClient?.session === "function" ? optionsOrClient : null;
  return makeEnvironmentProviders([
    { provide: AUTH_STATE, useFactory: () => appState(given ?? new AuthClient(optionsOrClient), !given, signInPath) },
    { provide: AUTH_CLIENT, useFactory: () => inject(AUTH_STATE).client },
  ]);
}

function appState(client, owned, signInPath) {
  const server = isPlatformServer(inject(PLATFORM_ID));
  // On the server the session is null whatever the client holds: the server
  // cannot know the browser's session (as pos-auth/react's getServerSnapshot).
  const initial = server ? null : client.session();
  // A session there already was restored from storage: the guard checks it
  // with the server once. Any change after that (a sign-in, a refresh) was
  // the server's own word.
  const state = { client, signInPath, session: signal(initial), unchecked: initial !== null };
  let stop = () => {};
  if (!server) {
    // Subscribed from Angular's zone (a no-op run when zoneless): the core
    // calls each listener in the zone it subscribed from, so zone.js sees
    // the change, while its timers stay outside and the app stays stable.
    // The signal takes `session()` itself: it changes exactly when that does.
    const listen = () =>
      client.onChange((event) => {
        if (event.type !== "initial") state.unchecked = false;
        state.session.set(client.session());
      });
    // No NgZone outside an app (a bare environment injector in a test).
    const zone = inject(NgZone, { optional: true });
    stop = zone ? zone.run(listen) : listen();
  }
  inject(DestroyRef).onDestroy(() => (owned ? client.dispose() : stop()));
  return state;
}

/** The session as a signal: `null` when signed out, and on the server. */
export function injectSession() {
  return inject(AUTH_STATE).session.asReadonly();
}

/**
 * `HttpInterceptorFn`: `Authorization: Bearer` on requests under `baseUrl`
 * (and the `headers` option), one refresh and one retry on a 401, a second
 * 401 ends the session and its `HttpErrorResponse` is passed on, no session
 * fails the request with AuthError `no_session`. Other URLs, and requests
 * that carry their own `Authorization`, are sent untouched.
 */
export function authInterceptor(req, next) {
  const client = inject(AUTH_CLIENT);
  if (req.headers.has("Authorization")) return next(req);
  return new Observable((subscriber) => {
    let attempt = null;
    let cancelled = false;
    // One send per attempt: its events go on to the caller as they come
    // (a 401's "sent" event included: HttpClient's callers only act on the
    // response); it resolves when the request completes and rejects with
    // HttpClient's error, which `authorize` reads the status of.
    const send = (token, headers) =>
      new Promise((resolve, reject) => {
        // Unsubscribed while a refresh ran: nothing more is sent, and this
        // promise is left to the garbage collector.
        if (cancelled) return;
        const request = token === null ? req : req.clone({ setHeaders: bearer(req, token, headers) });
        attempt = next(request).subscribe({ next: (event) => subscriber.next(event), error: reject, complete: resolve });
      });
    client.authorize(req.urlWithParams, send).then(
      () => subscriber.complete(),
      (error) => subscriber.error(error),
    );
    return () => {
      cancelled = true;
      attempt?.unsubscribe();
    };
  });
}

// The token and the `headers` option; the request's own headers win, as with fetch.
function bearer(req, token, headers) {
  const set = { Authorization: `Bearer ${token}` };
  for (const [name, value] of Object.entries(headers)) if (!req.headers.has(name)) set[name] = value;
  return set;
}

/**
 * `CanActivateFn`: lets a navigation through only with a session it has
 * checked. The first one after a session was restored from storage waits for
 * `profile()` (on portos the server's word, so a session revoked while the
 * till was closed is caught before the route renders); later ones for
 * `accessToken()` (refreshed first inside the margin). Otherwise it answers
 * a `UrlTree` to `signInPath` with the wanted URL as `redirect`.
 */
export function authGuard(route, routerState) {
  const state = inject(AUTH_STATE);
  const router = inject(Router);
  const signIn = () => router.createUrlTree([state.signInPath], { queryParams: { redirect: routerState.url } });
  const { client } = state;
  if (state.session() === null || client.session() === null) return signIn();
  const unchecked = state.unchecked;
  state.unchecked = false;
  return (unchecked ? client.profile().catch((e) => offline(e, client)) : client.accessToken()).then(
    () => true,
    () => signIn(),
  );
}

// A server out of reach is no revocation: a retryable failure of `profile()`
// (network, timeout, 5xx) leaves the session to `accessToken()`, which
// resolves offline while the token is unexpired, as later navigations do.
function offline(error, client) {
  if (error?.retryable && client.session() !== null) return client.accessToken();
  throw error;
}
