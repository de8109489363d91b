// Shopify → Odoo 19 (JSON-2) through the whole mesh: one confirmed sale order under duplicates and a 429 storm, one
// posted credit note for the refund, and the delivery validated when the order ships.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { eventually, sandbox } from "../helpers/mesh";
import { destinationScenario } from "../helpers/destination-scenario";

const SLUG = "odoo";
const s = destinationScenario(SLUG, 7_500_000_000);
const { ref } = s;
const database = String((DEMO_CONNECTIONS[SLUG]!.config as { database: string }).database);
let refundRef = "-";

const mine = async (kind: string, reference: string) =>
  (await s.docs([kind], (r) => r === reference)).filter((d) => (d.raw as { database: string }).database === database);
const orderDocs = () => mine("sale.order", ref);
const credits = () => mine("account.move", refundRef);

describe("Shopify → Odoo", () => {
  let total = 0;
  let refundTotal = 0;
  let firstLine = 0;

  it("a paid web order becomes exactly one confirmed sale order with the source total", async () => {
    ({ total, firstLine } = await s.seedOrder());
    // Created as a quotation, then confirmed (action_confirm): wait for the confirmation.
    const docs = await eventually(async () => {
      const d = await orderDocs();
      return d.length > 0 && (d[0]!.raw as { state: string }).state === "sale" ? d : undefined;
    }, 20_000, "the confirmed Odoo sale order");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(total);
  });

  it("duplicate webhooks and a 429 storm still leave one document", async () => {
    await s.redeliver();
    // Odoo names the database in a header (JSON-2) or the XML-RPC body, never in the URL: the storm is scoped to it.
    const refund = await s.refundDuringStorm(firstLine, async () => {
      await sandbox(`/${SLUG}/_sim/faults`, { database, rateLimited: 3, retryAfterSeconds: 1 });
    });
    refundTotal = refund.total;
    refundRef = `R${refund.id}`;
    // Created as a draft account.move, then posted (action_post): wait for the posted state, not just the record.
    await eventually(async () => {
      const c = await credits();
      return c.length > 0 && (c[0]!.raw as { state: string }).state === "posted";
    }, 30_000, "the posted credit note after the 429 storm");
    expect(await s.throttled()).toBeGreaterThanOrEqual(3);
    expect(await orderDocs()).toHaveLength(1);
  });

  it("the refund is one posted credit note (out_refund) with the refund's total", async () => {
    const docs = await credits();
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(refundTotal);
    expect(docs[0]!.raw).toMatchObject({ move_type: "out_refund", state: "posted" });
  });

  it("the shipment validates the delivery: the sale order is fully delivered", async () => {
    await s.ship();
    const shipped = await eventually(async () => {
      const d = (await orderDocs())[0];
      return d && (d.raw as { delivery_status: string }).delivery_status === "full" ? d : undefined;
    }, 20_000, "the validated delivery");
    expect((shipped.raw as { pickings: Array<{ state: string }> }).pickings.map((p) => p.state)).toEqual(["done"]);
    expect(await orderDocs()).toHaveLength(1);
    expect(await credits()).toHaveLength(1);
  });
});
