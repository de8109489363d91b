// WooCommerce passes the source conformance suite on WooCommerce's own doc examples, and fetches and polls its simulator.
import { describe, expect, it } from "vitest";
import type { WebhookInput } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import { sum, toMinor } from "../../shared/model/money";
import { woocommerce } from "../../workers/connectors/sources/woocommerce";
import { normalizeOrder, normalizeRefund } from "../../workers/connectors/sources/woocommerce/normalize";
import { signWooWebhook } from "../../workers/sandbox/simulators/woocommerce/webhooks";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { wooOrder, wooOrders, wooRefunds, type Json } from "../helpers/specs-woocommerce";
import { describeSourceConformance, type SourceFixture } from "./source-suite";

const SECRET = "conformance-woocommerce-secret";
const TOPICS = ["order.created", "order.updated"];

const orders = wooOrders();
const fixtures: SourceFixture[] = orders.map(({ name, order }, i) => ({
  name,
  topic: TOPICS[i % TOPICS.length]!,
  body: JSON.stringify(order),
  vendorTotal: { amount: String(order.total), currency: String(order.currency) },
}));

const sign = (body: string, topic: string) =>
  signWooWebhook({ url: "https://mesh.example/webhooks/woocommerce/c1", secret: SECRET, topic, body, webhookId: 12, deliveryId: "d41d8cd98f00b204e9800998ecf8427e", source: "https://example.com/" });

describe("WooCommerce fixtures", () => {
  it("include every order the v3 docs show (retrieve, list, update, delete, batch)", () => {
    expect(new Set(orders.map((o) => o.order.id))).toEqual(new Set([723, 727, 728, 729]));
  });
});

describeSourceConformance({
  connector: woocommerce,
  secret: SECRET,
  sign: (body, { topic }) => sign(body, topic),
  fixtures,
  config: { siteHost: "example.com" },
});

function input(d: { headers: Record<string, string>; body: string }): WebhookInput {
  return { raw: new TextEncoder().encode(d.body), headers: new Headers(d.headers), url: "https://mesh.example/webhooks/woocommerce/c1", now: new Date() };
}

describe("WooCommerce specifics", () => {
  it("lets the unsigned activation ping through to an unmapped topic, so the mesh answers 200 and stores nothing", async () => {
    // deliver_ping(): form body `webhook_id=<id>`, no X-WC-* headers (class-wc-webhook.php @00e1bc4d).
    const ping = input({ headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "webhook_id=12" });
    expect(await woocommerce.webhook!.verify(ping, SECRET)).toEqual({ ok: true });
    const id = woocommerce.webhook!.identify(ping, woocommerce.webhook!.parse(ping));
    expect(woocommerce.topics[id.topic]).toBeUndefined();
    // Anything else without a signature is still refused.
    expect((await woocommerce.webhook!.verify(input({ headers: {}, body: "webhook_id=12&x=1" }), SECRET)).ok).toBe(false);
  });

  it("identifies order events by id and date_modified_gmt, and order.deleted by its id", async () => {
    const o = wooOrder(727);
    const d = await sign(JSON.stringify(o), "order.updated");
    expect(woocommerce.webhook!.identify(input(d), JSON.parse(d.body))).toMatchObject({ eventId: `727:${o.date_modified_gmt}`, sourceOrderId: "727" });
    const del = await sign(JSON.stringify({ id: 727 }), "order.deleted");
    expect(await woocommerce.webhook!.verify(input(del), SECRET)).toEqual({ ok: true });
    expect(woocommerce.webhook!.identify(input(del), { id: 727 })).toMatchObject({ topic: "order.deleted", sourceOrderId: "727" });
    expect(woocommerce.topics["order.deleted"]).toEqual({ kind: "fetch" });
  });

  it("keeps the doc example's lines, shipping and tax to the cent (line price is a JSON number there)", () => {
    const o = wooOrder(727) as Json & { line_items: Json[] };
    const e = normalizeOrder(o, "order.created", "c1");
    if (e.kind !== "order") throw new Error("expected an order");
    expect(e.order.lines.map((l) => l.grossAmount)).toEqual(o.line_items.map((l) => toMinor(String(l.subtotal), "USD")));
    expect(e.order.totals.shipping).toBe(toMinor(String(o.shipping_total), "USD"));
    expect(e.order.totals.tax).toBe(toMinor(String(o.total_tax), "USD"));
    expect(e.order.status).toBe("paid");
    expect(e.order.lines[0]!.taxes[0]!.rate).toBe("0.075");
  });

  it("turns the refunds[] summary (negative totals) into refunds of the order, and the full refunds into lines", () => {
    const o = wooOrder(723) as Json & { refunds: { id: number; total: string }[] };
    const e = normalizeOrder(o, "order.updated", "c1");
    if (e.kind !== "order") throw new Error("expected an order");
    expect(e.order.refunds.map((r) => r.total)).toEqual(o.refunds.map((r) => -toMinor(r.total, "USD")));
    expect(e.order.financialStatus).toBe("partially_refunded");
    const full = wooRefunds().map((r) => normalizeRefund(r, { currency: "USD", payment_method: "bacs", payment_method_title: "Direct Bank Transfer" }));
    expect(full.map((r) => r.total)).toEqual(wooRefunds().map((r) => toMinor(String(r.amount), "USD")));
    const withLine = full.find((r) => r.lines.length > 0)!;
    expect(withLine.lines[0]).toMatchObject({ lineId: "311", quantity: "1", amount: 900 });
    expect(sum(full.map((r) => r.total))).toBe(sum(o.refunds.map((r) => -toMinor(r.total, "USD"))));
  });
});

