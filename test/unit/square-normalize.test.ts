// Square Order → canonical events on Square's own examples and on variations of them: every minor unit, exact quantities,
// tenders, fulfillments, return orders and stock.
import { describe, expect, it } from "vitest";
import { NormalizeError } from "../../shared/connector/errors";
import { sum } from "../../shared/model/money";
import type { CanonicalEvent, Order } from "../../shared/model/order";
import { checkOrderTotals } from "../../shared/model/totals";
import { square } from "../../workers/connectors/sources/square";
import { normalizeOrder, percentToRate } from "../../workers/connectors/sources/square/normalize";
import { squareExample, type Json } from "../helpers/specs-square";

type Money = { amount: number; currency: string };
type SquareOrder = Json & { id: string; total_money: Money; line_items: Array<Json & { uid: string; quantity: string; gross_sales_money: Money; total_discount_money: Money }> };

const example = (name: "RetrieveOrderResponse" | "CreateOrderResponse") => squareExample<{ order: SquareOrder }>(name).order;

function orderOf(events: CanonicalEvent[]): Order {
  const e = events.find((x) => x.kind === "order");
  if (e?.kind !== "order") throw new Error("no order event");
  return e.order;
}

describe("Square examples from the OpenAPI spec", () => {
  for (const name of ["RetrieveOrderResponse", "CreateOrderResponse"] as const) {
    it(`${name}: totals, lines and discounts are Square's own figures`, () => {
      const raw = example(name);
      const order = orderOf(normalizeOrder(raw, "c1"));
      expect(order.totals.total).toBe(raw.total_money.amount);
      expect(order.totals.tax).toBe((raw.total_tax_money as Money).amount);
      expect(order.totals.discounts).toBe((raw.total_discount_money as Money).amount);
      expect(order.currency).toBe(raw.total_money.currency);
      expect(order.lines.map((l) => l.id)).toEqual(raw.line_items.map((l) => l.uid));
      expect(order.lines.map((l) => l.quantity)).toEqual(raw.line_items.map((l) => l.quantity));
      expect(order.lines.map((l) => l.grossAmount)).toEqual(raw.line_items.map((l) => l.gross_sales_money.amount));
      expect(order.lines.map((l) => sum(l.discounts.map((d) => d.amount)))).toEqual(raw.line_items.map((l) => l.total_discount_money.amount));
      expect(checkOrderTotals(order).ok).toBe(true);
      expect(order.sourceVersion).toBe(Date.parse(String(raw.updated_at)));
    });
  }

  it("CreateOrderResponse: a modifier is part of the unit price, so quantity × unit price is the line's gross", () => {
    const order = orderOf(normalizeOrder(example("CreateOrderResponse"), "c1"));
    const steak = order.lines.find((l) => l.name.startsWith("New York Steak"))!;
    // base 2200 + modifier "Well" 50 per unit, two units = gross_sales_money 4500.
    expect(steak.unitPrice).toBe(2250);
    expect(steak.grossAmount).toBe(4500);
    expect(steak.name).toBe("New York Steak (Larger)");
    expect(steak.taxes[0]).toMatchObject({ title: "State Sales Tax", rate: "0.09", amount: 374 });
  });

  it("an order-scoped percentage is the exact fraction", () => {
    expect(percentToRate("7.25", "t")).toBe("0.0725");
    expect(percentToRate("9", "t")).toBe("0.09");
    expect(percentToRate("0.5", "t")).toBe("0.005");
    expect(percentToRate("100", "t")).toBe("1");
  });

  it("rejects an order whose parts do not add up to total_money, naming both figures", () => {
    const raw = example("RetrieveOrderResponse");
    raw.total_money = { ...raw.total_money, amount: raw.total_money.amount + 1 };
    expect(() => normalizeOrder(raw, "c1")).toThrow(NormalizeError);
    expect(() => normalizeOrder(raw, "c1")).toThrow(/source total is 551/);
  });

  it("rejects an order mixing ADDITIVE and INCLUSIVE taxes rather than mis-stating it", () => {
    const raw = example("CreateOrderResponse");
    const taxes = raw.taxes as Json[];
    raw.taxes = [...taxes, { ...taxes[0], uid: "vat", type: "INCLUSIVE", applied_money: { amount: 10, currency: "USD" } }];
    expect(() => normalizeOrder(raw, "c1")).toThrow(/mixes INCLUSIVE and ADDITIVE/);
  });
});

