// What happens on a Square seller account: register sales, payments, fulfillment steps, cancellation, returns with
// their refunds, and stock counts — each change with the notifications Square publishes for it.
// Return orders: https://developer.squareup.com/docs/orders-api/order-returns-exchanges
import { roundDiv } from "../../../../shared/posting/parity";
import { normalizeQuantity } from "../../../../shared/model/quantity";
import type { SimContext } from "../../kit";
import { validateAgainst } from "./openapi";
import { loadOrder, newId, nextUpdatedAt, PAYMENTS, REFUNDS, settings, squareTime, type Money, type SquareOrder, type SquareRefund, type SquareTender } from "./records";
import { orderSummary } from "./webhooks";

export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly field?: string,
  ) {
    super(detail);
  }
}

/** One notification to send: the event type and its data (type, id, object). */
export interface Notice {
  type: string;
  dataType: string;
  id: string;
  object: unknown;
}

export interface Change {
  /** Orders to store (the changed order, and a new return order). */
  orders: SquareOrder[];
  notices: Notice[];
}

const money = (amount: number, currency: string): Money => ({ amount, currency });

function currencyOf(order: SquareOrder): string {
  return order.total_money.currency;
}

function touch(order: SquareOrder, now: Date): void {
  order.updated_at = nextUpdatedAt(order, now);
  if (typeof order.version === "number") order.version += 1;
}

function orderUpdated(order: SquareOrder): Notice {
  return { type: "order.updated", dataType: "order_updated", id: order.id, object: orderSummary("order_updated", order) };
}

/** https://developer.squareup.com/reference/square/objects/Payment — what payment.* events carry in data.object.payment. */
export function paymentFor(sim: SimContext, order: SquareOrder, tender: SquareTender, status: "APPROVED" | "COMPLETED"): Record<string, unknown> {
  const currency = currencyOf(order);
  const total = tender.amount_money?.amount ?? 0;
  const tip = tender.tip_money?.amount ?? 0;
  const at = tender.created_at ?? order.updated_at;
  const sourceType = tender.type === "CARD" ? "CARD" : tender.type === "CASH" ? "CASH" : tender.type === "WALLET" ? "WALLET" : "EXTERNAL";
  const payment: Record<string, unknown> = {
    id: tender.payment_id ?? tender.id,
    created_at: at,
    updated_at: status === "COMPLETED" ? nextUpdatedAt({ updated_at: at }, sim.now()) : at,
    amount_money: money(total - tip, currency),
    ...(tip ? { tip_money: money(tip, currency) } : {}),
    total_money: money(total, currency),
    approved_money: money(total, currency),
    status,
    source_type: sourceType,
    location_id: order.location_id,
    order_id: order.id,
    receipt_number: String(tender.payment_id ?? tender.id).slice(0, 4),
    version_token: newId(sim, "version", 45),
  };
  if (sourceType === "CARD") {
    payment.card_details = {
      status: status === "COMPLETED" ? "CAPTURED" : "AUTHORIZED",
      card: tender.card_details?.card ?? { card_brand: "VISA", last_4: "1111", card_type: "CREDIT" },
      entry_method: tender.card_details?.entry_method ?? "EMV",
    };
  } else if (sourceType === "CASH") {
    payment.cash_details = { buyer_supplied_money: money(total, currency), change_back_money: money(0, currency) };
  } else if (sourceType === "EXTERNAL") {
    payment.external_details = { type: "OTHER", source: tender.type };
  }
  return payment;
}

