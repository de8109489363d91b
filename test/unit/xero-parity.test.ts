// Tax and rounding parity for Xero: generated orders mapped to invoices and credit notes total the source in Xero's arithmetic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { allocate, exponentOf } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import { centsToMinor, toCents, xeroTotal } from "../../workers/connectors/destinations/xero/amounts";
import { XeroConfig } from "../../workers/connectors/destinations/xero/config";
import { buildCreditNote, buildInvoice, noTaxTypes } from "../../workers/connectors/destinations/xero/mapping";
import { compute, defaultOrg } from "../../workers/sandbox/simulators/xero/ledger";
import { handWrittenOrders, orderArb, refundOf, truncatingScale } from "../helpers/orders";

const cfg = XeroConfig.parse({ tenantId: "t" });
const org = defaultOrg("t");

/** The simulator's own arithmetic (written apart from the connector) in minor units of the order currency. */
function simulatedTotal(payload: Record<string, unknown>, currency: string, credit = false): number {
  return centsToMinor(compute(payload, org, { unitdp: 4, credit }).total, currency);
}

const representable = (o: Order) => toCents(o.totals.total, o.currency).exact;

describe("xero parity", () => {
  it("hand-written corpus: every invoice totals the source in the simulator's arithmetic", () => {
    for (const order of handWrittenOrders()) {
      const built = buildInvoice(order, cfg);
      expect(simulatedTotal(built.payload, order.currency), order.sourceOrderId).toBe(order.totals.total);
    }
  });

  it("generated orders (fractional quantities, JPY/KWD, inclusive/exclusive tax, stacked discounts): zero drift or an explicit refusal", () => {
    const currencies = new Set<string>();
    let refused = 0;
    fc.assert(
      fc.property(orderArb, (order) => {
        currencies.add(order.currency);
        if (!representable(order)) {
          // Xero keeps two decimals: a KWD total with odd fils cannot be posted without changing it.
          expect(() => buildInvoice(order, cfg)).toThrow(ConnectorError);
          refused++;
          return;
        }
        const built = buildInvoice(order, cfg);
        expect(simulatedTotal(built.payload, order.currency)).toBe(order.totals.total);
        expect(Number(xeroTotal(built.payload, noTaxTypes(cfg)))).toBe(Number(toCents(order.totals.total, order.currency).cents));
        // Tax is locked line by line: Xero's total tax is the source's (to its two decimals).
        const tax = compute(built.payload, org, { unitdp: 4, credit: false }).totalTax;
        expect(tax).toBe(toCents(order.totals.tax, order.currency).cents);
        // A rounding line appears only when the currency has finer units than Xero keeps.
        if (exponentOf(order.currency) <= 2) expect(built.notes).toEqual([]);
      }),
      { numRuns: 300, seed: 4242 },
    );
    expect([...currencies].sort()).toEqual(["EUR", "GBP", "INR", "JPY", "KWD", "USD"]);
    expect(refused).toBeGreaterThan(0);
  });

  it("generated refunds of some lines: the credit note totals the money returned", () => {
    fc.assert(
      fc.property(orderArb, fc.integer({ min: 1, max: 4 }), (order, n) => {
        const refund = refundOf(order, "R1", order.lines.slice(0, n).map((l) => l.id));
        if (!toCents(refund.total, order.currency).exact) {
          expect(() => buildCreditNote(order, refund, cfg, { Name: "A" })).toThrow(ConnectorError);
          return;
        }
        const built = buildCreditNote(order, refund, cfg, { Name: "A" });
        expect(built.payload.LineItems.every((l) => !("DiscountAmount" in l))).toBe(true);
        expect(simulatedTotal(built.payload, order.currency, true)).toBe(refund.total);
      }),
      { numRuns: 200, seed: 777 },
    );
  });

  it("with the order's location mapped, every line of its invoice and credit note — discounts, tips, rounding too — carries the location's tracking", () => {
    const located = XeroConfig.parse({ tenantId: "t", locations: { "loc-1": { trackingCategory: "Location", trackingOption: "Downtown" } } });
    const want = [{ Name: "Location", Option: "Downtown" }];
    const seen = new Set<string>();
    const check = (order: Order): void => {
      if (!representable(order)) return;
      const invoice = buildInvoice({ ...order, locationId: "loc-1" }, located).payload;
      for (const l of invoice.LineItems) {
        seen.add(l.Description.replace(/ \(.*$/, "").replace(/^(Order|Refund) .*/, "$1"));
        expect(l.Tracking, l.Description).toEqual(want);
      }
      const refund = refundOf(order, "R1", order.lines.slice(0, 2).map((l) => l.id));
      if (!toCents(refund.total, order.currency).exact) return;
      for (const l of buildCreditNote({ ...order, locationId: "loc-1" }, refund, located, { Name: "A" }).payload.LineItems) expect(l.Tracking, l.Description).toEqual(want);
      // A location the profile does not map, or none: no tracking on any line.
      for (const other of [{ ...order, locationId: "loc-9" }, { ...order, locationId: undefined }]) {
        expect(buildInvoice(other, located).payload.LineItems.every((l) => l.Tracking === undefined)).toBe(true);
      }
    };
    for (const order of handWrittenOrders()) check(order);
    fc.assert(fc.property(orderArb, (order) => check(order)), { numRuns: 200, seed: 99 });
    // The orders above reach the lines that used to go untracked.
    for (const kind of ["Tip", "Discount", "Rounding adjustment"]) expect(seen, kind).toContain(kind);
  });

  it("the connector's model of Xero agrees with the simulator's on arbitrary lines, ties included", () => {
    const line = fc.record({
      q: fc.integer({ min: 1, max: 99_999 }).map((n) => n / 1000),
      u: fc.integer({ min: -5000, max: 500_000 }).map((n) => n / 100),
      d: fc.constantFrom(undefined, 0.5, 1.25),
      t: fc.integer({ min: 0, max: 999 }).map((n) => n / 100),
    });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), fc.constantFrom("Exclusive", "Inclusive"), (lines, type) => {
        const doc = { LineAmountTypes: type, LineItems: lines.map((l) => ({ Description: "x", Quantity: l.q, UnitAmount: l.u, DiscountAmount: l.d, TaxType: "OUTPUT", TaxAmount: l.t, AccountCode: "200" })) };
        expect(xeroTotal(doc, noTaxTypes(cfg))).toBe(compute(doc, org, { unitdp: 4, credit: false }).total);
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  it("keeps the source's quantity and price when Xero multiplies them exactly, and otherwise Xero's own one-line form", () => {
    const built = buildInvoice(truncatingScale(), cfg).payload;
    // 0.333 kg × 1.50 is 0.4995 but the scale charged 0.49: quantity 1 at 0.49, the real figures in the description.
    expect(built.LineItems[0]).toMatchObject({ Quantity: 1, UnitAmount: 0.49 });
    expect(built.LineItems[0]!.Description).toContain("0.333 kg × 1.50");
    expect(built.LineItems[1]).toMatchObject({ Quantity: 1, UnitAmount: 8.99 });
    expect(allocate(1, [1])).toEqual([1]);
  });
});
