// Tax and rounding parity for Zoho Books: generated orders mapped to documents total the source in Zoho's arithmetic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { buildCreditNote, buildDocument, taxRates } from "../../workers/connectors/destinations/zoho-books/mapping";
import { ZohoConfig } from "../../workers/connectors/destinations/zoho-books/config";
import { zohoTotal } from "../../workers/connectors/destinations/zoho-books/amounts";
import { compute, defaultOrg, units } from "../../workers/sandbox/simulators/zoho-books/books";
import { buildOrder, handWrittenOrders, orderArb, refundOf } from "../helpers/orders";

/** Every rate the corpus and the arbitraries use, as Zoho taxes (percentages) and as the profile's rate → tax_id map. */
const RATES = ["0.05", "0.08", "0.2", "0.08875", "0.1", "0.0825", "0.0785"];
const codes = RATES.map((rate, i) => ({ rate, code: `tax-${i}` }));
const cfg = ZohoConfig.parse({ organizationId: "o", taxes: { codes } });
const org = { ...defaultOrg("o"), taxes: Object.entries(taxRates(cfg)).map(([tax_id, pct]) => ({ tax_id, tax_name: tax_id, tax_percentage: pct })) };

/** The organization's currency as the connector resolves it (decimal places from the simulator's currency list). */
const currencyOf = (code: string) => {
  const c = org.currencies.find((x) => x.currency_code === code)!;
  return { id: c.currency_id, places: c.price_precision };
};

function simulated(payload: Record<string, unknown>, currency: string): bigint {
  return units(compute(payload, org, currency).total as number, currencyOf(currency).places);
}
const minorUnits = (minor: number) => BigInt(minor);

describe("zoho-books parity", () => {
  it("hand-written corpus: each document totals the source in the simulator's arithmetic", () => {
    for (const order of handWrittenOrders()) {
      const built = buildDocument(order, cfg, "c", currencyOf(order.currency));
      expect(simulated(built.payload, order.currency), order.sourceOrderId).toBe(minorUnits(order.totals.total));
    }
  });

  it("generated orders: zero drift, the difference Zoho's per-tax rounding makes carried by an explicit adjustment", () => {
    let adjusted = 0;
    fc.assert(
      fc.property(orderArb, (order) => {
        const built = buildDocument(order, cfg, "c", currencyOf(order.currency));
        expect(simulated(built.payload, order.currency)).toBe(minorUnits(order.totals.total));
        expect(zohoTotal(built.payload, taxRates(cfg), currencyOf(order.currency).places).total).toBe(minorUnits(order.totals.total));
        if (built.payload.adjustment !== undefined) {
          adjusted++;
          expect(built.payload.adjustment_description).toMatch(/Rounding adjustment/);
          expect(built.notes.some((n) => /adjustment of/.test(n.message))).toBe(true);
        } else {
          expect(built.notes.filter((n) => /adjustment of/.test(n.message))).toEqual([]);
        }
      }),
      { numRuns: 300, seed: 31337 },
    );
    expect(adjusted).toBeGreaterThan(0);
  });

  it("generated refunds: the credit note totals the money returned", () => {
    fc.assert(
      fc.property(orderArb, fc.integer({ min: 1, max: 4 }), (order, n) => {
        const refund = refundOf(order, "R1", order.lines.slice(0, n).map((l) => l.id));
        const built = buildCreditNote(order, refund, cfg, "c", currencyOf(order.currency));
        expect(simulated(built.payload, order.currency)).toBe(minorUnits(refund.total));
      }),
      { numRuns: 200, seed: 4711 },
    );
  });

  it("aggregate tax: three 0.99 lines at 8.875% are 0.09 each at the till but 0.26 in Zoho — a +0.01 adjustment", () => {
    const order = buildOrder({
      id: "agg",
      currency: "USD",
      taxesIncluded: false,
      lines: [0, 1, 2].map((i) => ({ name: `Chai ${i}`, sku: `CHAI-${i}`, quantity: "1", unitPrice: 99, tax: { amount: 9, rate: "0.08875" } })),
      tax: 27,
    });
    const built = buildDocument(order, cfg, "c", currencyOf(order.currency));
    expect(built.payload.adjustment).toBe(0.01);
    expect(compute(built.payload, org, "USD").tax_total).toBe(0.26);
    expect(simulated(built.payload, "USD")).toBe(BigInt(order.totals.total));
  });

  it("a currency the organization keeps with fewer decimals than the source cannot be posted exactly: refused", () => {
    const order = buildOrder({ id: "kwd", currency: "KWD", taxesIncluded: false, lines: [{ name: "Dates", quantity: "1", unitPrice: 1235 }], tax: 0 });
    expect(() => buildDocument(order, cfg, "c", { places: 2 })).toThrow(ConnectorError);
    expect(currencyOf("KWD").places).toBe(3);
    expect(simulated(buildDocument(order, cfg, "c", currencyOf("KWD")).payload, "KWD")).toBe(1235n);
  });
});
