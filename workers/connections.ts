// Connections: stored (credentials sealed), loaded (decrypted, cached briefly), turned into connector contexts.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Connector, ConnectorContext, ConnectionView, Logger } from "../shared/connector/contract";
import { ConnectorError } from "../shared/connector/errors";
import { HttpClient } from "../shared/connector/http";
import type { LookupMemo } from "../shared/connector/memo";
import { decryptJson, encryptJson } from "../shared/crypto/secrets";
import { db } from "../shared/db/client";
import { connections, routes } from "../shared/db/schema";
import { CONNECTORS } from "./connectors/registry";

export interface LoadedConnection extends ConnectionView {
  role: "source" | "destination";
  name: string;
  baseUrl: string | null;
  enabled: boolean;
}

export const ConnectionInput = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lowercase letters, digits and dashes"),
  slug: z.string(),
  name: z.string().min(1),
  config: z.record(z.string(), z.unknown()).default({}),
  credentials: z.record(z.string(), z.string()).default({}),
  baseUrl: z.string().url().nullable().default(null),
  enabled: z.boolean().default(true),
});
export type ConnectionInput = z.input<typeof ConnectionInput>;

const CACHE_MS = 15_000;
const cache = new Map<string, { at: number; value: Promise<LoadedConnection | null> }>();

/** Credentials are sealed with the connection id as associated data: a sealed blob cannot be moved to another row. */
function aad(id: string): string {
  return `connection:${id}`;
}

/**
 * Validates a connection against its connector's declaration and stores it with sealed credentials. Without
 * `credentials`, an existing connection of the same platform keeps its sealed ones untouched: a settings edit never
 * writes credentials back, so it cannot undo a refresh-token rotation that lands while it runs.
 */
export async function saveConnection(env: Env, input: ConnectionInput): Promise<void> {
  const c = ConnectionInput.parse(input);
  const connector = CONNECTORS[c.slug];
  if (!connector) throw new Error(`unknown connector "${c.slug}"`);
  const config = connector.configSchema.parse(c.config) as Record<string, unknown>;
  if (c.baseUrl) assertBaseUrlAllowed(env, c.baseUrl);
  const row = {
    id: c.id,
    slug: c.slug,
    role: connector.kind,
    name: c.name,
    config: JSON.stringify(config),
    baseUrl: c.baseUrl,
    enabled: c.enabled,
    updatedAt: new Date().toISOString(),
  };
  if (input.credentials === undefined) {
    const kept = await db(env.DB).update(connections).set(row).where(and(eq(connections.id, c.id), eq(connections.slug, c.slug))).run();
    if (kept.meta.changes > 0) {
      cache.delete(c.id);
      return;
    }
  }
  const missing = connector.credentialKeys.filter((k) => !c.credentials[k]);
  if (missing.length > 0) throw new Error(`connection ${c.id} lacks credentials: ${missing.join(", ")}`);
  const sealed = { ...row, credentials: await encryptJson(env.ENCRYPTION_KEY, c.credentials, aad(c.id)) };
  await db(env.DB).insert(connections).values(sealed).onConflictDoUpdate({ target: connections.id, set: sealed });
  cache.delete(c.id);
}

/** Replaces a connection's credentials (rotating refresh tokens); the newest always wins. */
export async function updateCredentials(env: Env, id: string, credentials: Record<string, string>): Promise<void> {
  const sealed = await encryptJson(env.ENCRYPTION_KEY, credentials, aad(id));
  await db(env.DB).update(connections).set({ credentials: sealed, updatedAt: new Date().toISOString() }).where(eq(connections.id, id));
  cache.delete(id);
}

