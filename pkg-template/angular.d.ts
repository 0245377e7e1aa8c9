/**
 * pos-auth/angular: the client as an Angular (≥ 17, standalone; zone.js or
 * zoneless) provider, its session as a signal, an HttpClient interceptor and
 * a route guard.
 *
 * @example
 * ```ts
 * import { provideAuth, authInterceptor, authGuard, injectSession, AUTH_CLIENT } from "pos-auth/angular";
 *
 * bootstrapApplication(App, { providers: [
 *   provideAuth({ baseUrl: "/portos" }, { signInPath: "/login" }),
 *   provideHttpClient(withInterceptors([authInterceptor])),
 *   provideRouter([{ path: "till", component: Till, canActivate: [authGuard] }]),
 * ] });
 *
 * // in a component:
 * readonly client = inject(AUTH_CLIENT);
 * readonly session = injectSession();
 * ```
 *
 * @packageDocumentation
 */

import type { EnvironmentProviders, InjectionToken, Signal } from "@angular/core";
import type { HttpInterceptorFn } from "@angular/common/http";
import type { CanActivateFn } from "@angular/router";
import type { AuthClient, AuthOptions, Backend, Session } from "./index.js";

/** Options of the binding itself. */
export interface AuthBindingOptions {
  /**
   * Where {@link authGuard} sends a navigation without a checked session,
   * with the wanted URL as the `redirect` query parameter.
   * @defaultValue `"/login"`
   */
  signInPath?: string;
}

/**
 * Provides one {@link AuthClient} to the environment injector (the app's,
 * or a lazy route's). Given options, the binding creates the client and
 * disposes it when that injector is destroyed; a client passed in stays the
 * caller's to dispose.
 */
export declare function provideAuth<B extends Backend = Backend>(
  optionsOrClient: AuthOptions<B> | AuthClient<B>,
  options?: AuthBindingOptions,
): EnvironmentProviders;

/** The app's client: `inject(AUTH_CLIENT)`. */
export declare const AUTH_CLIENT: InjectionToken<AuthClient<Backend>>;

/**
 * The session as a read-only signal: the same object as
 * {@link AuthClient.session}, changing exactly when it does, seen by change
 * detection in zone.js and zoneless apps. `null` when signed out, and in
 * server rendering whatever the client holds. Call it in an injection context.
 */
export declare function injectSession(): Signal<Session | null>;

/**
 * For `provideHttpClient(withInterceptors([authInterceptor]))`: the rules of
 * {@link AuthClient.fetch}, run by the client itself. Requests under
 * `baseUrl` get `Authorization: Bearer` (refreshed first inside the margin)
 * and the `headers` option; a 401 is refreshed once and retried once (with
 * the current token at once if it changed in flight); a second 401 ends the
 * session and its `HttpErrorResponse` is passed on. No session: the request
 * fails with {@link AuthError} `"no_session"` and nothing is sent. Other
 * URLs, and requests with their own `Authorization`, are untouched.
 */
export declare const authInterceptor: HttpInterceptorFn;

/**
 * For `canActivate` (or `canActivateChild`, `canMatch` by way of a wrapper):
 * lets a navigation through only with a session it has checked. The first
 * navigation after a session was restored from storage waits for
 * {@link AuthClient.profile} (on portos the server's word: a session revoked
 * while the till was closed is caught before the route renders; a server out
 * of reach leaves it to `accessToken()`); later ones for
 * {@link AuthClient.accessToken}. Otherwise a `UrlTree` to `signInPath` with
 * the wanted URL as `redirect`.
 */
export declare const authGuard: CanActivateFn;
