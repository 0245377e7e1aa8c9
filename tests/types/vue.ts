// The typings of pos-auth/vue, only type-checked (`npx tsc -p types`), against
// Vue's own types; vue-router.ts checks the guard against vue-router's.
import { createApp, type ShallowRef } from "vue";
import { AuthClient } from "pos-auth";
import type { AuthErrorCode, AuthEvent, Backend, Session } from "pos-auth";
import { authGuard, createAuth, useAuth, useAuthEvent, useSession } from "pos-auth/vue";

const app = createApp({});
app.use(createAuth({ baseUrl: "/portos" }, { signInPath: "/sign-in" }));
app.use(createAuth({ baseUrl: "/cashdesk", backend: "cashdesk" }));
app.use(createAuth(new AuthClient({ baseUrl: "/portos" })));
const till = new AuthClient({ baseUrl: "https://pos.example.com", backend: "metadefender" });
app.use(createAuth(till, {}));
// @ts-expect-error: a path is a string
createAuth({ baseUrl: "/portos" }, { signInPath: 1 });
// @ts-expect-error: options need a baseUrl
createAuth({ backend: "cashdesk" });

// A client whose back end is chosen at run time.
export const client: AuthClient<Backend> = useAuth();
export const portos: AuthClient<"portos"> = useAuth<"portos">();
portos.login({ userName: "999", password: "1234", deviceName: "P01" });
// @ts-expect-error: a PORTOS client takes PORTOS credentials
portos.login({ email: "a@b.c", password: "x" });

const session: Readonly<ShallowRef<Session | null>> = useSession();
export const name: string | null | undefined = session.value?.user.name;
export const locked: boolean | undefined = useSession().value?.locked;
// @ts-expect-error: read-only
session.value = null;
// @ts-expect-error: null until signed in
export const token: string = useSession().value.accessToken;

const event: Readonly<ShallowRef<AuthEvent | null>> = useAuthEvent();
const latest = event.value;
export const code: AuthErrorCode | undefined = latest?.type === "expired" ? latest.error?.code : undefined;
// @ts-expect-error: an event is not a session
export const wrong: Readonly<ShallowRef<Session | null>> = useAuthEvent();

export const verdict: Promise<true | { path: string; query: { redirect: string } }> =
  authGuard({ path: "/till", fullPath: "/till?x=1", meta: {} });