/** Gives every tender an id and payment_id, stores its Payment, and returns the payment.created/updated notices. */
function recordTenders(sim: SimContext, order: SquareOrder, tenders: SquareTender[]): Notice[] {
  const notices: Notice[] = [];
  for (const t of tenders) {
    t.id ??= newId(sim, "payment", 29);
    t.payment_id ??= t.id;
    t.location_id ??= order.location_id;
    t.transaction_id ??= order.id;
    t.created_at ??= order.created_at;
    if (t.type === "CARD") t.card_details = { ...(t.card_details ?? {}), status: t.card_details?.status ?? "CAPTURED" };
    const created = paymentFor(sim, order, t, "APPROVED");
    const completed = paymentFor(sim, order, t, "COMPLETED");
    sim.store.put(PAYMENTS, String(completed.id), completed);
    notices.push({ type: "payment.created", dataType: "payment", id: String(created.id), object: { payment: created } });
    notices.push({ type: "payment.updated", dataType: "payment", id: String(completed.id), object: { payment: completed } });
  }
  return notices;
}

/**
 * A seeded order appears as if made on the account. One rung up at a register (it has tenders) publishes only its
 * payments — Square sends order.created for CreateOrder alone; an API-created order publishes order.created.
 */
export function created(sim: SimContext, order: SquareOrder): Change {
  const tenders = order.tenders ?? [];
  if (tenders.length === 0) {
    return { orders: [order], notices: [{ type: "order.created", dataType: "order_created", id: order.id, object: orderSummary("order_created", order) }] };
  }
  return { orders: [order], notices: recordTenders(sim, order, tenders) };
}

function amountDue(order: SquareOrder): number {
  const paid = (order.tenders ?? []).reduce((n, t) => n + (t.amount_money?.amount ?? 0), 0);
  return order.total_money.amount - paid;
}

function closeIfDone(order: SquareOrder): void {
  const open = (order.fulfillments ?? []).some((f) => f.state !== "COMPLETED" && f.state !== "CANCELED");
  if (!open && amountDue(order) <= 0 && order.state === "OPEN") {
    order.state = "COMPLETED";
    order.closed_at = order.updated_at;
  }
}

/** Pays what is due with one tender (CARD unless `type` says otherwise); a register sale closes when nothing is left to fulfil. */
export function pay(sim: SimContext, order: SquareOrder, body: { type?: string }): Change {
  if (order.state !== "OPEN") throw new SimError(400, "BAD_REQUEST", `order ${order.id} is ${order.state}`);
  const due = amountDue(order);
  if (due <= 0) throw new SimError(400, "BAD_REQUEST", `order ${order.id} is already paid`);
  touch(order, sim.now());
  const tender: SquareTender = { type: body.type ?? "CARD", amount_money: money(due, currencyOf(order)), created_at: order.updated_at };
  order.tenders = [...(order.tenders ?? []), tender];
  const notices = recordTenders(sim, order, [tender]);
  closeIfDone(order);
  return { orders: [order], notices: [...notices, orderUpdated(order)] };
}

const NEXT_STATES: Record<string, string[]> = {
  PROPOSED: ["RESERVED", "PREPARED", "COMPLETED", "CANCELED", "FAILED"],
  RESERVED: ["PREPARED", "COMPLETED", "CANCELED", "FAILED"],
  PREPARED: ["COMPLETED", "CANCELED", "FAILED"],
};

