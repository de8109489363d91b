// Lightspeed X-Series → QuickBooks Online end to end: a till sale (sale.update, form-encoded API 1.0 payload) lands once with
// the sale's total, and a return at the till (a negative sale with return_for) reaches QuickBooks as a refund of it.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { sandbox } from "../helpers/mesh";
import { SourceScenario } from "../helpers/source-scenario";
import sale20 from "../fixtures/lightspeed-x-series/sale-2.0-closed-discount.json";

const run = crypto.randomUUID();
const saleId = run;
const s = new SourceScenario("lightspeed-x-series", true);

describe("Lightspeed X-Series → QuickBooks Online", () => {
  const sale = { ...sale20.data, id: saleId, invoice_number: `LX-${run.slice(0, 8)}` };
  const paid = sale.payments.reduce((n, p) => n + toMinor(String(p.amount), "USD"), 0);

  it("a closed sale becomes one SalesReceipt with the sale's total", async () => {
    await sandbox("/_seed/lightspeed-x-series/orders", sale);
    await s.deliverNew();
    const docs = await s.firstSales(saleId);
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(paid);
  });

  it("a return at the till reaches QuickBooks as one refund document of what went back", async () => {
    const line = sale.line_items[1]!;
    const ret = await sandbox<{ payments: { amount: number }[] }>(`/lightspeed-x-series/_sim/sales/${saleId}/return`, { lines: [{ id: line.id, quantity: 1 }] });
    await s.deliverNew();
    const credit = await s.firstRefunds(saleId);
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(-toMinor(String(ret.payments[0]!.amount), "USD"));
    expect(await s.sales(saleId)).toHaveLength(1);
  });
});
