// The order actions of the REST API, on the simulator's records: invoice (capture), ship (with tracks), refund
// (credit memo, optional return to stock), cancel, hold and unhold.
// Payloads as in https://developer.adobe.com/commerce/webapi/rest/tutorials/orders/ (order-create-invoice,
// order-create-shipment, order-issue-refund) — ../shared/specs/magento/tutorial-examples/*.payload.json.
import { floatToMinor, minorToNumber } from "../../../../shared/model/money";
import type { SimContext } from "../../kit";
import { CREDITMEMOS, INVOICES, itemsOf, magentoTime, nextUpdatedAt, ORDERS, SHIPMENTS } from "./records";
import type { Rec } from "./search";

export class ActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function num(v: unknown): number {
  return typeof v === "number" ? v : 0;
}

function cents(order: Rec, v: unknown): number {
  return floatToMinor(num(v), String(order.order_currency_code ?? "USD"));
}

function amount(order: Rec, minor: number): number {
  return minorToNumber(minor, String(order.order_currency_code ?? "USD"));
}

function save(sim: SimContext, order: Rec, changes: Rec): Rec {
  const changed = { ...order, ...changes, updated_at: nextUpdatedAt(order.updated_at, sim.now()) };
  sim.store.put(ORDERS, String(order.entity_id), changed);
  return changed;
}

function topLevel(order: Rec): Rec[] {
  return itemsOf(order).filter((i) => i.parent_item_id === undefined || i.parent_item_id === null);
}

/** `complete` once everything is invoiced and shipped (a virtual order needs no shipment), else `processing`. */
function settle(order: Rec): Rec {
  const invoiced = cents(order, order.total_paid) >= cents(order, order.grand_total);
  const shipped = topLevel(order).every((i) => i.is_virtual === 1 || num(i.qty_shipped) >= num(i.qty_ordered) - num(i.qty_canceled));
  const state = invoiced && shipped ? "complete" : "processing";
  return { state, status: state };
}

/** POST /V1/order/{orderId}/invoice {capture, notify}: a full invoice; the order is paid. */
export function invoice(sim: SimContext, order: Rec): { id: number; order: Rec } {
  if (order.state === "canceled") throw new ActionError(400, "The order does not allow an invoice to be created.");
  if (cents(order, order.total_paid) >= cents(order, order.grand_total)) throw new ActionError(400, "The order does not allow an invoice to be created.");
  const id = sim.store.next("magento_invoice", 3001);
  const now = magentoTime(sim.now());
  sim.store.put(INVOICES, String(id), {
    entity_id: id,
    order_id: order.entity_id,
    increment_id: String(id).padStart(9, "0"),
    state: 2,
    grand_total: order.grand_total,
    base_grand_total: order.base_grand_total,
    subtotal: order.subtotal,
    shipping_amount: order.shipping_amount,
    tax_amount: order.tax_amount,
    order_currency_code: order.order_currency_code,
    created_at: now,
    updated_at: now,
    items: itemsOf(order).map((i) => ({ order_item_id: i.item_id, sku: i.sku, name: i.name, qty: i.qty_ordered, price: i.price, row_total: i.row_total })),
  });
  const items = itemsOf(order).map((i) => ({ ...i, qty_invoiced: i.qty_ordered, row_invoiced: i.row_total }));
  const paid: Rec = {
    items,
    total_paid: order.grand_total,
    base_total_paid: order.base_grand_total,
    total_invoiced: order.grand_total,
    total_due: 0,
    base_total_due: 0,
    payment: { ...((order.payment as Rec | undefined) ?? {}), amount_paid: order.grand_total, base_amount_paid: order.base_grand_total },
  };
  const changed = save(sim, order, { ...paid, ...settle({ ...order, ...paid }) });
  return { id, order: changed };
}

/**
 * POST /V1/order/{orderId}/ship {items: [{order_item_id, qty}], tracks: [{track_number, title, carrier_code}]}.
 * Shipping a parent ships its children and shipping a child ships its parent (a configurable ships as one unit).
 */
export function ship(sim: SimContext, order: Rec, body: { items?: { order_item_id: number; qty: number }[]; tracks?: Rec[] }): { id: number; order: Rec } {
  if (order.state === "canceled" || order.state === "closed") throw new ActionError(400, "The order does not allow a shipment to be created.");
  const all = itemsOf(order);
  const wanted = body.items ?? topLevel(order).map((i) => ({ order_item_id: Number(i.item_id), qty: num(i.qty_ordered) - num(i.qty_shipped) }));
  const add = new Map<number, number>();
  for (const w of wanted) {
    const item = all.find((i) => i.item_id === w.order_item_id);
    if (!item) throw new ActionError(400, `The order item "${w.order_item_id}" is not part of the order.`);
    const related = [item, ...all.filter((c) => c.parent_item_id === item.item_id), ...all.filter((p) => p.item_id === item.parent_item_id)];
    for (const r of related) add.set(Number(r.item_id), Math.max(add.get(Number(r.item_id)) ?? 0, w.qty));
  }
  for (const [id, qty] of add) {
    const item = all.find((i) => i.item_id === id)!;
    if (num(item.qty_shipped) + qty > num(item.qty_ordered)) throw new ActionError(400, `Shipment quantity for item ${id} exceeds what is left to ship.`);
  }
  const id = sim.store.next("magento_shipment", 4001);
  const now = magentoTime(sim.now());
  sim.store.put(SHIPMENTS, String(id), {
    entity_id: id,
    order_id: order.entity_id,
    increment_id: String(id).padStart(9, "0"),
    total_qty: wanted.reduce((n, w) => n + w.qty, 0),
    created_at: now,
    updated_at: now,
    items: wanted.map((w) => ({ order_item_id: w.order_item_id, qty: w.qty, sku: all.find((i) => i.item_id === w.order_item_id)?.sku })),
    tracks: (body.tracks ?? []).map((t) => ({ ...t, order_id: order.entity_id, parent_id: id, created_at: now })),
  });
  const items = all.map((i) => (add.has(Number(i.item_id)) ? { ...i, qty_shipped: num(i.qty_shipped) + add.get(Number(i.item_id))! } : i));
  const changed = save(sim, order, { items, ...settle({ ...order, items }) });
  return { id, order: changed };
}

