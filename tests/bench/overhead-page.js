// The request-overhead figure, run in a page that Chromium opens with no
// DevTools connection (see `overhead` in bench.mjs): DevTools' network
// instrumentation records a stack trace for every request, so under it a
// request costs more the deeper the stack that starts it, which is not what a
// user's browser does. The page is cross-origin isolated, for
// performance.now() at 5 µs rather than 100 µs. It posts its samples to
// `report` and is done.
const params = new URLSearchParams(location.search);
const base = params.get("base");
const n = Number(params.get("n"));
const block = Number(params.get("block"));
const stubbedCalls = Number(params.get("stubbed"));

async function measure() {
  if (!crossOriginIsolated) throw new Error("the page is not cross-origin isolated");
  const { AuthClient } = await import("/pkg/index.js");
  const client = new AuthClient({ baseUrl: base, storage: "memory", autoRefresh: false });
  await client.login({ userName: "999", password: "1234", deviceName: "P01" });
  const target = `${base}/api/auth`;
  const authorization = `Bearer ${client.session().accessToken}`;
  const sides = {
    raw: () => fetch(target, { headers: { Authorization: authorization } }),
    client: () => client.fetch(target),
  };
  let failed = 0;
  // One block: `block` sequential requests of one kind, each timed from the
  // call to the body read in full.
  const run = async (kind, into) => {
    for (let i = 0; i < block; i++) {
      const t0 = performance.now();
      const res = await sides[kind]();
      await res.arrayBuffer();
      into.push(performance.now() - t0);
      if (res.status !== 200) failed++;
    }
  };
  await run("raw", []); // warm-up: connections, JIT
  await run("client", []);
  const times = { raw: [], client: [] };
  for (let b = 0; b < n / block; b++) {
    // alternate which side goes first, so neither always follows the other
    for (const kind of b % 2 ? ["client", "raw"] : ["raw", "client"]) await run(kind, times[kind]);
  }
  // What the wrapper itself costs, without the network's noise: the same
  // calls with the global fetch answering at once (µs per call).
  const realFetch = globalThis.fetch;
  const answer = new Response("");
  globalThis.fetch = () => Promise.resolve(answer);
  const perCall = async (kind) => {
    const t0 = performance.now();
    for (let i = 0; i < stubbedCalls; i++) await sides[kind]();
    return ((performance.now() - t0) / stubbedCalls) * 1000;
  };
  const stubbed = { raw: [], client: [] };
  for (let round = 0; round < 5; round++) {
    stubbed.raw.push(await perCall("raw"));
    stubbed.client.push(await perCall("client"));
  }
  globalThis.fetch = realFetch;
  client.dispose();
  return { times, failed, stubbed, userAgent: navigator.userAgent };
}

let result;
try {
  result = await measure();
} catch (e) {
  result = { error: String(e?.stack ?? e) };
}
await fetch(params.get("report"), { method: "POST", body: JSON.stringify(result) });
