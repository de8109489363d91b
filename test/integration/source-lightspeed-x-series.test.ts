// Lightspeed X-Series → QuickBooks Online end to end: a till sale (sale.update, form-encoded API 1.0 payload) lands once with
// the sale's total, and a return at the till (a negative sale with return_for) reaches QuickBooks as a refund of it.
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { connect, deliverAll, eventually, inspect, sandbox, webhooks } from "../helpers/mesh";
import sale20 from "../fixtures/lightspeed-x-series/sale-2.0-closed-discount.json";

const run = crypto.randomUUID();
const saleId = run;
let cursor = 0;

beforeAll(async () => {
  await connect(["lightspeed-x-series"], ["quickbooks-online"]);
  cursor = (await webhooks("lightspeed-x-series")).at(-1)?.seq ?? 0;
});

async function deliverNew(): Promise<void> {
  const r = await deliverAll("lightspeed-x-series", cursor);
  for (const s of r.statuses) expect(s).toBe(200);
  cursor = r.last;
}

const ours = async () => (await inspect("quickbooks-online")).filter((d) => JSON.stringify(d.raw).includes(`om:demo-lightspeed-x-series:${saleId}`));

describe("Lightspeed X-Series → QuickBooks Online", () => {
  const sale = { ...sale20.data, id: saleId, invoice_number: `LX-${run.slice(0, 8)}` };
  const paid = sale.payments.reduce((n, p) => n + toMinor(String(p.amount), "USD"), 0);

  it("a closed sale becomes one SalesReceipt with the sale's total", async () => {
    await sandbox("/_seed/lightspeed-x-series/orders", sale);
    await deliverNew();
    const docs = await eventually(async () => {
      const d = (await ours()).filter((x) => x.kind === "SalesReceipt" || x.kind === "Invoice");
      return d.length > 0 ? d : undefined;
    }, 20_000, "the QuickBooks sales document");
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(paid);
  });

  it("a return at the till reaches QuickBooks as one refund document of what went back", async () => {
    const line = sale.line_items[1]!;
    const ret = await sandbox<{ payments: { amount: number }[] }>(`/lightspeed-x-series/_sim/sales/${saleId}/return`, { lines: [{ id: line.id, quantity: 1 }] });
    await deliverNew();
    const credit = await eventually(async () => {
      const c = (await ours()).filter((d) => d.kind === "RefundReceipt" || d.kind === "CreditMemo");
      return c.length > 0 ? c : undefined;
    }, 20_000, "the refund document");
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(-toMinor(String(ret.payments[0]!.amount), "USD"));
    expect((await ours()).filter((d) => d.kind === "SalesReceipt" || d.kind === "Invoice")).toHaveLength(1);
  });
});
