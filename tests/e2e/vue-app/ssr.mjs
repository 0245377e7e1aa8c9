// Server rendering with pos-auth/vue in Node (renderToString), as the packed
// package resolves from a consumer's directory. Whatever the client holds,
// the markup is null's.
import { createSSRApp, h } from "vue";
import { renderToString } from "vue/server-renderer";
import { createAuth, useAuthEvent, useSession } from "pos-auth/vue";

const Probe = {
  setup() {
    const session = useSession();
    const event = useAuthEvent();
    return () => h("p", null, `${session.value ? session.value.user.name : "null"} ${event.value ? event.value.type : "null"}`);
  },
};

/** Renders the probe with `plugin` installed (none: the default client). */
export function render(plugin) {
  const app = createSSRApp(Probe);
  if (plugin) app.use(plugin);
  return renderToString(app);
}
export { createAuth };
export * as posAuth from "pos-auth";
