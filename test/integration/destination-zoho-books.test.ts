// Shopify → Zoho Books through the whole mesh: one invoice (with its customer payment) per order under duplicate webhooks and a 429 storm, one
// credit note for the refund (Zoho invoices track no shipment).
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { eventually } from "../helpers/mesh";
import { destinationScenario } from "../helpers/destination-scenario";

const s = destinationScenario("zoho-books", 7_500_000_000);
const { ref } = s;

const orderDocs = () => s.docs(["Invoice", "SalesOrder"], (r) => r === ref);
const credits = () => s.docs(["CreditNote"], (r) => r.startsWith(`${ref}-R`));

describe("Shopify → Zoho Books", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid order becomes exactly one invoice (with its customer payment) with the source total", async () => {
    ({ total, firstLine } = await s.seedOrder());
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the Zoho Books document");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    const raw = docs[0]!.raw as { reference_number: string; status: string; organization_id: string };
    expect(raw).toMatchObject({ reference_number: ref, status: "paid", organization_id: "10234695" });
  });

  it("duplicate webhooks and a 429 storm still leave one document", async () => {
    await s.redeliver();
    const before = await s.throttled();
    // A refund of one line makes the mesh write again while the storm lasts (the rest is shipped below).
    refundTotal = (await s.refundDuringStorm(firstLine, "organization_id=10234695")).total;
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit document after the 429 storm");
    expect((await s.throttled()) - before).toBeGreaterThanOrEqual(1);
    expect(await s.rateLimitLeft()).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one credit note with the refund's total", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    expect((docs[0]!.raw as { reference_number: string }).reference_number).toBe(ref);
  });

  it("the shipment leaves one paid invoice and one credit note", async () => {
    const beforeShip = await s.syncedVersion();
    await s.ship();
    // The mesh converged the document to the shipped order: its link holds a newer revision.
    await eventually(async () => (await s.syncedVersion()) > beforeShip, 20_000, "the fulfillment synced");
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
    expect(toMinor((await orderDocs())[0]!.total, "USD")).toBe(total);
  });
});
