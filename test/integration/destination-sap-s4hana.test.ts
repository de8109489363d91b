// Shopify → SAP S/4HANA through the whole mesh: one sales order (PurchaseOrderByCustomer = order number) under duplicates
// and a 429 storm, a credit memo request for the refund; shipments are S/4's own deliveries, not OrderMesh's.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { connect, eventually, inspect, type InspectDoc, newDeliveries, post, sandbox, webhooks } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

const SLUG = "sap-s4hana";
const id = 7_300_000_000 + Math.floor(Math.random() * 90_000_000);
const ref = `#${id}`;
let deliverNew: () => Promise<void>;

beforeAll(async () => {
  await connect(["shopify"], [SLUG]);
  deliverNew = await newDeliveries("shopify");
});

const SALES = ["A_SalesOrder"];
const orderDocs = async (): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => SALES.includes(d.kind) && d.externalRef === ref);
const credits = async (): Promise<InspectDoc[]> => (await inspect(SLUG)).filter((d) => d.kind === "A_CreditMemoRequest" && d.externalRef.startsWith(`${ref} R`));

type ShopifyRefunds = { refunds?: Array<{ transactions: Array<{ amount: string }> }> };

describe("Shopify → SAP S/4HANA", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one sales order with the source total", async () => {
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    firstLine = (order.line_items as Array<{ id: number }>)[0]!.id;
    total = toMinor(String(order.total_price), String(order.currency));
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the S/4HANA sales order");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("A_SalesOrder");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    // Paid: no billing block; amounts held as OData decimal strings.
    expect((docs[0]!.raw as { HeaderBillingBlockReason?: string }).HeaderBillingBlockReason ?? "").toBe("");
    expect(typeof (docs[0]!.raw as { TotalNetAmount: unknown }).TotalNetAmount).toBe("string");
  });

  it("duplicate webhooks and a 429 storm still leave one document (S/4 is searched by customer reference before any create)", async () => {
    // Every webhook of this order again, byte for byte, as Shopify redelivers them.
    const mine = (await webhooks("shopify")).filter((d) => d.body.includes(String(id)));
    expect(mine.length).toBeGreaterThan(0);
    for (const d of mine) expect((await post(d)).status).toBe(200);
    await sandbox(`/_faults/${SLUG}`, { rateLimited: 2, retryAfterSeconds: 1, match: `%23${id}` });
    // A refund of one line makes the mesh write again while the storm lasts (the rest is shipped below).
    const refunded = await sandbox<{ order?: ShopifyRefunds } & ShopifyRefunds>(`/shopify/_sim/orders/${id}/refund`, { lines: [{ id: firstLine, quantity: 1 }] });
    refundTotal = ((refunded.order ?? refunded).refunds ?? []).at(-1)!.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    await deliverNew();
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit memo request after the 429 storm");
    const faults = await sandbox<{ rateLimited?: number }>(`/_faults/${SLUG}`);
    expect(faults.rateLimited ?? 0).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one credit memo request with the refund's total, referring to the sales order", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    const parent = (await orderDocs())[0]!;
    expect((docs[0]!.raw as { ReferenceSDDocument: string }).ReferenceSDDocument).toBe(parent.id);
    expect((docs[0]!.raw as { SoldToParty: string }).SoldToParty).toBe((parent.raw as { SoldToParty: string }).SoldToParty);
  });

  it("the shipment leaves the one sales order open and unrejected (S/4 tracks delivery through its own outbound deliveries)", async () => {
    const before = (await orderDocs())[0]!;
    const revision = async () =>
      (await env.DB.prepare(`SELECT synced_version FROM links WHERE order_key = ? AND doc_key = 'order'`).bind(`demo-shopify:${id}`).first<{ synced_version: number }>())?.synced_version ?? 0;
    const synced = await revision();
    await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
    await deliverNew();
    // The shipment is synced (the link moves to the new revision): the S/4 document is converged, not duplicated.
    await eventually(async () => (await revision()) > synced, 20_000, "the shipment's sync");
    const after = (await orderDocs())[0]!;
    expect(after.id).toBe(before.id);
    expect((after.raw as { OverallSDDocumentRejectionSts: string }).OverallSDDocumentRejectionSts).toBe("A");
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
