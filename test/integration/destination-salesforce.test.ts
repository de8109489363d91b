// Shopify → Salesforce through the whole mesh: one activated Order under duplicates and a request-limit storm, one
// credit order for the refund, and Status "Shipped" when the order ships.
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { connect, eventually, inspect, type InspectDoc, newDeliveries, post, sandbox, webhooks } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

const SLUG = "salesforce";
const id = 7_600_000_000 + Math.floor(Math.random() * 90_000_000);
const ref = `#${id}`;
let deliverNew: () => Promise<void>;
let refundRef = "-";

beforeAll(async () => {
  await connect(["shopify"], [SLUG]);
  deliverNew = await newDeliveries("shopify");
});

const mine = async (kind: string, reference: string): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => d.kind === kind && d.externalRef === reference);
const orderDocs = () => mine("Order", ref);
const credits = () => mine("CreditOrder", refundRef);

type ShopifyRefunds = { refunds?: Array<{ id: number; transactions: Array<{ amount: string }> }> };

describe("Shopify → Salesforce", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one activated Order with the source total", async () => {
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    firstLine = (order.line_items as Array<{ id: number }>)[0]!.id;
    total = toMinor(String(order.total_price), String(order.currency));
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the Salesforce Order");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    expect((docs[0]!.raw as { Status: string }).Status).toBe("Activated");
  });

  it("duplicate webhooks and a request-limit storm still leave one document", async () => {
    const again = (await webhooks("shopify")).filter((d) => d.body.includes(String(id)));
    expect(again.length).toBeGreaterThan(0);
    for (const d of again) expect((await post(d)).status).toBe(200);
    // The org is the host in production; here the order's own SOQL lookups (its number in the query) are refused.
    await sandbox(`/_faults/${SLUG}`, { rateLimited: 2, retryAfterSeconds: 1, match: String(id) });
    const refunded = await sandbox<{ order?: ShopifyRefunds } & ShopifyRefunds>(`/shopify/_sim/orders/${id}/refund`, { lines: [{ id: firstLine, quantity: 1 }] });
    const last = ((refunded.order ?? refunded).refunds ?? []).at(-1)!;
    refundTotal = last.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    refundRef = `R${last.id}`;
    await deliverNew();
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit order after the storm");
    const faults = await sandbox<{ rateLimited?: number }>(`/_faults/${SLUG}`);
    expect(faults.rateLimited ?? 0).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one credit order (negative quantities) with the refund's total", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    const items = (docs[0]!.raw as { OrderItems: { records: Array<{ Quantity: number }> } }).OrderItems.records;
    expect(items.every((i) => i.Quantity < 0)).toBe(true);
  });

  it("the shipment moves the Order to Status Shipped", async () => {
    await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
    await deliverNew();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { Status: string }).Status === "Shipped" ? d : undefined;
    }, 20_000, "Status Shipped");
    expect(toMinor(shipped.total, shipped.currency)).toBe(total);
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
