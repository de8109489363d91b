// Shopify → Business Central through the whole mesh: one sales order under duplicates and a 429 storm, one credit memo
// for the refund, and the shipment posted (shipAndInvoice): the order becomes a posted invoice with a shipment.
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { connect, eventually, inspect, type InspectDoc, newDeliveries, post, sandbox, webhooks } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

const SLUG = "dynamics-365-business-central";
const id = 7_300_000_000 + Math.floor(Math.random() * 90_000_000);
const ref = `#${id}`;
const companyId = String((DEMO_CONNECTIONS[SLUG]!.config as { companyId: string }).companyId);
let deliverNew: () => Promise<void>;

beforeAll(async () => {
  await connect(["shopify"], [SLUG]);
  deliverNew = await newDeliveries("shopify");
});

const mine = async (kinds: string[], reference = ref): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => kinds.includes(d.kind) && d.externalRef === reference.toUpperCase());
const orderDocs = () => mine(["salesOrder", "salesInvoice"]);
let refundRef = "-";
const credits = () => mine(["salesCreditMemo"], refundRef);

type ShopifyRefunds = { refunds?: Array<{ id: number; transactions: Array<{ amount: string }> }> };

describe("Shopify → Dynamics 365 Business Central", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one sales order with the source total", async () => {
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    firstLine = (order.line_items as Array<{ id: number }>)[0]!.id;
    total = toMinor(String(order.total_price), String(order.currency));
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the BC sales order");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("salesOrder");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
  });

  it("duplicate webhooks and a 429 storm still leave one document", async () => {
    const again = (await webhooks("shopify")).filter((d) => d.body.includes(String(id)));
    expect(again.length).toBeGreaterThan(0);
    for (const d of again) expect((await post(d)).status).toBe(200);
    await sandbox(`/_faults/${SLUG}`, { rateLimited: 2, retryAfterSeconds: 1, match: companyId });
    const refunded = await sandbox<{ order?: ShopifyRefunds } & ShopifyRefunds>(`/shopify/_sim/orders/${id}/refund`, { lines: [{ id: firstLine, quantity: 1 }] });
    const last = ((refunded.order ?? refunded).refunds ?? []).at(-1)!;
    refundTotal = last.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    refundRef = `R${last.id}`;
    await deliverNew();
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit memo after the 429 storm");
    const faults = await sandbox<{ rateLimited?: number }>(`/_faults/${SLUG}`);
    expect(faults.rateLimited ?? 0).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one credit memo with the refund's total", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
  });

  it("the shipment ships and invoices the order: one posted invoice, one shipment, no open order", async () => {
    await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
    await deliverNew();
    const posted = await eventually(async () => {
      const d = await orderDocs();
      return d.length === 1 && d[0]!.kind === "salesInvoice" ? d[0] : undefined;
    }, 20_000, "the posted invoice");
    expect(toMinor(posted.total, posted.currency)).toBe(total);
    expect((posted.raw as { status: string }).status).toBe("Open");
    expect(await mine(["salesShipment"])).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
