// The till with zone.js (polyfills: ["zone.js"] in angular.json), on
// HttpClient's default (XHR) backend.
import { provideZoneChangeDetection } from "@angular/core";
import { bootstrapApplication } from "@angular/platform-browser";
import { App, expose, providers } from "./app";

bootstrapApplication(App, { providers: [provideZoneChangeDetection(), ...providers()] }).then(expose);
