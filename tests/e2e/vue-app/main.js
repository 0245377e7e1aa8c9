// A small Vue consumer of pos-auth/vue, driven by vue.test.mjs through
// `window.probe`: the plugin, Pinia, vue-router with authGuard and two lazily
// loaded routes. The client's `onChange` is wrapped to count the live
// subscriptions of the composables.
import { createApp, h } from "vue";
import { createPinia, disposePinia } from "pinia";
import { createRouter, createWebHashHistory } from "vue-router";
import { configure, login, logout } from "pos-auth";
import { authGuard, createAuth, useAuth } from "pos-auth/vue";
import App from "./App.vue";
import SessionProbe from "./SessionProbe.vue";
import EventProbe from "./EventProbe.vue";
import { describeSession, errors, mounted, stats } from "./probe.js";

addEventListener("error", (e) => errors.push(String(e.message)));
addEventListener("unhandledrejection", (e) => errors.push(String(e.reason?.code ?? e.reason)));

function makeRouter() {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: "/", redirect: "/till" },
      { path: "/login", component: () => import("./Login.vue") },
      { path: "/till", component: () => import("./Till.vue") },
      { path: "/help", component: { render: () => h("p", { id: "help" }, "help") }, meta: { auth: false } },
    ],
  });
  router.beforeEach(authGuard);
  return router;
}

/** Wraps `client.onChange` (an own property over the prototype's) to count subscriptions. */
function countListeners(client) {
  const counts = { subscribed: 0, live: 0 };
  const onChange = client.onChange;
  client.onChange = function (listener) {
    counts.subscribed++;
    counts.live++;
    const unsubscribe = onChange.call(this, listener);
    let once = true;
    return () => {
      if (once) counts.live--;
      once = false;
      unsubscribe();
    };
  };
  return counts;
}

/** What an independent listener saw: each session (by identity) and each event but `initial`. */
function observe(client) {
  const seen = { sessions: [describeSession(client.session())], events: [] };
  let last = client.session();
  client.onChange((event) => {
    if (event.type !== "initial") seen.events.push(event.type + (event.error ? `:${event.error.code}` : ""));
    if (client.session() !== last) seen.sessions.push(describeSession((last = client.session())));
  });
  return seen;
}

window.probe = {
  stats,
  mounted,
  errors,
  /**
   * The app on the PORTOS back end at `baseUrl`, its session in
   * sessionStorage; `vue33`: as if Vue had no app.onUnmount (before 3.5).
   */
  start(baseUrl, { vue33 = false } = {}) {
    const app = createApp(App);
    app.config.errorHandler = (e) => errors.push(e?.code ?? String(e));
    // A store's subscriptions live as long as its Pinia instance.
    const pinia = createPinia();
    app.onUnmount(() => disposePinia(pinia));
    app.use(pinia);
    if (vue33) app.onUnmount = undefined;
    app.use(createAuth({ baseUrl }, { signInPath: "/login" }));
    // The plugin's client, before any component subscribes.
    const client = app.runWithContext(useAuth);
    this.client = client;
    this.seen = observe(client);
    this.listeners = countListeners(client);
    this.router = makeRouter();
    app.use(this.router);
    app.mount("#app");
    this.app = app;
  },
  /** Unmounts the app; resolves with the code a call on its client now throws. */
  stop() {
    this.app.unmount();
    try {
      this.client.session();
      return "alive";
    } catch (e) {
      return e.code;
    }
  },
  route: () => window.probe.router.currentRoute.value.fullPath,
  /** Probes outside any app with the plugin: the default client. */
  startDefault() {
    this.defaultApp = createApp({
      render: () => [h(SessionProbe, { name: "default-session" }), h(EventProbe, { name: "default-event" })],
    });
    this.defaultApp.config.errorHandler = (e) => errors.push(e?.code ?? String(e));
    this.defaultApp.mount("#default");
  },
  configure: (baseUrl) => configure({ baseUrl, storage: "memory" }),
  login,
  logout,
  text: (id) => document.getElementById(id)?.textContent ?? null,
  describeSession,
  /** Fills the sign-in form as a cashier would, and submits it. */
  signIn({ userName, password, deviceName }) {
    for (const [id, value] of Object.entries({ userName, password, deviceName })) {
      const input = document.getElementById(id);
      input.value = value;
      input.dispatchEvent(new Event("input"));
    }
    document.getElementById("sign-in").click();
  },
  /** Whether this document fetched the chunk of a lazily loaded route. */
  loaded: (name) => performance.getEntriesByType("resource").some((e) => new RegExp(`/${name}-[^/]*\\.js$`).test(e.name)),
};