/** Moves a fulfillment (the first, or `uid`) to `state`, stamping the details Square stamps. */
export function fulfill(sim: SimContext, order: SquareOrder, body: { uid?: string; state?: string; carrier?: string; tracking_number?: string }): Change {
  const fulfillments = order.fulfillments ?? [];
  const f = body.uid ? fulfillments.find((x) => x.uid === body.uid) : fulfillments[0];
  if (!f) throw new SimError(404, "NOT_FOUND", `order ${order.id} has no fulfillment ${body.uid ?? ""}`.trim());
  const to = body.state ?? "COMPLETED";
  if (!(NEXT_STATES[f.state ?? "PROPOSED"] ?? []).includes(to)) {
    throw new SimError(400, "INVALID_STATE_TRANSITION", `fulfillment ${f.uid} cannot move from ${f.state} to ${to}`, "fulfillments.state");
  }
  const oldState = f.state ?? "PROPOSED";
  touch(order, sim.now());
  f.state = to;
  if (f.type === "SHIPMENT") {
    const details = { ...((f.shipment_details as Record<string, unknown> | undefined) ?? {}) };
    if (body.carrier) details.carrier = body.carrier;
    if (body.tracking_number) details.tracking_number = body.tracking_number;
    if (to === "RESERVED") details.in_progress_at = order.updated_at;
    if (to === "PREPARED") details.packaged_at = order.updated_at;
    if (to === "COMPLETED") details.shipped_at = order.updated_at;
    if (to === "CANCELED") details.canceled_at = order.updated_at;
    f.shipment_details = details;
  } else if (f.type === "PICKUP") {
    const details = { ...((f.pickup_details as Record<string, unknown> | undefined) ?? {}) };
    if (to === "PREPARED") details.ready_at = order.updated_at;
    if (to === "COMPLETED") details.picked_up_at = order.updated_at;
    if (to === "CANCELED") details.canceled_at = order.updated_at;
    f.pickup_details = details;
  } else if (f.type === "DELIVERY") {
    const details = { ...((f.delivery_details as Record<string, unknown> | undefined) ?? {}) };
    if (to === "COMPLETED") details.delivered_at = order.updated_at;
    if (to === "CANCELED") details.canceled_at = order.updated_at;
    f.delivery_details = details;
  }
  closeIfDone(order);
  const fulfillmentUpdated: Notice = {
    type: "order.fulfillment.updated",
    dataType: "order_fulfillment_updated",
    id: order.id,
    object: {
      order_fulfillment_updated: {
        order_id: order.id,
        version: order.version,
        location_id: order.location_id,
        state: order.state,
        created_at: order.created_at,
        updated_at: order.updated_at,
        fulfillment_update: [{ fulfillment_uid: f.uid, old_state: oldState, new_state: to }],
      },
    },
  };
  return { orders: [order], notices: [orderUpdated(order), fulfillmentUpdated] };
}

/** An unpaid order can be cancelled; a paid one is returned and refunded instead (Square refuses to cancel it). */
export function cancel(sim: SimContext, order: SquareOrder): Change {
  if (order.state !== "OPEN") throw new SimError(400, "BAD_REQUEST", `order ${order.id} is ${order.state}`);
  if ((order.tenders ?? []).length > 0) throw new SimError(400, "BAD_REQUEST", `order ${order.id} has payments; refund it instead`);
  touch(order, sim.now());
  order.state = "CANCELED";
  order.closed_at = order.updated_at;
  for (const f of order.fulfillments ?? []) if (f.state !== "COMPLETED") f.state = "CANCELED";
  return { orders: [order], notices: [orderUpdated(order)] };
}

type Rec = Record<string, unknown>;
const amt = (m: unknown): number => (m as Money | undefined)?.amount ?? 0;

/** What earlier return orders already took back from this sale: money, and quantity per line uid. */
function alreadyReturned(sim: SimContext, order: SquareOrder): { money: number; qty: Map<string, number> } {
  const qty = new Map<string, number>();
  let total = 0;
  for (const refund of sim.store.list<Rec>(REFUNDS)) {
    if (refund.sale_order_id !== order.id) continue;
    total += amt(refund.amount_money);
    const returnOrder = loadOrder(sim, String(refund.order_id));
    for (const r of (returnOrder?.returns ?? []) as Rec[]) {
      for (const l of (r.return_line_items ?? []) as Rec[]) {
        const uid = String(l.source_line_item_uid ?? "");
        qty.set(uid, (qty.get(uid) ?? 0) + Number(l.quantity));
      }
    }
  }
  return { money: total, qty };
}

/**
 * A refund at the register: a new return order whose returns[] names the sale, its refunds[] the money given back,
 * and a PaymentRefund whose order_id is that return order (refund.created PENDING, then refund.updated COMPLETED).
 * `lines` returns items (whole line by default, pro rata for part of it); `amount` alone is a custom-amount refund.
 */
