// Shopify split tender and goods sold by weight: tenders from the order's transactions, loose SKUs in kilograms.
import { describe, expect, it } from "vitest";
import { NormalizeError } from "../../shared/connector/errors";
import { extend } from "../../shared/model/quantity";
import { sum, toMinor } from "../../shared/model/money";
import { isSplitTender, measured, normalizeOrder } from "../../workers/connectors/sources/shopify/normalize";
import { TransactionsEnvelope } from "../../workers/connectors/sources/shopify/schemas";
import { shopifyFixture, type Json } from "../helpers/specs-shopify";

const fixtureOrder = (): Json => ({ ...shopifyFixture<{ order: Json }>("order.test_8.GET.json").order, refunds: [], financial_status: "paid" });

describe("split tender", () => {
  it("is recognised by several distinct gateways only", () => {
    expect(isSplitTender({ payment_gateway_names: ["gift_card", "shopify_payments"] })).toBe(true);
    expect(isSplitTender({ payment_gateway_names: ["bogus", "bogus"] })).toBe(false);
    expect(isSplitTender({ payment_gateway_names: [] })).toBe(false);
    expect(isSplitTender({})).toBe(false);
  });

  it("Shopify's own transactions example: only the capture is money taken (authorization and refund are not tenders)", () => {
    const { transactions } = TransactionsEnvelope.parse(shopifyFixture<Json>("transaction.test_1.GET.json"));
    const e = normalizeOrder(fixtureOrder(), "order.updated", "c1", { transactions });
    if (e.kind !== "order") throw new Error("expected an order");
    const captured = transactions.filter((t) => t.kind === "capture");
    expect(captured.length).toBeGreaterThan(0);
    expect(e.order.payments.map((p) => [p.id, p.amount])).toEqual(captured.map((t) => [String(t.id), toMinor(t.amount, "USD")]));
  });

  it("one payment per successful sale, each to the cent, summing to the order total", () => {
    const order = fixtureOrder();
    const total = toMinor(String(order.total_price), "USD");
    const transactions = TransactionsEnvelope.parse({
      transactions: [
        { id: 1, kind: "sale", status: "success", amount: "100.00", currency: "USD", gateway: "gift_card" },
        { id: 2, kind: "sale", status: "failure", amount: "498.94", currency: "USD", gateway: "shopify_payments" },
        { id: 3, kind: "sale", status: "success", amount: "498.94", currency: "USD", gateway: "shopify_payments" },
      ],
    }).transactions;
    const e = normalizeOrder({ ...order, payment_gateway_names: ["gift_card", "shopify_payments"] }, "order.paid", "c1", { transactions });
    if (e.kind !== "order") throw new Error("expected an order");
    expect(e.order.payments.map((p) => [p.method, p.amount])).toEqual([["gift_card", 10000], ["shopify_payments", 49894]]);
    expect(sum(e.order.payments.map((p) => p.amount))).toBe(total);
  });

  it("a tender in another currency than the order is refused, not mixed", () => {
    const transactions = TransactionsEnvelope.parse({ transactions: [{ id: 9, kind: "sale", status: "success", amount: "598.94", currency: "CAD", gateway: "bogus" }] }).transactions;
    expect(() => normalizeOrder(fixtureOrder(), "order.paid", "c1", { transactions })).toThrow(NormalizeError);
  });
});

describe("goods sold by weight", () => {
  it("a listed loose SKU of 25 g units becomes kilograms at the price per kilogram, to the same cent", () => {
    const line = measured(15, 25, "SUMAC-LOOSE", 120, ["SUMAC-LOOSE"]);
    expect(line).toEqual({ quantity: "0.375", unit: "kg", unitPrice: 4800 });
    expect(extend(line.quantity, line.unitPrice)).toBe(15 * 120);
  });

  it("keeps Shopify's count for SKUs not listed, lines without grams, and prices with no whole-cent price per kilogram", () => {
    expect(measured(15, 25, "SUMAC-BAG", 120, ["SUMAC-LOOSE"])).toEqual({ quantity: "15", unitPrice: 120 });
    expect(measured(2, 0, "SUMAC-LOOSE", 120, ["SUMAC-LOOSE"])).toEqual({ quantity: "2", unitPrice: 120 });
    // 1.25 per 30 g is 41.666… per kg: not a whole cent, so the count stays.
    expect(measured(3, 30, "SUMAC-LOOSE", 125, ["SUMAC-LOOSE"])).toEqual({ quantity: "3", unitPrice: 125 });
  });
});
