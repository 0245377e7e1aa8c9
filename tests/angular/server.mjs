// pos-auth/angular outside a browser app, in Node (run by
// tests/e2e/angular-build.test.mjs with tests/angular/'s Node 22): bare
// environment injectors, as a server render or a unit test has them.
// Prints what it saw as JSON. argv[2]: the emulator tenant's PORTOS URL.
// Unbuilt, the Angular packages need their JIT compiler (the linker's work in a build).
import "@angular/compiler";
import { Injector, PLATFORM_ID, createEnvironmentInjector, runInInjectionContext } from "@angular/core";
import { AuthClient } from "pos-auth";
import { AUTH_CLIENT, injectSession, provideAuth } from "pos-auth/angular";

const baseUrl = process.argv[2];
const client = new AuthClient({ baseUrl, storage: "memory" });
await client.login({ userName: "999", password: "1234", deviceName: "P01" });
const injector = (platform, auth) => createEnvironmentInjector([provideAuth(auth), { provide: PLATFORM_ID, useValue: platform }], Injector.NULL);
const seen = {};

// Server rendering: null, whatever the client holds.
const server = injector("server", client);
seen.serverSession = runInInjectionContext(server, () => injectSession()());
server.destroy();

// A client passed in: the signal is its session, and stops following it
// when the injector is destroyed; the client is still the caller's.
const browser = injector("browser", client);
const session = runInInjectionContext(browser, () => injectSession());
seen.sameObject = session() === client.session();
await client.refresh();
seen.followsRefresh = session() === client.session();
browser.destroy();
await client.refresh();
seen.stoppedAfterDestroy = session() !== client.session();
seen.passedInStillWorks = client.session() !== null;
client.dispose();

// Options: the binding's own client, disposed with the injector.
const own = injector("browser", { baseUrl, storage: "memory" });
const made = own.get(AUTH_CLIENT);
seen.ownIsAClient = made instanceof AuthClient;
own.destroy();
try {
  made.session();
  seen.ownAfterDestroy = "alive";
} catch (e) {
  seen.ownAfterDestroy = e.code;
}
console.log(JSON.stringify(seen));
