// Server rendering with pos-auth/react in Node, as the packed package resolves
// from a consumer's directory. Whatever the client holds, the markup is null's.
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { useAuthEvent, useSession } from "pos-auth/react";

function Probe({ client }) {
  const session = useSession(client);
  const event = useAuthEvent(client);
  return h("p", null, `${session ? session.user.name : "null"} ${event ? event.type : "null"}`);
}

export const render = (client) => renderToString(h(Probe, { client }));
export * as posAuth from "pos-auth";
