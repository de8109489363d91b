// The order index in D1: rows arrive as "index" messages on the sync queue and each consumer batch writes its rows in
// one D1 batch (one round trip for up to 100 events, instead of one write per event from every OrderActor).
import type { OrderIndexRow } from "../order-actor/messages";

/** Upserts the rows; a row never replaces one of a newer revision (messages of one order may arrive out of order). */
export async function writeIndexRows(env: Env, rows: OrderIndexRow[]): Promise<void> {
  // Within the batch only each order's newest row matters.
  const newest = new Map<string, OrderIndexRow>();
  for (const r of rows) if ((newest.get(r.orderKey)?.revision ?? -1) <= r.revision) newest.set(r.orderKey, r);
  if (newest.size === 0) return;
  const now = new Date().toISOString();
  const upsert = env.DB.prepare(
    `INSERT INTO orders (order_key, connection_id, source, source_order_id, order_number, status, total, currency, source_version, revision, refunds, source_updated_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(order_key) DO UPDATE SET order_number = excluded.order_number, status = excluded.status, total = excluded.total,
       currency = excluded.currency, source_version = excluded.source_version, revision = excluded.revision, refunds = excluded.refunds,
       source_updated_at = excluded.source_updated_at, updated_at = excluded.updated_at
     WHERE excluded.revision >= orders.revision`,
  );
  await env.DB.batch(
    [...newest.values()].map((r) =>
      upsert.bind(r.orderKey, r.connectionId, r.source, r.sourceOrderId, r.orderNumber, r.status, r.total, r.currency, r.sourceVersion, r.revision, r.refunds, r.sourceUpdatedAt, now),
    ),
  );
}
