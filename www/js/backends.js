// The back ends the demo can sign in to, and where each one's server is.

/** Back ends the form knows: each lists its form fields, builds its
 *  credentials, says which authenticated call "Call API" makes (if any) and
 *  which right a manager needs to approve a void (only PORTOS has rights). */
export const BACKENDS = {
  portos: {
    label: "PORTOS",
    hint: "Retail POS: user, password and the device you sign in on.",
    path: "/portos",
    fields: ["userName", "password", "deviceName"],
    userNamePlaceholder: "999",
    apiPath: "/api/auth",
    voidRight: "storno", // PORTOS's right to void (decrease a ticket's quantity)
    credentials: (f) => ({ userName: f.userName, password: f.password, deviceName: f.deviceName }),
  },
  cashdesk: {
    label: "CashDesk",
    hint: "Software cash register (PRRO): the token lasts one shift and cannot be refreshed.",
    path: "/cashdesk",
    fields: ["email", "password", "developerId"],
    apiPath: null, // the back end documents no call besides the login
    voidRight: null,
    credentials: (f) => ({ email: f.email, password: f.password }),
  },
  metadefender: {
    label: "MetaDefender",
    hint: "OPSWAT MetaDefender Storage Security: user name and password.",
    path: "/metadefender",
    fields: ["userName", "password"],
    userNamePlaceholder: "admin",
    apiPath: null,
    voidRight: null,
    credentials: (f) => ({ userName: f.userName, password: f.password }),
  },
};

export const isBackend = (name) => typeof name === "string" && Object.hasOwn(BACKENDS, name);

/** Each back end keeps its own session record, so switching never clobbers another's. */
export const storageKeyFor = (backend) => `pos-auth-demo:session:${backend}`;

/** The emulator's path for `backend` on this page's origin. */
export function defaultServer(backend) {
  return new URL(BACKENDS[backend].path, location.href).href.replace(/\/+$/, "");
}
