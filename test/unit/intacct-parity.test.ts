// Tax and rounding parity for Sage Intacct: the XML the connector writes totals the source in the simulator's Order Entry arithmetic.
import fc from "fast-check";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { formatMinor } from "../../shared/model/money";
import type { Order, Refund } from "../../shared/model/order";
import { IntacctConfig } from "../../workers/connectors/destinations/sage-intacct/config";
import { buildOrder, buildReturn, createXml, intacctTotal } from "../../workers/connectors/destinations/sage-intacct/mapping";
import { child, children, defaultCompany, line, places, subtotals, totals } from "../../workers/sandbox/simulators/sage-intacct/company";
import type { XNode } from "../../workers/sandbox/simulators/sage-intacct/ordered";
import { handWrittenOrders, orderArb, refundOf, truncatingScale, vatInclusive } from "../helpers/orders";

const cfg = IntacctConfig.parse({ companyId: "co", items: { map: {}, autoCreate: false } });
const company = defaultCompany("co");
const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false, trimValues: true });

/** Runs the simulator's arithmetic (line values, subtotals, TOTAL) over the create_sotransaction the connector wrote. */
function simulatedTotal(xml: string, currency: string, definition: string): string {
  const tx = (parser.parse(xml) as XNode[])[0]!;
  const p = places(currency);
  const lines = children(child(tx, "sotransitems")!, "sotransitem").map((n, i) => line(company, n, p, i + 1));
  const subs = subtotals(company.definitions[definition]!, definition, children(child(tx, "subtotals")!, "subtotal"), p);
  return totals(lines, subs, p).TOTAL;
}

function viaSimulator(order: Order): string {
  const built = buildOrder(order, cfg);
  return simulatedTotal(createXml(order, built, order.orderNumber, cfg, "2026-05-01"), order.currency, built.definition);
}

function returnViaSimulator(order: Order, refund: Refund): string {
  const built = buildReturn(order, refund, cfg);
  return simulatedTotal(createXml(order, built, `${order.orderNumber}-R`, cfg, "2026-05-03"), order.currency, built.definition);
}

describe("sage-intacct parity", () => {
  it("hand-written corpus totals the source to the cent in the simulator's arithmetic", () => {
    for (const order of handWrittenOrders()) expect(viaSimulator(order), order.sourceOrderId).toBe(formatMinor(order.totals.total, order.currency));
  });

  it("generated orders (fractional quantities, JPY/KWD, inclusive/exclusive tax, stacked discounts): zero drift, tax locked", () => {
    fc.assert(
      fc.property(orderArb, (order) => {
        const built = buildOrder(order, cfg);
        expect(viaSimulator(order)).toBe(formatMinor(order.totals.total, order.currency));
        expect(intacctTotal(built.lines, built.tax, order.currency)).toBe(order.totals.total);
        // The Tax subtotal is the source's tax, never recomputed.
        expect(built.tax).toBe(order.totals.tax);
        // Exact figures leave nothing to round: no rounding line is needed.
        expect(built.lines.some((l) => l.itemid === cfg.roundingItemId)).toBe(false);
      }),
      { numRuns: 300, seed: 2718 },
    );
  });

  it("generated refunds: the return transaction totals the money returned", () => {
    fc.assert(
      fc.property(orderArb, fc.integer({ min: 1, max: 4 }), (order, n) => {
        const refund = refundOf(order, "R1", order.lines.slice(0, n).map((l) => l.id));
        expect(returnViaSimulator(order, refund)).toBe(formatMinor(refund.total, order.currency));
      }),
      { numRuns: 200, seed: 1618 },
    );
  });

  it("a refund whose parts do not add up to the money returned gets an explicit rounding line", () => {
    const order = vatInclusive();
    const refund = { ...refundOf(order, "R9"), total: refundOf(order, "R9").total - 1 };
    const built = buildReturn(order, refund, cfg);
    expect(built.lines.at(-1)).toMatchObject({ itemid: cfg.roundingItemId, price: "-0.01" });
    expect(built.notes.some((n) => /rounding line of -0.01 GBP/.test(n.message))).toBe(true);
    expect(returnViaSimulator(order, refund)).toBe(formatMinor(refund.total, "GBP"));
  });

  it("keeps quantity × price when exact, otherwise 1 × the source's line amount (0.333 kg × 1.50 charged 0.49)", () => {
    const lines = buildOrder(truncatingScale(), cfg).lines;
    expect(lines[0]).toMatchObject({ quantity: "1", price: "0.49" });
    expect(lines[0]!.itemdesc).toContain("0.333 kg × 1.50");
    expect(lines[1]).toMatchObject({ quantity: "1", price: "8.99" });
  });
});
