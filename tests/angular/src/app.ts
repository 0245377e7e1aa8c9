// A small till as an Angular developer would write it with pos-auth/angular:
// standalone components, the providers, the interceptor on HttpClient and the
// guard on the till's route. Built for production by @angular/build
// (tests/e2e/angular-build.test.mjs) in a zone.js and a zoneless variant.
//
// The page's first query says which emulator tenant to use: `base` is
// baseUrl (a path on the page's origin), `elsewhere` a URL outside it. `window.till`
// hands the test what it checks: the app, HttpClient, the client.
import { ApplicationRef, Component, inject, signal } from "@angular/core";
import { HttpClient, provideHttpClient, withInterceptors, type HttpFeature, type HttpFeatureKind } from "@angular/common/http";
import { ActivatedRoute, Router, RouterOutlet, provideRouter, withHashLocation, type Routes } from "@angular/router";
import { firstValueFrom } from "rxjs";
import { AUTH_CLIENT, authGuard, authInterceptor, injectSession, provideAuth } from "pos-auth/angular";
import type { AuthError } from "pos-auth";

// Kept for a reload: the hash router's first navigation drops the query.
if (location.search) sessionStorage.setItem("till-query", location.search);
const query = new URLSearchParams(sessionStorage.getItem("till-query") ?? "");
const base = query.get("base") ?? "/portos";
const elsewhere = query.get("elsewhere") ?? "/elsewhere";

@Component({
  selector: "app-login",
  template: `<h1 id="login">Sign in</h1>
    <button id="sign-in" (click)="signIn()">Sign in</button>
    <p id="error">{{ error() }}</p>`,
})
export class Login {
  private readonly client = inject(AUTH_CLIENT);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  protected readonly error = signal("");

  async signIn() {
    try {
      await this.client.login({ userName: "999", password: "1234", deviceName: "P01" });
      await this.router.navigateByUrl(this.route.snapshot.queryParamMap.get("redirect") ?? "/till");
    } catch (e) {
      this.error.set((e as AuthError).code);
    }
  }
}

@Component({
  selector: "app-till",
  template: `<h1 id="till">Till</h1>
    <p id="user">{{ session()?.user?.name }}</p>
    <p id="token">{{ session()?.accessToken ?? "signed out" }}</p>
    <p id="profile">{{ profile() }}</p>`,
})
export class Till {
  protected readonly session = injectSession();
  protected readonly profile = signal("");

  constructor() {
    // Counted for the guard's test: a revoked session must never show this.
    const page = window as unknown as { tillShown?: number };
    page.tillShown = (page.tillShown ?? 0) + 1;
    const http = inject(HttpClient);
    http.get<{ userName: string }>(`${base}/api/auth`).subscribe({
      next: (user) => this.profile.set(user.userName),
      error: (e) => this.profile.set(`error ${e.status ?? e.code}`),
    });
    // Not the back end's: it must go out without the token.
    http.get(elsewhere, { responseType: "text" }).subscribe({ error: () => {} });
  }
}

@Component({ selector: "app-root", imports: [RouterOutlet], template: "<router-outlet />" })
export class App {}

const routes: Routes = [
  { path: "login", component: Login },
  { path: "till", component: Till, canActivate: [authGuard] },
  { path: "", pathMatch: "full", redirectTo: "till" },
];

/** The app's providers; `http`: HttpClient's own features (its backend). */
export function providers(...http: HttpFeature<HttpFeatureKind>[]) {
  return [
    provideAuth({ baseUrl: base }, { signInPath: "/login" }),
    provideHttpClient(withInterceptors([authInterceptor]), ...http),
    provideRouter(routes, withHashLocation()),
  ];
}

/** For the test: what it drives and reads, on `window.till`. */
export function expose(app: ApplicationRef) {
  let stable = false;
  app.isStable.subscribe((now) => (stable = now));
  const http = app.injector.get(HttpClient);
  (window as unknown as { till: unknown }).till = {
    app,
    client: app.injector.get(AUTH_CLIENT),
    zone: typeof (globalThis as { Zone?: unknown }).Zone !== "undefined",
    stable: () => stable,
    // An HttpClient GET as the app would make it: its status, or how it failed.
    get: (url: string) =>
      firstValueFrom(http.get(url, { observe: "response", responseType: "text" })).then(
        (r) => ({ status: r.status }),
        (e) => ({ failed: e.name, status: e.status ?? null, code: e.code ?? null }),
      ),
  };
}
