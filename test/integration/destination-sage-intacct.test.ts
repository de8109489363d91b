// Shopify → Sage Intacct through the whole mesh: one Sales Order transaction per order under duplicate webhooks and a 429 storm, one
// Sales Return transaction for the refund, the tracking number on the sales order for the shipment.
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { connect, eventually, inspect, type InspectDoc, newDeliveries, post, sandbox, webhooks } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

const SLUG = "sage-intacct";
const id = 7_700_000_000 + Math.floor(Math.random() * 90_000_000);
const ref = `#${id}`;
let deliverNew: () => Promise<void>;

beforeAll(async () => {

  await connect(["shopify"], [SLUG]);
  deliverNew = await newDeliveries("shopify");
});

const orderDocs = async (): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => ["Sales Order"].includes(d.kind) && d.externalRef === ref);
const credits = async (): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => ["Sales Return"].includes(d.kind) && d.externalRef.startsWith(`${ref}-R`));

type ShopifyRefunds = { refunds?: Array<{ transactions: Array<{ amount: string }> }> };

describe("Shopify → Sage Intacct", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid order becomes exactly one Sales Order transaction with the source total", async () => {
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    total = toMinor(String(order.total_price), String(order.currency));
    firstLine = (order.line_items as Array<{ id: number }>)[0]!.id;
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the Sage Intacct document");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    const raw = docs[0]!.raw as { DOCPARID: string; STATE: string; CUSTOMERPONUMBER: string; SUBTOTALS: { DESCRIPTION: string }[] };
    expect(raw).toMatchObject({ DOCPARID: "Sales Order", STATE: "Pending", CUSTOMERPONUMBER: ref });
    expect(raw.SUBTOTALS.map((s) => s.DESCRIPTION)).toEqual(["Tax"]);
  });

  it("duplicate webhooks and a 429 storm still leave one document", async () => {
    const mine = (await webhooks("shopify")).filter((d) => d.body.includes(String(id)));
    expect(mine.length).toBeGreaterThan(0);
    for (const d of mine) expect((await post(d)).status).toBe(200);
    const before = await sandbox<{ throttled?: number }>(`/_stats/${SLUG}`);
    await sandbox(`/_faults/${SLUG}`, { rateLimited: 2, retryAfterSeconds: 1, match: "company:demo-intacct-co" });
    // A refund of one line makes the mesh write again while the storm lasts (the rest is shipped below).
    const refunded = await sandbox<{ order?: ShopifyRefunds } & ShopifyRefunds>(`/shopify/_sim/orders/${id}/refund`, { lines: [{ id: firstLine, quantity: 1 }] });
    refundTotal = ((refunded.order ?? refunded).refunds ?? []).at(-1)!.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    await deliverNew();
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit document after the 429 storm");
    const after = await sandbox<{ throttled?: number }>(`/_stats/${SLUG}`);
    expect((after.throttled ?? 0) - (before.throttled ?? 0)).toBeGreaterThanOrEqual(1);
    expect((await sandbox<{ rateLimited?: number }>(`/_faults/${SLUG}`)).rateLimited ?? 0).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one Sales Return transaction with the refund's total", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    expect((docs[0]!.raw as { DOCPARID: string }).DOCPARID).toBe("Sales Return");
  });

  it("the shipment puts its tracking number and date on the sales order", async () => {
    await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
    await deliverNew();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { TRACKINGNUMBER: string }).TRACKINGNUMBER === "1Z999AA10123456784" ? d : undefined;
    }, 20_000, "the tracking number on the sales order");
    expect((shipped.raw as { SHIPPEDDATE: string }).SHIPPEDDATE).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
    expect(toMinor((await orderDocs())[0]!.total, "USD")).toBe(total);
  });
});
