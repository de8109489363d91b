// Shopify → SAP Business One through the whole mesh: one sales order (NumAtCard = order number) under duplicates and a
// 429 storm, a credit note for the refund, the order closed when shipped.
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { connect, eventually, inspect, type InspectDoc, newDeliveries, post, sandbox, webhooks } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

const SLUG = "sap-business-one";
const id = 7_200_000_000 + Math.floor(Math.random() * 90_000_000);
const ref = `#${id}`;
let deliverNew: () => Promise<void>;

beforeAll(async () => {
  await connect(["shopify"], [SLUG]);
  deliverNew = await newDeliveries("shopify");
});

const SALES = ["Orders", "Invoices"];
const orderDocs = async (): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => SALES.includes(d.kind) && d.externalRef === ref);
const credits = async (): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => d.kind === "CreditNotes" && d.externalRef.startsWith(`${ref} R`));

type ShopifyRefunds = { refunds?: Array<{ transactions: Array<{ amount: string }> }> };

describe("Shopify → SAP Business One", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one sales order (NumAtCard = order number) with the source total", async () => {
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    firstLine = (order.line_items as Array<{ id: number }>)[0]!.id;
    total = toMinor(String(order.total_price), String(order.currency));
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the B1 sales order");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("Orders");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    expect((docs[0]!.raw as { NumAtCard: string }).NumAtCard).toBe(ref);
  });

  it("duplicate webhooks and a 429 storm still leave one document (B1 is searched by NumAtCard before any create)", async () => {
    // Every webhook of this order again, byte for byte, as Shopify redelivers them.
    const mine = (await webhooks("shopify")).filter((d) => d.body.includes(String(id)));
    expect(mine.length).toBeGreaterThan(0);
    for (const d of mine) expect((await post(d)).status).toBe(200);
    await sandbox(`/_faults/${SLUG}`, { rateLimited: 2, retryAfterSeconds: 1, match: `%23${id}` });
    // A refund of one line makes the mesh write again while the storm lasts (the rest is shipped below).
    const refunded = await sandbox<{ order?: ShopifyRefunds } & ShopifyRefunds>(`/shopify/_sim/orders/${id}/refund`, { lines: [{ id: firstLine, quantity: 1 }] });
    refundTotal = ((refunded.order ?? refunded).refunds ?? []).at(-1)!.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    await deliverNew();
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit note after the 429 storm");
    const faults = await sandbox<{ rateLimited?: number }>(`/_faults/${SLUG}`);
    expect(faults.rateLimited ?? 0).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one credit note with the refund's total, for the order's business partner", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    const parent = (await orderDocs())[0]!;
    expect((docs[0]!.raw as { CardCode: string }).CardCode).toBe((parent.raw as { CardCode: string }).CardCode);
  });

  it("the shipment closes the sales order", async () => {
    await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
    await deliverNew();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { DocumentStatus: string }).DocumentStatus === "bost_Close" ? d : undefined;
    }, 20_000, "the closed sales order");
    expect((shipped.raw as { Cancelled: string }).Cancelled).toBe("tNO");
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
