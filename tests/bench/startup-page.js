// One start-up sample (see `startup` in bench.mjs): this page seeds the
// library's stored session, waits until it has loaded and painted, times
// `import()` of the bundle to the session restored from `sessionStorage`,
// posts the sample to `report` and goes where the answer says. The page is
// cross-origin isolated (startup.isolated.html), for fine timers in Firefox
// too (1 ms otherwise).
//
//   ?lib=ours|oidc&cfg=<JSON: base, authority, clientId, ours/oidc records>&report=<URL>
const params = new URLSearchParams(location.search);
const lib = params.get("lib");
const cfg = JSON.parse(params.get("cfg"));
const report = params.get("report");

const libs = {
  async ours() {
    sessionStorage.setItem(cfg.ours.key, cfg.ours.record);
    const t0 = performance.now();
    const { AuthClient } = await import("/pos-auth.min.js");
    const t1 = performance.now();
    const session = new AuthClient({ baseUrl: cfg.base }).session();
    const t2 = performance.now();
    if (!session) throw new Error("pos-auth restored no session");
    return [t0, t1, t2];
  },
  async oidc() {
    sessionStorage.setItem(cfg.oidc.key, cfg.oidc.record);
    const t0 = performance.now();
    const { UserManager } = await import("/oidc-client-ts.min.js");
    const t1 = performance.now();
    const manager = new UserManager({ authority: cfg.authority, client_id: cfg.clientId, redirect_uri: `${location.origin}/` });
    const user = await manager.getUser();
    const t2 = performance.now();
    if (!user) throw new Error("oidc-client-ts restored no user");
    return [t0, t1, t2];
  },
};

async function sample() {
  if (document.readyState !== "complete") await new Promise((resolve) => addEventListener("load", resolve, { once: true }));
  // After the first frame, so that neither library is timed against the page's own paint.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const [t0, t1, t2] = await libs[lib]();
  return { lib, total: t2 - t0, imported: t1 - t0, restored: t2 - t1 };
}

const result = await sample().catch((e) => ({ lib, error: String(e?.stack ?? e) }));
const answer = await fetch(report, { method: "POST", body: JSON.stringify(result) });
const next = await answer.text();
if (next) location.replace(next);
