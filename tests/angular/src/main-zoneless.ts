// The till without zone.js, on HttpClient's fetch backend (withFetch): the
// interceptor must work the same on it as on the default (XHR) one, which
// the zone.js variant uses.
import { provideZonelessChangeDetection } from "@angular/core";
import { withFetch } from "@angular/common/http";
import { bootstrapApplication } from "@angular/platform-browser";
import { App, expose, providers } from "./app";

bootstrapApplication(App, { providers: [provideZonelessChangeDetection(), ...providers(withFetch())] }).then(expose);
