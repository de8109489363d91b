// Toast → QuickBooks Online end to end: a paid check (order_updated with the full order) lands once with Toast's total,
// and a refund on its payment reaches QuickBooks as a refund.
import { describe, expect, it } from "vitest";
import { floatToMinor, toMinor } from "../../shared/model/money";
import { sandbox } from "../helpers/mesh";
import { SourceScenario } from "../helpers/source-scenario";
import { toastExampleOrder, type Json } from "../helpers/specs-toast";

const run = crypto.randomUUID();
const s = new SourceScenario("toast", true);

describe("Toast → QuickBooks Online", () => {
  // The spec's example order, its check paid in full and closed, re-keyed for this run.
  const example = toastExampleOrder() as Json & { checks: (Json & { totalAmount: number; payments: Json[]; selections: Json[] })[] };
  const check = example.checks[0]!;
  const order = {
    ...example,
    guid: run,
    displayNumber: `T${run.slice(0, 8)}`,
    modifiedDate: new Date().toISOString(),
    checks: [{ ...check, paymentStatus: "CLOSED", payments: [{ ...check.payments[0]!, amount: check.totalAmount, tipAmount: 0 }] }],
  };

  it("a paid order becomes one SalesReceipt with Toast's total", async () => {
    await sandbox("/_seed/toast/orders", order);
    await s.deliverNew();
    const docs = await s.firstSales(run);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("SalesReceipt");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(floatToMinor(check.totalAmount, "USD"));
  });

  it("a refund on the payment reaches QuickBooks as one refund document", async () => {
    await sandbox(`/toast/_sim/orders/${run}/refund`, { selections: [String(check.selections[0]!.guid)] });
    await s.deliverNew();
    const credit = await s.firstRefunds(run);
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(floatToMinor(Number(check.selections[0]!.price), "USD"));
    expect(await s.sales(run)).toHaveLength(1);
  });
});
