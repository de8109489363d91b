// Reconciliation: compare the order index with links per route, repair what is missing or behind, report per run.
import { desc, eq } from "drizzle-orm";
import { db } from "../../shared/db/client";
import { runs } from "../../shared/db/schema";
import { pollAll, type PollStats } from "./poll";

export interface ReconcileFinding {
  orderKey: string;
  destinationId: string;
  problem: "missing" | "behind" | "total_mismatch";
  detail?: string;
}

export interface ReconcileStats {
  ordersChecked: number;
  missing: number;
  behind: number;
  totalMismatch: number;
  repaired: number;
  polled: PollStats[];
  durationMs: number;
}

/** Repairs sent per run (each is one actor call + queue message); the rest wait for the next run. */
const MAX_REPAIRS = 500;

/** The comparison itself, one SQL pass over orders × routes ⟕ links (linear in the number of orders). */
export async function findDiscrepancies(env: Env, limit = 100_000): Promise<{ checked: number; findings: ReconcileFinding[] }> {
  const checked = (await env.DB.prepare(`SELECT count(*) AS n FROM orders`).first<{ n: number }>())?.n ?? 0;
  const { results } = await env.DB.prepare(
    `SELECT o.order_key AS orderKey, r.destination_connection_id AS destinationId, o.revision AS revision, o.total AS total,
            o.status AS status, l.synced_version AS synced, l.total AS linkTotal
       FROM orders o
       JOIN routes r ON r.source_connection_id = o.connection_id AND r.enabled = 1
       LEFT JOIN links l ON l.order_key = o.order_key AND l.destination_connection_id = r.destination_connection_id AND l.doc_key = 'order'
      WHERE l.order_key IS NULL OR l.synced_version < o.revision
         -- A cancelled order's document may be voided (total 0) even if money was refunded after the cancel.
         OR (l.total <> o.total AND o.status <> 'cancelled' AND COALESCE(l.state, '') NOT IN ('voided', 'void', 'cancelled', 'deleted'))
      LIMIT ?`,
  )
    .bind(limit)
    .all<{ orderKey: string; destinationId: string; revision: number; total: number; status: string; synced: number | null; linkTotal: number | null }>();
  const findings: ReconcileFinding[] = results.map((r) =>
    r.synced === null
      ? { orderKey: r.orderKey, destinationId: r.destinationId, problem: "missing" }
      : r.synced < r.revision
        ? { orderKey: r.orderKey, destinationId: r.destinationId, problem: "behind", detail: `link at revision ${r.synced}, order at ${r.revision}` }
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
