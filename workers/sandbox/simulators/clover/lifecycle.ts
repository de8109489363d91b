// What happens at a Clover register: payment (with tip), refunds (whole, partial or by line item), manual credits,
// edits and deletion — each with the notification Clover sends (objectId + type + ts, nothing else).
import type { SimContext } from "../../kit";
import { newId, nextModified, type CloverOrder, type CloverPayment, type CloverRefund } from "./records";
import { orderTotals } from "./totals";

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One object change to notify: "O:<id>" CREATE | UPDATE | DELETE (https://docs.clover.com/docs/webhooks). */
export interface Notice {
  objectId: string;
  type: "CREATE" | "UPDATE" | "DELETE";
  ts: number;
}

const TENDERS: Record<string, { label: string; labelKey: string }> = {
  cash: { label: "Cash", labelKey: "com.clover.tender.cash" },
  credit_card: { label: "Credit Card", labelKey: "com.clover.tender.credit_card" },
  debit_card: { label: "Debit Card", labelKey: "com.clover.tender.debit_card" },
};

function touch(sim: SimContext, order: CloverOrder): Notice {
  order.modifiedTime = nextModified(order, sim.now());
  return { objectId: `O:${order.id}`, type: "UPDATE", ts: order.modifiedTime };
}

function paidSoFar(order: CloverOrder): number {
  return (order.payments?.elements ?? []).filter((p) => p.result === "SUCCESS").reduce((n, p) => n + p.amount, 0);
}

/** Pays what is left with one tender; taxAmount is this payment's share of the order's tax. The order locks when paid. */
export function pay(sim: SimContext, order: CloverOrder, body: { tender?: string; tip?: number }): Notice[] {
  const due = order.total - paidSoFar(order);
  if (due <= 0) throw new SimError(400, `order ${order.id} is already paid`);
  const tender = TENDERS[body.tender ?? "credit_card"];
  if (!tender) throw new SimError(400, `unknown tender ${body.tender} (${Object.keys(TENDERS).join(", ")})`);
  if (body.tip !== undefined && (!Number.isSafeInteger(body.tip) || body.tip < 0)) throw new SimError(400, "tip must be whole cents");
  const { tax } = orderTotals(order);
  const taxShare = order.total === 0 ? 0 : Math.round((tax * due) / order.total);
  const notice = touch(sim, order);
  const payment: CloverPayment = {
    id: newId(sim),
    order: { id: order.id },
    amount: due,
    ...(body.tip ? { tipAmount: body.tip } : {}),
    taxAmount: taxShare,
    result: "SUCCESS",
    tender: { id: newId(sim), ...tender },
    createdTime: order.modifiedTime,
    modifiedTime: order.modifiedTime,
  };
  order.payments = { elements: [...(order.payments?.elements ?? []), payment] };
  order.paymentState = "PAID";
  order.state = "locked";
  return [notice, { objectId: `P:${payment.id}`, type: "CREATE", ts: order.modifiedTime }];
}

/**
 * A refund against the (first) payment: the whole payment by default, `amount` cents, or `lineItemIds` (their price
 * after discounts plus their share of the tax). Refunded line items are flagged `refunded`.
 */
export function refund(sim: SimContext, order: CloverOrder, body: { amount?: number; lineItemIds?: string[] }): Notice[] {
  const payment = (order.payments?.elements ?? []).find((p) => p.result === "SUCCESS");
  if (!payment) throw new SimError(400, `order ${order.id} has no payment to refund`);
  const refunded = (order.refunds?.elements ?? []).reduce((n, r) => n + r.amount, 0);
  const left = paidSoFar(order) - refunded;
  const payTax = payment.taxAmount ?? 0;
  let amount: number;
  let lineItems: string[] | undefined;
  if (body.lineItemIds) {
    const all = order.lineItems?.elements ?? [];
    const picked = body.lineItemIds.map((id) => all.find((l) => l.id === id));
    if (picked.some((l) => !l || l.refunded)) throw new SimError(400, "each line item must exist and not be refunded already");
    const preTax = orderTotals({ ...order, lineItems: { elements: picked as typeof all }, discounts: { elements: [] } }).preTax;
    const orderPreTax = orderTotals(order).preTax;
    amount = preTax + (orderPreTax === 0 ? 0 : Math.round((payTax * preTax) / orderPreTax));
    lineItems = body.lineItemIds;
  } else {
    amount = body.amount ?? left;
  }
  if (!Number.isSafeInteger(amount) || amount <= 0 || amount > left) throw new SimError(400, `refund of ${amount} exceeds the ${left} left on order ${order.id}`);
  const notice = touch(sim, order);
  const r: CloverRefund = {
    id: newId(sim),
    orderRef: { id: order.id },
    payment: { id: payment.id },
    amount,
    taxAmount: payment.amount === 0 ? 0 : Math.round((payTax * amount) / payment.amount),
    createdTime: order.modifiedTime,
    ...(lineItems ? { lineItems: { elements: lineItems.map((id) => ({ id })) } } : {}),
  };
  order.refunds = { elements: [...(order.refunds?.elements ?? []), r] };
  for (const l of order.lineItems?.elements ?? []) if (lineItems?.includes(l.id)) l.refunded = true;
  order.paymentState = refunded + amount >= paidSoFar(order) ? "REFUNDED" : "PARTIALLY_REFUNDED";
  return [notice];
}

/** Note or title edits from the register or dashboard. */
export function update(sim: SimContext, order: CloverOrder, body: { note?: string; title?: string }): Notice[] {
  if (body.note !== undefined) order.note = body.note;
  if (body.title !== undefined) order.title = body.title;
  return [touch(sim, order)];
}
