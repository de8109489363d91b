// Shopify passes the source conformance suite on Shopify's own fixtures, and fetches and polls its simulator.
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { formatMinor, sum, toMinor } from "../../shared/model/money";
import { shopify } from "../../workers/connectors/sources/shopify";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { signShopifyWebhook } from "../helpers/shopify-webhooks";
import { shopifyFixture, shopifyFullOrders, shopifyHmacVector, shopifyInventoryLevels, shopifyRefunds, type Json } from "../helpers/specs-shopify";
import { describeSourceConformance, type SourceFixture } from "./source-suite";

const SECRET = "conformance-shopify-secret";
const SHOP = "conformance-shop.myshopify.com";
const ORDER_TOPICS = ["orders/create", "orders/updated", "orders/paid", "orders/fulfilled", "orders/cancelled"];

/** What the customer got back in a Refund, by Shopify's own transactions. */
function refundedByTransactions(refund: Json): { amount: string; currency: string } {
  const txs = (refund.transactions as Json[]).filter((t) => t.kind === "refund" && t.status === "success");
  const currency = String(txs[0]?.currency);
  return { amount: formatMinor(sum(txs.map((t) => toMinor(String(t.amount), currency))), currency), currency };
}

const orders = shopifyFullOrders();
const refunds = shopifyRefunds();
const levels = shopifyInventoryLevels();

const fixtures: SourceFixture[] = [
  // Each order fixture is delivered under one of the order topics in turn, so every topic meets a real order.
  ...orders.map(({ name, order }, i) => ({
    name,
    topic: ORDER_TOPICS[i % ORDER_TOPICS.length]!,
    body: JSON.stringify(order),
    vendorTotal: { amount: String(order.total_price), currency: String(order.currency) },
  })),
  ...refunds.map(({ name, refund }) => ({ name, topic: "refunds/create", body: JSON.stringify(refund), vendorTotal: refundedByTransactions(refund) })),
  ...levels.map(({ name, level }) => ({ name, topic: "inventory_levels/update", body: JSON.stringify(level) })),
];

describe("Shopify fixtures", () => {
  it("include every full order, refund and inventory level Shopify publishes for 2024-04", () => {
    const names = orders.map((o) => o.name);
    for (const full of ["order.test_1.GET.json", "order.test_2.GET.json", "order.test_4.GET.json", "order.test_5.GET.json", "order.test_6.GET.json", "order.test_8.GET.json"]) {
      expect(names).toContain(full);
    }
    // Requested with `fields=`: trimmed orders, not webhook bodies.
    expect(names).not.toContain("order.test_3.GET.json");
    expect(names).not.toContain("order.test_7.GET.json");
    expect(refunds.length).toBeGreaterThanOrEqual(4);
    expect(levels.length).toBeGreaterThan(0);
  });
});

const vector = shopifyHmacVector();

describeSourceConformance({
  connector: shopify,
  secret: SECRET,
  sign: (body, { topic, now, eventId }) =>
    signShopifyWebhook({ url: "https://mesh.example/webhooks/shopify/c1", secret: SECRET, topic, shopDomain: SHOP, body, eventId, triggeredAt: now }),
  fixtures,
  vectors: [
    {
      name: "shopify-api-js validate.test.ts",
      secret: vector.secret,
      headers: { ...vector.other_headers_in_test, [vector.header]: vector.expected },
      body: vector.raw_body,
    },
  ],
  config: { shopDomain: SHOP },
});

// ---------------------------------------------------------------- against the simulator

const TOKEN = "demo-shopify-token";

function ctx(accessToken = TOKEN, pollPageSize?: number) {
  return connectorContext(shopify, {
    config: { shopDomain: "demo-shop.myshopify.com", ...(pollPageSize ? { pollPageSize } : {}) },
    credentials: { accessToken, webhookSecret: "demo-shopify-secret" },
  });
}

