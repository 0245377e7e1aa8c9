// The till without zone.js.
import { provideZonelessChangeDetection } from "@angular/core";
import { bootstrapApplication } from "@angular/platform-browser";
import { App, expose, providers } from "./app";

bootstrapApplication(App, { providers: [provideZonelessChangeDetection(), ...providers] }).then(expose);
