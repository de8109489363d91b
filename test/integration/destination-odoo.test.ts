// Shopify → Odoo 19 (JSON-2) through the whole mesh: one confirmed sale order under duplicates and a 429 storm, one
// posted credit note for the refund, and the delivery validated when the order ships.
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { connect, eventually, inspect, type InspectDoc, newDeliveries, post, sandbox, webhooks } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

const SLUG = "odoo";
const id = 7_500_000_000 + Math.floor(Math.random() * 90_000_000);
const ref = `#${id}`;
const database = String((DEMO_CONNECTIONS[SLUG]!.config as { database: string }).database);
let deliverNew: () => Promise<void>;
let refundRef = "-";

beforeAll(async () => {
  await connect(["shopify"], [SLUG]);
  deliverNew = await newDeliveries("shopify");
});

const mine = async (kind: string, reference: string): Promise<InspectDoc[]> =>
  (await inspect(SLUG)).filter((d) => d.kind === kind && d.externalRef === reference && (d.raw as { database: string }).database === database);
const orderDocs = () => mine("sale.order", ref);
const credits = () => mine("account.move", refundRef);

type ShopifyRefunds = { refunds?: Array<{ id: number; transactions: Array<{ amount: string }> }> };

describe("Shopify → Odoo", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one confirmed sale order with the source total", async () => {
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    firstLine = (order.line_items as Array<{ id: number }>)[0]!.id;
    total = toMinor(String(order.total_price), String(order.currency));
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    // Created as a quotation, then confirmed (action_confirm): wait for the confirmation.
    const docs = await eventually(async () => {
      const d = await orderDocs();
      return d.length > 0 && (d[0]!.raw as { state: string }).state === "sale" ? d : undefined;
    }, 20_000, "the confirmed Odoo sale order");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
  });

  it("duplicate webhooks and a 429 storm still leave one document", async () => {
    const again = (await webhooks("shopify")).filter((d) => d.body.includes(String(id)));
    expect(again.length).toBeGreaterThan(0);
    for (const d of again) expect((await post(d)).status).toBe(200);
    // Odoo names the database in a header (JSON-2) or the XML-RPC body, never in the URL: the storm is scoped to it.
    await sandbox(`/${SLUG}/_sim/faults`, { database, rateLimited: 3, retryAfterSeconds: 1 });
    const refunded = await sandbox<{ order?: ShopifyRefunds } & ShopifyRefunds>(`/shopify/_sim/orders/${id}/refund`, { lines: [{ id: firstLine, quantity: 1 }] });
    const last = ((refunded.order ?? refunded).refunds ?? []).at(-1)!;
    refundTotal = last.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    refundRef = `R${last.id}`;
    await deliverNew();
    // Created as a draft account.move, then posted (action_post): wait for the posted state, not just the record.
    await eventually(async () => {
      const c = await credits();
      return c.length > 0 && (c[0]!.raw as { state: string }).state === "posted";
    }, 30_000, "the posted credit note after the 429 storm");
    const stats = await sandbox<{ throttled?: number }>(`/_stats/${SLUG}`);
    expect(stats.throttled ?? 0).toBeGreaterThanOrEqual(3);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one posted credit note (out_refund) with the refund's total", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    expect(docs[0]!.raw).toMatchObject({ move_type: "out_refund", state: "posted" });
  });

  it("the shipment validates the delivery: the sale order is fully delivered", async () => {
    await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
    await deliverNew();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { delivery_status: string }).delivery_status === "full" ? d : undefined;
    }, 20_000, "the validated delivery");
    expect((shipped.raw as { pickings: Array<{ state: string }> }).pickings.map((p) => p.state)).toEqual(["done"]);
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
