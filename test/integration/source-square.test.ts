// Square → QuickBooks Online end to end: a register sale (payment.updated → fetch) lands once with Square's total, and
// a refund at the till (a return order, refund.updated → fetch) reaches QuickBooks as a refund of that sale.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { sandbox } from "../helpers/mesh";
import { SourceScenario } from "../helpers/source-scenario";
import { squareExample, type Json } from "../helpers/specs-square";

const run = crypto.randomUUID().replace(/-/g, "").slice(0, 8).toUpperCase();
const saleId = `INTSQ${run}SALE`;
/** The order number people search by (reference_id), unique to this run, within QuickBooks' 21 characters. */
const ref = `SQ-${run}`;
const s = new SourceScenario("square", true);

describe("Square → QuickBooks Online", () => {
  type Money = { amount: number; currency: string };
  const { order } = squareExample<{ order: Json & { total_money: Money } }>("CreateOrderResponse");
  const sale = { ...order, id: saleId, reference_id: ref, state: "COMPLETED", tenders: [{ type: "CARD", amount_money: order.total_money }] };

  it("a register sale becomes one SalesReceipt with Square's total_money", async () => {
    await sandbox("/_seed/square/orders", sale);
    await s.deliverNew();
    const docs = await s.firstSales(saleId);
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("SalesReceipt");
    expect(docs[0]!.externalRef).toContain(ref);
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(order.total_money.amount);
  });

  it("a refund at the till reaches QuickBooks as one refund document of the returned value, and the sale stays single", async () => {
    const res = await sandbox<{ return_order: { returns: Array<{ return_amounts: { total_money: Money } }> } }>(`/square/_sim/orders/${saleId}/refund`, { reason: "Customer changed their mind" });
    const returned = res.return_order.returns[0]!.return_amounts.total_money.amount;
    await s.deliverNew();
    const credit = await s.firstRefunds(saleId);
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(returned);
    expect((await s.docs(saleId)).filter((d) => d.kind === "SalesReceipt")).toHaveLength(1);
  });
});
