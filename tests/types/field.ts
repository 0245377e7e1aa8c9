// What the README says of typing a field: a client whose back end is chosen
// at run time is an `AuthClient<Backend>`; plain `AuthClient` is portos'.
import { AuthClient, type Backend } from "pos-auth";

const backend = "cashdesk" as Backend;
export const chosen: AuthClient<Backend> = new AuthClient({ baseUrl: "https://pos.example.com", backend });
export const cashdesk: AuthClient<Backend> = new AuthClient({ baseUrl: "https://pos.example.com", backend: "cashdesk" });
// @ts-expect-error plain AuthClient is AuthClient<"portos">
export const portos: AuthClient = new AuthClient({ baseUrl: "https://pos.example.com", backend: "cashdesk" });

// authorize, for bindings: what `send` resolves with comes back.
export const status: Promise<number> = chosen.authorize(new URL("https://pos.example.com/api"), async (token, headers) =>
  token === null ? 0 : Object.keys(headers).length);