// ---------------------------------------------------------------- against the simulator

const CREDS = { webhookSecret: "demo-woocommerce-secret", consumerKey: "ck_demo_woocommerce", consumerSecret: "cs_demo_woocommerce" };

function ctx(credentials: Record<string, string> = CREDS, pollPageSize?: number) {
  return connectorContext(woocommerce, { config: { siteHost: "demo-shop.example", ...(pollPageSize ? { pollPageSize } : {}) }, credentials });
}

/** The doc example order 727, re-keyed so this run's seeds never collide with other tests' records. */
function seedRecord(id: number, modified: string): Json {
  return { ...wooOrder(727), id, number: String(id), date_modified_gmt: modified, date_modified: modified };
}

describe("WooCommerce fetchOrder and poll against the simulator", () => {
  const base = 3_000_000 + Math.floor(Math.random() * 1e6) * 10;
  const t0 = Date.UTC(2032, 0, 1) + Math.floor(Math.random() * 1e6) * 3_600_000;
  const at = (k: number) => new Date(t0 + k * 10 * 60_000).toISOString().slice(0, 19);

  it("seeds three orders and sweeps every page, getting each exactly once, then resumes with the overlap", async () => {
    for (const k of [0, 1, 2]) await sandbox("/_seed/woocommerce/orders", seedRecord(base + k, at(k)));
    const c = ctx(CREDS, 2);
    let cursor: string | null = JSON.stringify({ modifiedAfter: new Date(t0 - 1000).toISOString().slice(0, 19), page: 1 });
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      const r = await woocommerce.poll!(c, cursor);
      pages++;
      seen.push(...r.events.map((e) => (e.kind === "order" ? e.order.sourceOrderId : "")));
      cursor = r.cursor;
      if (!r.hasMore) break;
      expect(pages).toBeLessThan(20);
    }
    for (const k of [0, 1, 2]) expect(seen).toContain(String(base + k));
    expect(pages).toBeGreaterThan(1);
    // The next sweep starts five minutes before the newest modification seen: only the last order is read again.
    expect(JSON.parse(cursor!).modifiedAfter).toBe(new Date(Date.parse(`${at(2)}Z`) - 5 * 60_000).toISOString().slice(0, 19));
    const again = await woocommerce.poll!(c, cursor);
    const ids = again.events.map((e) => (e.kind === "order" ? e.order.sourceOrderId : ""));
    expect(ids).toContain(String(base + 2));
    expect(ids).not.toContain(String(base));
  });

  it("reads a refunded order's refunds in full when sweeping", async () => {
    const id = base + 7;
    const record = seedRecord(id, at(5));
    await sandbox("/_seed/woocommerce/orders", record);
    await sandbox(`/woocommerce/_sim/orders/${id}/refund`, { lines: [{ id: 315, quantity: 1 }], reason: "damaged" });
    const [event] = await woocommerce.fetchOrder!(ctx(), String(id));
    if (event?.kind !== "order") throw new Error("expected an order");
    const [refund] = event.order.refunds;
    // One of the two units of line 315 (6.00 + 0.45 tax): 3.00 + 0.23 by largest remainder.
    expect(refund).toMatchObject({ reason: "damaged", total: 300 + 23, lines: [{ lineId: "315", quantity: "1", amount: 300, tax: 23 }] });
    expect(event.order.totals.total).toBe(toMinor(String(record.total), "USD"));
  });

  it("turns bad consumer keys into ConnectorError kind auth, and an unknown order into permanent 404", async () => {
    const err = await woocommerce.fetchOrder!(ctx({ ...CREDS, consumerSecret: "cs_wrong" }), String(base)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe("auth");
    expect((err as ConnectorError).vendorCode).toBe("woocommerce_rest_cannot_view");
    const missing = await woocommerce.fetchOrder!(ctx(), "1").catch((e: unknown) => e);
    expect((missing as ConnectorError).kind).toBe("permanent");
    expect((missing as ConnectorError).status).toBe(404);
  });
});
