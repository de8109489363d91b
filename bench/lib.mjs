// Bench helpers: wrangler dev processes, /proc CPU accounting, Shopify webhook generation, percentiles, backlog drain figures.
import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");
const wrangler = path.join(root, "node_modules/.bin/wrangler");

export function startWrangler(name, args, env = {}) {
  const child = spawn(wrangler, ["dev", ...args], { cwd: root, detached: true, env: { ...process.env, FORCE_COLOR: "0", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  return { name, child, log: () => log, stop: () => { try { process.kill(-child.pid, "SIGTERM"); } catch {} } };
}

export function runWrangler(args) {
  const r = spawnSync(wrangler, args, { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } });
  if (r.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export async function waitFor(url, ms = 90_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {}
    await sleep(300);
  }
  throw new Error(`${url} did not come up`);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Total CPU seconds (user + system) of every workerd process descended from `pid`. */
export function cpuSecondsOf(pid) {
  const ticks = 100; // CLK_TCK on Linux
  const procs = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const f = stat.slice(close + 2).split(" ");
      procs.set(Number(d), { ppid: Number(f[1]), comm, cpu: (Number(f[11]) + Number(f[12])) / ticks });
    } catch {}
  }
  const descends = (p) => {
    for (let cur = p, i = 0; cur > 1 && i < 50; i++) {
      if (cur === pid) return true;
      cur = procs.get(cur)?.ppid ?? 0;
    }
    return false;
  };
  let cpu = 0;
  for (const [p, info] of procs) if (info.comm.startsWith("workerd") && descends(p)) cpu += info.cpu;
  return cpu;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const fixture = JSON.parse(readFileSync(path.resolve(root, "../shared/specs/shopify/rest-2024-04-responses/order.test_8.GET.json"), "utf8")).order;

/** A Shopify REST order (from the vendor's example) with a new id, number and updated_at. */
export function shopifyOrder(id, updatedAt, patch = {}) {
  return { ...fixture, id, name: `#${id}`, order_number: id, refunds: [], financial_status: "paid", updated_at: updatedAt, ...patch };
}

/** One signed delivery as Shopify sends it. */
export function shopifyDelivery(topic, payload, secret, eventId = randomUUID()) {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-hmac-sha256": createHmac("sha256", secret).update(body).digest("base64"),
      "x-shopify-shop-domain": "bench-shop.myshopify.com",
      "x-shopify-api-version": "2024-04",
      "x-shopify-webhook-id": randomUUID(),
      "x-shopify-event-id": eventId,
      "x-shopify-triggered-at": new Date().toISOString(),
    },
  };
}

/** The realistic lifecycle mix: create, paid, updated, fulfilled per order, plus `dupRatio` redeliveries. */
export function lifecycleMix(firstId, orders, secret, dupRatio = 0.1) {
  const out = [];
  const base = Date.parse("2026-11-01T00:00:00Z");
  for (let i = 0; i < orders; i++) {
    const id = firstId + i;
    const steps = [
      ["orders/create", { financial_status: "pending" }],
      ["orders/paid", { financial_status: "paid" }],
      ["orders/updated", { note: "gift wrap" }],
      ["orders/fulfilled", { fulfillment_status: "fulfilled" }],
    ];
    steps.forEach(([topic, patch], k) => {
      const d = shopifyDelivery(topic, shopifyOrder(id, new Date(base + i * 1000 + k * 60_000).toISOString(), patch), secret);
      out.push(d);
      if (Math.random() < dupRatio) out.push(d);
    });
  }
  return out;
}

/**
 * Watches a destination simulator until every order of the backlog has its document for the bench's company/tenant.
 * It polls the simulator's counters (/_stats: requests and sales documents created for that company/tenant) every
 * 2 s; the full document listing (GET /_inspect/<slug>, which reads every document the simulator holds) runs only once
 * the counter says the backlog may be complete, to check one document per order with the right total. Listing every
 * 2 s would load the simulator standing in for the vendor: the sandbox is one single-threaded Worker.
 */
export async function drainWatch({ sandbox, target, orders, t0, stats, before, timeoutMs }) {
  const requests = `requests:${target.key}`, created = `sales_documents:${target.key}`;
  const createdBefore = before[created] ?? 0;
  const samples = [];
  let lastNewAt = t0, lastCount = -1, lastReport = t0, lastList = 0;
  let listing = { present: 0, docs: [] };
  while (performance.now() - t0 < timeoutMs) {
    try {
      const now = await stats(target.slug);
      samples.push([performance.now(), now[requests] ?? 0]);
      const count = (now[created] ?? 0) - createdBefore;
      if (count > lastCount) {
        lastCount = count;
        lastNewAt = performance.now();
      }
      // A listing once the count reaches the backlog, then at most every 15 s while a duplicate hides a missing order.
      if (count >= orders.size && performance.now() - lastList >= 15_000) {
        lastList = performance.now();
        listing = await listDocuments(sandbox, target, orders);
        if (listing.present >= orders.size) break;
      }
    } catch {}
    if (performance.now() - lastReport >= 60_000) {
      lastReport = performance.now();
      console.error(`[bench] drain ${target.slug}: ${Math.max(0, lastCount)}/${orders.size} documents after ${((lastReport - t0) / 1000).toFixed(0)} s, ${samples.at(-1)?.[1] ?? 0} requests`);
    }
    await sleep(2000);
  }
  if (listing.present < orders.size) listing = await listDocuments(sandbox, target, orders);
  const count = new Map();
  let wrongTotals = 0;
  for (const d of listing.docs) {
    const id = orderIdOf(d.externalRef);
    count.set(id, (count.get(id) ?? 0) + 1);
    if (Math.round(Number(d.total) * 100) !== Math.round(orders.get(id) * 100)) wrongTotals++;
  }
  return { seconds: (lastNewAt - t0) / 1000, present: listing.present, duplicates: [...count.values()].filter((c) => c > 1).length, wrongTotals, samples };
}

/** The target's documents for the backlog's orders (GET /_inspect/<slug>) and how many orders have one. */
async function listDocuments(sandbox, target, orders) {
  const all = (await (await fetch(`${sandbox}/_inspect/${target.slug}`)).json()).documents;
  const docs = all.filter((d) => target.kinds.includes(d.kind) && target.owner(d.raw ?? {}) && orders.has(orderIdOf(d.externalRef)));
  return { present: new Set(docs.map((d) => orderIdOf(d.externalRef))).size, docs };
}

const orderIdOf = (ref) => /\d+/.exec(String(ref))?.[0] ?? "";

/** Most requests the sampled counter grew by within any window of `ms` (sampled, so a lower bound of the true peak). */
function sampledPeak(samples, ms) {
  let peak = 0;
  for (let i = 0, j = 0; i < samples.length; i++) {
    while (samples[i][0] - samples[j][0] > ms) j++;
    peak = Math.max(peak, samples[i][1] - samples[j][1]);
  }
  return peak;
}

/**
 * The drain's figures in vendor minutes (a simulator tenant with a time scale runs that many minutes per real one):
 * utilization = calls per vendor minute ÷ the vendor's limit (the tightest where there are several), over the time the
 * backlog exists — from the moment the last order of it was posted (`posted`: counters then, `postedSeconds` after the
 * first post) to its last document. While the bench posts the backlog as fast as it can, the mesh's CPU goes to
 * ingesting it on the same 2 cores; that start is reported apart (`utilization_from_first_post`).
 */
export function drainFigures(target, drained, before, posted, postedSeconds, after, backlog) {
  const window = (from, seconds) => {
    const delta = (name) => (after[`${name}:${target.key}`] ?? 0) - (from[`${name}:${target.key}`] ?? 0);
    const d = { requests: delta("requests"), throttled: delta("throttled"), batches: delta("batches") };
    const vendorMinutes = (seconds * target.scale) / 60;
    // A per-minute limit lets a whole minute's requests through at once: a drain shorter than a minute is measured
    // against one minute's allowance (a 100-order drain took 12.7 s and would otherwise "use" 2.8 times the limit).
    const minutes = Math.max(1, vendorMinutes);
    return { d, vendorMinutes, utilization: Math.max(...target.limits(d).map(([n, limit]) => (n - d.throttled) / (limit * minutes))) };
  };
  const whole = window(before, drained.seconds);
  // A backlog drained before its posting ended has no window of its own: the whole run is the figure.
  const backlogWindow = drained.seconds - postedSeconds > 30 ? window(posted, drained.seconds - postedSeconds) : whole;
  const d = whole.d;
  const peakPerMinute = after[`peakPerMinute:${target.key}`] ?? sampledPeak(drained.samples, 60_000 / target.scale);
  const p = `drain.${target.slug}`;
  return {
    [`${p}.seconds`]: +drained.seconds.toFixed(1),
    [`${p}.vendor_minutes`]: +whole.vendorMinutes.toFixed(2),
    [`${p}.utilization`]: +backlogWindow.utilization.toFixed(3),
    [`${p}.utilization_from_first_post`]: +whole.utilization.toFixed(3),
    [`${p}.throttled`]: d.throttled,
    [`${p}.requests`]: d.requests,
    ...(d.batches ? { [`${p}.batches`]: d.batches } : {}),
    [`${p}.peak_per_minute`]: peakPerMinute,
    [`${p}.peak_concurrent`]: after[`peakConcurrent:${target.key}`] ?? null,
    [`${p}.documents`]: `${drained.present}/${backlog}${drained.duplicates ? ` (${drained.duplicates} duplicated)` : ""}${drained.wrongTotals ? ` (${drained.wrongTotals} wrong totals)` : ""}`,
  };
}

/**
 * A copy of `config` that runs a bundle built now (`wrangler deploy --dry-run`, so the mesh runs minified as
 * deployed) instead of the sources: `wrangler dev` watches only that bundle, so an edit to the sources during a long
 * run cannot reload the Worker mid-measurement. The copy sits beside the original so its other relative paths hold.
 */
export function frozenConfig(config, name) {
  const source = path.join(root, config);
  const out = path.join(root, ".build/bench-frozen", name);
  rmSync(out, { recursive: true, force: true });
  runWrangler(["deploy", "--dry-run", "--outdir", out, "-c", config]);
  const original = readFileSync(source, "utf8");
  const entry = /^main = "(.+)"$/m.exec(original)?.[1];
  if (!entry) throw new Error(`${config} names no main`);
  const main = path.relative(path.dirname(source), path.join(out, `${path.basename(entry, path.extname(entry))}.js`));
  const text = original.replace(/^main = .*$/m, `main = "${main}"\nno_bundle = true`);
  const file = path.join(path.dirname(source), `.bench-${name}.wrangler.toml`);
  writeFileSync(file, text);
  return path.relative(root, file);
}

/**
 * Fresh local state (D1 migrated), then the sandbox and the mesh under `wrangler dev` with the demo retailer and the
 * given admin token. `extra` are more servers to stop with them. The servers stop when this process exits, also on
 * Ctrl-C or a `timeout` (SIGTERM), so no wrangler dev is left holding the ports.
 */
export function startMeshAndSandbox({ state, meshPort, sandboxPort, inspectorPort, admin, allowedBaseUrls = [], meshArgs = [], frozen = true }) {
  const persist = path.join(root, ".wrangler", state);
  // The sandbox keeps its own local state: two runtimes opening one persist directory's SQLite files at the same time
  // can fail to start (SQLITE_BUSY, seen on the shared observability store).
  const sandboxPersist = `${persist}-sandbox`;
  for (const dir of [persist, sandboxPersist]) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
  writeFileSync(path.join(root, ".build/bench.vars"), `ENCRYPTION_KEY=bench-encryption-key-0123456789abcdef\nADMIN_TOKEN=${admin}\n`);
  const sandbox = `http://localhost:${sandboxPort}`;
  // Frozen bundles by default; the profile runs the sources unminified so its samples name functions.
  const sandboxConfig = frozen ? frozenConfig("workers/sandbox/wrangler.toml", "sandbox") : "workers/sandbox/wrangler.toml";
  const meshConfig = frozen ? frozenConfig("wrangler.toml", "mesh") : "wrangler.toml";
  const servers = [
    startWrangler("sandbox", ["-c", sandboxConfig, "--port", String(sandboxPort), "--inspector-port", String(inspectorPort), "--persist-to", sandboxPersist, "--var", "MESH_URL:", "--var", `SANDBOX_URL:${sandbox}`]),
    startWrangler("mesh", ["-c", meshConfig, "--port", String(meshPort), "--inspector-port", String(inspectorPort + 1), "--persist-to", persist, "--env-file", ".build/bench.vars", "--var", "DEMO_RETAILER:true", "--var", `ALLOWED_BASE_URL_OVERRIDES:${[sandbox, ...allowedBaseUrls].join(",")}`, ...meshArgs]),
  ];
  const stopAll = () => servers.forEach((srv) => srv.stop());
  process.on("exit", stopAll);
  process.on("SIGINT", () => process.exit(130));
  process.on("SIGTERM", () => process.exit(143));
  return { servers, persist, mesh: `http://localhost:${meshPort}`, sandbox, stopAll };
}
