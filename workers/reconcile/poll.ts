// Polling and sweeps: every source connection with a poll path is read from its persisted cursor, page by page.
import { eq } from "drizzle-orm";
import { db } from "../../shared/db/client";
import { connections, cursors } from "../../shared/db/schema";
import type { ConnectorContext, SourceConnector } from "../../shared/connector/contract";
import type { CanonicalEvent } from "../../shared/model/order";
import { connectorContext, loadConnection, updateCredentials } from "../connections";
import { quarantineEvent } from "../ingest/quarantine";
import { sourceConnector } from "../connectors/registry";
import { ingestFetched } from "../dispatch/consumer";
import { applyStock } from "../ingest/stock";

export interface PollStats {
  connection: string;
  pages: number;
  events: number;
  applied: number;
  /** Stock levels the stock sweep read (applied where newer than what the mesh holds). */
  stockLevels?: number;
  error?: string;
}

/** Stock rows written per D1 batch. */
const STOCK_ROWS_PER_BATCH = 100;

/** Pages read per connection per run; the cursor resumes the rest on the next cron tick. */
const MAX_PAGES = 20;

export async function pollAll(env: Env): Promise<PollStats[]> {
  const rows = await db(env.DB).select({ id: connections.id, slug: connections.slug }).from(connections).where(eq(connections.role, "source")).all();
  const out: PollStats[] = [];
  for (const row of rows) {
    if (!sourceConnector(row.slug)?.poll) continue;
    out.push(await pollConnection(env, row.id));
  }
  return out;
}

export async function pollConnection(env: Env, connectionId: string): Promise<PollStats> {
  const stats: PollStats = { connection: connectionId, pages: 0, events: 0, applied: 0 };
  const conn = await loadConnection(env, connectionId);
  const connector = conn ? sourceConnector(conn.slug) : undefined;
  if (!conn || !conn.enabled || !connector?.poll) return stats;
  // Sources with short-lived tokens (Lightspeed Retail) refresh at the start of each sweep; a rotated refresh
  // token is persisted before the access token is used.
  let accessToken: string | undefined;
  if (connector.refreshAccessToken) {
    const set = await connector.refreshAccessToken(connectorContext(env, connector, conn)).catch((err: Error) => {
      stats.error = `token refresh failed: ${err.message}`;
      return null;
    });
    if (!set) return stats;
    if (set.refreshToken && set.refreshToken !== conn.credentials.refreshToken) {
      await updateCredentials(env, conn.id, { ...conn.credentials, refreshToken: set.refreshToken });
    }
    accessToken = set.accessToken;
  }
  const ctx = connectorContext(env, connector, conn, { accessToken });
  const row = await db(env.DB).select().from(cursors).where(eq(cursors.connectionId, connectionId)).get();
  let cursor: string | null = row?.cursor ?? null;
  try {
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await connector.poll(ctx, cursor);
      stats.pages++;
      stats.events += res.events.length;
      stats.applied += await ingestEvents(env, conn.id, conn.slug, res.events);
      for (const r of res.rejected ?? []) {
        await quarantineEvent(env, { connectionId: conn.id, source: conn.slug, topic: "poll", eventId: `poll:${r.sourceOrderId}`, reason: r.reason, raw: r.raw });
      }
      cursor = res.cursor;
      await saveCursor(env, connectionId, cursor);
      if (!res.hasMore) break;
    }
  } catch (err) {
    stats.error = (err as Error).message;
  }
  if (connector.pollStock) await sweepStock(env, conn.id, connector.pollStock.bind(connector), ctx, stats);
  return stats;
}

/** The stock sweep: levels changed since its own cursor (a row of its own in `cursors`), applied if newer. */
async function sweepStock(env: Env, connectionId: string, pollStock: NonNullable<SourceConnector["pollStock"]>, ctx: ConnectorContext, stats: PollStats): Promise<void> {
  const key = `${connectionId}#stock`;
  const row = await db(env.DB).select().from(cursors).where(eq(cursors.connectionId, key)).get();
  try {
    const res = await pollStock(ctx, row?.cursor ?? null);
    for (let i = 0; i < res.levels.length; i += STOCK_ROWS_PER_BATCH) await applyStock(env, connectionId, res.levels.slice(i, i + STOCK_ROWS_PER_BATCH));
    stats.stockLevels = res.levels.length;
    if (res.cursor !== null) await saveCursor(env, key, res.cursor);
  } catch (err) {
    const msg = `stock sweep: ${(err as Error).message}`;
    stats.error = stats.error ? `${stats.error}; ${msg}` : msg;
  }
}

async function saveCursor(env: Env, key: string, cursor: string): Promise<void> {
  const updatedAt = new Date().toISOString();
  await db(env.DB).insert(cursors).values({ connectionId: key, cursor, updatedAt }).onConflictDoUpdate({ target: cursors.connectionId, set: { cursor, updatedAt } });
}

/** Groups polled events by order and stores each group in its OrderActor; returns how many changed an order. */
async function ingestEvents(env: Env, connectionId: string, source: string, events: CanonicalEvent[]): Promise<number> {
  const byOrder = new Map<string, CanonicalEvent[]>();
  const stock = [];
  for (const e of events) {
    if (e.kind === "stock") {
      stock.push(e.stock);
      continue;
    }
    const id = e.kind === "order" ? e.order.sourceOrderId : e.sourceOrderId;
    byOrder.set(id, [...(byOrder.get(id) ?? []), e]);
  }
  if (stock.length > 0) await applyStock(env, connectionId, stock);
  let applied = 0;
  for (const [sourceOrderId, evs] of byOrder) {
    const version = evs.map((e) => (e.kind === "order" ? e.order.sourceVersion : 0)).reduce((a, b) => Math.max(a, b), 0);
    const refunds = evs.filter((e) => e.kind === "refund").map((e) => (e.kind === "refund" ? e.refund.id : "")).join(",");
    const outcome = await ingestFetched(env, connectionId, source, sourceOrderId, evs, `poll:${sourceOrderId}:${version}:${refunds}`);
    if (outcome === "applied" || outcome === "waiting") applied++;
  }
  return applied;
}