/** A vendor-written order (order.test_8) re-keyed so this run's seeds never collide with other tests' records. */
function seedRecord(id: number, updatedAt: string): Json {
  const { order } = shopifyFixture<{ order: Json }>("order.test_8.GET.json");
  return { ...order, id, name: `#C${id % 100000}`, updated_at: updatedAt };
}

describe("Shopify fetchOrder and poll against the simulator", () => {
  // A distinct id block and a far-future updated_at window keep these records apart from other files' seeds.
  const base = 7_000_000_000_000 + Math.floor(Math.random() * 1e6) * 10;
  const t0 = Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 1e6) * 3_600_000;
  const seeded = [0, 1, 2].map((k) => ({ id: base + k, updatedAt: new Date(t0 + k * 10 * 60_000).toISOString() }));

  it("seeds three orders and polls every page, getting each exactly once", async () => {
    for (const s of seeded) await sandbox("/_seed/shopify/orders", seedRecord(s.id, s.updatedAt));
    // A record in the window that cannot be normalized (no currency) is skipped, not allowed to stall the sweep.
    const { currency: _none, ...broken } = seedRecord(base + 9, new Date(t0 + 5 * 60_000).toISOString());
    await sandbox("/_seed/shopify/orders", broken);
    const c = ctx(TOKEN, 2);
    let cursor: string | null = JSON.stringify({ updatedAtMin: new Date(t0).toISOString() });
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      const r = await shopify.poll!(c, cursor);
      pages++;
      seen.push(...r.events.map((e) => (e.kind === "order" ? e.order.sourceOrderId : "")));
      cursor = r.cursor;
      if (!r.hasMore) break;
      expect(pages).toBeLessThan(50);
    }
    for (const s of seeded) expect(seen.filter((id) => id === String(s.id))).toHaveLength(1);
    expect(seen).not.toContain(String(base + 9));
    expect(new Set(seen).size).toBe(seen.length);
    expect(pages).toBeGreaterThan(1);

    // The sweep ends 5 minutes before the newest updated_at it saw, so the next sweep re-reads only the last order.
    const newest = Math.max(...seeded.map((s) => Date.parse(s.updatedAt)));
    expect(Date.parse(JSON.parse(cursor!).updatedAtMin)).toBe(newest - 5 * 60_000);
    const again = await shopify.poll!(c, cursor);
    const ids = again.events.map((e) => (e.kind === "order" ? e.order.sourceOrderId : ""));
    expect(ids).toContain(String(seeded[2]!.id));
    expect(ids).not.toContain(String(seeded[0]!.id));
    expect(ids).not.toContain(String(seeded[1]!.id));
  });

  it("fetches one order as the canonical snapshot, total to the cent", async () => {
    const record = seedRecord(base + 5, new Date(t0).toISOString());
    await sandbox("/_seed/shopify/orders", record);
    const [event] = await shopify.fetchOrder!(ctx(), String(base + 5));
    expect(event?.kind).toBe("order");
    if (event?.kind !== "order") return;
    expect(event.order.sourceOrderId).toBe(String(base + 5));
    expect(event.order.totals.total).toBe(toMinor(String(record.total_price), String(record.currency)));
  });

  it("turns a wrong access token into ConnectorError kind auth, keeping Shopify's message", async () => {
    const err = await shopify.fetchOrder!(ctx("not-the-token"), String(base)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe("auth");
    expect((err as ConnectorError).message).toContain("Invalid API key or access token");
    const pollErr = await shopify.poll!(ctx("not-the-token"), null).catch((e: unknown) => e);
    expect((pollErr as ConnectorError).kind).toBe("auth");
  });

  it("reports an unknown order as a permanent error", async () => {
    const err = await shopify.fetchOrder!(ctx(), "1").catch((e: unknown) => e);
    expect((err as ConnectorError).kind).toBe("permanent");
    expect((err as ConnectorError).status).toBe(404);
  });
});
