// What the simulated shop does to a stored order when it is paid, completed, cancelled, refunded, trashed or edited.
import { allocate, sum } from "../../../../shared/model/money";
import { amount, minor, touch, wcTime, type WooOrder, type WooRefund } from "./records";

/** A change WooCommerce would refuse; the route answers it in the WP REST error shape. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The changed order, its new refund (if any), and the webhooks WooCommerce sends for the change. */
export interface Mutation {
  order: WooOrder;
  refund?: WooRefund;
  webhooks: [topic: string, payload: unknown][];
}

export interface RefundBody {
  /** Lines and units to refund; a plain `amount` refund when omitted. */
  lines?: { id: number; quantity?: number }[];
  /** Plain amount ("10.00") when no lines are given; defaults to everything not yet refunded. */
  amount?: string;
  reason?: string;
  refundPayment?: boolean;
}

function setStatus(order: WooOrder, status: string, now: Date): void {
  order.status = status;
  touch(order, now);
}

function refuse(order: WooOrder, allowed: string[], what: string): void {
  if (!allowed.includes(order.status)) throw new SimError(400, "woocommerce_rest_invalid_status", `Cannot ${what} an order with status ${order.status}.`);
}

export function pay(order: WooOrder, now: Date): Mutation {
  refuse(order, ["pending", "on-hold", "failed"], "pay");
  order.date_paid_gmt = wcTime(now);
  order.date_paid = order.date_paid_gmt;
  setStatus(order, "processing", now);
  return { order, webhooks: [["order.updated", order]] };
}

/** WooCommerce core has no shipment object: a shipped order is marked completed. */
export function complete(order: WooOrder, now: Date): Mutation {
  refuse(order, ["processing", "on-hold", "pending"], "complete");
  order.date_completed_gmt = wcTime(now);
  order.date_completed = order.date_completed_gmt;
  setStatus(order, "completed", now);
  return { order, webhooks: [["order.updated", order]] };
}

export function cancel(order: WooOrder, now: Date): Mutation {
  refuse(order, ["pending", "on-hold", "processing", "failed"], "cancel");
  setStatus(order, "cancelled", now);
  return { order, webhooks: [["order.updated", order]] };
}

/** Moves the order to the trash: order.deleted carries only its id. */
export function trash(order: WooOrder, now: Date): Mutation {
  setStatus(order, "trash", now);
  return { order, webhooks: [["order.deleted", { id: order.id }]] };
}

/**
 * Creates a refund as POST /orders/{id}/refunds does: refunded units take their share of the line total and tax
 * (largest remainder, so refunding every unit returns the line exactly); the order gains a refunds[] summary and
 * becomes `refunded` once everything is refunded. https://woocommerce.github.io/woocommerce-rest-api-docs/#create-a-refund
 */
export function refund(order: WooOrder, body: RefundBody, refundId: number, alreadyRefunded: number, now: Date): Mutation {
  refuse(order, ["processing", "completed", "on-hold"], "refund");
  const cur = order.currency;
  const total = minor(order.total, cur);
  const lines = (body.lines ?? []).map((t) => {
    const l = order.line_items.find((x) => x.id === t.id);
    if (!l) throw new SimError(400, "woocommerce_rest_invalid_line_item", `Line item ${t.id} does not belong to order ${order.id}.`);
    const qty = t.quantity ?? l.quantity;
    if (qty <= 0 || qty > l.quantity) throw new SimError(400, "woocommerce_rest_invalid_quantity", `Line item ${t.id} has ${l.quantity} units, ${qty} requested.`);
    const net = allocate(minor(l.total, cur), [qty, l.quantity - qty])[0]!;
    const tax = allocate(minor(l.total_tax, cur), [qty, l.quantity - qty])[0]!;
    return { l, qty, net, tax };
  });
  const refundTotal = lines.length > 0 ? sum(lines.map((x) => x.net + x.tax)) : body.amount !== undefined ? minor(body.amount, cur) : total - alreadyRefunded;
  if (refundTotal <= 0 || alreadyRefunded + refundTotal > total) {
    throw new SimError(400, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.");
  }
  const created = wcTime(now);
  const r: WooRefund = {
    id: refundId,
    date_created: created,
    date_created_gmt: created,
    amount: amount(refundTotal, cur),
    reason: body.reason ?? "",
    refunded_by: 1,
    refunded_payment: body.refundPayment ?? true,
    meta_data: [],
    line_items: lines.map(({ l, qty, net, tax }, i) => ({
      id: refundId * 100 + i,
      name: l.name,
      product_id: l.product_id ?? 0,
      variation_id: l.variation_id ?? 0,
      quantity: -qty,
      tax_class: l.tax_class ?? "",
      subtotal: amount(-net, cur),
      subtotal_tax: amount(-tax, cur),
      total: amount(-net, cur),
      total_tax: amount(-tax, cur),
      taxes: [],
      meta_data: [{ id: refundId * 100 + i, key: "_refunded_item_id", value: String(l.id) }],
      sku: l.sku ?? "",
      price: -Number(amount(net, cur)) / qty,
    })),
    shipping_lines: [],
    fee_lines: [],
  };
  (order.refunds ??= []).push({ id: refundId, reason: r.reason, total: amount(-refundTotal, cur) });
  if (alreadyRefunded + refundTotal === total) order.status = "refunded";
  touch(order, now);
  return { order, refund: r, webhooks: [["order.updated", order]] };
}

/** A free-form edit (note, address): any top-level fields but the id. */
export function update(order: WooOrder, patch: Record<string, unknown>, now: Date): Mutation {
  const { id: _ignored, ...rest } = patch;
  Object.assign(order, rest);
  touch(order, now);
  return { order, webhooks: [["order.updated", order]] };
}
