// Shopify → Finance & Operations through the whole mesh: one sales order (header + lines) under duplicates and a 429
// storm of service protection, one credit note for the refund, and the ship date confirmed when the order ships.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { eventually } from "../helpers/mesh";
import { destinationScenario } from "../helpers/destination-scenario";

const SLUG = "dynamics-365-finance";
const s = destinationScenario(SLUG, 7_400_000_000);
const { ref } = s;
const dataAreaId = String((DEMO_CONNECTIONS[SLUG]!.config as { dataAreaId: string }).dataAreaId);
let refundRef = "-";

const orderDocs = () => s.docs(["SalesOrder"], (r) => r === ref);
const credits = () => s.docs(["CreditNote"], (r) => r === refundRef);

describe("Shopify → Dynamics 365 Finance & Operations", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one sales order with the source total", async () => {
    ({ total, firstLine } = await s.seedOrder());
    const docs = await eventually(async () => {
      const d = await orderDocs();
      return d.length > 0 && toMinor(d[0]!.total, d[0]!.currency) === total ? d : undefined;
    }, 20_000, "the F&O sales order with all its lines");
    expect(docs).toHaveLength(1);
    expect((docs[0]!.raw as { dataAreaId: string }).dataAreaId).toBe(dataAreaId);
  });

  it("duplicate webhooks and a 429 storm still leave one document", async () => {
    await s.redeliver();
    // Every query and keyed write of this legal entity names it in the URL.
    const refund = await s.refundDuringStorm(firstLine, dataAreaId);
    refundTotal = refund.total;
    refundRef = `R${refund.id}`;
    await eventually(async () => {
      const c = await credits();
      return c.length > 0 && toMinor(c[0]!.total, c[0]!.currency) === refundTotal;
    }, 30_000, "the credit note after the 429 storm");
    expect(await s.rateLimitLeft()).toBe(0);
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
    await s.ship();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { ConfirmedShippingDate: string | null }).ConfirmedShippingDate ? d : undefined;
    }, 20_000, "the confirmed ship date");
    expect(toMinor(shipped.total, shipped.currency)).toBe(total);
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