describe("variations Square documents: tenders, weighed quantities, fulfillments, returns", () => {
  it("a split tender at the till is two payments; an order paid in full and closed is completed", () => {
    const raw = example("RetrieveOrderResponse");
    const total = raw.total_money.amount;
    raw.state = "COMPLETED";
    raw.tenders = [
      { id: "T1", type: "CASH", amount_money: { amount: 200, currency: "USD" } },
      { id: "T2", type: "CARD", amount_money: { amount: total - 200, currency: "USD" }, card_details: { status: "CAPTURED", card: { card_brand: "VISA" } } },
    ];
    const order = orderOf(normalizeOrder(raw, "c1"));
    expect(order.payments.map((p) => [p.method, p.amount])).toEqual([["cash", 200], ["card", total - 200]]);
    expect(sum(order.payments.map((p) => p.amount))).toBe(total);
    expect(order.financialStatus).toBe("paid");
    expect(order.status).toBe("completed");
  });

  it("a weighed line keeps its decimal quantity exactly (Square quantities are decimal strings)", () => {
    const raw = example("RetrieveOrderResponse");
    const line = raw.line_items[1]!;
    // 0.375 kg at 1299 a kg: Square states gross_sales_money 487.
    Object.assign(line, { quantity: "0.375", base_price_money: { amount: 1299, currency: "USD" }, gross_sales_money: { amount: 487, currency: "USD" }, quantity_unit: { measurement_unit: { weight_unit: "METRIC_KILOGRAM" }, precision: 3 } });
    const removed = 600 - 487;
    raw.total_money = { amount: raw.total_money.amount - removed, currency: "USD" };
    const order = orderOf(normalizeOrder(raw, "c1"));
    const weighed = order.lines[1]!;
    expect(weighed.quantity).toBe("0.375");
    expect(weighed.unit).toBe("METRIC_KILOGRAM");
    expect(weighed.grossAmount).toBe(487);
    expect(order.totals.total).toBe(raw.total_money.amount);
  });

  it("fulfillment states become statuses: RESERVED packing, SHIPMENT COMPLETED shipped with its tracking, PICKUP COMPLETED delivered", () => {
    const raw = example("RetrieveOrderResponse");
    raw.tenders = [{ id: "T1", type: "CARD", amount_money: raw.total_money, card_details: { status: "CAPTURED" } }];
    raw.fulfillments = [{ uid: "F1", type: "SHIPMENT", state: "RESERVED" }];
    expect(orderOf(normalizeOrder(raw, "c1")).status).toBe("packing");
    raw.fulfillments = [{ uid: "F1", type: "SHIPMENT", state: "COMPLETED", shipment_details: { carrier: "UPS", tracking_number: "1Z999", shipped_at: "2020-05-19T10:00:00Z" } }];
    const shipped = orderOf(normalizeOrder(raw, "c1"));
    expect(shipped.status).toBe("shipped");
    expect(shipped.channel).toBe("web");
    expect(shipped.fulfillments[0]).toMatchObject({ status: "shipped", carrier: "UPS", trackingNumber: "1Z999", updatedAt: "2020-05-19T10:00:00.000Z" });
    raw.fulfillments = [{ uid: "F1", type: "PICKUP", state: "COMPLETED" }];
    expect(orderOf(normalizeOrder(raw, "c1")).status).toBe("delivered");
    raw.state = "CANCELED";
    raw.tenders = [];
    raw.fulfillments = [{ uid: "F1", type: "PICKUP", state: "CANCELED" }];
    const cancelled = orderOf(normalizeOrder(raw, "c1"));
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.financialStatus).toBe("voided");
  });

  /** A return order as the Orders API models it: returns[] naming the sale, refunds[] the money given back. */
  function returnOrder(status: string): Json {
    const sale = example("RetrieveOrderResponse");
    const line = sale.line_items[0]!;
    return {
      id: "RETURN1",
      location_id: sale.location_id,
      state: "COMPLETED",
      created_at: "2020-05-20T09:00:00Z",
      updated_at: "2020-05-20T09:00:00Z",
      total_money: { amount: 0, currency: "USD" },
      returns: [
        {
          uid: "R1",
          source_order_id: sale.id,
          return_line_items: [
            { uid: "RL1", source_line_item_uid: line.uid, quantity: "1", name: "Item 1", gross_return_money: { amount: 500, currency: "USD" }, total_discount_money: { amount: 250, currency: "USD" }, total_tax_money: { amount: 0, currency: "USD" }, total_money: { amount: 250, currency: "USD" } },
          ],
          return_amounts: { total_money: { amount: 250, currency: "USD" }, tax_money: { amount: 0, currency: "USD" } },
        },
      ],
      refunds: [{ id: "REF1", location_id: sale.location_id, reason: "Damaged", amount_money: { amount: 250, currency: "USD" }, status, created_at: "2020-05-20T09:00:00Z" }],
    };
  }

  it("a return order becomes a refund of the sale it names, with the returned line and Square's return value", () => {
    const sale = example("RetrieveOrderResponse");
    const events = normalizeOrder(returnOrder("APPROVED"), "c1");
    expect(events).toHaveLength(1);
    const [e] = events;
    if (e?.kind !== "refund") throw new Error("expected a refund");
    expect(e.sourceOrderId).toBe(sale.id);
    expect(e.refund).toMatchObject({ id: "RETURN1", total: 250, reason: "Damaged", adjustments: 0 });
    expect(e.refund.lines).toEqual([expect.objectContaining({ lineId: sale.line_items[0]!.uid, quantity: "1", amount: 250 })]);
    expect(e.refund.payments.map((p) => p.amount)).toEqual([250]);
  });

  it("waits while a return's refund is PENDING, and reports nothing for one that was REJECTED", () => {
    expect(normalizeOrder(returnOrder("PENDING"), "c1")).toEqual([]);
    expect(normalizeOrder(returnOrder("REJECTED"), "c1")).toEqual([]);
  });

  it("an exchange is both: a refund of the old sale and the new sale itself", () => {
    const exchange = { ...returnOrder("APPROVED"), ...(({ line_items, total_money }) => ({ line_items, total_money }))(example("RetrieveOrderResponse")) };
    const kinds = normalizeOrder(exchange, "c1").map((e) => e.kind);
    expect(kinds.sort()).toEqual(["order", "refund"]);
  });
});

describe("inventory.count.updated", () => {
  it("Square's example becomes one stock level with the exact decimal quantity; other states are not stock", () => {
    const event = squareExample<{ data: { object: { inventory_counts: Json[] } } }>("InventoryCountUpdatedEvent");
    const count = event.data.object.inventory_counts[0]!;
    const out = square.normalize({ topic: "inventory.count.updated", payload: event, connectionId: "c1", receivedAt: "", config: {} });
    expect(out).toEqual([{ kind: "stock", type: "stock.changed", stock: expect.objectContaining({ sku: count.catalog_object_id, locationId: count.location_id, available: count.quantity }) }]);
    event.data.object.inventory_counts = [{ ...count, state: "SOLD" }];
    expect(square.normalize({ topic: "inventory.count.updated", payload: event, connectionId: "c1", receivedAt: "", config: {} })).toEqual([]);
  });
});
