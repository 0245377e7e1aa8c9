// pos-auth/react: React hooks over a client's session and events.
//
// A separate entry, so `import "pos-auth"` never loads React (an optional
// peer dependency). Both hooks are useSyncExternalStore over `onChange`:
// React re-reads the snapshot when the client reports a change and renders
// only when it is a different object, and it pairs every subscribe with its
// unsubscribe (StrictMode included), so an unmounted component leaves no
// listener behind. On the server both hooks return null (getServerSnapshot),
// whatever the client holds: the server cannot know the browser's session.
//
// Without an argument the hooks follow the module's default client, the one
// `configure()` sets up, across reconfigurations. Before `configure()` they
// throw AuthError "not_configured" (useSession during render, useAuthEvent
// when it subscribes): a programming error, left to surface in the error
// boundary. On the server neither calls the client.
import { useCallback, useMemo, useSyncExternalStore } from "react";
import { onChange, session } from "./index.js";

// The default client as an object of the same shape. It reads the module's
// exports at each call, not once here, so it always reaches the current
// default client (and the stand-ins the entry installs if the wasm cannot load).
const defaultClient = {
  onChange: (listener) => onChange(listener),
  session: () => session(),
};

const serverSnapshot = () => null;

export function useSession(client) {
  const source = client ?? defaultClient;
  // Stable per client: React resubscribes only when the client changes.
  // Methods are called through the instance, never detached.
  const subscribe = useCallback((notify) => source.onChange(notify), [source]);
  const snapshot = useCallback(() => source.session(), [source]);
  return useSyncExternalStore(subscribe, snapshot, serverSnapshot);
}

export function useAuthEvent(client) {
  const source = client ?? defaultClient;
  // One store per component and client: a new client starts again at null.
  const store = useMemo(() => latestEvent(source), [source]);
  return useSyncExternalStore(store.subscribe, store.snapshot, serverSnapshot);
}

// `initial` is never returned: it carries no news (useSession gives the state
// it holds). onChange greets each new subscription with one (React subscribes
// at every mount, twice under StrictMode, and again when an <Activity> is
// shown), and `configure()` sends one to the default client's listeners when
// it replaces that client. Either resets the hook to null: its value is the
// latest change since the component began watching this client, never one
// from before a gap in which it may have missed others, nor one of another
// client. The greeting is queued in a microtask, so a change can reach the
// listener first: a greeting after a change is older than it, and ignored.
function latestEvent(client) {
  let latest = null;
  return {
    subscribe(notify) {
      let greeted = false;
      let changed = false;
      return client.onChange((event) => {
        if (event.type === "initial") {
          if (greeted || !changed) latest = null;
          greeted = true;
        } else {
          latest = event;
          changed = true;
        }
        notify();
      });
    },
    snapshot: () => latest,
  };
}
