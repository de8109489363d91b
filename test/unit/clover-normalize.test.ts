// Clover orders → canonical orders on fixtures in Clover's documented shapes: lines, weighed quantities, modifiers,
// discounts, tax (recorded on payments or from the rates), tips, refunds, VAT; and refusal of an order that does not add up.
import { describe, expect, it } from "vitest";
import { NormalizeError } from "../../shared/connector/errors";
import { sum } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import { checkOrderTotals } from "../../shared/model/totals";
import { normalizeOrder } from "../../workers/connectors/sources/clover/normalize";

type Json = Record<string, unknown>;
type Elements<T> = { elements: T[] };
type Payment = { amount: number; tipAmount?: number; taxAmount?: number; tender: { labelKey: string } };
type CloverOrder = Json & {
  id: string;
  total: number;
  currency: string;
  lineItems: Elements<{ id: string; price: number; unitQty?: number; taxRates: Elements<{ rate: number }> }>;
  payments: Elements<Payment>;
  refunds: Elements<{ id: string; amount: number; taxAmount: number; lineItems: Elements<{ id: string }> }>;
};

const files = import.meta.glob("../fixtures/clover/order.*.json", { eager: true, import: "default" }) as Record<string, unknown>;
const fixture = (name: string) => structuredClone(files[Object.keys(files).find((k) => k.endsWith(`/${name}`))!]) as CloverOrder;

function order(raw: unknown): Order {
  const e = normalizeOrder(raw, "c1", "DEMOCLOVERMID");
  if (e.kind !== "order") throw new Error("expected an order");
  return e.order;
}

describe("Clover fixtures", () => {
  for (const name of ["order.paid.json", "order.open.json", "order.partially-refunded.json", "order.vat-weighed.json"]) {
    it(`${name}: the canonical total is Clover's total plus the tips on its payments, and the parts add up`, () => {
      const raw = fixture(name);
      const o = order(raw);
      expect(o.totals.total).toBe(raw.total + sum(raw.payments.elements.map((p) => p.tipAmount ?? 0)));
      expect(o.lines.map((l) => l.id)).toEqual(raw.lineItems.elements.map((l) => l.id));
      expect(checkOrderTotals(o).ok).toBe(true);
      expect(o.sourceVersion).toBe(raw.modifiedTime);
    });
  }

  it("order.paid.json: modifier in the unit price, exact weighed quantity, percentage and amount discounts, tax as recorded, tip", () => {
    const raw = fixture("order.paid.json");
    const o = order(raw);
    const [rice, zaatar, turmeric] = o.lines;
    expect(zaatar).toMatchObject({ unitPrice: 799 + 100, grossAmount: 899, discounts: [{ amount: 90, title: "Spice deal 10%" }] });
    expect(turmeric).toMatchObject({ quantity: "0.375", unit: "lb", unitPrice: 1200, grossAmount: 450, taxable: false });
    expect(rice!.taxes[0]).toMatchObject({ title: "NYC Sales Tax", rate: "0.08875", code: "TAXNYC0000001" });
    expect(o.discounts).toEqual([expect.objectContaining({ title: "Loyalty $2 off", amount: 200 })]);
    expect(o.totals.tax).toBe(raw.payments.elements[0]!.taxAmount);
    expect(o.totals.tip).toBe(300);
    expect(o.payments).toEqual([expect.objectContaining({ method: "credit_card", amount: 3183 + 300, kind: "sale", status: "success" })]);
    expect([o.status, o.financialStatus, o.channel, o.orderNumber]).toEqual(["completed", "paid", "store", raw.id]);
  });

  it("order.open.json: no payment yet, so the tax is Clover's own arithmetic over the rate and the order is pending", () => {
    const raw = fixture("order.open.json");
    const o = order(raw);
    const line = raw.lineItems.elements[0]!;
    // 15.99 at 8.875 % = 1.4191… → 1.42, round half up.
    expect(o.totals.tax).toBe(raw.total - line.price);
    expect([o.status, o.financialStatus, o.payments.length]).toEqual(["pending", "pending", 0]);
  });

  it("order.partially-refunded.json: the refund keeps its line, its amount and its tax", () => {
    const raw = fixture("order.partially-refunded.json");
    const o = order(raw);
    const r = raw.refunds.elements[0]!;
    expect(o.refunds).toHaveLength(1);
    expect(o.refunds[0]).toMatchObject({ id: r.id, total: r.amount, tax: r.taxAmount, adjustments: 0 });
    expect(o.refunds[0]!.lines).toEqual([expect.objectContaining({ lineId: r.lineItems.elements[0]!.id, name: "Paneer 400 g", amount: 649 })]);
    expect(o.financialStatus).toBe("partially_refunded");
    expect(o.lines.map((l) => l.name)).toContain("Кефир 1 l");
  });

  it("order.vat-weighed.json: VAT is inside the prices; 0.25 kg at 24.90 €/kg is 6.23 €, rounded half up", () => {
    const o = order(fixture("order.vat-weighed.json"));
    expect(o.taxesIncluded).toBe(true);
    expect(o.lines[0]).toMatchObject({ quantity: "0.25", unitPrice: 2490, grossAmount: 623 });
    expect(o.totals.tax).toBe(64);
    expect(o.currency).toBe("EUR");
  });

  it("rejects an order whose lines, discounts and tax cannot make its total, naming every figure", () => {
    const raw = fixture("order.paid.json");
    raw.total += 1;
    expect(() => normalizeOrder(raw, "c1")).toThrow(NormalizeError);
    expect(() => normalizeOrder(raw, "c1")).toThrow(/cannot make the order total 3184/);
  });

  it("a tax recorded on the payments that disagrees with the total falls back to Clover's arithmetic when that adds up", () => {
    const raw = fixture("order.paid.json");
    raw.payments.elements[0]!.taxAmount = 224;
    expect(order(raw).totals.tax).toBe(225);
  });
});
