// Which source states a destination document must reverse: one rule for every destination connector.
import type { Order } from "../model/order";

/**
 * Cancelled at the source — or voided after completion, which the order's lifecycle keeps as completed while its
 * financial status says voided (a Lightspeed sale voided at the till).
 */
export function isCancelled(order: Order): boolean {
  return order.status === "cancelled" || order.financialStatus === "voided";
}

/** Cancelled and never refunded: its document is reversed whole (refunds already reversed what they returned). */
export function reversedWhole(order: Order): boolean {
  return isCancelled(order) && order.refunds.length === 0 && order.financialStatus !== "refunded" && order.financialStatus !== "partially_refunded";
}
