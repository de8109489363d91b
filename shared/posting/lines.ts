// Vendor-neutral posting lines for destinations that hold tax as amounts: items, discounts, shipping, tax, tip, rounding.
import type { SyncNote } from "../connector/contract";
import { ConnectorError } from "../connector/errors";
import { formatMinor, sum, type Minor } from "../model/money";
import type { Order, Refund, TaxLine } from "../model/order";
import { extend, normalizeQuantity } from "../model/quantity";
import { ensureParity } from "./parity";

export type PostingLineKind = "item" | "gift_card" | "shipping" | "discount" | "tax" | "tip" | "rounding" | "refund_adjustment";

export interface PostingLine {
  /** Stable within one order: the same order state always yields the same keys in the same order. */
  key: string;
  kind: PostingLineKind;
  name: string;
  sku?: string;
  /** Exact decimal quantity ("0.375"). */
  quantity: string;
  unit?: string;
  /** Unit price in minor units (tax-inclusive when the order is). */
  unitPrice: Minor;
  /** A discount amount the destination deducts on this line itself (0 unless `inlineDiscounts`). */
  discount: Minor;
  /** The source order line or shipping line this one comes from. */
  sourceLineId?: string;
  /** Tax lines: the tax they carry. */
  tax?: Pick<TaxLine, "rate" | "title" | "jurisdiction" | "code">;
}

export interface LineOptions {
  /** The destination has a line discount amount (BC `discountAmount`); otherwise discounts become their own lines. */
  inlineDiscounts: boolean;
}

/** Quantity × unit price rounded half away from zero to the minor unit, less the line's own discount. */
export function lineTotal(line: Pick<PostingLine, "quantity" | "unitPrice" | "discount">): Minor {
  return extend(line.quantity, line.unitPrice) - line.discount;
}

export function linesTotal(lines: readonly Pick<PostingLine, "quantity" | "unitPrice" | "discount">[]): Minor {
  return sum(lines.map(lineTotal));
}

function discountOf(ds: readonly { amount: Minor }[]): Minor {
  return sum(ds.map((d) => d.amount));
}

function discountName(ds: readonly { code?: string; title?: string }[], fallback: string): string {
  const names = [...new Set(ds.map((d) => d.code ?? d.title).filter((x): x is string => !!x))];
  return names.length ? `Discount ${names.join(", ")}` : fallback;
}

/**
 * The lines an order posts as: each product line (quantity × unit price, its discounts inline or as a negative line
 * right after it), shipping, order-level discounts not allocated to lines, tax per rate when prices exclude it, and
 * the tip. Before rounding, they total the source's total exactly when the source rounds lines half-up like most ERPs;
 * `settle` adds the explicit rounding line when it does not.
 */
export function orderLines(order: Order, opts: LineOptions): PostingLine[] {
  const out: PostingLine[] = [];
  const pushDiscount = (key: string, amount: Minor, name: string, sourceLineId?: string) => {
    if (amount !== 0) out.push({ key, kind: "discount", name, quantity: "1", unitPrice: -amount, discount: 0, sourceLineId });
  };
  for (const l of order.lines) {
    const disc = discountOf(l.discounts);
    out.push({
      key: `line:${l.id}`,
      kind: l.giftCard ? "gift_card" : "item",
      name: l.name,
      sku: l.sku,
      quantity: l.quantity,
      unit: l.unit,
      unitPrice: l.unitPrice,
      discount: opts.inlineDiscounts ? disc : 0,
      sourceLineId: l.id,
    });
    if (!opts.inlineDiscounts) pushDiscount(`disc:${l.id}`, disc, discountName(l.discounts, `Discount on ${l.name}`), l.id);
  }
  order.shipping.forEach((s, i) => {
    const id = s.id ?? `ship-${i + 1}`;
    const disc = discountOf(s.discounts);
    out.push({ key: `ship:${id}`, kind: "shipping", name: s.title, quantity: "1", unitPrice: s.amount, discount: opts.inlineDiscounts ? disc : 0, sourceLineId: s.id });
    if (!opts.inlineDiscounts) pushDiscount(`shipdisc:${id}`, disc, discountName(s.discounts, `Discount on ${s.title}`), s.id);
  });
  const allocated = sum(order.lines.map((l) => discountOf(l.discounts))) + sum(order.shipping.map((s) => discountOf(s.discounts)));
  pushDiscount("order-discount", Math.max(0, order.totals.discounts - allocated), discountName(order.discounts, "Order discount"));
  if (!order.taxesIncluded) out.push(...taxLines(order));
  if (order.totals.tip !== 0) out.push({ key: "tip", kind: "tip", name: "Tip", quantity: "1", unitPrice: order.totals.tip, discount: 0 });
  return out;
}

