// The Shopify connector on its own: normalization of Shopify's examples to the cent, webhook HMAC/identity, REST edges.
import { describe, expect, it } from "vitest";
import { ConnectorError, NormalizeError } from "../../shared/connector/errors";
import { sum, toMinor } from "../../shared/model/money";
import { checkOrderTotals } from "../../shared/model/totals";
import type { CanonicalEvent, Order } from "../../shared/model/order";
import { shopify } from "../../workers/connectors/sources/shopify";
import { generateOrder } from "../../workers/sandbox/simulators/shopify/generate";
import { seededRandom } from "../../workers/sandbox/kit";
import { shopifyHmac, signShopifyWebhook, webhookInput } from "../helpers/shopify-webhooks";
import type { HttpResponse } from "../../shared/connector/http";
import { nextPageInfo } from "../../workers/connectors/sources/shopify/poll";
import { shopifySimulator } from "../../workers/sandbox/simulators/shopify";
import type { SimContext } from "../../workers/sandbox/kit";
import { shopifyFixture, shopifyHmacVector, shopifyInventoryLevels, shopifyRefunds, type Json } from "../helpers/specs-shopify";

const fixtureOrder = (): Json => shopifyFixture<{ order: Json }>("order.test_8.GET.json").order;

function normalize(topic: string, payload: unknown): CanonicalEvent[] {
  return shopify.normalize({ topic, payload, connectionId: "c1", receivedAt: new Date().toISOString(), config: {} });
}

function order(payload: unknown, topic = "orders/updated"): Order {
  const [e] = normalize(topic, payload);
  if (e?.kind !== "order") throw new Error("expected an order event");
  return e.order;
}

const m = (amount: unknown, currency = "USD") => toMinor(String(amount), currency);

describe("Shopify order normalization (order.test_8, the REST reference order)", () => {
  const raw = fixtureOrder();
  const o = order(raw);
  const rawLines = raw.line_items as Json[];

  it("keeps each line's price, quantity, discounts and tax lines exactly", () => {
    expect(o.lines).toHaveLength(rawLines.length);
    rawLines.forEach((l, i) => {
      const line = o.lines[i]!;
      expect(line.id).toBe(String(l.id));
      expect(line.sku).toBe(l.sku);
      expect(line.quantity).toBe(String(l.quantity));
      expect(line.unitPrice).toBe(m(l.price));
      expect(line.grossAmount).toBe(m(l.price) * Number(l.quantity));
      expect(line.discounts.map((d) => d.amount)).toEqual((l.discount_allocations as Json[]).map((d) => m(d.amount)));
      expect(line.taxes.map((t) => [t.title, t.rate, t.amount])).toEqual((l.tax_lines as Json[]).map((t) => [t.title, String(t.rate), m(t.price)]));
    });
    expect(o.discounts.map((d) => d.code)).toEqual((raw.discount_codes as Json[]).map((d) => d.code));
  });

  it("keeps Shopify's totals and proves the parts add up to total_price", () => {
    expect(o.totals).toEqual({
      subtotal: m(raw.subtotal_price),
      discounts: m(raw.total_discounts),
      shipping: m((raw.total_shipping_price_set as { shop_money: Json }).shop_money.amount),
      tax: m(raw.total_tax),
      tip: m(raw.total_tip_received),
      total: m(raw.total_price),
    });
    expect(checkOrderTotals(o).ok).toBe(true);
  });

  it("maps identity, channel, customer, address, timestamps and version", () => {
    expect(o.sourceOrderId).toBe(String(raw.id));
    expect(o.orderNumber).toBe(raw.name);
    expect(o.channel).toBe("web");
    expect(o.customer?.email).toBe((raw.customer as Json).email);
    expect(o.shippingAddress?.postalCode).toBe((raw.shipping_address as Json).zip);
    expect(o.createdAt).toBe(new Date(String(raw.created_at)).toISOString());
    expect(o.sourceVersion).toBe(Date.parse(String(raw.updated_at)));
    expect(o.taxesIncluded).toBe(raw.taxes_included);
  });

  it("records the paid order as one sale under its gateway and keeps its refund to the cent", () => {
    expect(o.financialStatus).toBe(raw.financial_status);
    expect(o.status).toBe("paid"); // partially refunded, unfulfilled: paid for, nothing shipped
    expect(o.payments).toHaveLength(1);
    expect(o.payments[0]).toMatchObject({ method: (raw.payment_gateway_names as string[])[0], amount: m(raw.total_price), kind: "sale" });
    const rawRefund = (raw.refunds as Json[])[0]!;
    const refund = o.refunds[0]!;
    const rlis = rawRefund.refund_line_items as Json[];
    expect(refund.lines.map((l) => [l.lineId, l.amount, l.tax, l.restock])).toEqual(
      rlis.map((l) => [String(l.line_item_id), m((l.subtotal_set as { shop_money: Json }).shop_money.amount), m((l.total_tax_set as { shop_money: Json }).shop_money.amount), true]),
    );
    expect(refund.total).toBe(sum((rawRefund.transactions as Json[]).map((t) => m(t.amount))));
    expect(refund.reason).toBe(rawRefund.note);
  });

  it("keeps fulfillments with their tracking (a failed fulfillment is not a shipment)", () => {
    const f = (raw.fulfillments as Json[])[0]!;
    expect(o.fulfillments[0]).toMatchObject({ id: String(f.id), status: "cancelled", carrier: f.tracking_company, trackingNumber: f.tracking_number });
    expect(o.fulfillmentStatus).toBe("unfulfilled");
  });
});

