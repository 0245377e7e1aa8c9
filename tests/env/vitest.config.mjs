// Two projects, one per DOM environment a front-end team runs its tests in.
// Both pages are on localhost, like a dev server's. It matters for happy-dom:
// its own fetch sends the page's Origin, preflights every cross-origin
// request and refuses the call unless the preflight allows that origin, which
// the emulator does for loopback origins only (a page on https://app.example
// gets AuthError "network"). jsdom keeps Node's fetch: no Origin, no CORS.
// Run from tests/: npx vitest run --config env/vitest.config.mjs
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { PAGE_URL } from "./support.mjs";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  test: {
    testTimeout: 15_000,
    projects: [
      {
        extends: true,
        test: { name: "jsdom", environment: "jsdom", include: ["jsdom.test.mjs"], environmentOptions: { jsdom: { url: PAGE_URL } } },
      },
      {
        extends: true,
        test: { name: "happy-dom", environment: "happy-dom", include: ["happy-dom.test.mjs"], environmentOptions: { happyDOM: { url: PAGE_URL } } },
      },
    ],
  },
});
