// Drives the mesh in integration tests: demo-like connections, webhook delivery from the sandbox outbox, waiting.
import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { addRoute, saveConnection } from "../../workers/connections";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { SANDBOX, sandbox } from "./connector-context";

export { SANDBOX, sandbox };

/** Creates `demo-<slug>` for each slug (pointed at the sandbox, demo credentials) and routes each source to each destination. */
export async function connect(sources: string[], destinations: string[], opts: { config?: Record<string, Record<string, unknown>> } = {}): Promise<void> {
  for (const slug of [...sources, ...destinations]) {
    const demo = DEMO_CONNECTIONS[slug];
    if (!demo) throw new Error(`no demo connection for ${slug}`);
    // Test files run against one shared sandbox; a rotating refresh token must not be shared between them, so each
    // file starts its own token lineage (simulators accept an unused "test-seed-" token once, like a fresh grant).
    const credentials = { ...demo.credentials };
    if (credentials.refreshToken) credentials.refreshToken = `test-seed-${crypto.randomUUID()}`;
    const config = { ...(demo.config ?? {}), ...(opts.config?.[slug] ?? {}) };
    await saveConnection(env, { ...demo, config, credentials, id: `demo-${slug}`, slug, baseUrl: `${SANDBOX}/${slug}` });
  }
  for (const s of sources) for (const d of destinations) await addRoute(env, `demo-${s}`, `demo-${d}`);
}

export interface Delivery {
  seq: number;
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  status: string;
}

/** Webhooks a source simulator has queued since `after` (dropped ones are marked, not delivered). */
export async function webhooks(slug: string, after = 0): Promise<Delivery[]> {
  const res = await sandbox<{ deliveries: Delivery[] }>(`/_webhooks/${slug}?after=${after}`);
  return res.deliveries;
}

/** Posts one delivery to the mesh exactly as the vendor would (same path, headers and bytes). */
export function post(d: Pick<Delivery, "url" | "method" | "headers" | "body">): Promise<Response> {
  const u = new URL(d.url);
  return SELF.fetch(`http://localhost:8787${u.pathname}${u.search}`, { method: d.method, headers: d.headers, body: d.body });
}

/** Delivers every pending webhook of a simulator in order; returns the mesh's status codes. */
export async function deliverAll(slug: string, after = 0): Promise<{ statuses: number[]; last: number }> {
  const ds = await webhooks(slug, after);
  const statuses: number[] = [];
  for (const d of ds) {
    if (d.status === "dropped") continue;
    const r = await post(d);
    await r.arrayBuffer();
    statuses.push(r.status);
  }
  return { statuses, last: ds.at(-1)?.seq ?? after };
}

/**
 * Starts reading a source simulator's webhook outbox from now; the returned function posts, in order, what it queued
 * since the previous call and expects the mesh to answer 200 to each.
 */
export async function newDeliveries(slug: string): Promise<() => Promise<void>> {
  let cursor = (await webhooks(slug)).at(-1)?.seq ?? 0;
  return async () => {
    const r = await deliverAll(slug, cursor);
    for (const s of r.statuses) expect(s).toBe(200);
    cursor = r.last;
  };
}

export interface InspectDoc {
  kind: string;
  id: string;
  externalRef: string;
  total: string;
  currency: string;
  raw: Record<string, unknown>;
}

export async function inspect(slug: string): Promise<InspectDoc[]> {
  return (await sandbox<{ documents: InspectDoc[] }>(`/_inspect/${slug}`)).documents;
}

/** Polls `check` until it returns a value that is not undefined/false, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 15_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return SELF.fetch(`http://localhost:8787${path}`, { ...init, headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, ...(init.headers ?? {}) } });
}