describe("Shopify order statuses", () => {
  const variant = (patch: Json) => order({ ...fixtureOrder(), ...patch });
  const shipped = { fulfillment_status: "fulfilled", fulfillments: [{ id: 1, status: "success", shipment_status: null, line_items: [] }] };

  it("cancelled_at wins over everything", () => {
    expect(variant({ ...shipped, cancelled_at: "2024-04-02T10:00:00-05:00", cancel_reason: "fraud" })).toMatchObject({ status: "cancelled", cancelReason: "fraud" });
  });
  it("refunded, shipped, delivered, packing, paid, pending", () => {
    expect(variant({ financial_status: "refunded" }).status).toBe("refunded");
    expect(variant({ financial_status: "paid", ...shipped }).status).toBe("shipped");
    const delivered = variant({ financial_status: "paid", ...shipped, fulfillments: [{ ...shipped.fulfillments[0], shipment_status: "delivered" }] });
    expect([delivered.status, delivered.fulfillmentStatus, delivered.fulfillments[0]!.status]).toEqual(["delivered", "delivered", "delivered"]);
    expect(variant({ financial_status: "paid", fulfillment_status: "partial" }).status).toBe("packing");
    expect(variant({ financial_status: "paid" }).status).toBe("paid");
    const pending = variant({ financial_status: "pending" });
    expect([pending.status, pending.payments]).toEqual(["pending", []]);
  });
  it("channel from source_name: pos is a store till, a numeric app id a marketplace", () => {
    expect(variant({ source_name: "pos", location_id: 655441491 })).toMatchObject({ channel: "store", locationId: "655441491" });
    expect(variant({ source_name: "755357713" }).channel).toBe("marketplace");
    expect(variant({ source_name: "shopify_draft_order" }).channel).toBe("other");
  });
});

describe("Shopify normalization rejects what it cannot account for", () => {
  it("a total_price one cent off its parts", () => {
    const raw = fixtureOrder();
    raw.total_price = "598.95";
    expect(() => order(raw)).toThrow(NormalizeError);
    expect(() => order(raw)).toThrow(`source total is ${m(raw.total_price)}`);
  });
  it("an amount finer than the currency allows", () => {
    const raw = fixtureOrder();
    (raw.line_items as Json[])[0]!.price = "199.001";
    expect(() => order(raw)).toThrow(/line_items\[0\]\.price/);
  });
  it("a payload that is not a REST Order", () => {
    const raw = fixtureOrder();
    delete raw.line_items;
    expect(() => order(raw)).toThrow(/line_items/);
    expect(() => order({ ...fixtureOrder(), currency: "usd" })).toThrow(NormalizeError);
  });
  it("an unmapped topic", () => {
    expect(() => normalize("products/create", {})).toThrow(NormalizeError);
  });
});

describe("Shopify refunds/create and inventory_levels/update", () => {
  it("reads JSON-number subtotals exactly when no *_set twin is present", () => {
    const { refund } = shopifyRefunds().find((r) => r.name.startsWith("refund.test_4"))!;
    for (const l of refund.refund_line_items as Json[]) {
      delete l.subtotal_set;
      delete l.total_tax_set;
    }
    const [e] = normalize("refunds/create", refund);
    if (e?.kind !== "refund") throw new Error("expected a refund event");
    expect(e.sourceOrderId).toBe(String(refund.order_id));
    expect(e.refund.lines.map((l) => [l.amount, l.tax])).toEqual((refund.refund_line_items as Json[]).map((l) => [m(l.subtotal), m(l.total_tax)]));
  });

  it("refuses a refund paid out in another currency than the order's shop currency", () => {
    const raw = fixtureOrder();
    const tx = ((raw.refunds as Json[])[0]!.transactions as Json[])[0]!;
    tx.currency = "EUR";
    expect(() => order(raw)).toThrow(/in EUR, the order in USD/);
  });

  it("turns a shipping_refund adjustment into refunded shipping", () => {
    const { refund } = shopifyRefunds().find((r) => r.name.startsWith("refund.test_3"))!;
    const adj = (refund.order_adjustments as Json[])[0]!;
    const [e] = normalize("refunds/create", refund);
    if (e?.kind !== "refund") throw new Error("expected a refund event");
    expect(adj.kind).toBe("shipping_refund");
    expect(e.refund.shipping).toBe(-m(adj.amount));
    expect(e.refund.total).toBe(m((refund.transactions as Json[])[0]!.amount));
  });

  it("keys stock by inventory item and location", () => {
    const { level } = shopifyInventoryLevels()[0]!;
    const [e] = normalize("inventory_levels/update", level);
    expect(e).toMatchObject({ kind: "stock", stock: { sku: String(level.inventory_item_id), locationId: String(level.location_id), available: String(level.available) } });
    expect(normalize("inventory_levels/update", { ...level, available: null })).toEqual([]);
  });
});

