/**
 * pos-auth/react: React (≥ 18) hooks over a client's session and events.
 *
 * @example
 * ```ts
 * import type { AuthClient } from "pos-auth";
 * import { useSession, useAuthEvent } from "pos-auth/react";
 *
 * function Cashier({ client }: { client: AuthClient }) {
 *   const session = useSession(client);
 *   const event = useAuthEvent(client);
 *   if (session === null) return event?.type === "expired" ? "Session expired" : "Signed out";
 *   return session.user.name;
 * }
 * ```
 *
 * @packageDocumentation
 */

import type { AuthClient, AuthEvent, Backend, Session } from "./index.js";

/**
 * The current session of `client` ({@link AuthClient.session}), re-rendering
 * the component only when it changes (sign-in, refresh, user update, sign-out,
 * expiry). Built on `useSyncExternalStore`; in server rendering it returns
 * `null` whatever the client holds.
 *
 * @param client - the client to follow; when omitted, the module's default
 * client (the one {@link configure} sets up), across reconfigurations.
 * @throws {@link AuthError} `"not_configured"` during render when `client` is
 * omitted and {@link configure} has not been called; `"disposed"` for a
 * disposed client.
 */
export declare function useSession(client?: AuthClient<Backend>): Session | null;

/**
 * The latest event of `client` ({@link AuthClient.onChange}) since the
 * component began watching it, e.g. `"expired"` with its `error`; `null` until
 * one arrives. `"initial"` is never returned: it reports no change. A
 * different `client`, {@link configure} replacing the default client, or an
 * `<Activity>` shown again starts again at `null`. Re-renders only when an
 * event arrives. In server rendering it returns `null`.
 *
 * @param client - the client to follow; when omitted, the module's default client.
 * @throws {@link AuthError} `"not_configured"` when it subscribes with `client`
 * omitted before {@link configure}; `"disposed"` for a disposed client.
 */
export declare function useAuthEvent(client?: AuthClient<Backend>): AuthEvent | null;
