// SAP Business One mapping: locked line tax, document rounding, refund adjustments, references and currencies.
import { describe, expect, it } from "vitest";
import { formatMinor } from "../../shared/model/money";
import { SapB1Config } from "../../workers/connectors/destinations/sap-business-one/config";
import { documentBody, orderPlan, planTotal, refundPlan, settle } from "../../workers/connectors/destinations/sap-business-one/mapping";
import { marker, markerOf, orderNumAtCard, quote } from "../../workers/connectors/destinations/sap-business-one/refs";
import { refundOf, stackedDiscounts, vatInclusive, weighedSpice, withIdentity } from "../helpers/orders";

const cfg = SapB1Config.parse({});

describe("SAP Business One mapping", () => {
  it("posts each line's net amount and the source's own tax, so DocTotal is the source total without rounding", () => {
    for (const order of [weighedSpice(), stackedDiscounts(), vatInclusive()]) {
      const lines = orderPlan(order, cfg, new Map());
      expect(planTotal({ lines, rounding: 0 })).toBe(order.totals.total);
      expect(lines.reduce((n, l) => n + l.tax, 0)).toBe(order.totals.tax);
    }
  });

  it("settles a few cents of difference in RoundingDiffAmount and refuses more", () => {
    const order = weighedSpice();
    const lines = orderPlan(order, cfg, new Map());
    const settled = settle(lines, order.totals.total + 1, "USD", "t");
    expect(settled.plan.rounding).toBe(1);
    const body = documentBody({ order, cfg, cardCode: "C20000", numAtCard: "#1", comments: "c", docDate: "2026-05-01" }, settled.plan);
    expect(body).toMatchObject({ Rounding: "tYES", RoundingDiffAmount: 0.01 });
    expect(settled.notes[0]!.message).toMatch(/RoundingDiffAmount 0.01/);
    expect(() => settle(lines, order.totals.total + 500, "USD", "t")).toThrow(/more than rounding/);
  });

  it("adds an explicit adjustment line when the money refunded differs from the refunded lines", () => {
    const order = stackedDiscounts();
    const refund = { ...refundOf(order, "R1"), total: refundOf(order, "R1").total + 1000 };
    const { lines, notes } = refundPlan(order, refund, cfg, new Map());
    expect(lines.reduce((n, l) => n + l.net + l.tax, 0)).toBe(refund.total);
    expect(lines.at(-1)!.description).toMatch(/Refund adjustment/);
    expect(notes[0]!.message).toContain(formatMinor(1000, "USD"));
  });

  it("writes foreign-currency documents with DocCurrency and the source's rate; home-currency ones without", () => {
    const gbp = { ...vatInclusive(), exchangeRate: "1.27" };
    const plan = settle(orderPlan(gbp, cfg, new Map()), gbp.totals.total, "GBP", "t").plan;
    expect(documentBody({ order: gbp, cfg, cardCode: "C20000", numAtCard: "#1", comments: "c", docDate: "2026-05-01" }, plan)).toMatchObject({ DocCurrency: "GBP", DocRate: 1.27 });
    const usd = weighedSpice();
    const body = documentBody({ order: usd, cfg, cardCode: "C20000", numAtCard: "#1", comments: "c", docDate: "2026-05-01" }, settle(orderPlan(usd, cfg, new Map()), usd.totals.total, "USD", "t").plan);
    expect(body.DocCurrency).toBeUndefined();
  });

  it("keeps NumAtCard within 100 characters on grapheme boundaries and quotes OData literals", () => {
    const long = withIdentity(weighedSpice(), "x", `${"हल्दी".repeat(30)}-1001`);
    const ref = orderNumAtCard(long);
    expect(ref.length).toBeLessThanOrEqual(100);
    expect(long.orderNumber.startsWith(ref)).toBe(true);
    expect(quote("O'Brien #7")).toBe("'O''Brien #7'");
    expect(markerOf(`${marker("demo-b1", "450789469")} shopify order #1001`)).toBe("om:demo-b1:450789469");
  });
});
