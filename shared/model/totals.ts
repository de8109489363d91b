// Checks that a canonical order accounts for every cent of its source total.
import type { Order } from "./order";
import { sum } from "./money";

export interface TotalsCheck {
  ok: boolean;
  computed: number;
  stated: number;
  reason?: string;
}

/**
 * Recomputes an order's total from its parts: lines (gross − discounts) + shipping − order-level discounts not
 * already allocated to lines + tax (when prices exclude tax) + tip. The normalizer must make this equal the
 * vendor's stated total, or reject the event.
 */
export function checkOrderTotals(order: Order): TotalsCheck {
  const lineNet = sum(order.lines.map((l) => l.grossAmount - sum(l.discounts.map((d) => d.amount))));
  const shipNet = sum(order.shipping.map((s) => s.amount - sum(s.discounts.map((d) => d.amount))));
  const allocated =
    sum(order.lines.map((l) => sum(l.discounts.map((d) => d.amount)))) +
    sum(order.shipping.map((s) => sum(s.discounts.map((d) => d.amount))));
  const unallocated = order.totals.discounts - allocated;
  const tax = order.taxesIncluded ? 0 : order.totals.tax;
  const computed = lineNet + shipNet - Math.max(0, unallocated) + tax + order.totals.tip;
  const stated = order.totals.total;
  return computed === stated
    ? { ok: true, computed, stated }
    : { ok: false, computed, stated, reason: `parts add up to ${computed} minor units but the source total is ${stated}` };
}
