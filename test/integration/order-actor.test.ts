// The OrderActor through the real edge: out-of-order updates, refunds before orders, status moves, the outbox.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { OrderActor } from "../../workers/order-actor/order-actor";
import { connect, post } from "../helpers/mesh";
import { shopifyDelivery, shopifyOrder, shopifyRefund } from "../helpers/shopify-fixtures";

beforeAll(async () => {
  await connect(["shopify"], []);
});

async function send(topic: string, payload: Record<string, unknown>) {
  const res = await post(await shopifyDelivery(topic, payload));
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; revision: number; orderStatus: string };
}

describe("OrderActor", () => {
  it("orders/updated before orders/create: the later version wins, the late create is logged and not applied", async () => {
    const id = 920001;
    const updated = shopifyOrder(id, { updated_at: "2026-11-20T10:05:00Z", fulfillment_status: "fulfilled", note: "second" });
    const created = shopifyOrder(id, { updated_at: "2026-11-20T10:00:00Z", note: "first" });
    expect((await send("orders/updated", updated)).status).toBe("applied");
    expect((await send("orders/create", created)).status).toBe("stale");
    const t = await env.ORDER_ACTOR.getByName(`demo-shopify:${id}`).timeline();
    expect(t.snapshot?.order?.note).toBe("second");
    expect(t.snapshot?.status).toBe("shipped");
    expect(t.entries.some((e) => e.summary.includes("late order.created"))).toBe(true);
  });

  it("never moves a status backwards (a late orders/paid after shipping keeps shipped)", async () => {
    const id = 920002;
    await send("orders/fulfilled", shopifyOrder(id, { updated_at: "2026-11-20T11:00:00Z", fulfillment_status: "fulfilled" }));
    const r = await send("orders/paid", shopifyOrder(id, { updated_at: "2026-11-20T11:00:00Z", note: "same version, other topic" }));
    expect(r.orderStatus).toBe("shipped");
  });

  it("a refund that arrives before its order waits, then joins the order", async () => {
    const id = 920003;
    const refund = await send("refunds/create", shopifyRefund(id, 7720003));
    expect(refund.status).toBe("waiting");
    expect((await env.ORDER_ACTOR.getByName(`demo-shopify:${id}`).snapshot())?.order).toBeNull();
    await send("orders/create", shopifyOrder(id, { updated_at: "2026-11-20T12:00:00Z" }));
    const snap = await env.ORDER_ACTOR.getByName(`demo-shopify:${id}`).snapshot();
    expect(snap?.order?.refunds.map((r) => r.id)).toContain("7720003");
    expect(snap?.order?.refunds.find((r) => r.id === "7720003")?.total).toBe(4194);
  });

  it("a cancelled order stays cancelled", async () => {
    const id = 920004;
    await send("orders/cancelled", shopifyOrder(id, { updated_at: "2026-11-20T13:00:00Z", cancelled_at: "2026-11-20T13:00:00Z", cancel_reason: "customer" }));
    const r = await send("orders/fulfilled", shopifyOrder(id, { updated_at: "2026-11-20T13:05:00Z", fulfillment_status: "fulfilled", cancelled_at: "2026-11-20T13:00:00Z" }));
    expect(r.orderStatus).toBe("cancelled");
  });

  it("keeps an intact hash chain and detects tampering", async () => {
    const id = 920005;
    await send("orders/create", shopifyOrder(id, { updated_at: "2026-11-20T14:00:00Z" }));
    await send("orders/updated", shopifyOrder(id, { updated_at: "2026-11-20T14:01:00Z" }));
    const stub = env.ORDER_ACTOR.getByName(`demo-shopify:${id}`);
    expect(await stub.verifyChain()).toBe(true);
    await runInDurableObject(stub, async (_instance: OrderActor, state) => {
      state.storage.sql.exec(`UPDATE events SET topic = 'orders/cancelled' WHERE seq = 1`);
    });
    expect(await stub.verifyChain()).toBe(false);
  });

  it("outbox: a failed queue send leaves the row pending and the alarm re-sends it", async () => {
    await connect(["shopify"], ["quickbooks-online"]).catch(() => undefined);
    const id = 920006;
    const stub = env.ORDER_ACTOR.getByName(`demo-shopify:${id}`);
    const delivery = await shopifyDelivery("orders/create", shopifyOrder(id, { updated_at: "2026-11-20T15:00:00Z" }));
    // Crash between the actor's write and the queue send: the send throws.
    await runInDurableObject(stub, async (instance: OrderActor) => {
      const real = (instance as unknown as { env: Env }).env;
      (instance as unknown as { env: Env }).env = { ...real, SYNC_QUEUE: { send: async () => { throw new Error("queue down"); }, sendBatch: async () => { throw new Error("queue down"); } } as unknown as Queue };
    });
    expect((await post(delivery)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(await stub.pendingOutbox()).toBeGreaterThan(0);
    await runInDurableObject(stub, async (instance: OrderActor) => {
      (instance as unknown as { env: Env }).env = env;
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.pendingOutbox()).toBe(0);
  });

  it("outbox: the alarm is armed once for a burst of events and fires as a no-op once the sends went through", async () => {
    await connect(["shopify"], ["quickbooks-online"]).catch(() => undefined);
    const id = 920007;
    const stub = env.ORDER_ACTOR.getByName(`demo-shopify:${id}`);
    const alarmAt = () => runInDurableObject(stub, (_i: OrderActor, state) => state.storage.getAlarm());
    expect((await post(await shopifyDelivery("orders/create", shopifyOrder(id, { updated_at: "2026-11-20T16:00:00Z" })))).status).toBe(200);
    await expect.poll(() => stub.pendingOutbox()).toBe(0);
    const first = await alarmAt();
    expect(first).not.toBeNull();
    // A second event of the burst queues and sends its rows without setting the alarm again.
    const paid = await send("orders/paid", shopifyOrder(id, { updated_at: "2026-11-20T16:01:00Z", financial_status: "paid" }));
    expect(paid.status).toBe("applied");
    await expect.poll(() => stub.pendingOutbox()).toBe(0);
    expect(await alarmAt()).toBe(first);
    // It fires once, finds nothing to send and is not armed again.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.pendingOutbox()).toBe(0);
    expect(await alarmAt()).toBeNull();
  });
});
