// Reconciliation: compare the order index with links per route, repair what is missing or behind, report per run.
import { desc, eq } from "drizzle-orm";
import { db } from "../../shared/db/client";
import { runs } from "../../shared/db/schema";
import { CONNECTORS } from "../connectors/registry";
import { pollAll, type PollStats } from "./poll";

export interface ReconcileFinding {
  orderKey: string;
  destinationId: string;
  /** refund_missing: the main document is in step, but a refund has no credit-document link at this destination. */
  problem: "missing" | "behind" | "refund_missing" | "total_mismatch";
  detail?: string;
}

export interface ReconcileStats {
  ordersChecked: number;
  missing: number;
  behind: number;
  refundsMissing: number;
  totalMismatch: number;
  repaired: number;
  polled: PollStats[];
  durationMs: number;
}

/** Repairs sent per run (each is one actor call + queue message); the rest wait for the next run. */
const MAX_REPAIRS = 500;

/** Destination slugs that write a credit document per refund (converge links each as "refund:<id>"). */
const REFUND_SLUGS = JSON.stringify(
  Object.values(CONNECTORS).flatMap((c) => (c.kind === "destination" && c.capabilities.includes("refund") ? [c.slug] : [])),
);

/**
 * The comparison itself, one SQL pass over orders × routes ⟕ links (linear in the number of orders). Besides the main
 * document's link, an order that holds refunds (orders.refunds) must have as many credit-document links at each
 * refund-capable destination: a refund whose sync was lost after the main document was written (dead-lettered, a
 * crash before its link) leaves the main link in step and only this count short. The count is an index lookup on the
 * links primary key, made only for orders with refunds.
 */
export async function findDiscrepancies(env: Env, limit = 100_000): Promise<{ checked: number; findings: ReconcileFinding[] }> {
  const checked = (await env.DB.prepare(`SELECT count(*) AS n FROM orders`).first<{ n: number }>())?.n ?? 0;
  const { results } = await env.DB.prepare(
    `SELECT * FROM (
       SELECT o.order_key AS orderKey, r.destination_connection_id AS destinationId, o.revision AS revision, o.total AS total,
              o.status AS status, o.refunds AS refunds, l.synced_version AS synced, l.total AS linkTotal, l.state AS state,
              CASE WHEN o.refunds > 0 AND r.destination_connection_id IN (SELECT id FROM connections WHERE slug IN (SELECT value FROM json_each(?)))
                   THEN (SELECT count(*) FROM links c WHERE c.order_key = o.order_key AND c.destination_connection_id = r.destination_connection_id AND c.doc_key LIKE 'refund:%')
                   ELSE o.refunds END AS credits
         FROM orders o
         JOIN routes r ON r.source_connection_id = o.connection_id AND r.enabled = 1
         LEFT JOIN links l ON l.order_key = o.order_key AND l.destination_connection_id = r.destination_connection_id AND l.doc_key = 'order')
      WHERE synced IS NULL OR synced < revision OR credits < refunds
         -- A cancelled order's document may be voided (total 0) even if money was refunded after the cancel; a
         -- cancelled posted invoice (Business Central "canceled") keeps its total beside its corrective credit memo.
         OR (linkTotal <> total AND status <> 'cancelled' AND COALESCE(state, '') NOT IN ('voided', 'void', 'cancelled', 'canceled', 'deleted'))
      LIMIT ?`,
  )
    .bind(REFUND_SLUGS, limit)
    .all<{ orderKey: string; destinationId: string; revision: number; total: number; refunds: number; credits: number; synced: number | null; linkTotal: number | null }>();
  const findings: ReconcileFinding[] = results.map((r) =>
    r.synced === null
      ? { orderKey: r.orderKey, destinationId: r.destinationId, problem: "missing" }
      : r.synced < r.revision
        ? { orderKey: r.orderKey, destinationId: r.destinationId, problem: "behind", detail: `link at revision ${r.synced}, order at ${r.revision}` }
        : r.credits < r.refunds
          ? { orderKey: r.orderKey, destinationId: r.destinationId, problem: "refund_missing", detail: `${r.credits} of ${r.refunds} refunds have a credit document` }
          : { orderKey: r.orderKey, destinationId: r.destinationId, problem: "total_mismatch", detail: `destination total ${r.linkTotal}, source ${r.total}` },
  );
  return { checked, findings };
}

/** One scheduled run: poll sources, compare, repair through the normal path, write the report. */
export async function reconcile(env: Env): Promise<ReconcileStats> {
  const started = Date.now();
  const run = await db(env.DB).insert(runs).values({ kind: "reconcile", status: "running" }).returning({ id: runs.id }).get();
  try {
    const polled = await pollAll(env);
    const { checked, findings } = await findDiscrepancies(env);
    let repaired = 0;
    const byOrder = new Map<string, string[]>();
    for (const f of findings) {
      if (f.problem === "total_mismatch") continue;
      byOrder.set(f.orderKey, [...(byOrder.get(f.orderKey) ?? []), f.destinationId]);
    }
    for (const [orderKey, dests] of [...byOrder].slice(0, MAX_REPAIRS)) {
      repaired += await env.ORDER_ACTOR.getByName(orderKey).resync(dests);
    }
    const stats: ReconcileStats = {
      ordersChecked: checked,
      missing: findings.filter((f) => f.problem === "missing").length,
      behind: findings.filter((f) => f.problem === "behind").length,
      refundsMissing: findings.filter((f) => f.problem === "refund_missing").length,
      totalMismatch: findings.filter((f) => f.problem === "total_mismatch").length,
      repaired,
      polled,
      durationMs: Date.now() - started,
    };
    await db(env.DB)
      .update(runs)
      .set({ status: "ok", finishedAt: new Date().toISOString(), stats: JSON.stringify(stats), report: JSON.stringify(findings.slice(0, 1000)) })
      .where(eq(runs.id, run.id));
    return stats;
  } catch (err) {
    await db(env.DB)
      .update(runs)
      .set({ status: "failed", finishedAt: new Date().toISOString(), report: JSON.stringify([{ error: (err as Error).message }]) })
      .where(eq(runs.id, run.id));
    throw err;
  }
}

export async function recentRuns(env: Env, limit = 20) {
  return db(env.DB).select().from(runs).orderBy(desc(runs.id)).limit(limit).all();
}
