// Toast → QuickBooks Online end to end: a paid check (order_updated with the full order) lands once with Toast's total,
// and a refund on its payment reaches QuickBooks as a refund.
import { beforeAll, describe, expect, it } from "vitest";
import { floatToMinor, toMinor } from "../../shared/model/money";
import { connect, deliverAll, eventually, inspect, sandbox, webhooks } from "../helpers/mesh";
import { toastExampleOrder, type Json } from "../helpers/specs-toast";

const run = crypto.randomUUID();
let cursor = 0;

beforeAll(async () => {
  await connect(["toast"], ["quickbooks-online"]);
  cursor = (await webhooks("toast")).at(-1)?.seq ?? 0;
});

async function deliverNew(): Promise<void> {
  const r = await deliverAll("toast", cursor);
  for (const s of r.statuses) expect(s).toBe(200);
  cursor = r.last;
}

const ours = async () => (await inspect("quickbooks-online")).filter((d) => JSON.stringify(d.raw).includes(`om:demo-toast:${run}`));

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
    await deliverNew();
    const docs = await eventually(async () => {
      const d = (await ours()).filter((x) => x.kind === "SalesReceipt" || x.kind === "Invoice");
      return d.length > 0 ? d : undefined;
    }, 20_000, "the QuickBooks sales document");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("SalesReceipt");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(floatToMinor(check.totalAmount, "USD"));
  });

  it("a refund on the payment reaches QuickBooks as one refund document", async () => {
    await sandbox(`/toast/_sim/orders/${run}/refund`, { selections: [String(check.selections[0]!.guid)] });
    await deliverNew();
    const credit = await eventually(async () => {
      const c = (await ours()).filter((d) => d.kind === "RefundReceipt" || d.kind === "CreditMemo");
      return c.length > 0 ? c : undefined;
    }, 20_000, "the refund document");
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(floatToMinor(Number(check.selections[0]!.price), "USD"));
    expect((await ours()).filter((d) => d.kind === "SalesReceipt" || d.kind === "Invoice")).toHaveLength(1);
  });
});
