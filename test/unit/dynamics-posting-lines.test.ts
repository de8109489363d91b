// The posting lines all four ERP/CRM connectors build from (shared/posting/lines.ts): totals to the cent, refunds, rounding.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { extend } from "../../shared/model/quantity";
import { addRates, fitQuantity, fitReference, lineTotal, linesTotal, orderLines, refundLines, settle } from "../../shared/posting/lines";
import { handWrittenOrders, orderArb, refundOf, stackedDiscounts, truncatingScale, weighedSpice } from "../helpers/orders";

describe("posting lines", () => {
  it("settle the hand-written corpus and generated orders to the source total, inline or separate discounts", () => {
    const check = (order: ReturnType<typeof weighedSpice>) => {
      for (const inlineDiscounts of [true, false]) {
        const settled = settle(orderLines(order, { inlineDiscounts }), order.totals.total, order.currency);
        expect(linesTotal(settled.lines)).toBe(order.totals.total);
      }
    };
    handWrittenOrders().forEach(check);
    fc.assert(fc.property(orderArb, (o) => check(o)), { numRuns: 150, seed: 7 });
  });

  it("add an explicit rounding line only where the source rounds a line its own way", () => {
    expect(settle(orderLines(weighedSpice(), { inlineDiscounts: true }), weighedSpice().totals.total, "USD").lines.some((l) => l.kind === "rounding")).toBe(false);
    const scale = truncatingScale();
    const settled = settle(orderLines(scale, { inlineDiscounts: true }), scale.totals.total, "USD");
    const rounding = settled.lines.filter((l) => l.kind === "rounding");
    // 0.333 × 1.50 = 0.4995 → 0.50 per line, the source says 0.49.
    expect(rounding.map((l) => l.unitPrice)).toEqual([scale.lines[0]!.grossAmount - extend("0.333", 150)]);
    expect(settled.notes).toHaveLength(1);
  });

  it("keep every discount, shipping and tax amount of the order", () => {
    const o = stackedDiscounts();
    const lines = orderLines(o, { inlineDiscounts: false });
    expect(-lines.filter((l) => l.kind === "discount").reduce((a, l) => a + lineTotal(l), 0)).toBe(o.totals.discounts);
    expect(lines.filter((l) => l.kind === "tax").reduce((a, l) => a + lineTotal(l), 0)).toBe(o.totals.tax);
    expect(lines.filter((l) => l.kind === "shipping").reduce((a, l) => a + lineTotal(l), 0)).toBe(o.totals.shipping);
  });

  it("make refund lines total the refund, keeping the returned quantity when the price multiplies out", () => {
    const o = weighedSpice();
    const r = refundOf(o, "R1", [o.lines[1]!.id]);
    const lines = refundLines(o, r);
    expect(linesTotal(lines)).toBe(r.total);
    expect(lines[0]).toMatchObject({ quantity: o.lines[1]!.quantity, unitPrice: o.lines[1]!.unitPrice });
  });

  it("fit a quantity finer than the destination keeps into one unit of its exact amount", () => {
    const line = orderLines(weighedSpice(), { inlineDiscounts: true })[0]!;
    const fitted = fitQuantity(line, 2);
    expect(fitted.quantity).toBe("1");
    expect(lineTotal(fitted)).toBe(lineTotal(line));
    expect(fitQuantity(line, 3)).toBe(line);
  });

  it("fit references by keeping the end of the number, whole characters only", () => {
    expect(fitReference("W-", "#1001", 35)).toBe("W-#1001");
    expect(fitReference("", "ORDER-000000000000000000000000000000000123", 20)).toBe("00000000000000000123");
    expect(fitReference("", "𠮷𠮷𠮷", 3)).toBe("𠮷");
  });
});

describe("addRates", () => {
  it("adds stacked tax rates exactly, whatever their scales", () => {
    expect(addRates(["0.05", "0.07"])).toBe("0.12");
    expect(addRates(["0.05", "0.08875"])).toBe("0.13875");
    expect(addRates(["0.1", "0.2"])).toBe("0.3");
    expect(addRates(["0.5", "0.5"])).toBe("1");
    expect(addRates(["0"])).toBe("0");
    expect(addRates([])).toBe("0");
  });
});