/** Exclusive tax as one line per rate and jurisdiction, or one line of the order's tax when the parts do not add up. */
function taxLines(order: Order): PostingLine[] {
  const groups = new Map<string, { tax: TaxLine; amount: Minor }>();
  for (const t of [...order.lines.flatMap((l) => l.taxes), ...order.shipping.flatMap((s) => s.taxes)]) {
    const k = `${t.jurisdiction ?? ""}|${t.rate}|${t.title}`;
    const g = groups.get(k);
    if (g) g.amount += t.amount;
    else groups.set(k, { tax: t, amount: t.amount });
  }
  const parts = [...groups.values()].filter((g) => g.amount !== 0);
  if (parts.length > 0 && sum(parts.map((g) => g.amount)) === order.totals.tax) {
    return parts.map((g, i) => ({
      key: `tax:${i + 1}`,
      kind: "tax" as const,
      name: [g.tax.title, g.tax.jurisdiction, `${percent(g.tax.rate)}%`].filter(Boolean).join(" "),
      quantity: "1",
      unitPrice: g.amount,
      discount: 0,
      tax: { rate: g.tax.rate, title: g.tax.title, jurisdiction: g.tax.jurisdiction, code: g.tax.code },
    }));
  }
  return order.totals.tax === 0 ? [] : [{ key: "tax:1", kind: "tax", name: "Tax", quantity: "1", unitPrice: order.totals.tax, discount: 0 }];
}

function percent(rate: string): string {
  const [i = "0", f = ""] = rate.split(".");
  const digits = i + f.padEnd(2, "0");
  const int = digits.slice(0, i.length + 2).replace(/^0+(?=\d)/, "");
  const frac = digits.slice(i.length + 2).replace(/0+$/, "");
  return frac ? `${int}.${frac}` : int;
}

/**
 * The lines a refund posts as (positive amounts; the credit document carries the sign): refunded lines at the original
 * unit price when the amount multiplies out, else one unit of the amount refunded; shipping, adjustments, tax when
 * prices exclude it; and a refund adjustment line for what the parts do not explain (fees, partial refunds).
 */
export function refundLines(order: Order, refund: Refund): PostingLine[] {
  const out: PostingLine[] = [];
  refund.lines.forEach((r, i) => {
    const source = order.lines.find((l) => l.id === r.lineId);
    const name = r.name ?? source?.name ?? `Line ${r.lineId}`;
    const kind = source?.giftCard ? "gift_card" : "item";
    const base = { key: `refund-line:${r.lineId}:${i + 1}`, kind, sku: r.sku ?? source?.sku, unit: source?.unit, discount: 0, sourceLineId: r.lineId } as const;
    if (source && extend(r.quantity, source.unitPrice) === r.amount) {
      out.push({ ...base, name, quantity: r.quantity, unitPrice: source.unitPrice });
    } else if (/^\d+$/.test(r.quantity) && Number(r.quantity) > 0 && r.amount % Number(r.quantity) === 0) {
      out.push({ ...base, name, quantity: r.quantity, unitPrice: r.amount / Number(r.quantity) });
    } else {
      out.push({ ...base, name: `${name} × ${normalizeQuantity(r.quantity)}`, quantity: "1", unitPrice: r.amount });
    }
  });
  if (refund.shipping !== 0) out.push({ key: "refund-shipping", kind: "shipping", name: "Shipping refund", quantity: "1", unitPrice: refund.shipping, discount: 0 });
  if (refund.adjustments !== 0) {
    out.push({ key: "refund-adjustments", kind: "refund_adjustment", name: refund.reason ? `Refund adjustment: ${refund.reason}` : "Refund adjustment", quantity: "1", unitPrice: refund.adjustments, discount: 0 });
  }
  if (!order.taxesIncluded && refund.tax !== 0) out.push({ key: "refund-tax", kind: "tax", name: "Tax refund", quantity: "1", unitPrice: refund.tax, discount: 0 });
  const rest = refund.total - linesTotal(out);
  if (rest !== 0 || out.length === 0) {
    out.push({ key: "refund-rest", kind: "refund_adjustment", name: refund.reason ?? "Refund", quantity: "1", unitPrice: rest, discount: 0 });
  }
  return out;
}

