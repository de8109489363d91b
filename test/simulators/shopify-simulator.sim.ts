// The Shopify simulator: its webhooks verify with the connector, its lifecycle stays consistent to the cent, its API pages like Shopify.
import { describe, expect, it } from "vitest";
import { sum, toMinor } from "../../shared/model/money";
import type { CanonicalEvent } from "../../shared/model/order";
import { shopify } from "../../workers/connectors/sources/shopify";
import type { WebhookDelivery } from "../../workers/sandbox/kit";
import type { ShopifyOrder } from "../../workers/sandbox/simulators/shopify/records";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { webhookInput } from "../helpers/shopify-webhooks";

const webhook = shopify.webhook!;
const API = `${SANDBOX}/shopify/admin/api/2024-04`;

interface SimConfig {
  webhookSecret: string;
  accessToken: string;
  shopDomain: string;
}

const config = async (): Promise<SimConfig> => (await fetch(`${SANDBOX}/shopify/_sim/config`)).json();

async function lastSeq(): Promise<number> {
  const { deliveries } = await sandbox<{ deliveries: WebhookDelivery[] }>("/_webhooks/shopify");
  return deliveries.reduce((max, d) => Math.max(max, d.seq), 0);
}

/** Webhooks emitted after `after` whose body concerns order `orderId` (other tests share the simulator). */
async function webhooksFor(after: number, orderId: number): Promise<WebhookDelivery[]> {
  const { deliveries } = await sandbox<{ deliveries: WebhookDelivery[] }>(`/_webhooks/shopify?after=${after}`);
  return deliveries.filter((d) => {
    const body = JSON.parse(d.body) as { id?: number; order_id?: number };
    return d.headers["X-Shopify-Topic"] === "refunds/create" ? body.order_id === orderId : body.id === orderId;
  });
}

