// Mounts the recipe "A lock screen in React" (docs/recipes.md): Till.tsx is
// its code block, copied there by lock-screen.test.mjs before Vite builds
// this app. The client has the recipe's options, with the emulator tenant's
// `base` from the query string and, where a test asks, a shorter `idleLock`
// or an `unlockAttempts`. `window.till` lets the test read the client and
// the events it fired.
import { StrictMode, createElement as h } from "react";
import { createRoot } from "react-dom/client";
import { AuthClient } from "pos-auth";
import { Till } from "./Till.tsx";

const query = new URLSearchParams(location.search);
const number = (name) => (query.has(name) ? Number(query.get(name)) : undefined);
const client = new AuthClient({
  baseUrl: query.get("base"),
  idleLock: number("idleLock") ?? 120,
  unlockAttempts: number("unlockAttempts"),
});
const events = [];
client.onChange((e) => events.push(e.type + (e.error ? `:${e.error.code}` : "")));
window.till = { client, events };

createRoot(document.getElementById("root")).render(h(StrictMode, null, h(Till, { client })));