/**
 * POST /V1/order/{orderId}/refund {items: [{order_item_id, qty}], arguments: {shipping_amount, adjustment_positive,
 * adjustment_negative, extension_attributes: {return_to_stock_items}}}: an offline credit memo of an invoiced order.
 */
export function refund(sim: SimContext, order: Rec, body: { items?: { order_item_id: number; qty: number }[]; arguments?: Rec }): { id: number; order: Rec } {
  const paid = cents(order, order.total_paid);
  if (paid === 0) throw new ActionError(400, "We can't create creditmemo for the order.");
  const all = itemsOf(order);
  const args = body.arguments ?? {};
  const lines = (body.items ?? []).map((w) => {
    const item = all.find((i) => i.item_id === w.order_item_id);
    if (!item) throw new ActionError(400, `The order item "${w.order_item_id}" is not part of the order.`);
    const left = num(item.qty_invoiced ?? item.qty_ordered) - num(item.qty_refunded);
    if (w.qty <= 0 || w.qty > left) throw new ActionError(400, `The quantity to refund for item ${w.order_item_id} must be between 0 and ${left}.`);
    const share = (v: unknown) => Math.round((cents(order, v) * w.qty) / num(item.qty_ordered));
    return { item, qty: w.qty, row: cents(order, item.price) * w.qty, tax: share(item.tax_amount), discount: share(item.discount_amount) };
  });
  const subtotal = lines.reduce((n, l) => n + l.row, 0);
  const tax = lines.reduce((n, l) => n + l.tax, 0);
  const discount = lines.reduce((n, l) => n + l.discount, 0);
  const shipping = cents(order, args.shipping_amount);
  const adjPos = cents(order, args.adjustment_positive);
  const adjNeg = cents(order, args.adjustment_negative);
  const grand = subtotal - discount + tax + shipping + adjPos - adjNeg;
  const refundedBefore = cents(order, order.total_refunded);
  if (grand <= 0 || refundedBefore + grand > paid) throw new ActionError(400, "The most money available to refund is less than this credit memo.");
  const id = sim.store.next("magento_creditmemo", 5001);
  const now = magentoTime(sim.now());
  const toStock = ((args.extension_attributes as Rec | undefined)?.return_to_stock_items as number[] | undefined) ?? [];
  sim.store.put(CREDITMEMOS, String(id), {
    entity_id: id,
    order_id: order.entity_id,
    increment_id: String(id).padStart(9, "0"),
    state: 2,
    order_currency_code: order.order_currency_code,
    subtotal: amount(order, subtotal),
    discount_amount: amount(order, -discount),
    tax_amount: amount(order, tax),
    shipping_amount: amount(order, shipping),
    adjustment_positive: amount(order, adjPos),
    adjustment_negative: amount(order, adjNeg),
    grand_total: amount(order, grand),
    created_at: now,
    updated_at: now,
    items: lines.map((l) => ({
      order_item_id: l.item.item_id,
      sku: l.item.sku,
      name: l.item.name,
      qty: l.qty,
      price: l.item.price,
      row_total: amount(order, l.row),
      tax_amount: amount(order, l.tax),
      discount_amount: amount(order, l.discount),
    })),
    comments: [],
    extension_attributes: { return_to_stock_items: toStock },
  });
  const refunded = refundedBefore + grand;
  const items = all.map((i) => {
    const l = lines.find((x) => x.item.item_id === i.item_id);
    return l ? { ...i, qty_refunded: num(i.qty_refunded) + l.qty, amount_refunded: amount(order, cents(order, i.amount_refunded) + l.row) } : i;
  });
  const closed = refunded >= paid;
  const changed = save(sim, order, {
    items,
    total_refunded: amount(order, refunded),
    total_offline_refunded: amount(order, refunded),
    payment: { ...((order.payment as Rec | undefined) ?? {}), amount_refunded: amount(order, refunded) },
    ...(closed ? { state: "closed", status: "closed" } : {}),
  });
  return { id, order: changed };
}

/** POST /V1/orders/{id}/cancel: only an order that nothing was invoiced for. */
export function cancel(sim: SimContext, order: Rec): Rec {
  if (cents(order, order.total_paid) > 0 || ["canceled", "closed", "complete"].includes(String(order.state))) throw new ActionError(400, "You can't cancel this order.");
  const items = itemsOf(order).map((i) => ({ ...i, qty_canceled: num(i.qty_ordered) - num(i.qty_shipped) }));
  return save(sim, order, { items, state: "canceled", status: "canceled", total_canceled: order.grand_total });
}

/** POST /V1/orders/{id}/hold and /unhold. */
export function hold(sim: SimContext, order: Rec, on: boolean): Rec {
  if (on) {
    if (["canceled", "closed", "complete", "holded"].includes(String(order.state))) throw new ActionError(400, "A hold action is not available.");
    return save(sim, order, { hold_before_state: order.state, hold_before_status: order.status, state: "holded", status: "holded" });
  }
  if (order.state !== "holded") throw new ActionError(400, "You can't remove the hold.");
  return save(sim, order, { state: order.hold_before_state ?? "new", status: order.hold_before_status ?? "pending", hold_before_state: null, hold_before_status: null });
}
