// Issue 3: with 10% of webhooks dropped by the simulator, the cron sweep brings every order across, exactly once.
import { env } from "cloudflare:test";
import { beforeAll, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { pollConnection } from "../../workers/reconcile/poll";
import { connect, deliverAll, eventually, inspect, sandbox, webhooks } from "../helpers/mesh";

const FIRST = 8_100_000_001;
const COUNT = 20;

beforeAll(async () => {
  await connect(["shopify"], ["quickbooks-online"]);
});

it("drops 10% of deliveries; the sweep recovers them; one document per order with the source total", { timeout: 90_000 }, async () => {
  const startedAt = Date.now();
  const after = (await webhooks("shopify")).at(-1)?.seq ?? 0;
  const before = await sandbox<{ webhooks_dropped?: number }>("/_stats/shopify");
  // Scoped to these orders' bodies ("id":81000000…), so other test files' webhooks are untouched.
  await sandbox("/_faults/shopify", { dropWebhooks: 0.1, seed: 11, match: `"id":${String(FIRST).slice(0, 8)}` });
  const totals = new Map<number, number>();
  try {
    for (let k = 0; k < COUNT; k++) {
      const o = await sandbox<{ id: number; total_price: string; currency: string }>("/shopify/_sim/orders", { id: FIRST + k, seed: 500 + k, financialStatus: "paid" });
      totals.set(o.id, toMinor(o.total_price, o.currency));
    }
  } finally {
    await sandbox("/_faults/shopify", {});
  }
  const dropped = ((await sandbox<{ webhooks_dropped?: number }>("/_stats/shopify")).webhooks_dropped ?? 0) - (before.webhooks_dropped ?? 0);
  const deliveries = (await webhooks("shopify", after)).filter((d) => d.body.includes(`"id":${String(FIRST).slice(0, 8)}`));
  expect(dropped).toBeGreaterThan(0);
  expect(deliveries.filter((d) => d.status === "dropped")).toHaveLength(dropped);
  await deliverAll("shopify", after);
  // The cron's sweep, reading from this test's start (the shared sandbox shop holds other files' orders too).
  await env.DB.prepare(`INSERT OR REPLACE INTO cursors (connection_id, cursor) VALUES ('demo-shopify', ?)`).bind(JSON.stringify({ updatedAtMin: new Date(startedAt - 60_000).toISOString() })).run();
  const polled = await pollConnection(env, "demo-shopify");
  expect(polled.error).toBeUndefined();
  const docs = await eventually(async () => {
    const all = (await inspect("quickbooks-online")).filter((d) => totals.has(Number(d.externalRef.replace("#", ""))) && d.kind === "SalesReceipt");
    return all.length >= COUNT ? all : undefined;
  }, 60_000, "every order in QuickBooks").catch(async (err: Error) => {
    const found = (await inspect("quickbooks-online")).filter((d) => totals.has(Number(d.externalRef.replace("#", "")))).map((d) => `${d.kind}:${d.externalRef}`);
    const failures = (await env.DB.prepare(`SELECT order_key, message FROM failures LIMIT 3`).all()).results;
    const orders = (await env.DB.prepare(`SELECT count(*) AS n FROM orders`).first<{ n: number }>())?.n;
    throw new Error(`${err.message}: found ${found.length} (${found.slice(0, 5).join(", ")}), orders indexed ${orders}, polled ${JSON.stringify(polled)}, failures ${JSON.stringify(failures)}`);
  });
  expect(docs).toHaveLength(COUNT);
  for (const d of docs) expect(toMinor(d.total, d.currency)).toBe(totals.get(Number(d.externalRef.replace("#", ""))));
});
