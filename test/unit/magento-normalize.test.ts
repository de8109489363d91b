// Adobe Commerce: item folding (configurable, bundle), credit memos and shipments on folded lines, order states,
// order-currency floats, and the searchCriteria the sweep sends.
import { describe, expect, it } from "vitest";
import { NormalizeError } from "../../shared/connector/errors";
import { floatToMinor } from "../../shared/model/money";
import { foldItems, normalizeOrder } from "../../workers/connectors/sources/magento/normalize";
import { searchCriteria } from "../../workers/connectors/sources/magento/poll";
import * as S from "../../workers/connectors/sources/magento/schemas";
import { tutorialExample, tutorialOrder } from "../helpers/specs-magento";

type Json = Record<string, unknown>;
const items = (o: Json) => o.items as Json[];

function order(o: Json, extras?: Parameters<typeof normalizeOrder>[2]) {
  const e = normalizeOrder(o, "c1", extras);
  if (e.kind !== "order") throw new Error("expected an order event");
  return e.order;
}

describe("Magento item folding", () => {
  it("prices a dynamic bundle on its children when the parent carries no price", () => {
    const o = tutorialOrder();
    const bundle = items(o).find((i) => i.product_type === "bundle")!;
    const unpriced = { ...o, items: items(o).map((i) => (i.item_id === bundle.item_id ? { ...i, price: 0, row_total: 0 } : i)) };
    const n = order(unpriced);
    const children = items(o).filter((i) => i.parent_item_id === bundle.item_id);
    expect(n.lines.map((l) => l.id)).toEqual(expect.arrayContaining(children.map((c) => String(c.item_id))));
    expect(n.lines.map((l) => l.id)).not.toContain(String(bundle.item_id));
    expect(n.totals.total).toBe(floatToMinor(Number(o.grand_total), "USD"));
  });

  it("refuses an item whose parent is not in the order", () => {
    const o = tutorialOrder();
    expect(() => foldItems(S.Order.parse({ ...o, items: [...items(o), { ...items(o)[0], item_id: 99, parent_item_id: 98 }] }).items)).toThrow(NormalizeError);
  });
});

describe("Magento order normalization", () => {
  it("uses the order currency amounts, not the base currency ones", () => {
    const o = tutorialOrder();
    const eur = { ...o, order_currency_code: "EUR", base_currency_code: "USD", base_grand_total: 178.2, base_to_order_rate: 0.925925 };
    const n = order(eur);
    expect(n.currency).toBe("EUR");
    expect(n.totals.total).toBe(floatToMinor(Number(o.grand_total), "EUR"));
    expect(n.exchangeRate).toBe("0.925925");
  });

  it("tolerates float noise in order amounts and refuses real fractions of a cent", () => {
    const o = tutorialOrder();
    expect(order({ ...o, grand_total: 165.00000000000003 }).totals.total).toBe(16500);
    expect(() => normalizeOrder({ ...o, grand_total: 165.005 }, "c1")).toThrow(NormalizeError);
  });

  it("maps Order::STATE_* to the lifecycle", () => {
    const o = tutorialOrder();
    const paid = { total_paid: o.grand_total, payment: { ...(o.payment as Json), amount_paid: o.grand_total } };
    const shippedAll = { items: items(o).map((i) => ({ ...i, qty_shipped: i.qty_ordered })) };
    expect(order({ ...o, state: "new" }).status).toBe("pending");
    expect(order({ ...o, state: "holded" }).status).toBe("pending");
    expect(order({ ...o, state: "canceled" })).toMatchObject({ status: "cancelled", financialStatus: "voided" });
    expect(order({ ...o, ...paid, state: "processing" })).toMatchObject({ status: "paid", financialStatus: "paid" });
    expect(order({ ...o, ...paid, state: "processing", items: items(o).map((i, n) => (n === 0 ? { ...i, qty_shipped: 1 } : i)) })).toMatchObject({ status: "packing", fulfillmentStatus: "partial" });
    expect(order({ ...o, ...paid, ...shippedAll, state: "complete" })).toMatchObject({ status: "completed", fulfillmentStatus: "shipped" });
    expect(order({ ...o, ...paid, state: "closed", total_refunded: o.grand_total })).toMatchObject({ status: "refunded", financialStatus: "refunded" });
  });

  it("reads a credit memo on folded lines (a configurable's child line is not counted twice) with its own grand total", () => {
    const o = tutorialOrder();
    const parent = items(o).find((i) => i.product_type === "configurable")!;
    const child = items(o).find((i) => i.parent_item_id === parent.item_id)!;
    const memo = S.Creditmemo.parse({
      entity_id: 5,
      order_id: o.entity_id,
      created_at: "2017-08-22 10:00:00",
      grand_total: 52,
      subtotal: 52,
      items: [
        { order_item_id: parent.item_id, qty: 1, row_total: 52, price: 52 },
        { order_item_id: child.item_id, qty: 1, row_total: 0, price: 0 },
      ],
      extension_attributes: { return_to_stock_items: [parent.item_id] },
    });
    const n = order({ ...o, total_paid: o.grand_total, total_refunded: 52, state: "processing" }, { creditmemos: [memo], shipments: [] });
    expect(n.refunds).toHaveLength(1);
    expect(n.refunds[0]!.lines).toEqual([expect.objectContaining({ lineId: String(parent.item_id), sku: child.sku, quantity: "1", amount: 5200, restock: true })]);
    expect(n.refunds[0]!.total).toBe(5200);
  });

  it("reads the tutorial's shipment (items 3, 5 and 11: the configurable's child) as one fulfillment of folded lines", () => {
    const o = tutorialOrder();
    const payload = tutorialExample<{ items: { order_item_id: number; qty: number }[]; tracks: Json[] }>("order-create-shipment.1.payload.json");
    const shipment = S.Shipment.parse({ entity_id: 1, order_id: o.entity_id, created_at: "2017-08-21 23:00:00", items: payload.items, tracks: payload.tracks });
    const n = order(o, { creditmemos: [], shipments: [shipment] });
    const parent = items(o).find((i) => i.item_id === items(o).find((x) => x.item_id === 11)!.parent_item_id)!;
    expect(n.fulfillments[0]!.lines.map((l) => l.lineId)).toEqual(["3", "5", String(parent.item_id)]);
    expect(n.fulfillments[0]).toMatchObject({ trackingNumber: payload.tracks[0]!.track_number, carrier: payload.tracks[0]!.title });
  });

  it("asks for the next page keyset-style: updated_at ≥ since AND (updated_at > since OR entity_id > last)", () => {
    const q = new URLSearchParams(
      searchCriteria(
        [[{ field: "updated_at", value: "2024-01-01 00:00:00", condition: "gteq" }], [{ field: "updated_at", value: "2024-01-01 00:00:00", condition: "gt" }, { field: "entity_id", value: "7", condition: "gt" }]],
        [{ field: "updated_at", direction: "ASC" }],
        50,
      ),
    );
    expect(q.get("searchCriteria[filter_groups][1][filters][1][field]")).toBe("entity_id");
    expect(q.get("searchCriteria[filter_groups][1][filters][1][condition_type]")).toBe("gt");
    expect(q.get("searchCriteria[currentPage]")).toBe("1");
    expect(q.get("searchCriteria[pageSize]")).toBe("50");
  });
});
