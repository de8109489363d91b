// Shopify → Sage Intacct through the whole mesh: one Sales Order transaction per order under duplicate webhooks and a 429 storm, one
// Sales Return transaction for the refund, the tracking number on the sales order for the shipment.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { eventually } from "../helpers/mesh";
import { destinationScenario } from "../helpers/destination-scenario";

const s = destinationScenario("sage-intacct", 7_700_000_000);
const { ref } = s;

const orderDocs = () => s.docs(["Sales Order"], (r) => r === ref);
const credits = () => s.docs(["Sales Return"], (r) => r.startsWith(`${ref}-R`));

describe("Shopify → Sage Intacct", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid order becomes exactly one Sales Order transaction with the source total", async () => {
    ({ total, firstLine } = await s.seedOrder());
    const docs = await eventually(async () => ((await orderDocs()).length > 0 ? orderDocs() : undefined), 20_000, "the Sage Intacct document");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
    const raw = docs[0]!.raw as { DOCPARID: string; STATE: string; CUSTOMERPONUMBER: string; SUBTOTALS: { DESCRIPTION: string }[] };
    expect(raw).toMatchObject({ DOCPARID: "Sales Order", STATE: "Pending", CUSTOMERPONUMBER: ref });
    expect(raw.SUBTOTALS.map((st) => st.DESCRIPTION)).toEqual(["Tax"]);
  });

  it("duplicate webhooks and a 429 storm still leave one document", async () => {
    await s.redeliver();
    const before = await s.throttled();
    // A refund of one line makes the mesh write again while the storm lasts (the rest is shipped below).
    refundTotal = (await s.refundDuringStorm(firstLine, "company:demo-intacct-co")).total;
    await eventually(async () => (await credits()).length > 0, 30_000, "the credit document after the 429 storm");
    expect((await s.throttled()) - before).toBeGreaterThanOrEqual(1);
    expect(await s.rateLimitLeft()).toBe(0);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one Sales Return transaction with the refund's total", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    expect((docs[0]!.raw as { DOCPARID: string }).DOCPARID).toBe("Sales Return");
  });

  it("the shipment puts its tracking number and date on the sales order", async () => {
    await s.ship();
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
