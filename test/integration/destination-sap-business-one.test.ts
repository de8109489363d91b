// Shopify → SAP Business One through the whole mesh: one sales order (NumAtCard = order number) under duplicates and a
// 429 storm, a credit note for the refund, the order closed when shipped.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { eventually } from "../helpers/mesh";
import { destinationScenario } from "../helpers/destination-scenario";

const s = destinationScenario("sap-business-one", 7_200_000_000);
const { id, ref } = s;

const orderDocs = () => s.docs(["Orders", "Invoices"], (r) => r === ref);
const credits = () => s.docs(["CreditNotes"], (r) => r.startsWith(`${ref} R`));

describe("Shopify → SAP Business One", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one sales order (NumAtCard = order number) with the source total", async () => {
    ({ total, firstLine } = await s.seedOrder());
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the B1 sales order");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("Orders");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    expect((docs[0]!.raw as { NumAtCard: string }).NumAtCard).toBe(ref);
  });

  it("duplicate webhooks and a 429 storm still leave one document (B1 is searched by NumAtCard before any create)", async () => {
    await s.redeliver();
    // A refund of one line makes the mesh write again while the storm lasts (the rest is shipped below).
    refundTotal = (await s.refundDuringStorm(firstLine, `%23${id}`)).total;
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit note after the 429 storm");
    expect(await s.rateLimitLeft()).toBe(0);
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
    await s.ship();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { DocumentStatus: string }).DocumentStatus === "bost_Close" ? d : undefined;
    }, 20_000, "the closed sales order");
    expect((shipped.raw as { Cancelled: string }).Cancelled).toBe("tNO");
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
