// What every simulator is built from: a record store, fault switches, a seeded RNG, rate limits and a webhook outbox.
import type { Context, Hono } from "hono";

/** One vendor's simulated state, backed by the SimulatorState Durable Object's SQLite. */
export interface SimStore {
  get<T = unknown>(collection: string, id: string): T | null;
  put(collection: string, id: string, value: unknown): void;
  delete(collection: string, id: string): void;
  /** All records of a collection in insertion order; with `idPrefix`, only those whose id starts with it (one tenant's). */
  list<T = unknown>(collection: string, idPrefix?: string): T[];
  /**
   * The records whose top-level `field` equals one of `values` (compared as text), in insertion order. Looked up in
   * SQLite without parsing the other records: DocNumber, InvoiceNumber and CreditNoteNumber are indexed, so a vendor's
   * lookup by number stays fast with thousands of documents, as it is at the vendor.
   */
  matching<T = unknown>(collection: string, field: string, values: readonly string[]): T[];
  count(collection: string): number;
  /** Next value of a named sequence (ids, SyncTokens, versions), starting at `start`. */
  next(sequence: string, start?: number): number;
  /** Small settings and counters. */
  getSetting<T>(key: string, fallback: T): T;
  setSetting(key: string, value: unknown): void;
}

/** Switchable faults, set with POST /_faults/<slug>; counts are consumed request by request. */
export interface Faults {
  /**
   * Only requests whose path + query contains this text are faulted (a realm id, tenant, shop), and only webhooks
   * whose URL or body contains it are dropped, duplicated or reordered: test files run in parallel against one
   * sandbox, so each scopes its faults to its own tenant or orders.
   */
  match?: string;
  /** Answer the next N API requests with HTTP 500 (or the vendor's 5xx body). */
  serverErrors?: number;
  /** Answer the next N API requests with 429 and this Retry-After (seconds). */
  rateLimited?: number;
  retryAfterSeconds?: number;
  /** Answer the next N API requests with a gateway timeout after `timeoutDelayMs`. */
  timeouts?: number;
  timeoutDelayMs?: number;
  /** Expire every access token now (the next call gets the vendor's 401). */
  expireTokens?: boolean;
  /** Fractions of webhooks to drop / deliver twice; reorder holds each delivery until the next one. */
  dropWebhooks?: number;
  duplicateWebhooks?: number;
  reorderWebhooks?: boolean;
  /** Seed of the RNG used for drop/duplicate decisions. */
  seed?: number;
  /** Speeds up the simulator's clock for rate windows (10 = a minute lasts 6 s). */
  timeScale?: number;
}

export interface WebhookDelivery {
  seq: number;
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** "pending" (record-only), "delivered", "failed", "dropped", "held" (reorder) */
  status: string;
  responseStatus?: number;
  createdAt: string;
}

export interface SimContext {
  slug: string;
  store: SimStore;
  env: SandboxEnv;
  faults(): Faults;
  setFaults(f: Faults): void;
  /** Simulator settings (webhook URL/secret, accepted credentials), set with POST /_config/<slug>. */
  config(): Record<string, unknown>;
  /** Seeded uniform [0,1) (reproducible given the fault seed). */
  random(): number;
  now(): Date;
  /** Queues a webhook as the vendor would send it; drop/duplicate/reorder faults apply here. */
  emitWebhook(d: { url: string; method?: string; headers: Record<string, string>; body: string }): void;
  /** Sliding-window limiter; returns seconds to wait when over the limit, or 0. */
  rateLimit(key: string, limit: number, windowSeconds: number): number;
  /** Concurrency slots: acquire returns false when `max` are in use. */
  acquireSlot(key: string, max: number): boolean;
  releaseSlot(key: string): void;
  /** Counter of 429s and other observations for the bench and tests. */
  bump(counter: string, by?: number): void;
  /** Public base URL of this simulator (`${SANDBOX_URL}/<slug>`). */
  baseUrl: string;
}

export interface SandboxEnv {
  SIMULATOR: DurableObjectNamespace;
  MESH_URL?: string;
  SANDBOX_URL?: string;
}

/** A document a destination simulator holds, in the shape GET /_inspect/<slug> answers. */
export interface InspectDocument {
  kind: string;
  id: string;
  externalRef: string;
  total: string;
  currency: string;
  raw: unknown;
}

export interface Simulator {
  slug: string;
  /** Vendor API routes, mounted at /<slug>. The kit adds the fault middleware in front of them. */
  routes(app: Hono, sim: SimContext): void;
  /** Destinations: every document held. */
  inspect?(sim: SimContext): InspectDocument[];
  /** Sources: store one vendor-native order record as if created on the platform, and emit its webhook. */
  seedOrder?(sim: SimContext, record: unknown, c: Context): Promise<unknown> | unknown;
  /**
   * Extra text a fault's `match` is tested against, for vendors whose tenant is not in the URL (Xero's
   * xero-tenant-id header, the company in an Intacct XML body). Default: path and query only.
   */
  faultScope?(c: Context, sim: SimContext): string | Promise<string>;
  /** Optional vendor-specific shape of a fault response. */
  faultResponse?(kind: "server" | "rate" | "timeout", sim: SimContext, retryAfter: number): Response;
}

/** Mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
