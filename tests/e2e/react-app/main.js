// A small React consumer of pos-auth/react, driven by react.test.mjs through
// `window.probe`. Probes render what the hooks return under <StrictMode> and
// count their renders (function calls) and commits (layout effects); a
// client's `onChange` is wrapped to count the hooks' live subscriptions.
import { Activity, StrictMode, createElement as h, useLayoutEffect } from "react";
import { createRoot } from "react-dom/client";
import { AuthClient, configure, login, logout } from "pos-auth";
import { useAuthEvent, useSession } from "pos-auth/react";

const stats = {};
const errors = [];
addEventListener("error", (e) => errors.push(String(e.message)));
addEventListener("unhandledrejection", (e) => errors.push(String(e.reason)));

// A token's last characters (its signature's) tell it from the others.
const describeSession = (s) => (s ? `${s.user.name} …${s.accessToken.slice(-10)}` : "null");
const describeEvent = (e) => (e ? e.type + (e.error ? `:${e.error.code}` : "") : "null");

/** Counts this probe's renders and commits, and lists what each commit showed. */
function useCounted(name, text) {
  const s = (stats[name] ??= { renders: 0, commits: 0, shown: [] });
  s.renders++;
  useLayoutEffect(() => {
    s.commits++;
    s.shown.push(text);
  });
  return text;
}

function SessionProbe({ name, client }) {
  return h("p", { id: name }, useCounted(name, describeSession(useSession(client))));
}

function EventProbe({ name, client }) {
  return h("p", { id: name }, useCounted(name, describeEvent(useAuthEvent(client))));
}

/** Wraps `client.onChange` (an own property over the prototype's) to count subscriptions. */
function countListeners(client) {
  const counts = { subscribed: 0, live: 0, calls: 0 };
  const onChange = client.onChange;
  client.onChange = function (listener) {
    counts.subscribed++;
    counts.live++;
    // `this`: the hook must call it through the instance.
    const unsubscribe = onChange.call(this, (event) => {
      counts.calls++;
      listener(event);
    });
    let once = true;
    return () => {
      if (once) counts.live--;
      once = false;
      unsubscribe();
    };
  };
  return counts;
}

/** What an independent listener saw: each session (by identity) and each event. */
function observe(client) {
  const seen = { sessions: [describeSession(client.session())], events: ["null"] };
  let last = client.session();
  client.onChange((event) => {
    if (event.type !== "initial") seen.events.push(describeEvent(event));
    if (client.session() !== last) seen.sessions.push(describeSession((last = client.session())));
  });
  return seen;
}

/** Renders `children` under StrictMode, in an <Activity> that can hide them. */
function mount(children) {
  const element = document.body.appendChild(document.createElement("div"));
  const root = createRoot(element, { onUncaughtError: (e) => errors.push(e.code ?? String(e)) });
  let mode = "visible";
  const render = () => root.render(h(StrictMode, null, h(Activity, { mode }, ...children)));
  render();
  return {
    hide: () => render((mode = "hidden")),
    show: () => render((mode = "visible")),
    rerender: (replacement) => render((children = replacement)),
    unmount() {
      root.unmount();
      element.remove();
    },
  };
}

/**
 * Not a pos-auth client: one whose change reaches a new listener before its
 * `initial` greeting (onChange greets in a microtask, so this can happen).
 */
const racer = {
  session: () => null,
  onChange(listener) {
    let subscribed = true;
    listener({ type: "refreshed", session: null });
    queueMicrotask(() => subscribed && listener({ type: "initial", session: null }));
    return () => void (subscribed = false);
  },
};

window.probe = {
  mode: process.env.NODE_ENV,
  stats,
  errors,
  /** A client of `baseUrl` followed by a session probe and an event probe. */
  start(baseUrl) {
    this.root = mount(this.follow(new AuthClient({ baseUrl, storage: "memory" })));
  },
  /** The same probes, given another client of `baseUrl`. */
  switchClient(baseUrl) {
    this.previous = { client: this.client, listeners: this.listeners };
    this.root.rerender(this.follow(new AuthClient({ baseUrl, storage: "memory" })));
  },
  follow(client) {
    this.client = client;
    this.seen = observe(client);
    this.listeners = countListeners(client);
    return [h(SessionProbe, { name: "session", client }), h(EventProbe, { name: "event", client })];
  },
  /** The same for the default client (no argument to the hooks). */
  startDefault() {
    this.defaultRoot = mount([h(SessionProbe, { name: "default-session" }), h(EventProbe, { name: "default-event" })]);
  },
  startRacer() {
    this.racerRoot = mount([h(EventProbe, { name: "racer", client: racer })]);
  },
  configure: (baseUrl) => configure({ baseUrl, storage: "memory" }),
  login,
  logout,
  text: (id) => document.getElementById(id)?.textContent ?? null,
  /** What the session probes show for `session` (null: none). */
  describeSession,
};