describe("simulator-generated orders normalize to the cent in every market", () => {
  it("holds for 120 random orders across currencies, tax-inclusive and exclusive", () => {
    let next = 1;
    const ids = { nextId: () => next++ };
    for (let seed = 1; seed <= 120; seed++) {
      const currency = ["USD", "CAD", "EUR", "GBP", "JPY", "KWD"][seed % 6]!;
      const raw = generateOrder({ currency, taxesIncluded: Math.floor(seed / 6) % 2 === 0 }, seededRandom(seed), ids, new Date());
      const o = order(raw, "orders/create");
      expect(o.totals.total).toBe(toMinor(raw.total_price, currency));
      expect(o.totals.tax).toBe(sum(o.lines.flatMap((l) => l.taxes.map((t) => t.amount))) + sum(o.shipping.flatMap((s) => s.taxes.map((t) => t.amount))));
    }
  });
});

const webhook = shopify.webhook!;
const SECRET = "unit-secret";

const sign = (topic: string, body: string, extra: { eventId?: string; webhookId?: string } = {}) =>
  signShopifyWebhook({ url: "https://mesh.example/webhooks/shopify/c1", secret: SECRET, topic, shopDomain: "unit.myshopify.com", body, ...extra });

describe("Shopify HMAC", () => {
  const v = shopifyHmacVector();

  it("reproduces shopify-api-js's test vector", async () => {
    expect(await shopifyHmac(v.secret, v.raw_body)).toBe(v.expected);
  });

  it("verifies the vector's request with its headers, and rejects it with one header missing", async () => {
    const headers = { ...v.other_headers_in_test, [v.header]: v.expected };
    const d = { url: "https://mesh.example/", headers, body: v.raw_body };
    expect(await webhook.verify(webhookInput(d), v.secret)).toEqual({ ok: true });
    const { "X-Shopify-Webhook-Id": _dropped, ...rest } = headers;
    expect((await webhook.verify(webhookInput({ ...d, headers: rest }), v.secret)).ok).toBe(false);
  });

  it("reads header names case-insensitively", async () => {
    const d = await sign("orders/create", '{"id":1}');
    const lower = Object.fromEntries(Object.entries(d.headers).map(([k, val]) => [k.toLowerCase(), val]));
    expect(await webhook.verify(webhookInput({ ...d, headers: lower }), SECRET)).toEqual({ ok: true });
  });

  it("rejects the same body re-serialized (signatures cover raw bytes, not JSON meaning)", async () => {
    const body = '{"id": 1, "name": "#1001"}';
    const d = await sign("orders/create", body);
    expect((await webhook.verify(webhookInput({ ...d, body: JSON.stringify(JSON.parse(body)) }), SECRET)).ok).toBe(false);
  });
});

