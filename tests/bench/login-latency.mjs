// Login latency, and how long the page is busy right after: a raw fetch of
// the same login call (the baseline, measured in the same page and run),
// then client.login() on a fresh memory-storage client, then the delay of
// a setTimeout(0) queued as login() resolves (the verifier's derivation
// runs in a task queued before it). Medians of N rounds.
//
//   node bench/login-latency.mjs [pkgDir]
import { launchBrowser } from "../e2e/harness.mjs";
import { startEmulator, newTenant } from "../support/emulator.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 25);
const pkg = process.argv[2];

const emulator = await startEmulator(pkg ? { pkg } : {});
const browser = await launchBrowser();
try {
  const tenant = await newTenant(emulator.url, "login-latency");
  const page = await browser.newPage();
  await page.goto(`${emulator.url}/`);
  const figures = await page.evaluate(async ({ base, rounds }) => {
    const { AuthClient } = await import("/pkg/index.js");
    const credentials = { userName: "999", password: "1234", deviceName: "P01" };
    const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const raw = [], login = [], busy = [];
    for (let i = 0; i < rounds; i++) {
      let t = performance.now();
      const r = await fetch(`${base}/api/auth`, {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ UserName: "999", Password: "1234", DeviceName: "P01" }),
      });
      await r.json();
      raw.push(performance.now() - t);
      const client = new AuthClient({ baseUrl: base, storage: "memory", autoRefresh: false });
      t = performance.now();
      await client.login(credentials);
      const resolved = performance.now();
      login.push(resolved - t);
      await new Promise((done) => setTimeout(done, 0));
      busy.push(performance.now() - resolved);
      client.dispose();
      await new Promise((done) => setTimeout(done, 20));
    }
    return { raw: median(raw), login: median(login), busy: median(busy) };
  }, { base: `${tenant.root}/portos`, rounds: ROUNDS });
  const f = (x) => x.toFixed(2);
  console.log(`login latency (median of ${ROUNDS}): raw fetch ${f(figures.raw)} ms, login() ${f(figures.login)} ms (ratio ${(figures.login / figures.raw).toFixed(3)}), page busy after it ${f(figures.busy)} ms`);
} finally {
  await browser.close();
  await emulator.stop();
}
