// The demo's mutable state, in one object. Every module that reads or changes
// it imports it from here; nothing else is kept between events.

export const state = {
  /** The package's AuthClient class, once /pkg/ has loaded. */
  AuthClient: null,
  /** The demo's settings: the chosen back end, the server used for each, the CashDesk developer id, the idle lock (s). */
  connection: { backend: "portos", servers: {}, developerId: "", idleLock: 30 },
  /** The live client and the options it was made with: { instance, baseUrl, backend, developerId, idleLock }. */
  client: null,
  /** Removes the demo's listener from `client`. */
  unsubscribe: null,
  /** The Session shown. */
  current: null,
  /** Local time the shown token arrived (for the meter). */
  tokenSince: 0,
  /** A background refresh failed and is being retried. */
  refreshTrouble: false,
  /** Access token an `expiring` warning was shown for (no refresh possible). */
  expiringToken: null,
  /** Counts approvals asked for, so that the answer to a cancelled one is dropped. */
  approvalRun: 0,
};
