// `npm run bench:profile`: a CPU profile of the mesh Worker under the ingest lifecycle mix (V8 sampling profiler over
// the inspector that wrangler dev exposes); prints the functions with the most self time, grouped by source file.
import autocannon from "autocannon";
import { writeFileSync } from "node:fs";
import WebSocket from "ws";
import path from "node:path";
import { lifecycleMix, root, sleep, startMeshAndSandbox, waitFor } from "./lib.mjs";

const MESH = 8787, SANDBOX = 8788, INSPECTOR = 9331;
const SECONDS = Number(process.env.PROFILE_SECONDS ?? 8);
const ADMIN = "bench-admin-token";
const mesh = `http://localhost:${MESH}`, sandbox = `http://localhost:${SANDBOX}`;

// Unminified (wrangler.toml minifies deploys), so the profile names the functions.
const { stopAll } = startMeshAndSandbox({ state: "profile-state", meshPort: MESH, sandboxPort: SANDBOX, inspectorPort: INSPECTOR - 1, admin: ADMIN, meshArgs: ["--no-minify"], frozen: false });

/**
 * A minimal Chrome DevTools Protocol client over wrangler's inspector proxy. The proxy renumbers request ids, so
 * commands go one at a time and the next reply carrying a result (or an error) answers the command in flight.
 */
async function devtools(url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.on("open", resolve);
    ws.on("error", reject);
  });
  let waiting = null;
  ws.on("message", (m) => {
    const msg = JSON.parse(String(m));
    if (waiting && ("result" in msg || "error" in msg)) {
      const w = waiting;
      waiting = null;
      w(msg);
    }
  });
  let id = 0;
  return {
    send: (method, params = {}) =>
      new Promise((resolve) => {
        waiting = resolve;
        ws.send(JSON.stringify({ id: ++id, method, params }));
      }),
    close: () => ws.close(),
  };
}

try {
  await Promise.all([waitFor(`${mesh}/health`), waitFor(`${sandbox}/`)]);
  console.error("[profile] mesh and sandbox are up");
  const admin = (p, init = {}) => fetch(`${mesh}/admin/api${p}`, { ...init, headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" } });
  await admin("/connections");
  const secret = "bench-shopify-secret";
  const put = async (p, body) => {
    const r = await admin(p, { method: "PUT", body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`PUT ${p}: ${r.status} ${await r.text()}`);
  };
  await put("/connections/bench-ingest", { slug: "shopify", name: "bench-ingest", config: { shopDomain: "bench-shop.myshopify.com" }, credentials: { webhookSecret: secret, accessToken: "demo-shopify-token" }, baseUrl: `${sandbox}/shopify` });
  const cdp = await devtools(`ws://127.0.0.1:${INSPECTOR}/ws`);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  const mix = lifecycleMix(60_000_000, Math.ceil((SECONDS * 1500) / 4.4), secret);
  // Warm up (first requests compile the bundle), then profile.
  let i = 0;
  const run = (seconds) =>
    autocannon({
      url: `${mesh}/webhooks/shopify/bench-ingest`, connections: 64, duration: seconds, method: "POST",
      requests: [{ method: "POST", setupRequest: (req) => { const d = mix[i++ % mix.length]; return { ...req, headers: d.headers, body: d.body }; } }],
    });
  await run(2);
  console.error(`[profile] profiling ${SECONDS}s of the lifecycle mix`);
  await cdp.send("Profiler.start");
  const r = await run(SECONDS);
  await sleep(1000);
  const { result } = await cdp.send("Profiler.stop");
  cdp.close();
  writeFileSync(path.join(root, ".build/mesh.cpuprofile"), JSON.stringify(result.profile));
  const { nodes, samples, timeDeltas } = result.profile;
  const self = new Map();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  samples.forEach((s, k) => {
    const n = byId.get(s);
    const f = n.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (timeDeltas[k] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`requests: ${r.requests.total} in ${SECONDS}s (${(r.requests.total / SECONDS).toFixed(1)}/s), profile written to .build/mesh.cpuprofile`);
  console.log("self ms  share  function");
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.PROFILE_TOP ?? 40))) {
    console.log(`${(v / 1000).toFixed(0).padStart(7)}  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
} finally {
  stopAll();
}