export function loadConnection(env: Env, id: string, fresh = false): Promise<LoadedConnection | null> {
  const hit = cache.get(id);
  if (!fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const value = (async () => {
    const row = await db(env.DB).select().from(connections).where(eq(connections.id, id)).get();
    if (!row) return null;
    const credentials = await decryptJson<Record<string, string>>(env.ENCRYPTION_KEY, row.credentials, aad(row.id));
    return {
      id: row.id,
      slug: row.slug,
      role: row.role,
      name: row.name,
      config: JSON.parse(row.config) as Record<string, unknown>,
      credentials,
      baseUrl: row.baseUrl,
      enabled: row.enabled,
    } satisfies LoadedConnection;
  })();
  value.catch(() => cache.delete(id));
  cache.set(id, { at: Date.now(), value });
  return value;
}

export function forgetConnection(id: string): void {
  cache.delete(id);
}

const routeCache = new Map<string, { at: number; value: Promise<string[]> }>();

/** Destination connection ids fed by a source connection (cached briefly per isolate, like connections). */
export function destinationsOf(env: Env, sourceConnectionId: string): Promise<string[]> {
  const hit = routeCache.get(sourceConnectionId);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
  const value = readDestinations(env, sourceConnectionId);
  value.catch(() => routeCache.delete(sourceConnectionId));
  routeCache.set(sourceConnectionId, { at: Date.now(), value });
  return value;
}

async function readDestinations(env: Env, sourceConnectionId: string): Promise<string[]> {
  const rows = await db(env.DB)
    .select({ id: routes.destinationConnectionId })
    .from(routes)
    .where(and(eq(routes.sourceConnectionId, sourceConnectionId), eq(routes.enabled, true)))
    .all();
  return rows.map((r) => r.id);
}

export async function addRoute(env: Env, sourceConnectionId: string, destinationConnectionId: string): Promise<void> {
  await db(env.DB).insert(routes).values({ sourceConnectionId, destinationConnectionId }).onConflictDoNothing();
  routeCache.delete(sourceConnectionId);
}

/** A base-URL override is accepted only for hosts on ALLOWED_BASE_URL_OVERRIDES (the sandbox), never arbitrary. */
export function assertBaseUrlAllowed(env: Env, baseUrl: string): void {
  const allowed = (env.ALLOWED_BASE_URL_OVERRIDES ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const url = new URL(baseUrl);
  const ok = allowed.some((entry) => {
    const base = new URL(entry);
    const prefix = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
    return base.origin === url.origin && (prefix === "/" || `${url.pathname}/`.startsWith(prefix));
  });
  if (!ok) throw new ConnectorError({ kind: "permanent", message: `base URL ${url.origin} is not on ALLOWED_BASE_URL_OVERRIDES`, vendorCode: "base_url_not_allowed" });
}

/** The base URL a connection's requests go to: its approved override, or the vendor's default with config filled in. */
export function baseUrlOf(env: Env, connector: Connector, conn: LoadedConnection): string {
  if (conn.baseUrl) {
    assertBaseUrlAllowed(env, conn.baseUrl);
    return conn.baseUrl;
  }
  return connector.defaultBaseUrl.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = conn.config[key];
    if (typeof v !== "string" || v === "") throw new ConnectorError({ kind: "permanent", message: `connection ${conn.id} lacks config "${key}"` });
    return v;
  });
}

export interface ContextOptions {
  accessToken?: string;
  beforeRequest?: HttpClientBefore;
  afterRequest?: HttpClientAfter;
  log?: Logger;
  memo?: LookupMemo;
}
type HttpClientAfter = ConstructorParameters<typeof HttpClient>[0]["afterRequest"];
type HttpClientBefore = ConstructorParameters<typeof HttpClient>[0]["beforeRequest"];

export function connectorContext(env: Env, connector: Connector, conn: LoadedConnection, opts: ContextOptions = {}): ConnectorContext {
  const baseUrl = baseUrlOf(env, connector, conn);
  // Per-tenant hosts ("{siteHost}" for WooCommerce) are filled from the connection's config like the base URL.
  const allowedHosts = connector.hosts.map((h) => h.replace(/\{(\w+)\}/g, (_, key: string) => String(conn.config[key] ?? ""))).filter((h) => h && !h.includes("{"));
  if (conn.baseUrl) allowedHosts.push(new URL(conn.baseUrl).host);
  const view: ConnectionView = { id: conn.id, slug: conn.slug, config: conn.config, credentials: conn.credentials };
  const http = new HttpClient({
    baseUrl,
    allowedHosts,
    classify: (res) => connector.classify(res),
    authorize: connector.authorize
      ? (req) => connector.authorize!(req, { credentials: conn.credentials, config: conn.config, accessToken: opts.accessToken, now: new Date() })
      : undefined,
    beforeRequest: opts.beforeRequest,
    afterRequest: opts.afterRequest,
  });
  return { http, clock: { now: () => new Date() }, log: opts.log ?? consoleLogger(conn.id), connection: view, memo: opts.memo };
}

export function consoleLogger(scope: string): Logger {
  const emit = (level: "info" | "warn" | "error") => (msg: string, data?: Record<string, unknown>) =>
    console[level](JSON.stringify({ level, scope, msg, ...(data ?? {}) }));
  return { info: emit("info"), warn: emit("warn"), error: emit("error") };
}
