// Shopify → NetSuite through the whole mesh: one sales order per order under duplicates and a 429 storm, a cash
// refund for the refund, an item fulfillment for the shipment.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { eventually } from "../helpers/mesh";
import { destinationScenario } from "../helpers/destination-scenario";

const s = destinationScenario("netsuite", 7_100_000_000);
const { id, ref } = s;

const orderDocs = () => s.docs(["cashSale", "salesOrder", "invoice"], (r) => r === ref);
const credits = () => s.docs(["cashRefund", "creditMemo"], (r) => r.startsWith(`${ref} R`));

describe("Shopify → Oracle NetSuite", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one sales order with the source total", async () => {
    ({ total, firstLine } = await s.seedOrder());
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the NetSuite sales order");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("salesOrder");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    expect((docs[0]!.raw as { externalId: string }).externalId).toBe(`shopify-${id}`);
  });

  it("duplicate webhooks and a 429 storm (NetSuite's concurrency refusal) still leave one document", async () => {
    await s.redeliver();
    // A refund of one line makes the mesh write again while the storm lasts (the rest is shipped below).
    refundTotal = (await s.refundDuringStorm(firstLine, `shopify-${id}`)).total;
    await eventually(async () => (await credits()).length > 0, 30_000, "the cash refund after the 429 storm");
    expect(await s.rateLimitLeft()).toBe(0);
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
    await s.ship();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { orderStatus: { id: string } }).orderStatus.id === "F" ? d : undefined;
    }, 20_000, "the fulfilled sales order");
    expect((shipped.raw as { orderStatus: { refName: string } }).orderStatus.refName).toBe("Pending Billing");
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
