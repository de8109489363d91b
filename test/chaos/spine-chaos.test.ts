// Chaos on the spine: duplicate storms, reordering, refunds first, crashes at each point, poison messages, 429 storms.
// Each case asserts the invariants: one document per (order, kind), nothing verified lost, totals equal.
import { createExecutionContext, createMessageBatch, env, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { addRoute, saveConnection } from "../../workers/connections";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import worker from "../../workers/main";
import type { OrderActor } from "../../workers/order-actor/order-actor";
import { SANDBOX, connect, eventually, inspect, post, sandbox } from "../helpers/mesh";
import { shopifyDelivery, shopifyOrder, shopifyRefund } from "../helpers/shopify-fixtures";

// A realm of its own, so the 429 storm below cannot slow other test files down.
const REALM = "4620816365257778";

beforeAll(async () => {
  await connect(["shopify"], ["quickbooks-online"], { config: { "quickbooks-online": { realmId: REALM } } });
});

const mainDocs = async (id: number) =>
  (await inspect("quickbooks-online")).filter((d) => (d.kind === "SalesReceipt" || d.kind === "Invoice") && d.externalRef === `#${id}`);
const creditDocs = async (id: number) =>
  (await inspect("quickbooks-online")).filter((d) => (d.kind === "RefundReceipt" || d.kind === "CreditMemo") && JSON.stringify(d.raw).includes(`:${id}`));

async function settled(id: number, expected: number, kinds = 1) {
  return eventually(async () => {
    const d = await mainDocs(id);
    return d.length >= kinds && toMinor(d[0]!.total, d[0]!.currency) === expected ? d : undefined;
  }, 25_000, `order ${id} in QuickBooks`);
}

function total(order: Record<string, unknown>): number {
  return toMinor(String(order.total_price), String(order.currency));
}

describe("chaos", () => {
  it("50 concurrent deliveries of one webhook yield one document", async () => {
    const id = 940001;
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    const d = await shopifyDelivery("orders/create", order);
    const statuses = await Promise.all(Array.from({ length: 50 }, () => post(d).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await settled(id, total(order));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mainDocs(id)).toHaveLength(1);
  });

  it("one order sent 20 times concurrently under different event ids yields one document", async () => {
    const id = 940002;
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    const deliveries = await Promise.all(Array.from({ length: 20 }, () => shopifyDelivery("orders/create", order)));
    await Promise.all(deliveries.map((d) => post(d)));
    await settled(id, total(order));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mainDocs(id)).toHaveLength(1);
  });

  it("orders/updated before orders/create: one document with the latest total", async () => {
    const id = 940003;
    const created = shopifyOrder(id, { updated_at: "2026-11-21T10:00:00Z" });
    const lines = (created.line_items as Array<Record<string, unknown>>).slice(0, 1);
    const updated = shopifyOrder(id, { updated_at: "2026-11-21T10:10:00Z" });
    await post(await shopifyDelivery("orders/updated", updated));
    await post(await shopifyDelivery("orders/create", { ...created, line_items: lines }));
    await settled(id, total(updated));
    await new Promise((r) => setTimeout(r, 1000));
    const docs = await mainDocs(id);
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total(updated));
  });

  it("a refund before its order: one sales document and one credit document", async () => {
    const id = 940004;
    await post(await shopifyDelivery("refunds/create", shopifyRefund(id, 8840004)));
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    await post(await shopifyDelivery("orders/create", order));
    await settled(id, total(order));
    const credits = await eventually(async () => ((await creditDocs(id)).length > 0 ? creditDocs(id) : undefined), 25_000, "credit document");
    expect(credits).toHaveLength(1);
    expect(toMinor(credits[0]!.total, credits[0]!.currency)).toBe(4194);
  });

  it("crash between the QuickBooks 2xx and the link write: the next pass adopts the document", async () => {
    const id = 940005;
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    await post(await shopifyDelivery("orders/create", order));
    const [doc] = await settled(id, total(order));
    // The vendor holds the document but our link was never written.
    await env.DB.prepare(`DELETE FROM links WHERE order_key = ?`).bind(`demo-shopify:${id}`).run();
    await env.ORDER_ACTOR.getByName(`demo-shopify:${id}`).resync();
    const link = await eventually(
      () => env.DB.prepare(`SELECT doc_id FROM links WHERE order_key = ? AND doc_key = 'order'`).bind(`demo-shopify:${id}`).first<{ doc_id: string }>().then((r) => r ?? undefined),
      25_000,
      "the link to be rewritten",
    );
    expect(link.doc_id).toBe(doc!.id);
    expect(await mainDocs(id)).toHaveLength(1);
  });

  it("crash between the actor's write and the queue send: the alarm sends it and the order arrives", async () => {
    const id = 940006;
    const stub = env.ORDER_ACTOR.getByName(`demo-shopify:${id}`);
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    await runInDurableObject(stub, async (instance: OrderActor) => {
      const holder = instance as unknown as { env: Env };
      holder.env = { ...holder.env, SYNC_QUEUE: { send: async () => { throw new Error("queue unavailable"); }, sendBatch: async () => { throw new Error("queue unavailable"); } } as unknown as Queue };
    });
    expect((await post(await shopifyDelivery("orders/create", order))).status).toBe(200);
    await eventually(async () => (await stub.pendingOutbox()) > 0, 5_000, "a pending outbox row");
    expect(await mainDocs(id)).toHaveLength(0);
    await runInDurableObject(stub, async (instance: OrderActor) => {
      (instance as unknown as { env: Env }).env = env;
    });
    await runDurableObjectAlarm(stub);
    expect(await stub.pendingOutbox()).toBe(0);
    await settled(id, total(order));
    expect(await mainDocs(id)).toHaveLength(1);
  });

  it("a poison message in a batch is recorded and acked; the good message beside it is synced", async () => {
    const id = 940007;
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    await post(await shopifyDelivery("orders/create", order));
    await settled(id, total(order));
    const snap = await env.ORDER_ACTOR.getByName(`demo-shopify:${id}`).snapshot();
    const batch = createMessageBatch("ordermesh-sync", [
      { id: "poison-1", timestamp: new Date(), attempts: 1, body: { type: "sync", orderKey: 42 } },
      { id: "good-1", timestamp: new Date(), attempts: 1, body: { type: "sync", orderKey: `demo-shopify:${id}`, destinationId: "demo-quickbooks-online", revision: snap!.revision } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["good-1", "poison-1"]);
    expect(result.retryMessages).toHaveLength(0);
    const failure = await env.DB.prepare(`SELECT message FROM failures WHERE order_key = 'poison:poison-1'`).first<{ message: string }>();
    expect(failure?.message).toContain("unreadable queue message");
    expect(await mainDocs(id)).toHaveLength(1);
  });

  it("a 429 storm: retried after Retry-After, no tight loop, one document", async () => {
    const id = 940008;
    await sandbox("/_faults/quickbooks-online", { rateLimited: 8, retryAfterSeconds: 1, match: REALM });
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    await post(await shopifyDelivery("orders/create", order));
    await settled(id, total(order));
    const faults = await sandbox<{ rateLimited?: number }>("/_faults/quickbooks-online");
    expect(faults.rateLimited ?? 0).toBe(0);
    await sandbox("/_faults/quickbooks-online", {});
    expect(await mainDocs(id)).toHaveLength(1);
  });
});

describe("a backlog", () => {
  it("40 orders at once to a company allowing one request at a time: one document each, sent in batches", async () => {
    // A company of its own, fed by a shop connection of its own: its tight limits touch no other test.
    const realm = `4620816${Date.now()}`;
    const shop = "backlog-shopify";
    const company = "backlog-quickbooks-online";
    const concurrency = 1;
    await sandbox(`/quickbooks-online/_sim/realms/${realm}/limits`, { concurrency });
    const demoShop = DEMO_CONNECTIONS.shopify!;
    const demoQbo = DEMO_CONNECTIONS["quickbooks-online"]!;
    await saveConnection(env, { ...demoShop, id: shop, slug: "shopify", baseUrl: `${SANDBOX}/shopify` });
    await saveConnection(env, {
      ...demoQbo,
      id: company,
      slug: "quickbooks-online",
      config: { ...demoQbo.config, realmId: realm, apiShare: { concurrency } },
      credentials: { ...demoQbo.credentials, refreshToken: `test-seed-${crypto.randomUUID()}` },
      baseUrl: `${SANDBOX}/quickbooks-online`,
    });
    await addRoute(env, shop, company);

    const orders = Array.from({ length: 40 }, (_, i) => shopifyOrder(950101 + i, { updated_at: new Date().toISOString() }));
    const statuses = await Promise.all(
      orders.map(async (o) => {
        const d = await shopifyDelivery("orders/create", o);
        return (await post({ ...d, url: d.url.replace("/demo-shopify", `/${shop}`) })).status;
      }),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);

    const inRealm = async () => (await inspect("quickbooks-online")).filter((d) => (d.raw as { realmId?: string }).realmId === realm && d.kind === "SalesReceipt");
    const docs = await eventually(async () => {
      const all = await inRealm();
      return orders.every((o) => all.some((d) => d.externalRef === o.name)) ? all : undefined;
    }, 25_000, "every order of the backlog in QuickBooks");
    for (const o of orders) {
      const mine = docs.filter((d) => d.externalRef === o.name);
      expect(mine, String(o.name)).toHaveLength(1);
      expect(toMinor(mine[0]!.total, mine[0]!.currency)).toBe(total(o));
    }

    const stats = await sandbox<Record<string, number>>("/_stats/quickbooks-online");
    const requests = stats[`requests:${realm}`] ?? 0;
    const operations = stats[`operations:${realm}`] ?? 0;
    // Batches carried the backlog: far fewer requests than operations, and the company's limit was never exceeded.
    expect(stats[`batches:${realm}`] ?? 0).toBeGreaterThan(0);
    expect(operations).toBeGreaterThan(orders.length);
    expect(requests * 2).toBeLessThan(operations);
    expect(stats[`throttled:${realm}`] ?? 0).toBe(0);
  });
});
