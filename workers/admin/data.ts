// Admin queries: orders, failures, quarantine, runs, connections (never their credentials), counters.
import { and, desc, eq, like, or, sql } from "drizzle-orm";
import { db } from "../../shared/db/client";
import { connections, counters, failures, links, orders, quarantine, routes } from "../../shared/db/schema";

export async function listOrders(env: Env, q: string | undefined, limit = 100) {
  const where = q ? or(like(orders.orderNumber, `%${q}%`), like(orders.sourceOrderId, `%${q}%`), like(orders.orderKey, `%${q}%`)) : undefined;
  return db(env.DB).select().from(orders).where(where).orderBy(desc(orders.updatedAt)).limit(limit).all();
}

export async function linksOf(env: Env, orderKey: string) {
  return db(env.DB).select().from(links).where(eq(links.orderKey, orderKey)).all();
}

export async function openFailures(env: Env, limit = 200) {
  return db(env.DB).select().from(failures).where(eq(failures.status, "open")).orderBy(desc(failures.updatedAt)).limit(limit).all();
}

export async function failureById(env: Env, id: number) {
  return db(env.DB).select().from(failures).where(eq(failures.id, id)).get();
}

export async function markRetrying(env: Env, id: number) {
  await db(env.DB).update(failures).set({ status: "retrying", updatedAt: new Date().toISOString() }).where(eq(failures.id, id));
}

export async function listQuarantine(env: Env, limit = 200) {
  return db(env.DB).select().from(quarantine).where(eq(quarantine.resolved, false)).orderBy(desc(quarantine.id)).limit(limit).all();
}

/** A connection's columns without its sealed credentials. */
const PUBLIC_COLUMNS = { id: connections.id, slug: connections.slug, role: connections.role, name: connections.name, baseUrl: connections.baseUrl, enabled: connections.enabled, config: connections.config };

export async function listConnections(env: Env) {
  const rows = await db(env.DB).select(PUBLIC_COLUMNS).from(connections).orderBy(connections.role, connections.id).all();
  const r = await db(env.DB).select().from(routes).all();
  return rows.map((c) => ({ ...c, config: JSON.parse(c.config) as Record<string, unknown>, routesTo: r.filter((x) => x.sourceConnectionId === c.id).map((x) => x.destinationConnectionId) }));
}

export async function connectionById(env: Env, id: string) {
  const row = await db(env.DB).select(PUBLIC_COLUMNS).from(connections).where(eq(connections.id, id)).get();
  return row ? { ...row, config: JSON.parse(row.config) as Record<string, unknown> } : null;
}
export type PublicConnection = NonNullable<Awaited<ReturnType<typeof connectionById>>>;

export async function counterTotals(env: Env) {
  return db(env.DB).select().from(counters).orderBy(counters.connectionId, counters.name).all();
}

export async function summary(env: Env) {
  const row = await env.DB.prepare(
    `SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM links) AS documents,
            (SELECT count(*) FROM failures WHERE status = 'open') AS failures, (SELECT count(*) FROM quarantine WHERE resolved = 0) AS quarantined`,
  ).first<{ orders: number; documents: number; failures: number; quarantined: number }>();
  return row ?? { orders: 0, documents: 0, failures: 0, quarantined: 0 };
}

export async function resolveQuarantine(env: Env, id: number) {
  await db(env.DB).update(quarantine).set({ resolved: true }).where(and(eq(quarantine.id, id), eq(quarantine.resolved, false)));
}

export { sql };
