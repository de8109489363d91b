// Shopify → NetSuite through the whole mesh: one sales order per order under duplicates and a 429 storm, a cash
// refund for the refund, an item fulfillment for the shipment.
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { connect, eventually, inspect, type InspectDoc, newDeliveries, post, sandbox, webhooks } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

const SLUG = "netsuite";
const id = 7_100_000_000 + Math.floor(Math.random() * 90_000_000);
const ref = `#${id}`;
let deliverNew: () => Promise<void>;

beforeAll(async () => {
  await connect(["shopify"], [SLUG]);
  deliverNew = await newDeliveries("shopify");
});

const SALES = ["cashSale", "salesOrder", "invoice"];
const orderDocs = async (): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => SALES.includes(d.kind) && d.externalRef === ref);
const credits = async (): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => (d.kind === "cashRefund" || d.kind === "creditMemo") && d.externalRef.startsWith(`${ref} R`));

type ShopifyRefunds = { refunds?: Array<{ transactions: Array<{ amount: string }> }> };

describe("Shopify → Oracle NetSuite", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one sales order with the source total", async () => {
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    firstLine = (order.line_items as Array<{ id: number }>)[0]!.id;
    total = toMinor(String(order.total_price), String(order.currency));
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the NetSuite sales order");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("salesOrder");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    expect((docs[0]!.raw as { externalId: string }).externalId).toBe(`shopify-${id}`);
  });

  it("duplicate webhooks and a 429 storm (NetSuite's concurrency refusal) still leave one document", async () => {
    // Every webhook of this order again, byte for byte, as Shopify redelivers them.
    const mine = (await webhooks("shopify")).filter((d) => d.body.includes(String(id)));
    expect(mine.length).toBeGreaterThan(0);
    for (const d of mine) expect((await post(d)).status).toBe(200);
    await sandbox(`/_faults/${SLUG}`, { rateLimited: 2, retryAfterSeconds: 1, match: `shopify-${id}` });
    // A refund of one line makes the mesh write again while the storm lasts (the rest is shipped below).
    const refunded = await sandbox<{ order?: ShopifyRefunds } & ShopifyRefunds>(`/shopify/_sim/orders/${id}/refund`, { lines: [{ id: firstLine, quantity: 1 }] });
    refundTotal = ((refunded.order ?? refunded).refunds ?? []).at(-1)!.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    await deliverNew();
    await eventually(async () => (await credits()).length > 0, 30_000, "the cash refund after the 429 storm");
    const faults = await sandbox<{ rateLimited?: number }>(`/_faults/${SLUG}`);
    expect(faults.rateLimited ?? 0).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one cash refund with the refund's total, for the order's customer", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("cashRefund");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    const parent = (await orderDocs())[0]!;
    expect((docs[0]!.raw as { entity: { id: string } }).entity.id).toBe((parent.raw as { entity: { id: string } }).entity.id);
  });

  it("the shipment becomes an item fulfillment: the sales order awaits billing", async () => {
    await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
    await deliverNew();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { orderStatus: { id: string } }).orderStatus.id === "F" ? d : undefined;
    }, 20_000, "the fulfilled sales order");
    expect((shipped.raw as { orderStatus: { refName: string } }).orderStatus.refName).toBe("Pending Billing");
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