export function refund(sim: SimContext, order: SquareOrder, body: { lines?: Array<{ uid: string; quantity?: string }>; amount?: number; reason?: string }): Change {
  const tenders = order.tenders ?? [];
  const tender = tenders[0];
  if (!tender) throw new SimError(400, "BAD_REQUEST", `order ${order.id} has no payment to refund`);
  const currency = currencyOf(order);
  const done = alreadyReturned(sim, order);
  const taxes = new Map(((order.taxes ?? []) as Rec[]).map((t) => [String(t.uid), t]));
  const inclusive = [...taxes.values()].some((t) => t.type === "INCLUSIVE");
  const returnLines: Rec[] = [];
  const returnTaxes = new Map<string, Rec>();
  if (body.amount === undefined || body.lines) {
    const wanted = body.lines ?? (order.line_items ?? []).map((l) => ({ uid: String(l.uid), quantity: undefined }));
    for (const w of wanted) {
      const line = (order.line_items ?? []).find((l) => l.uid === w.uid) as Rec | undefined;
      if (!line) throw new SimError(400, "INVALID_VALUE", `order ${order.id} has no line item ${w.uid}`, "return_line_items.source_line_item_uid");
      const sold = Number(line.quantity);
      const left = sold - (done.qty.get(w.uid) ?? 0);
      const qty = w.quantity === undefined ? left : Number(w.quantity);
      if (!(qty > 0) || qty > left + 1e-9) throw new SimError(400, "INVALID_VALUE", `line ${w.uid}: ${left} left to return`, "quantity");
      // Pro rata of Square's own line amounts, rounded half up to the minor unit.
      const share = (m: unknown) => Number(roundDiv(BigInt(amt(m)) * BigInt(Math.round(qty * 1e6)), BigInt(Math.round(sold * 1e6))));
      const gross = share(line.gross_sales_money ?? line.total_money);
      const discount = share(line.total_discount_money);
      const tax = share(line.total_tax_money);
      for (const at of (line.applied_taxes ?? []) as Rec[]) {
        const t = taxes.get(String(at.tax_uid));
        const key = String(at.tax_uid);
        const prev = returnTaxes.get(key);
        returnTaxes.set(key, {
          uid: key,
          source_tax_uid: key,
          name: t?.name,
          type: t?.type,
          percentage: t?.percentage,
          scope: "LINE_ITEM",
          applied_money: money(amt(prev?.applied_money) + share(at.applied_money), currency),
        });
      }
      returnLines.push({
        uid: newId(sim, "rli", 22),
        source_line_item_uid: w.uid,
        name: line.name,
        quantity: normalizeQuantity(String(qty)),
        ...(line.catalog_object_id ? { catalog_object_id: line.catalog_object_id } : {}),
        ...(line.variation_name ? { variation_name: line.variation_name } : {}),
        item_type: line.item_type ?? "ITEM",
        base_price_money: line.base_price_money,
        gross_return_money: money(gross, currency),
        total_tax_money: money(tax, currency),
        total_discount_money: money(discount, currency),
        total_money: money(gross - discount + (inclusive ? 0 : tax), currency),
      });
    }
  } else {
    returnLines.push({
      uid: newId(sim, "rli", 22),
      name: "Custom Amount",
      quantity: "1",
      item_type: "CUSTOM_AMOUNT",
      base_price_money: money(body.amount, currency),
      gross_return_money: money(body.amount, currency),
      total_tax_money: money(0, currency),
      total_discount_money: money(0, currency),
      total_money: money(body.amount, currency),
    });
  }
  const totalOf = (k: string) => returnLines.reduce((n, l) => n + amt(l[k]), 0);
  const value = totalOf("total_money");
  const refundable = tenders.reduce((n, t) => n + (t.amount_money?.amount ?? 0), 0) - done.money;
  if (value <= 0 || value > refundable) throw new SimError(400, "INVALID_VALUE", `refund of ${value} exceeds the ${refundable} left on order ${order.id}`, "amount_money");
  const now = squareTime(sim.now());
  const returnId = newId(sim, "return");
  const refundId = `${tender.id}_${newId(sim, "refund", 40)}`;
  const reason = body.reason ?? "Returned goods";
  const refundRow: SquareRefund = {
    id: refundId,
    location_id: order.location_id,
    transaction_id: returnId,
    tender_id: String(tender.id),
    created_at: now,
    reason,
    amount_money: money(value, currency),
    status: "APPROVED",
  };
  const returnAmounts = {
    total_money: money(value, currency),
    tax_money: money(totalOf("total_tax_money"), currency),
    discount_money: money(totalOf("total_discount_money"), currency),
    tip_money: money(0, currency),
    service_charge_money: money(0, currency),
  };
  const returnOrder: SquareOrder = {
    id: returnId,
    location_id: order.location_id,
    source: { name: "Square Point of Sale" },
    returns: [
      {
        uid: newId(sim, "ret", 22),
        source_order_id: order.id,
        return_line_items: returnLines,
        ...(returnTaxes.size > 0 ? { return_taxes: [...returnTaxes.values()] } : {}),
        return_amounts: returnAmounts,
      },
    ],
    return_amounts: returnAmounts,
    net_amounts: {
      total_money: money(-value, currency),
      tax_money: money(-returnAmounts.tax_money.amount, currency),
      discount_money: money(-returnAmounts.discount_money.amount, currency),
      tip_money: money(0, currency),
      service_charge_money: money(0, currency),
    },
    refunds: [refundRow],
    created_at: now,
    updated_at: now,
    closed_at: now,
    state: "COMPLETED",
    total_money: money(0, currency),
    total_tax_money: money(0, currency),
    total_discount_money: money(0, currency),
    total_tip_money: money(0, currency),
    total_service_charge_money: money(0, currency),
  };
  const issues = validateAgainst("Order", returnOrder, "return order");
  if (issues.length > 0) throw new Error(`simulator built an invalid return order: ${issues.join("; ")}`);
  // https://developer.squareup.com/reference/square/objects/PaymentRefund
  const paymentRefund = (status: "PENDING" | "COMPLETED", updatedAt: string): Rec => ({
    id: refundId,
    status,
    location_id: order.location_id,
    amount_money: money(value, currency),
    payment_id: tender.payment_id ?? tender.id,
    order_id: returnId,
    reason,
    created_at: now,
    updated_at: updatedAt,
  });
  const completed = paymentRefund("COMPLETED", nextUpdatedAt({ updated_at: now }, sim.now()));
  sim.store.put(REFUNDS, refundId, { ...completed, sale_order_id: order.id });
  return {
    orders: [returnOrder],
    notices: [
      { type: "refund.created", dataType: "refund", id: refundId, object: { refund: paymentRefund("PENDING", now) } },
      { type: "refund.updated", dataType: "refund", id: refundId, object: { refund: completed } },
    ],
  };
}

/** inventory.count.updated: https://developer.squareup.com/reference/square/webhooks/inventory.count.updated */
export function inventoryCount(sim: SimContext, body: { catalog_object_id?: string; location_id?: string; quantity?: string }): Notice {
  if (!body.catalog_object_id || body.quantity === undefined) throw new SimError(400, "MISSING_REQUIRED_PARAMETER", "catalog_object_id and quantity are required");
  const count = {
    catalog_object_id: body.catalog_object_id,
    catalog_object_type: "ITEM_VARIATION",
    state: "IN_STOCK",
    location_id: body.location_id ?? settings(sim).locations[0],
    quantity: body.quantity,
    calculated_at: squareTime(sim.now()),
  };
  const issues = validateAgainst("InventoryCount", count);
  if (issues.length > 0) throw new SimError(400, "INVALID_VALUE", issues.join("; "));
  return { type: "inventory.count.updated", dataType: "inventory_counts", id: crypto.randomUUID(), object: { inventory_counts: [count] } };
}