/**
 * Makes lines total `target` by the destination's own arithmetic (`vendorTotal`, per-line rounding by default): adds a
 * rounding line when they differ. A difference larger than one minor unit per line is not rounding and is refused.
 */
export function settle(
  lines: PostingLine[],
  target: Minor,
  currency: string,
  vendorTotal: (lines: PostingLine[]) => Minor = linesTotal,
): { lines: PostingLine[]; notes: SyncNote[] } {
  const before = vendorTotal(lines);
  if (Math.abs(target - before) > Math.max(1, lines.length)) {
    throw new ConnectorError({
      kind: "permanent",
      vendorCode: "parity",
      message: `the destination would total ${formatMinor(before, currency)} ${currency} but the source says ${formatMinor(target, currency)}: more than rounding, nothing posted`,
    });
  }
  const result = ensureParity(lines, target, vendorTotal, (ls, diff): PostingLine[] => [...ls, { key: "rounding", kind: "rounding", name: "Rounding adjustment", quantity: "1", unitPrice: diff, discount: 0 }]);
  const notes: SyncNote[] = result.note
    ? [{ message: `${result.note} (the destination rounds each line as quantity × unit price to the ${currency} minor unit)`, data: { adjustment: result.adjustment, computed: before, target, currency } }]
    : [];
  return { lines: result.payload, notes };
}

/**
 * A line whose quantity has more decimals than the destination keeps (BC rounds to 5) becomes one unit of its exact
 * amount, the quantity named in the text, so no money moves through the destination's rounding of the quantity.
 */
export function fitQuantity(line: PostingLine, maxDecimals: number): PostingLine {
  const decimals = (line.quantity.split(".")[1] ?? "").length;
  if (decimals <= maxDecimals) return line;
  return { ...line, name: `${line.name} × ${line.quantity}${line.unit ? ` ${line.unit}` : ""}`, quantity: "1", unitPrice: extend(line.quantity, line.unitPrice) };
}

/**
 * A deterministic reference within `max` UTF-16 units: the prefix and as much of the END of `value` as fits (order
 * numbers differ at their end), never splitting a surrogate pair. Throws when the prefix alone leaves no room.
 */
export function fitReference(prefix: string, value: string, max: number): string {
  const budget = max - prefix.length;
  if (budget <= 0) throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `reference prefix "${prefix}" leaves no room within ${max} characters` });
  if (value.length <= budget) return prefix + value;
  const points = Array.from(value);
  let kept = "";
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i]!.length + kept.length > budget) break;
    kept = points[i]! + kept;
  }
  return prefix + kept;
}

/** Exact sum of decimal-fraction rates ("0.05" + "0.08875" → "0.13875"). */
export function addRates(rates: readonly string[]): string {
  let scale = 0;
  for (const r of rates) scale = Math.max(scale, (r.split(".")[1] ?? "").length);
  const total = rates.reduce((acc, r) => {
    const [i = "0", f = ""] = r.split(".");
    return acc + BigInt(i + f.padEnd(scale, "0"));
  }, 0n);
  const digits = total.toString().padStart(scale + 1, "0");
  const out = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, "");
  return out === "" ? "0" : out;
}
