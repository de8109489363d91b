// Shopify → SAP S/4HANA through the whole mesh: one sales order (PurchaseOrderByCustomer = order number) under duplicates
// and a 429 storm, a credit memo request for the refund; shipments are S/4's own deliveries, not OrderMesh's.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { eventually } from "../helpers/mesh";
import { destinationScenario } from "../helpers/destination-scenario";

const s = destinationScenario("sap-s4hana", 7_300_000_000);
const { id, ref } = s;

const orderDocs = () => s.docs(["A_SalesOrder"], (r) => r === ref);
const credits = () => s.docs(["A_CreditMemoRequest"], (r) => r.startsWith(`${ref} R`));

describe("Shopify → SAP S/4HANA", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one sales order with the source total", async () => {
    ({ total, firstLine } = await s.seedOrder());
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the S/4HANA sales order");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("A_SalesOrder");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    // Paid: no billing block; amounts held as OData decimal strings.
    expect((docs[0]!.raw as { HeaderBillingBlockReason?: string }).HeaderBillingBlockReason ?? "").toBe("");
    expect(typeof (docs[0]!.raw as { TotalNetAmount: unknown }).TotalNetAmount).toBe("string");
  });

  it("duplicate webhooks and a 429 storm still leave one document (S/4 is searched by customer reference before any create)", async () => {
    await s.redeliver();
    // A refund of one line makes the mesh write again while the storm lasts (the rest is shipped below).
    refundTotal = (await s.refundDuringStorm(firstLine, `%23${id}`)).total;
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit memo request after the 429 storm");
    expect(await s.rateLimitLeft()).toBe(0);
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
    await s.ship();
    // The shipment is synced (the link moves to the new revision): the S/4 document is converged, not duplicated.
    await eventually(async () => (await revision()) > synced, 20_000, "the shipment's sync");
    const after = (await orderDocs())[0]!;
    expect(after.id).toBe(before.id);
    expect((after.raw as { OverallSDDocumentRejectionSts: string }).OverallSDDocumentRejectionSts).toBe("A");
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
