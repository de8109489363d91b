// A seeded, replayable fault simulation of a retailer: orders move through their lifecycle while deliveries are
// duplicated, reordered and dropped, destinations answer 5xx, time out, throttle and expire tokens, and the harness
// crashes the mesh at the points of DESIGN §6. At the end the invariants are checked and counted.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { seededRandom } from "../../workers/sandbox/kit";
import { findDiscrepancies } from "../../workers/reconcile/reconcile";
import { pollConnection } from "../../workers/reconcile/poll";
import type { OrderActor } from "../../workers/order-actor/order-actor";
import { toMinor } from "../../shared/model/money";
import { connect, eventually, inspect, post, sandbox, webhooks, type Delivery, type InspectDoc } from "../helpers/mesh";

export interface SimulationOptions {
  seed: number;
  /** Wall-clock budget for generating traffic; the settle phase comes on top. */
  seconds: number;
  destinations: string[];
  /** Orders created at most (the short run in `npm test` caps it so the settle phase stays short). */
  maxOrders?: number;
  /** Realm/tenant per destination used to scope faults (fault `match`). */
  tenants: Record<string, string>;
  config?: Record<string, Record<string, unknown>>;
}

export interface SimulationReport {
  seed: number;
  orders: number;
  events: number;
  duplicates: number;
  reordered: number;
  drops: number;
  crashes: number;
  faults: number;
  documents: number;
  duplicateDocuments: number;
  missing: number;
  centDrift: number;
  problems: string[];
}

interface SimOrder {
  id: number;
  refunds: number;
  cancelled: boolean;
}

export function formatReport(r: SimulationReport): string {
  return `simulate: seed=${r.seed} orders=${r.orders} events_sent=${r.events} duplicates_injected=${r.duplicates} reordered=${r.reordered} drops_injected=${r.drops} crashes_injected=${r.crashes} vendor_faults=${r.faults} documents_created=${r.documents} duplicate_documents=${r.duplicateDocuments} orders_missing=${r.missing} cent_drift=${r.centDrift}`;
}