async function control<T = ShopifyOrder>(path: string, body: unknown = {}): Promise<{ status: number; json: T }> {
  const res = await fetch(`${SANDBOX}/shopify${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  return { status: res.status, json: (await res.json()) as T };
}

/** Verifies each delivery with the connector, as the mesh would, and normalizes it. */
async function receive(deliveries: WebhookDelivery[], secret: string): Promise<{ topic: string; eventId: string; events: CanonicalEvent[] }[]> {
  const out = [];
  for (const d of deliveries) {
    const input = webhookInput(d);
    expect(await webhook.verify(input, secret)).toEqual({ ok: true });
    const payload = webhook.parse(input);
    const id = webhook.identify(input, payload);
    const action = shopify.topics[id.topic];
    const events = action ? shopify.normalize({ topic: id.topic, payload, connectionId: "sim", receivedAt: new Date().toISOString(), config: {} }) : [];
    out.push({ topic: id.topic, eventId: id.eventId, events });
  }
  return out;
}

const orderOf = (r: { events: CanonicalEvent[] }) => {
  const e = r.events[0];
  if (e?.kind !== "order") throw new Error("expected an order event");
  return e.order;
};

describe("Shopify simulator lifecycle", () => {
  it("creates a random CAD order whose signed webhooks verify and normalize to its total", async () => {
    const { webhookSecret } = await config();
    const after = await lastSeq();
    const { status, json: order } = await control("/_sim/orders", { currency: "CAD", lines: 3, financialStatus: "paid", sourceName: "web", discount: true });
    expect(status).toBe(201);
    const got = await receive(await webhooksFor(after, order.id), webhookSecret);
    expect(got.map((g) => g.topic)).toEqual(["orders/create", "orders/paid"]);
    expect(new Set(got.map((g) => g.eventId)).size).toBe(2);
    const o = orderOf(got[0]!);
    expect(o.lines).toHaveLength(3);
    expect(o.totals.total).toBe(toMinor(order.total_price, "CAD"));
    expect(o.discounts[0]?.code).toBe("WELCOME10");
    expect(o.shipping).toHaveLength(1);
  });

  it("pays, fulfils, delivers, refunds part and then the rest, each change versioned and signed", async () => {
    const { webhookSecret } = await config();
    const { json: created } = await control("/_sim/orders", { currency: "USD", lines: 2, financialStatus: "pending", sourceName: "web" });
    const id = created.id;
    const after = await lastSeq();

    expect((await control(`/_sim/orders/${id}/pay`)).status).toBe(200);
    expect((await control(`/_sim/orders/${id}/fulfill`, { trackingCompany: "Canada Post", trackingNumber: "CP123" })).status).toBe(200);
    expect((await control(`/_sim/orders/${id}/deliver`)).status).toBe(200);
    const first = created.line_items[0]!;
    const partial = await control(`/_sim/orders/${id}/refund`, { lines: [{ id: first.id, quantity: 1 }], note: "bruised" });
    expect(partial.json.financial_status).toBe("partially_refunded");
    const rest = await control(`/_sim/orders/${id}/refund`);
    expect(rest.json.financial_status).toBe("refunded");

    const got = await receive(await webhooksFor(after, id), webhookSecret);
    expect(got.map((g) => g.topic)).toEqual([
      "orders/paid", "orders/updated",
      "orders/fulfilled", "orders/updated",
      "orders/updated",
      "refunds/create", "orders/updated",
      "refunds/create", "orders/updated",
    ]);
    const orders = got.filter((g) => g.topic.startsWith("orders/")).map(orderOf);
    // Every change moves the version forward, so none is mistaken for a stale replay.
    const versions = got.filter((g) => g.topic === "orders/updated").map((g) => orderOf(g).sourceVersion);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    expect(orders[2]).toMatchObject({ status: "shipped", fulfillmentStatus: "shipped" });
    expect(orders[2]!.fulfillments[0]).toMatchObject({ carrier: "Canada Post", trackingNumber: "CP123", status: "shipped" });
    expect(orders[4]).toMatchObject({ status: "delivered" });
    expect(orders.at(-1)).toMatchObject({ status: "refunded", financialStatus: "refunded" });

    // Refunds: each refund's money equals its lines + their tax + shipping (tax-exclusive USD), and all of it the order total.
    const refunds = got.filter((g) => g.topic === "refunds/create").map((g) => (g.events[0]?.kind === "refund" ? g.events[0].refund : undefined)!);
    for (const r of refunds) expect(r.total).toBe(sum(r.lines.map((l) => l.amount + l.tax)) + r.shipping + (r.tax - sum(r.lines.map((l) => l.tax))));
    expect(refunds[0]!.lines).toEqual([expect.objectContaining({ lineId: String(first.id), quantity: "1" })]);
    expect(sum(refunds.map((r) => r.total))).toBe(toMinor(created.total_price, "USD"));
  });

  it("cancels with orders/cancelled and refuses impossible changes in Shopify's error shape", async () => {
    const { webhookSecret } = await config();
    const { json: created } = await control("/_sim/orders", { currency: "JPY", lines: 1, financialStatus: "authorized", sourceName: "pos" });
    const after = await lastSeq();
    const cancelled = await control(`/_sim/orders/${created.id}/cancel`, { reason: "customer" });
    expect(cancelled.json).toMatchObject({ cancel_reason: "customer", financial_status: "voided" });
    const got = await receive(await webhooksFor(after, created.id), webhookSecret);
    expect(got.map((g) => g.topic)).toEqual(["orders/cancelled", "orders/updated"]);
    expect(orderOf(got[0]!)).toMatchObject({ status: "cancelled", financialStatus: "voided", channel: "store" });

    const again = await control<{ errors: unknown }>(`/_sim/orders/${created.id}/cancel`);
    expect(again.status).toBe(422);
    expect(again.json.errors).toBeDefined();
    expect((await control(`/_sim/orders/${created.id}/refund`)).status).toBe(422);
    expect((await control("/_sim/orders/1/pay")).status).toBe(404);
  });

  it("refuses to cancel a paid order with a fulfillment, as Shopify does, and leaves it and its webhooks as they were", async () => {
    const { json: created } = await control("/_sim/orders", { currency: "USD", lines: 2, financialStatus: "paid", sourceName: "web" });
    const first = created.line_items[0]!;
    // Partly fulfilled is enough (shopify.dev/changelog/fulfilled-and-partially-fulfilled-orders-can-no-longer-be-canceled-by-using-the-order-resource).
    expect((await control(`/_sim/orders/${created.id}/fulfill`, { lines: [{ id: first.id, quantity: 1 }] })).json.fulfillment_status).toBe("partial");
    const after = await lastSeq();
    const refused = await control<{ errors: { base: string[] } }>(`/_sim/orders/${created.id}/cancel`, { reason: "customer" });
    expect(refused.status).toBe(422);
    expect(refused.json.errors.base).toHaveLength(1);
    expect(refused.json.errors.base[0]).toMatch(/fulfill/);
    expect(await webhooksFor(after, created.id)).toEqual([]);
    const { accessToken } = await config();
    const res = await fetch(`${API}/orders/${created.id}.json`, { headers: { "X-Shopify-Access-Token": accessToken } });
    expect(((await res.json()) as { order: ShopifyOrder }).order).toMatchObject({ cancelled_at: null, financial_status: "paid", fulfillment_status: "partial" });
  });

  it("rejects a seed record without id, updated_at or line_items", async () => {
    const res = await fetch(`${SANDBOX}/_seed/shopify/orders`, { method: "POST", body: JSON.stringify({ id: 5, line_items: [] }) });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("updated_at");
  });
});

describe("Shopify simulator REST API", () => {
  it("answers a missing or wrong token with Shopify's 401", async () => {
    const res = await fetch(`${API}/orders.json`, { headers: { "X-Shopify-Access-Token": "nope" } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
  });

  it("pages by opaque page_info in the Link header, refuses filters beside it, and counts", async () => {
    const { accessToken } = await config();
    const auth = { "X-Shopify-Access-Token": accessToken };
    const made: ShopifyOrder[] = [];
    for (let i = 0; i < 3; i++) made.push((await control("/_sim/orders", { currency: "EUR", lines: 1, financialStatus: "paid" })).json);
    const ids = made.map((o) => o.id).join(",");

    const first = await fetch(`${API}/orders.json?status=any&ids=${ids}&limit=2&order=id%20asc`, { headers: auth });
    expect(first.headers.get("X-Shopify-Shop-Api-Call-Limit")).toMatch(/^\d+\/40$/);
    const link = first.headers.get("Link")!;
    expect(link).toMatch(/rel="next"/);
    const page1 = ((await first.json()) as { orders: ShopifyOrder[] }).orders.map((o) => o.id);
    const nextUrl = /<([^>]+)>; rel="next"/.exec(link)![1]!;
    expect([...new URL(nextUrl).searchParams.keys()].sort()).toEqual(["limit", "page_info"]);

    const second = await fetch(nextUrl, { headers: auth });
    const page2 = ((await second.json()) as { orders: ShopifyOrder[] }).orders.map((o) => o.id);
    expect([...page1, ...page2]).toEqual(made.map((o) => o.id).sort((a, b) => a - b));
    expect(second.headers.get("Link")).toMatch(/rel="previous"/);
    expect(second.headers.get("Link")).not.toMatch(/rel="next"/);

    const mixed = await fetch(`${nextUrl}&status=any`, { headers: auth });
    expect(mixed.status).toBe(400);

    const count = (await (await fetch(`${API}/orders/count.json?status=any&ids=${ids}`, { headers: auth })).json()) as { count: number };
    expect(count.count).toBe(3);
    const refunds = (await (await fetch(`${API}/orders/${made[0]!.id}/refunds.json`, { headers: auth })).json()) as { refunds: unknown[] };
    expect(refunds.refunds).toEqual([]);
  });
});
