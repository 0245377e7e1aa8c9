// The typings of pos-auth/react, only type-checked (`npx tsc -p types`). No
// React types are needed: the hooks' signatures mention none.
import { AuthClient } from "pos-auth";
import type { AuthErrorCode, AuthEvent, Session } from "pos-auth";
import { useAuthEvent, useSession } from "pos-auth/react";

const client = new AuthClient({ baseUrl: "https://pos.example.com" });

export const session: Session | null = useSession(client);
export const fromDefault: Session | null = useSession();
export const event: AuthEvent | null = useAuthEvent(client);
export const name: string | null | undefined = useSession()?.user.name;
// The till: the lock screen shows while the session is locked.
export const locked: boolean | undefined = useSession(client)?.locked;
const change = useAuthEvent(client);
export const lockScreen: boolean = change?.type === "locked" && change.session.locked;

const latest = useAuthEvent();
export const code: AuthErrorCode | undefined = latest?.type === "expired" ? latest.error?.code : undefined;

// @ts-expect-error: null until signed in
export const token: string = useSession(client).accessToken;
// @ts-expect-error: only a client
useSession({ session: () => null });
// @ts-expect-error: a session is not an event
export const wrong: AuthEvent | null = useSession(client);

// A client of any back end.
const till = new AuthClient({ baseUrl: "https://pos.example.com", backend: "cashdesk" });
export const cashdeskSession: Session | null = useSession(till);
export const cashdeskEvent: AuthEvent | null = useAuthEvent(till);
