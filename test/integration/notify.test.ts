// Status-change notifications: the OrderActor queues one per transition, the notify consumer posts it to the retailer's
// gateway (NOTIFY_WEBHOOK_URL → the sandbox's notify-gateway in tests), retries a failing gateway, logs without one.
import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handleNotifyBatch } from "../../workers/notify/notify";
import type { NotifyMessage } from "../../workers/order-actor/messages";
import { connect, eventually, inspect, post, sandbox } from "../helpers/mesh";
import { shopifyDelivery } from "../helpers/shopify-fixtures";
import { shopifyResponse } from "../helpers/specs";

const run = `${Date.now() % 1e6}${Math.floor(Math.random() * 1e3)}`;

async function deliver(topic: string, order: Record<string, unknown>): Promise<Response> {
  return post(await shopifyDelivery(topic, order));
}

/** A queue batch of these bodies whose ack/retry calls are recorded per message. */
function batchOf(bodies: unknown[]) {
  const calls: Array<{ id: string; call: "ack" | "retry"; delaySeconds?: number }> = [];
  const messages = bodies.map((body, i) => ({
    id: `m${i}`, timestamp: new Date(), body, attempts: 2,
    ack: () => calls.push({ id: `m${i}`, call: "ack" }),
    retry: (o?: { delaySeconds?: number }) => calls.push({ id: `m${i}`, call: "retry", delaySeconds: o?.delaySeconds }),
  }));
  return { batch: { queue: "ordermesh-notify", messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>, calls };
}

const message = (orderNumber: string, from: string, to: string): NotifyMessage => ({
  orderKey: `demo-shopify:${orderNumber}`, orderNumber, from, to, customerEmail: "amina@example.com", at: new Date().toISOString(),
});

beforeAll(async () => {
  await connect(["shopify"], []);
});

afterEach(() => vi.restoreAllMocks());

describe("notifications", () => {
  it("posts the customer's 'shipped' notification to the gateway when a paid order is fulfilled, once", async () => {
    const { order } = shopifyResponse<{ order: Record<string, unknown> }>("order.test_8.GET.json");
    const id = Number(`77${run}`);
    const name = `#N${run}`;
    const paid = { ...order, id, name, financial_status: "paid", fulfillment_status: null, fulfillments: [], refunds: [], updated_at: "2026-11-20T10:00:00Z" };
    expect((await deliver("orders/create", paid)).status).toBe(200);
    const shipped = { ...paid, fulfillment_status: "fulfilled", updated_at: "2026-11-20T12:00:00Z", fulfillments: [{ id: 1, status: "success", tracking_number: "1Z999", created_at: "2026-11-20T12:00:00Z", line_items: order.line_items }] };
    const res = await deliver("orders/fulfilled", shipped);
    expect(await res.json()).toMatchObject({ status: "applied", orderStatus: "shipped" });
    // The same fulfilment delivered again changes nothing and notifies nobody twice.
    expect((await deliver("orders/fulfilled", shipped)).status).toBe(200);
    const mine = async () => (await inspect("notify-gateway")).filter((d) => d.externalRef === name).map((d) => d.raw);
    const sent = await eventually(async () => ((await mine()).length > 0 ? mine() : undefined), 15_000, "the shipped notification");
    const email = (order.email ?? (order.customer as { email?: string } | undefined)?.email) as string | undefined;
    expect(sent).toEqual([expect.objectContaining({ orderKey: `demo-shopify:${id}`, orderNumber: name, status: "shipped", previous: "paid", text: `Order ${name} has shipped.`, ...(email ? { customerEmail: email } : {}) })]);
    // The order's first state is not a change: creating the paid order notified nothing.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await mine()).toHaveLength(1);
  });

  it("acks what the gateway took, retries with backoff what it refused, and drops unreadable or template-less messages", async () => {
    const ok = message(`A${run}`, "paid", "delivered");
    const refused = message(`B${run}`, "shipped", "returned");
    await sandbox("/_faults/notify-gateway", { match: refused.orderKey, serverErrors: 1 });
    const { batch, calls } = batchOf([ok, refused, { orderKey: 42 }, message(`C${run}`, "new", "packing-unknown")]);
    await handleNotifyBatch(batch, env);
    expect(calls).toEqual([
      { id: "m0", call: "ack" },
      { id: "m1", call: "retry", delaySeconds: 4 },
      { id: "m2", call: "ack" },
      { id: "m3", call: "ack" },
    ]);
    const held = (await inspect("notify-gateway")).map((d) => d.raw as { orderNumber: string; text: string });
    expect(held.filter((m) => m.orderNumber === ok.orderNumber).map((m) => m.text)).toEqual([`Order ${ok.orderNumber} was delivered.`]);
    expect(held.some((m) => m.orderNumber === refused.orderNumber || m.orderNumber === `C${run}`)).toBe(false);
    // The redelivery (the fault is used up) goes through.
    const again = batchOf([refused]);
    await handleNotifyBatch(again.batch, env);
    expect(again.calls).toEqual([{ id: "m0", call: "ack" }]);
    expect((await inspect("notify-gateway")).filter((d) => d.externalRef === refused.orderNumber)).toHaveLength(1);
  });

  it("without a gateway logs the batch's notifications on one line and acks them", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const { batch, calls } = batchOf([message(`D${run}`, "paid", "shipped"), message(`E${run}`, "shipped", "delivered")]);
    await handleNotifyBatch(batch, { ...env, NOTIFY_WEBHOOK_URL: "" });
    expect(calls.map((c) => c.call)).toEqual(["ack", "ack"]);
    expect(log).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(log.mock.calls[0]![0])) as { notifications: Array<{ text: string }> };
    expect(line.notifications.map((n) => n.text)).toEqual([`Order D${run} has shipped.`, `Order E${run} was delivered.`]);
    expect((await inspect("notify-gateway")).some((d) => d.externalRef === `D${run}`)).toBe(false);
  });
});
