// Shopify → Salesforce through the whole mesh: one activated Order under duplicates and a request-limit storm, one
// credit order for the refund, and Status "Shipped" when the order ships.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { eventually } from "../helpers/mesh";
import { destinationScenario } from "../helpers/destination-scenario";

const s = destinationScenario("salesforce", 7_600_000_000);
const { id, ref } = s;
let refundRef = "-";

const orderDocs = () => s.docs(["Order"], (r) => r === ref);
const credits = () => s.docs(["CreditOrder"], (r) => r === refundRef);

describe("Shopify → Salesforce", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one activated Order with the source total", async () => {
    ({ total, firstLine } = await s.seedOrder());
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the Salesforce Order");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    expect((docs[0]!.raw as { Status: string }).Status).toBe("Activated");
  });

  it("duplicate webhooks and a request-limit storm still leave one document", async () => {
    await s.redeliver();
    // The org is the host in production; here the order's own SOQL lookups (its number in the query) are refused.
    const refund = await s.refundDuringStorm(firstLine, String(id));
    refundTotal = refund.total;
    refundRef = `R${refund.id}`;
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit order after the storm");
    expect(await s.rateLimitLeft()).toBe(0);
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
    await s.ship();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { Status: string }).Status === "Shipped" ? d : undefined;
    }, 20_000, "Status Shipped");
    expect(toMinor(shipped.total, shipped.currency)).toBe(total);
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