describe("Shopify identify", () => {
  const order = shopifyFixture<{ order: Json }>("order.test_8.GET.json").order;

  it("dedups on X-Shopify-Event-Id and routes order topics by the order id", async () => {
    const body = JSON.stringify(order);
    const a = await sign("orders/paid", body, { eventId: "evt-1", webhookId: "delivery-1" });
    const b = await sign("orders/paid", body, { eventId: "evt-1", webhookId: "delivery-2" });
    const ia = webhook.identify(webhookInput(a), webhook.parse(webhookInput(a)));
    const ib = webhook.identify(webhookInput(b), webhook.parse(webhookInput(b)));
    expect(ia).toMatchObject({ eventId: "evt-1", topic: "orders/paid", sourceOrderId: String(order.id), occurredAt: a.headers["X-Shopify-Triggered-At"] });
    expect(ib.eventId).toBe(ia.eventId);
  });

  it("falls back to X-Shopify-Webhook-Id when no event id is sent", async () => {
    const d = await sign("orders/create", JSON.stringify(order), { webhookId: "delivery-9" });
    const { "X-Shopify-Event-Id": _gone, ...headers } = d.headers;
    const input = webhookInput({ ...d, headers });
    expect(webhook.identify(input, webhook.parse(input)).eventId).toBe("delivery-9");
  });

  it("routes refunds by order_id and stock by inventory item @ location", async () => {
    const refund = shopifyFixture<{ refund: Json }>("refund.test_2.POST.json").refund;
    const r = await sign("refunds/create", JSON.stringify(refund));
    expect(webhook.identify(webhookInput(r), refund).sourceOrderId).toBe(String(refund.order_id));
    const { level } = shopifyInventoryLevels()[0]!;
    const s = await sign("inventory_levels/update", JSON.stringify(level));
    const id = webhook.identify(webhookInput(s), level);
    expect(id.objectKey).toBe(`${level.inventory_item_id}@${level.location_id}`);
    expect(id.sourceOrderId).toBeUndefined();
  });

  it("parses the raw body as JSON and reports a body that is not", async () => {
    const d = await sign("orders/create", "{not json");
    expect(() => webhook.parse(webhookInput(d))).toThrow(NormalizeError);
  });

  it("leaves topics it does not map absent (the mesh answers 2xx and counts them)", () => {
    expect(shopify.topics["orders/partially_fulfilled"]).toBeUndefined();
    expect(shopify.topics["products/create"]).toBeUndefined();
  });
});

async function response(r: Response): Promise<HttpResponse> {
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, url: "https://x.myshopify.com/admin/api/2024-04/orders.json", json: () => JSON.parse(text) };
}

const plain = (status: number, body: unknown, headers: Record<string, string> = {}) => response(Response.json(body, { status, headers }));

describe("Shopify classify", () => {
  it("2xx is success", async () => {
    expect(shopify.classify(await plain(200, { orders: [] }))).toBeNull();
  });

  it("401 and 403 are auth, with Shopify's message", async () => {
    const d = shopify.classify(await plain(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }));
    expect(d).toMatchObject({ kind: "auth", status: 401 });
    expect(d!.message).toContain("Invalid API key");
    expect(shopify.classify(await plain(403, { errors: "Forbidden" }))?.kind).toBe("auth");
  });

  it("the simulator's 429 is rate_limited with its Retry-After; without one, 1 s as the JS client", async () => {
    const sim = {} as SimContext;
    const throttled = await response(shopifySimulator.faultResponse!("rate", sim, 3));
    expect(shopify.classify(throttled)).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 3 });
    expect(shopify.classify(await plain(429, { errors: "Exceeded 2 calls per second" }))).toMatchObject({ kind: "rate_limited", retryAfterSeconds: 1 });
  });

  it("5xx is retryable; 404 and 422 are permanent and keep field errors", async () => {
    const sim = {} as SimContext;
    expect(shopify.classify(await response(shopifySimulator.faultResponse!("server", sim, 0)))?.kind).toBe("retryable");
    expect(shopify.classify(await response(shopifySimulator.faultResponse!("timeout", sim, 0)))?.kind).toBe("retryable");
    expect(shopify.classify(await plain(404, { errors: "Not Found" }))?.kind).toBe("permanent");
    const invalid = shopify.classify(await plain(422, { errors: { line_items: ["must have at least one line item"] } }));
    expect(invalid).toMatchObject({ kind: "permanent", vendorCode: "422" });
    expect(invalid!.message).toContain("line_items: must have at least one line item");
    expect(invalid!.body).toContain("must have at least one line item");
  });
});

describe("Shopify authorize", () => {
  it("sends the access token in X-Shopify-Access-Token", () => {
    const req = { url: "https://x.myshopify.com/", method: "GET", headers: {} as Record<string, string> };
    shopify.authorize!(req, { credentials: { accessToken: "shpat_123" }, config: {}, now: new Date() });
    expect(req.headers["X-Shopify-Access-Token"]).toBe("shpat_123");
  });

  it("refuses to call without a token", () => {
    const req = { url: "https://x.myshopify.com/", method: "GET", headers: {} as Record<string, string> };
    expect(() => shopify.authorize!(req, { credentials: {}, config: {}, now: new Date() })).toThrow(ConnectorError);
  });
});

describe("Shopify Link header", () => {
  // The syntax of https://shopify.dev/docs/api/admin-rest/usage/pagination
  const link =
    '<https://shop.myshopify.com/admin/api/2024-04/orders.json?page_info=prevToken&limit=3>; rel="previous", ' +
    '<https://shop.myshopify.com/admin/api/2024-04/orders.json?page_info=nextToken&limit=3>; rel="next"';

  it("takes the page_info of rel=next only", () => {
    expect(nextPageInfo(link)).toBe("nextToken");
    expect(nextPageInfo(link.split(", ")[0]!)).toBeUndefined();
    expect(nextPageInfo(null)).toBeUndefined();
  });
});
