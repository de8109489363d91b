// Shopify → Finance & Operations through the whole mesh: one sales order (header + lines) under duplicates and a 429
// storm of service protection, one credit note for the refund, and the ship date confirmed when the order ships.
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { connect, eventually, inspect, type InspectDoc, newDeliveries, post, sandbox, webhooks } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

const SLUG = "dynamics-365-finance";
const id = 7_400_000_000 + Math.floor(Math.random() * 90_000_000);
const ref = `#${id}`;
const dataAreaId = String((DEMO_CONNECTIONS[SLUG]!.config as { dataAreaId: string }).dataAreaId);
let deliverNew: () => Promise<void>;
let refundRef = "-";

beforeAll(async () => {
  await connect(["shopify"], [SLUG]);
  deliverNew = await newDeliveries("shopify");
});

const mine = async (kind: string, reference: string): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => d.kind === kind && d.externalRef === reference);
const orderDocs = () => mine("SalesOrder", ref);
const credits = () => mine("CreditNote", refundRef);

type ShopifyRefunds = { refunds?: Array<{ id: number; transactions: Array<{ amount: string }> }> };

describe("Shopify → Dynamics 365 Finance & Operations", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one sales order with the source total", async () => {
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    firstLine = (order.line_items as Array<{ id: number }>)[0]!.id;
    total = toMinor(String(order.total_price), String(order.currency));
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    const docs = await eventually(async () => {
      const d = await orderDocs();
      return d.length > 0 && toMinor(d[0]!.total, d[0]!.currency) === total ? d : undefined;
    }, 20_000, "the F&O sales order with all its lines");
    expect(docs).toHaveLength(1);
    expect((docs[0]!.raw as { dataAreaId: string }).dataAreaId).toBe(dataAreaId);
  });

  it("duplicate webhooks and a 429 storm still leave one document", async () => {
    const again = (await webhooks("shopify")).filter((d) => d.body.includes(String(id)));
    expect(again.length).toBeGreaterThan(0);
    for (const d of again) expect((await post(d)).status).toBe(200);
    // Every query and keyed write of this legal entity names it in the URL.
    await sandbox(`/_faults/${SLUG}`, { rateLimited: 2, retryAfterSeconds: 1, match: dataAreaId });
    const refunded = await sandbox<{ order?: ShopifyRefunds } & ShopifyRefunds>(`/shopify/_sim/orders/${id}/refund`, { lines: [{ id: firstLine, quantity: 1 }] });
    const last = ((refunded.order ?? refunded).refunds ?? []).at(-1)!;
    refundTotal = last.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    refundRef = `R${last.id}`;
    await deliverNew();
    await eventually(async () => {
      const c = await credits();
      return c.length > 0 && toMinor(c[0]!.total, c[0]!.currency) === refundTotal;
    }, 30_000, "the credit note after the 429 storm");
    const faults = await sandbox<{ rateLimited?: number }>(`/_faults/${SLUG}`);
    expect(faults.rateLimited ?? 0).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one credit note (negative lines with a return reason) with the refund's total", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    const lines = (docs[0]!.raw as { SalesOrderLines: Array<{ OrderedSalesQuantity: number; CreditNoteReasonCode: string }> }).SalesOrderLines;
    expect(lines.every((l) => l.OrderedSalesQuantity < 0 && !!l.CreditNoteReasonCode)).toBe(true);
  });

  it("the shipment sets the confirmed ship date of the sales order", async () => {
    await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
    await deliverNew();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { ConfirmedShippingDate: string | null }).ConfirmedShippingDate ? d : undefined;
    }, 20_000, "the confirmed ship date");
    expect(toMinor(shipped.total, shipped.currency)).toBe(total);
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
