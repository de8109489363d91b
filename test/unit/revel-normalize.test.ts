// Revel: JSON floats read to the exact cent (noise tolerated, real sub-cent amounts refused), weighed quantities,
// refunds from negative payments, voided tickets, and naive local timestamps in the establishment's time zone.
import { describe, expect, it } from "vitest";
import { NormalizeError } from "../../shared/connector/errors";
import { floatToMinor } from "../../shared/model/money";
import { extend } from "../../shared/model/quantity";
import { normalizeOrder, percent } from "../../workers/connectors/sources/revel/normalize";
import { fromRevelTime, toRevelTime } from "../../workers/connectors/sources/revel/time";

type Json = Record<string, unknown>;
type Order = { orderInfo: Json; items: Json[]; payments: Json[] };
const files = import.meta.glob("../fixtures/revel/*.json", { eager: true, import: "default" }) as Record<string, Order>;
const order = (file: string): Order => structuredClone(Object.entries(files).find(([k]) => k.endsWith(`/${file}`))![1]);
const ctx = { connectionId: "c1", currency: "USD", timeZone: "UTC" };

function normalized(o: Order, c = ctx) {
  const e = normalizeOrder(o, c);
  if (e?.kind !== "order") throw new Error("expected an order event");
  return e.order;
}

describe("Revel normalization", () => {
  it("reads floats carrying binary noise to the exact cent, and a 0.375 kg line as 0.375 × price", () => {
    const o = order("order-weighed-float-noise.json");
    const n = normalized(o);
    const weighed = o.items[0]!;
    expect(n.lines[0]!.quantity).toBe("0.375");
    expect(n.lines[0]!.grossAmount).toBe(extend("0.375", floatToMinor(Number(weighed.price), "USD")));
    expect(n.totals.subtotal).toBe(floatToMinor(Number(o.orderInfo.subtotal), "USD"));
    expect(n.totals.total).toBe(floatToMinor(Number(o.orderInfo.final_total), "USD"));
  });

  it("refuses a float that is a real fraction of a cent instead of rounding it away", () => {
    const o = order("order-dine-in.json");
    o.orderInfo.final_total = 13.335;
    expect(() => normalizeOrder(o, ctx)).toThrow(NormalizeError);
  });

  it("refuses an order whose parts do not make its final_total (the amount model is checked, not trusted)", () => {
    const o = order("order-dine-in.json");
    o.orderInfo.tax = 1.09;
    expect(() => normalizeOrder(o, ctx)).toThrow(/parts add up/);
  });

  it("keeps payment tips on top of final_total and the tax split over lines by their own tax", () => {
    const o = order("order-dine-in.json");
    const n = normalized(o);
    const tip = floatToMinor(Number(o.payments[0]!.tip), "USD");
    expect(n.totals.tip).toBe(tip);
    expect(n.payments[0]!.amount).toBe(floatToMinor(Number(o.payments[0]!.amount), "USD") + tip);
    expect(n.lines.map((l) => l.taxes[0]?.amount)).toEqual(o.items.map((i) => floatToMinor(Number(i.tax_amount), "USD")));
    expect(n.lines[0]!.taxes[0]!.rate).toBe("0.08875");
  });

  it("turns a negative payment into a refund and a ticket with every item voided into a cancelled order", () => {
    const refunded = normalized(order("order-partial-refund.json"));
    expect(refunded.refunds.map((r) => r.total)).toEqual([773]);
    expect(refunded.financialStatus).toBe("partially_refunded");
    const voided = normalized(order("order-voided.json"));
    expect(voided.status).toBe("cancelled");
    expect(voided.lines).toEqual([]);
  });

  it("reads percentages as exact fractions", () => {
    expect([percent(8.875), percent(8), percent(12.5), percent(100), percent(0)]).toEqual(["0.08875", "0.08", "0.125", "1", "0"]);
  });
});

describe("Revel local timestamps", () => {
  it("reads a naive updated_date in the establishment's zone, across a DST change, and writes filters back in it", () => {
    // 2024-03-10 02:30 does not exist in New York (clocks jump 02:00 → 03:00); 01:30 is EST, 03:30 EDT.
    expect(new Date(fromRevelTime("2024-03-10T01:30:00", "America/New_York")).toISOString()).toBe("2024-03-10T06:30:00.000Z");
    expect(new Date(fromRevelTime("2024-03-10T03:30:00", "America/New_York")).toISOString()).toBe("2024-03-10T07:30:00.000Z");
    expect(new Date(fromRevelTime("2024-06-15T12:31:02.250000", "Asia/Kolkata")).toISOString()).toBe("2024-06-15T07:01:02.250Z");
    const at = Date.UTC(2024, 10, 3, 5, 59, 59);
    expect(fromRevelTime(toRevelTime(at, "America/Chicago"), "America/Chicago")).toBe(at);
  });

  it("orders versions by the instant, not the wall clock", () => {
    const o = order("order-dine-in.json");
    const utc = normalized(o);
    const tokyo = normalized(o, { ...ctx, timeZone: "Asia/Tokyo" });
    expect(utc.sourceVersion - tokyo.sourceVersion).toBe(9 * 3600_000);
  });
});
