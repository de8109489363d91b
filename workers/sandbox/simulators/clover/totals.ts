// The register's arithmetic for an order's total and tax, as https://docs.clover.com/docs/calculating-order-totals describes it.
import type { CloverOrder } from "./records";

/** round half up of n / d for non-negative integers (BigInt, exact). */
function halfUp(n: bigint, d: bigint): number {
  return Number((n * 2n + d) / (2n * d));
}

function discountTotal(base: number, discounts: Array<{ amount?: number; percentage?: number }>): number {
  let off = 0;
  for (const d of discounts) if (d.percentage !== undefined && !d.amount) off += halfUp(BigInt(base) * BigInt(Math.round(d.percentage * 1e6)), 100_000_000n);
  for (const d of discounts) if (d.amount) off += -d.amount;
  return off;
}

export interface Totals {
  /** Lines after their discounts, less order discounts. */
  preTax: number;
  tax: number;
  total: number;
}

/** Lines (price + modifiers) × quantity, their discounts, the order's discounts, then tax per rate on each line's share. */
export function orderTotals(order: CloverOrder): Totals {
  const lines = (order.lineItems?.elements ?? []).map((li) => {
    const unit = li.price + (li.modifications?.elements ?? []).reduce((n, m) => n + (m.amount ?? 0), 0);
    const gross = li.unitQty !== undefined ? halfUp(BigInt(unit) * BigInt(li.unitQty), 1000n) : unit;
    return { net: gross - discountTotal(gross, li.discounts?.elements ?? []), rates: order.taxRemoved ? [] : (li.taxRates?.elements ?? []) };
  });
  const subtotal = lines.reduce((n, l) => n + l.net, 0);
  const orderOff = discountTotal(subtotal, order.discounts?.elements ?? []);
  const byRate = new Map<string, { rate: number; base: number }>();
  for (const l of lines) {
    const share = subtotal === 0 ? l.net : halfUp(BigInt(l.net) * BigInt(subtotal - orderOff), BigInt(subtotal));
    for (const r of l.rates) {
      const key = `${r.id ?? r.name ?? ""}:${r.rate}`;
      const g = byRate.get(key) ?? { rate: r.rate, base: 0 };
      g.base += share;
      byRate.set(key, g);
    }
  }
  const tax = [...byRate.values()].reduce(
    (n, g) => n + (order.isVat ? halfUp(BigInt(g.base) * BigInt(g.rate), BigInt(10_000_000 + g.rate)) : halfUp(BigInt(g.base) * BigInt(g.rate), 10_000_000n)),
    0,
  );
  const preTax = subtotal - orderOff;
  return { preTax, tax, total: preTax + (order.isVat ? 0 : tax) };
}
