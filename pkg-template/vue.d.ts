/**
 * pos-auth/vue: a Vue (≥ 3.3) plugin, composables and a vue-router guard.
 *
 * @example
 * ```ts
 * import { createApp } from "vue";
 * import { createRouter, createWebHistory } from "vue-router";
 * import { createAuth, authGuard } from "pos-auth/vue";
 *
 * const router = createRouter({ history: createWebHistory(), routes: [
 *   { path: "/login", component: () => import("./Login.vue") },
 *   { path: "/till", component: () => import("./Till.vue") },        // guarded
 *   { path: "/help", component: Help, meta: { auth: false } },         // public
 * ] });
 * router.beforeEach(authGuard);
 * createApp(App).use(createAuth({ baseUrl: "/portos" })).use(router).mount("#app");
 *
 * // in a component's setup:
 * const session = useSession();   // session.value?.user.name
 * ```
 *
 * @packageDocumentation
 */

import type { Plugin, ShallowRef } from "vue";
import type { AuthClient, AuthEvent, AuthOptions, Backend, Session } from "./index.js";

/** The second argument of {@link createAuth}. */
export interface AuthPluginOptions {
  /**
   * Where {@link authGuard} sends a navigation it does not let through, with
   * the wanted URL as the `redirect` query parameter. A path starting with `/`.
   * @defaultValue `"/login"`
   */
  signInPath?: string | undefined;
}

/**
 * The plugin: `app.use(createAuth(options))`. Provides one client to the app:
 * a new `AuthClient(options)`, made on first use and disposed when the app
 * unmounts, or `client` itself, which is left to its owner.
 * @throws {@link AuthError} `"invalid_argument"` for a `signInPath` that is not a path.
 */
export declare function createAuth<B extends Backend = "portos">(
  client: AuthClient<B> | AuthOptions<B>,
  options?: AuthPluginOptions,
): Plugin<[]>;

/**
 * The app's client (from {@link createAuth}); outside such an app, the
 * module's default client (the module-level functions as an object of the
 * same shape, following {@link configure}; its `dispose` does nothing).
 * Call it where `inject` works: `setup`, a Pinia store, `app.runWithContext`.
 *
 * @typeParam B - the client's back end, as the caller knows it; by default
 * any (`login` then takes any back end's credentials).
 */
export declare function useAuth<B extends Backend = Backend>(): AuthClient<B>;

/**
 * The client's current session ({@link AuthClient.session}), the same object:
 * the ref changes exactly when `session()` does (sign-in, refresh, user
 * update, lock, unlock, sign-out, expiry). Subscribed for the life of the
 * calling effect scope (component, store) and unsubscribed when it is
 * disposed. In server rendering it holds `null` and calls no client.
 * @throws {@link AuthError} `"not_configured"` without the plugin before
 * {@link configure}; `"disposed"` for a disposed client.
 */
export declare function useSession(): Readonly<ShallowRef<Session | null>>;

/**
 * The latest event of the client ({@link AuthClient.onChange}) since the
 * call, e.g. `"expired"` with its `error`; `null` until one arrives. Never
 * `"initial"`, which reports no change; {@link configure} replacing the
 * default client starts it again at `null`. Unsubscribed with the calling
 * scope. In server rendering it holds `null`.
 * @throws {@link AuthError} `"not_configured"` without the plugin before
 * {@link configure}; `"disposed"` for a disposed client.
 */
export declare function useAuthEvent(): Readonly<ShallowRef<AuthEvent | null>>;

/** What {@link authGuard} reads of the target route (vue-router's `RouteLocationNormalized` is one). */
export interface GuardedRoute {
  path: string;
  fullPath: string;
  /** `auth: false` (here or on a parent route) lets the route through unchecked. */
  meta: { auth?: unknown };
}

/** Where {@link authGuard} sends a navigation it stops. */
export interface SignInRedirect {
  path: string;
  query: { redirect: string };
}

/**
 * A vue-router navigation guard: `router.beforeEach(authGuard)`. Lets a
 * navigation through only with a session it has checked: the first one with a
 * session restored from storage waits for {@link AuthClient.profile} (on
 * PORTOS a request, so a session revoked while the till was closed is caught
 * before any guarded component is made); later ones for
 * {@link AuthClient.accessToken}. Otherwise, and on any failure of those, it
 * redirects to the plugin's `signInPath` with `redirect` set to the wanted
 * `fullPath`. The sign-in path itself and routes with `meta: { auth: false }`
 * pass unchecked. Needs vue-router ≥ 4.2 to find the plugin's client (it runs
 * guards inside the app's context); without the plugin it guards with the
 * default client and `"/login"`.
 */
export declare function authGuard(to: GuardedRoute): Promise<true | SignInRedirect>;