export async function simulate(opts: SimulationOptions): Promise<SimulationReport> {
  const rnd = seededRandom(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const report: SimulationReport = {
    seed: opts.seed, orders: 0, events: 0, duplicates: 0, reordered: 0, drops: 0, crashes: 0, faults: 0,
    documents: 0, duplicateDocuments: 0, missing: 0, centDrift: 0, problems: [],
  };
  await connect(["shopify"], opts.destinations, { config: opts.config });
  // Order ids are the seed's own range, so the same seed replays the same orders (ids fit Shopify's int64).
  const firstId = 7_000_000_000 + (opts.seed % 100_000) * 10_000;
  let cursor = (await webhooks("shopify", 0)).at(-1)?.seq ?? 0;
  const orders: SimOrder[] = [];
  const mine = new Set<number>();
  let held: Delivery | null = null;

  /** Posts the simulator's new deliveries for our orders, with seeded duplicates, reordering and drops. */
  async function pump(): Promise<void> {
    const all = await webhooks("shopify", cursor);
    cursor = all.at(-1)?.seq ?? cursor;
    for (const d of all) {
      if (!mine.has(orderIdOf(d))) continue;
      const roll = rnd();
      if (roll < 0.08) {
        report.drops++;
        continue;
      }
      if (roll < 0.16 && !held) {
        held = d;
        report.reordered++;
        continue;
      }
      await deliver(d);
      if (held) {
        await deliver(held);
        held = null;
      }
      if (rnd() < 0.15) {
        report.duplicates++;
        await deliver(d);
      }
    }
  }
  async function deliver(d: Delivery): Promise<void> {
    report.events++;
    const res = await post(d);
    await res.arrayBuffer();
    if (res.status !== 200 && res.status !== 202) report.problems.push(`delivery answered ${res.status}`);
  }

  const startedAt = Date.now();
  const deadline = startedAt + opts.seconds * 1000;
  let k = 0;
  while (Date.now() < deadline) {
    const action = rnd();
    const canCreate = orders.length < (opts.maxOrders ?? Number.POSITIVE_INFINITY);
    if ((action < 0.35 || orders.length < 3) && canCreate) {
      const id = firstId + k++;
      mine.add(id);
      const gen = await sandbox<{ order?: Record<string, unknown> } & Record<string, unknown>>("/shopify/_sim/orders", {
        id,
        seed: Math.floor(rnd() * 2 ** 31),
        currency: pick(["USD", "CAD", "USD", "JPY"]),
        taxesIncluded: rnd() < 0.3,
        financialStatus: rnd() < 0.7 ? "paid" : "pending",
      }).catch((err: Error) => {
        report.problems.push(`generate: ${err.message}`);
        return null;
      });
      if (gen) {
        orders.push({ id: Number((gen.order ?? gen).id ?? id), refunds: 0, cancelled: false });
        mine.add(Number((gen.order ?? gen).id ?? id));
        report.orders++;
      }
    } else {
      const o = pick(orders);
      const act = pick(o.cancelled ? ["update"] : ["pay", "fulfill", "refund", "update", "deliver", "cancel"]);
      const body = act === "refund" ? { lines: undefined } : act === "update" ? { note: `edit ${k}` } : {};
      const res = await fetch(`http://localhost:8788/shopify/_sim/orders/${o.id}/${act}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
      await res.arrayBuffer();
      if (res.ok && act === "refund") o.refunds++;
      if (res.ok && act === "cancel") o.cancelled = true;
    }
    // Vendor faults on our tenants: 5xx, timeouts, 429 storms, expired tokens.
    if (rnd() < 0.12) {
      const dest = pick(opts.destinations);
      const f = pick([{ serverErrors: 3 }, { rateLimited: 4, retryAfterSeconds: 1 }, { timeouts: 2, timeoutDelayMs: 100 }, { expireTokens: true }]);
      await sandbox(`/_faults/${dest}`, { ...f, match: opts.tenants[dest] });
      report.faults++;
    }
    // Crashes: lost link after the vendor's 2xx; actor write without the queue send.
    if (rnd() < 0.08 && orders.length > 0) {
      const o = pick(orders);
      const r = await env.DB.prepare(`DELETE FROM links WHERE order_key = ? AND doc_key = 'order'`).bind(`demo-shopify:${o.id}`).run();
      if (r.meta.changes > 0) {
        report.crashes++;
        await env.ORDER_ACTOR.getByName(`demo-shopify:${o.id}`).resync();
      }
    }
    if (rnd() < 0.06 && orders.length > 0) {
      const o = pick(orders);
      const stub = env.ORDER_ACTOR.getByName(`demo-shopify:${o.id}`);
      await runInDurableObject(stub, async (instance: OrderActor) => {
        const holder = instance as unknown as { env: Env };
        holder.env = { ...holder.env, SYNC_QUEUE: { send: failSend, sendBatch: failSend } as unknown as Queue };
      });
      await pump();
      await runInDurableObject(stub, async (instance: OrderActor) => {
        (instance as unknown as { env: Env }).env = env;
      });
      await runDurableObjectAlarm(stub);
      report.crashes++;
    }
    await pump();
  }
  if (held) await deliver(held);

  // Settle: faults off, the cron sweep recovers dropped webhooks, reconciliation repairs, queues drain.
  for (const dest of opts.destinations) await sandbox(`/_faults/${dest}`, { match: opts.tenants[dest] });
  // The sweep recovers dropped webhooks. The sandbox's shop is shared with every other test file, so it reads
  // from the simulation's start (Shopify's cursor shape) rather than the connector's default 24-hour look-back.
  await env.DB.prepare(`INSERT OR REPLACE INTO cursors (connection_id, cursor) VALUES ('demo-shopify', ?)`)
    .bind(JSON.stringify({ updatedAtMin: new Date(startedAt - 60_000).toISOString() }))
    .run();
  await pollConnection(env, "demo-shopify");
  const expected = await expectedState(orders);
  let why = "";
  let lastRepair = 0;
  const settledOk = await eventually(async () => {
    const { findings } = await findDiscrepancies(env);
    const ours = findings.filter((f) => mine.has(Number(f.orderKey.split(":")[1])));
    if (ours.length > 0) {
      why = `${ours.length} discrepancies, e.g. ${JSON.stringify(ours[0])}`;
      // Like the cron's reconciliation: repair through the normal path, at most every few seconds (a message
      // already waiting out a vendor's Retry-After is not hurried; flooding the queue would only slow it down).
      if (Date.now() - lastRepair > 5_000) {
        lastRepair = Date.now();
        for (const f of ours) await env.ORDER_ACTOR.getByName(f.orderKey).resync([f.destinationId]);
      }
      await new Promise((r) => setTimeout(r, 500));
      return false;
    }
    for (const dest of opts.destinations) {
      const docs = await inspect(dest);
      for (const o of expected) {
        const main = docsOf(docs, o.id, "main").length;
        const credit = docsOf(docs, o.id, "credit").length;
        if (main !== 1 || credit < o.refundIds.length) {
          why = `${dest}: order ${o.id} has ${main} main and ${credit}/${o.refundIds.length} credit documents`;
          return false;
        }
      }
    }
    return true;
  }, Math.max(120_000, orders.length * 2_000), "the simulation to settle").catch(async (err: Error) => {
    const failures = (await env.DB.prepare(`SELECT order_key, kind, vendor_code, message FROM failures WHERE status = 'open' LIMIT 5`).all()).results;
    report.problems.push(`${err.message}: ${why}; open failures: ${JSON.stringify(failures)}`);
    return false;
  });
  if (!settledOk) return report;

  for (const dest of opts.destinations) {
    const docs = await inspect(dest);
    for (const o of expected) {
      const main = docsOf(docs, o.id, "main");
      const credits = docsOf(docs, o.id, "credit");
      report.documents += main.length + credits.length;
      if (main.length === 0) report.missing++;
      if (main.length > 1) report.duplicateDocuments += main.length - 1;
      if (credits.length > o.refundIds.length) report.duplicateDocuments += credits.length - o.refundIds.length;
      if (main[0] && o.status !== "cancelled") report.centDrift += Math.abs(toMinor(main[0].total, main[0].currency) - o.total);
      const creditSum = credits.reduce((n, d) => n + toMinor(d.total, d.currency), 0);
      report.centDrift += Math.abs(creditSum - o.refundTotal);
    }
  }
  return report;
}

const failSend = async (): Promise<never> => {
  throw new Error("simulated crash before the queue send");
};

function orderIdOf(d: Delivery): number {
  try {
    const body = JSON.parse(d.body) as { id?: number; order_id?: number };
    return Number(body.order_id ?? body.id);
  } catch {
    return -1;
  }
}

function docsOf(docs: InspectDoc[], id: number, which: "main" | "credit"): InspectDoc[] {
  const credit = (k: string) => k === "RefundReceipt" || k === "CreditMemo" || k === "CreditNote" || /credit|refund|return/i.test(k);
  return docs.filter((d) => (which === "credit" ? credit(d.kind) : !credit(d.kind) && d.kind !== "Payment") && refersTo(d, id, which));
}

function refersTo(d: InspectDoc, id: number, which: "main" | "credit"): boolean {
  if (which === "main") return d.externalRef === `#${id}` || d.externalRef.endsWith(`#${id}`);
  return JSON.stringify(d.raw).includes(`:${id}`) || d.externalRef.includes(String(id));
}

/** What every destination must hold at the end, read from the platform (the Shopify simulator's REST API). */
async function expectedState(orders: SimOrder[]) {
  const out: Array<{ id: number; total: number; status: string; refundIds: string[]; refundTotal: number }> = [];
  const truth = new Map<number, ShopifyTruth>();
  for (let i = 0; i < orders.length; i += 250) {
    const ids = orders.slice(i, i + 250).map((o) => o.id).join(",");
    const url = `http://localhost:8788/shopify/admin/api/2024-04/orders.json?status=any&limit=250&ids=${ids}`;
    const body = await eventually(async () => {
      const res = await fetch(url, { headers: { "x-shopify-access-token": "demo-shopify-token" } });
      return res.ok ? ((await res.json()) as { orders: ShopifyTruth[] }) : undefined; // 429: the leaky bucket refills
    }, 30_000, "the Shopify simulator's orders");
    for (const o of body.orders) truth.set(o.id, o);
  }
  for (const o of orders) {
    const order = truth.get(o.id);
    if (!order) throw new Error(`the Shopify simulator has no order ${o.id}`);
    const refunds = order.refunds ?? [];
    out.push({
      id: o.id,
      total: toMinor(order.total_price, order.currency),
      status: order.cancelled_at ? "cancelled" : "open",
      refundIds: refunds.map((r) => String(r.id)),
      refundTotal: refunds.reduce((n, r) => n + r.transactions.filter((t) => t.kind === "refund" && t.status === "success").reduce((m, t) => m + toMinor(t.amount, order.currency), 0), 0),
    });
  }
  return out;
}

interface ShopifyTruth {
  id: number;
  total_price: string;
  currency: string;
  cancelled_at: string | null;
  refunds?: Array<{ id: number; transactions: Array<{ kind: string; status: string; amount: string }> }>;
}
