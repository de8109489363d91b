// Lightspeed Retail → QuickBooks Online end to end through the cron sweep: a sale rung up at the register lands once
// with Lightspeed's total, and a return at the register reaches QuickBooks as a refund of that sale.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { sandbox } from "../helpers/mesh";
import { SourceScenario } from "../helpers/source-scenario";

type Json = Record<string, unknown>;
const files = import.meta.glob("../fixtures/lightspeed-retail/sale-two-taxes.json", { eager: true, import: "default" }) as Record<string, { Sale: Json }>;

/** The fixture sale, rung up now: the simulator assigns the saleID, line ids and timeStamp. */
function freshSale(): Json {
  const { saleID: _id, timeStamp: _ts, updatetime: _u, ...sale } = structuredClone(Object.values(files)[0]!.Sale);
  const lines = (sale.SaleLines as { SaleLine: Json[] }).SaleLine.map(({ saleLineID: _l, saleID: _s, ...l }) => l);
  return { ...sale, SaleLines: { SaleLine: lines } };
}

let sale: Json;
const s = new SourceScenario("lightspeed-retail", false);
const sales = () => s.sales(String(sale.saleID));

describe("Lightspeed Retail → QuickBooks Online", () => {
  it("a completed sale is found by the first sweep and becomes one sales document with Lightspeed's total", async () => {
    sale = await sandbox<Json>("/_seed/lightspeed-retail/orders", freshSale());
    const stats = await s.sweep();
    expect(stats.error).toBeUndefined();
    const docs = await s.firstSales(String(sale.saleID));
    expect(docs).toHaveLength(1);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(toMinor(String(sale.total), "USD"));
  });

  it("a return at the register reaches QuickBooks as one refund, and the sale stays single", async () => {
    const lines = (sale.SaleLines as { SaleLine: Json[] }).SaleLine;
    const ret = await sandbox<Json>(`/lightspeed-retail/_sim/sales/${String(sale.saleID)}/return`, { lines: [{ saleLineID: lines[1]!.saleLineID, quantity: 1 }] });
    const stats = await s.sweep();
    expect(stats.error).toBeUndefined();
    const credit = await s.firstRefunds(String(sale.saleID));
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(-toMinor(String(ret.total), "USD"));
    expect(await sales()).toHaveLength(1);
  });
});
