// WooCommerce v3 Order and Order-refund payloads → canonical events, keeping every amount to the cent.
import type { z } from "zod";
import { NormalizeError } from "../../../../shared/connector/errors";
import { allocate, MoneyError, sum, toMinor, type Minor } from "../../../../shared/model/money";
import {
  CanonicalEvent,
  type Channel,
  type EventType,
  type FinancialStatus,
  type FulfillmentStatus,
  type OrderInput,
  type OrderStatus,
  type Payment,
  type Refund as CanonicalRefund,
  type TaxLine as CanonicalTaxLine,
} from "../../../../shared/model/order";
import { normalizeQuantity } from "../../../../shared/model/quantity";
import { checkOrderTotals } from "../../../../shared/model/totals";
import * as S from "./schemas";

export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new NormalizeError(`WooCommerce ${what} payload does not match the REST v3 shape: ${issues.join("; ")}`);
}

function money(amount: string, currency: string, where: string): Minor {
  try {
    return toMinor(amount, currency);
  } catch (err) {
    if (err instanceof MoneyError) throw new NormalizeError(`${where}: ${err.message}`);
    throw err;
  }
}

/** `*_gmt` values are UTC without an offset. */
function gmt(value: string): string {
  return new Date(`${value}Z`).toISOString();
}

function opt(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === "" ? undefined : value;
}

/** A decimal string as an integer scaled by 10^9 (taxes[] totals are unrounded: "0.378"). */
function scaled(value: string): bigint {
  const q = normalizeQuantity(value === "" ? "0" : value);
  const [int, frac = ""] = q.replace("-", "").split(".");
  const v = BigInt(int! + frac.padEnd(9, "0"));
  return q.startsWith("-") ? -v : v;
}

/**
 * The unit price in minor units: subtotal / quantity, rounded half away from zero. `price` itself may carry more
 * decimals than the currency (10.00 for 3 is 3.333333); the line subtotal, not this, is what the totals add up.
 */
function unitOf(amount: Minor, quantity: number): Minor {
  if (!Number.isInteger(quantity) || quantity <= 0) return amount;
  const q = BigInt(quantity);
  const unit = Number((BigInt(Math.abs(amount)) * 2n + q) / (2n * q));
  return amount < 0 ? -unit : unit;
}

/** The rate of a tax line: rate_percent when WooCommerce sends it, else the rate its amounts imply (4 dp of a percent). */
function rateOf(taxLine: S.TaxLine | undefined, taxed: { base: bigint; tax: bigint }): string {
  if (taxLine?.rate_percent !== null && taxLine?.rate_percent !== undefined) return normalizeQuantity(taxLine.rate_percent / 100);
  if (taxed.base === 0n) return "0";
  // tax / base to 6 decimal places of a fraction (WooCommerce stores rates as percentages with 4 decimals).
  const num = taxed.tax * 1_000_000n * 2n + taxed.base;
  const r = num / (2n * taxed.base);
  return normalizeQuantity(`${r / 1_000_000n}.${(r % 1_000_000n).toString().padStart(6, "0")}`);
}

/**
 * Splits a line's rounded total_tax across its rates by the unrounded taxes[] amounts (largest remainder), so the
 * canonical tax lines of a line add up to the tax WooCommerce charged on it.
 */
function lineTaxes(
  taxes: z.infer<typeof S.LineTax>[],
  totalTax: Minor,
  rates: Map<number, { line: S.TaxLine | undefined; rate: string }>,
): CanonicalTaxLine[] {
  const parts = taxes.map((t) => ({ id: t.id, exact: scaled(t.total) })).filter((t) => t.exact !== 0n);
  if (parts.length === 0) return [];
  const negative = totalTax < 0;
  const weights = parts.map((p) => Number((p.exact < 0n ? -p.exact : p.exact) / 1000n));
  const shares = allocate(Math.abs(totalTax), weights);
  return parts.map((p, i) => {
    const r = rates.get(p.id);
    return {
      code: r?.line?.rate_code,
      title: r?.line?.label ?? `tax rate ${p.id}`,
      rate: r?.rate ?? "0",
      amount: negative ? -shares[i]! : shares[i]!,
    };
  });
}

const STATUS: Record<string, { status: OrderStatus; financial: FinancialStatus; fulfillment: FulfillmentStatus }> = {
  // https://woocommerce.com/document/managing-orders/order-statuses/
  pending: { status: "pending", financial: "pending", fulfillment: "unfulfilled" },
  "on-hold": { status: "pending", financial: "pending", fulfillment: "unfulfilled" },
  failed: { status: "pending", financial: "pending", fulfillment: "unfulfilled" },
  "checkout-draft": { status: "pending", financial: "pending", fulfillment: "unfulfilled" },
  processing: { status: "paid", financial: "paid", fulfillment: "unfulfilled" },
  completed: { status: "completed", financial: "paid", fulfillment: "shipped" },
  cancelled: { status: "cancelled", financial: "voided", fulfillment: "unfulfilled" },
  trash: { status: "cancelled", financial: "voided", fulfillment: "unfulfilled" },
  refunded: { status: "refunded", financial: "refunded", fulfillment: "unfulfilled" },
};

/** created_via: "checkout"/"store-api" web checkout, "admin" phone or back-office orders, "pos-rest-api" a POS plugin. */
function channel(createdVia: string | null | undefined): Channel {
  if (!createdVia || createdVia === "checkout" || createdVia === "store-api" || createdVia === "rest-api") return "web";
  if (createdVia === "admin") return "phone";
  if (/pos/i.test(createdVia)) return "store";
  return "other";
}

/** The refunds[] summary: id, reason and a negative total; it carries no date, so the order's modification stands in. */
function summaryRefund(r: z.infer<typeof S.RefundSummary>, order: S.Order): CanonicalRefund {
  const total = -money(r.total, order.currency, `refunds[${r.id}].total`);
  return {
    id: String(r.id),
    createdAt: gmt(order.date_modified_gmt),
    reason: opt(r.reason ?? r.refund),
    lines: [],
    shipping: 0,
    adjustments: total,
    total,
    tax: 0,
    payments: [],
  };
}

/**
 * One GET /orders/{id}/refunds item → canonical Refund. Line quantities and totals are negative in WooCommerce and
 * are turned around here; what the refund does not itemise (a plain amount) is kept as an adjustment.
 */
export function normalizeRefund(payload: unknown, order: Pick<S.Order, "currency" | "payment_method" | "payment_method_title">): CanonicalRefund {
  const r = parsePayload(S.Refund, payload, "Order refund");
  const cur = order.currency;
  const where = `refunds[${r.id}]`;
  const lines = r.line_items.map((l, i) => {
    const refundedItem = l.meta_data.find((m) => m.key === "_refunded_item_id")?.value;
    return {
      lineId: refundedItem !== undefined && refundedItem !== null ? String(refundedItem) : String(l.id),
      sku: opt(l.sku),
      name: opt(l.name),
      quantity: normalizeQuantity(Math.abs(l.quantity)),
      amount: -money(l.total, cur, `${where}.line_items[${i}].total`),
      tax: -money(l.total_tax, cur, `${where}.line_items[${i}].total_tax`),
      restock: false,
    };
  });
  const shipping = -sum(r.shipping_lines.map((s, i) => money(s.total, cur, `${where}.shipping_lines[${i}].total`)));
  const shippingTax = -sum(r.shipping_lines.map((s, i) => money(s.total_tax, cur, `${where}.shipping_lines[${i}].total_tax`)));
  const feeTax = -sum(r.fee_lines.map((s, i) => money(s.total_tax, cur, `${where}.fee_lines[${i}].total_tax`)));
  const total = money(r.amount, cur, `${where}.amount`);
  const tax = sum(lines.map((l) => l.tax)) + shippingTax + feeTax;
  const itemised = sum(lines.map((l) => l.amount)) + shipping + tax;
  return {
    id: String(r.id),
    createdAt: gmt(r.date_created_gmt),
    reason: opt(r.reason),
    lines,
    shipping: shipping || 0,
    // Fees and whatever the refund does not itemise (a plain amount) are the adjustment.
    adjustments: total - itemised || 0,
    total,
    tax: tax || 0,
    payments: r.refunded_payment
      ? [
          {
            id: `${r.id}:refund`,
            method: opt(order.payment_method_title) ?? opt(order.payment_method) ?? "unknown",
            gateway: opt(order.payment_method),
            amount: total,
            kind: "refund",
            status: "success",
            processedAt: gmt(r.date_created_gmt),
          },
        ]
      : [],
  };
}

/**
 * v3 Order JSON → canonical Order event. Line subtotal/total are always tax-exclusive in the REST representation
 * (prices_include_tax only says how the shop entered prices), so the canonical order is tax-exclusive with tax on top.
 * `detailedRefunds` (from GET /orders/{id}/refunds) replace the refunds[] summaries when the sweep has them.
 */
export function normalizeOrder(payload: unknown, type: EventType, connectionId: string, detailedRefunds?: CanonicalRefund[]): CanonicalEvent {
  const o = parsePayload(S.Order, payload, "Order");
  const cur = o.currency;

  // Per rate: its tax line, and the base/tax it was charged on, to state a rate when rate_percent is absent.
  const taxed = new Map<number, { base: bigint; tax: bigint }>();
  const addTaxed = (taxes: z.infer<typeof S.LineTax>[], base: string) => {
    for (const t of taxes) {
      const cur = taxed.get(t.id) ?? { base: 0n, tax: 0n };
      taxed.set(t.id, { base: cur.base + scaled(base), tax: cur.tax + scaled(t.total) });
    }
  };
  for (const l of o.line_items) addTaxed(l.taxes, l.total);
  for (const f of o.fee_lines) addTaxed(f.taxes, f.total);
  for (const s of o.shipping_lines) addTaxed(s.taxes, s.total);
  const rates = new Map(
    [...taxed.keys()].map((id) => {
      const line = o.tax_lines.find((t) => t.rate_id === id);
      return [id, { line, rate: rateOf(line, taxed.get(id)!) }] as const;
    }),
  );

  const items = o.line_items.map((l, i) => {
    const where = `line_items[${i}]`;
    const gross = money(l.subtotal, cur, `${where}.subtotal`);
    const net = money(l.total, cur, `${where}.total`);
    const discount = gross - net;
    return {
      id: String(l.id),
      sku: opt(l.sku),
      name: l.name,
      quantity: normalizeQuantity(l.quantity),
      unitPrice: unitOf(gross, l.quantity),
      grossAmount: gross,
      discounts: discount !== 0 ? [{ amount: discount, title: o.coupon_lines.map((c) => c.code).join(", ") || undefined }] : [],
      taxes: lineTaxes(l.taxes, money(l.total_tax, cur, `${where}.total_tax`), rates),
      giftCard: false,
      taxable: l.taxes.length > 0,
    };
  });
  // Fees (surcharges, or negative fees used as manual discounts) are order lines of their own.
  const fees = o.fee_lines.map((f, i) => {
    const amount = money(f.total, cur, `fee_lines[${i}].total`);
    return {
      id: `fee:${f.id}`,
      name: f.name,
      quantity: "1",
      unitPrice: amount,
      grossAmount: amount,
      discounts: [],
      taxes: lineTaxes(f.taxes, money(f.total_tax, cur, `fee_lines[${i}].total_tax`), rates),
      giftCard: false,
      taxable: f.tax_status !== "none",
    };
  });
  const shipping = o.shipping_lines.map((s, i) => ({
    id: String(s.id),
    title: s.method_title,
    amount: money(s.total, cur, `shipping_lines[${i}].total`),
    discounts: [],
    taxes: lineTaxes(s.taxes, money(s.total_tax, cur, `shipping_lines[${i}].total_tax`), rates),
  }));

  const total = money(o.total, cur, "total");
  const refunds = detailedRefunds ?? o.refunds.map((r) => summaryRefund(r, o));
  const refunded = sum(refunds.map((r) => r.total));
  const base = STATUS[o.status] ?? STATUS.pending!;
  const paid = o.date_paid_gmt !== null && o.date_paid_gmt !== undefined;
  let financial: FinancialStatus = base.financial;
  if (financial === "voided" && paid) financial = "paid";
  if (refunded > 0 && financial !== "voided") financial = refunded >= total ? "refunded" : "partially_refunded";
  const payments: Payment[] = paid
    ? [
        {
          id: `${o.id}:payment`,
          method: opt(o.payment_method_title) ?? opt(o.payment_method) ?? "unknown",
          gateway: opt(o.payment_method),
          amount: total,
          kind: "sale",
          status: "success",
          processedAt: gmt(o.date_paid_gmt!),
        },
      ]
    : [];
  const b = o.billing;
  const s = o.shipping;
  const name = (p: typeof b) => [p?.first_name, p?.last_name].filter(Boolean).join(" ") || opt(p?.company);

  const order: OrderInput = {
    source: "woocommerce",
    connectionId,
    sourceOrderId: String(o.id),
    orderNumber: o.number,
    channel: channel(o.created_via),
    customer:
      b && (b.email || name(b))
        ? { id: o.customer_id ? String(o.customer_id) : undefined, email: opt(b.email), name: name(b), phone: opt(b.phone) }
        : undefined,
    shippingAddress:
      s && (s.address_1 || s.city)
        ? {
            name: name(s),
            line1: opt(s.address_1),
            line2: opt(s.address_2),
            city: opt(s.city),
            region: opt(s.state),
            postalCode: opt(s.postcode),
            country: opt(s.country),
            phone: opt(s.phone),
          }
        : undefined,
    currency: cur,
    taxesIncluded: false,
    lines: [...items, ...fees],
    shipping,
    discounts: o.coupon_lines.map((c, i) => ({ code: c.code, amount: money(c.discount, cur, `coupon_lines[${i}].discount`), kind: "code" as const })),
    totals: {
      subtotal: sum(items.map((l) => l.grossAmount)),
      discounts: money(o.discount_total, cur, "discount_total"),
      shipping: money(o.shipping_total, cur, "shipping_total"),
      tax: money(o.total_tax, cur, "total_tax"),
      tip: 0,
      total,
    },
    payments,
    refunds,
    fulfillments: [],
    status: financial === "refunded" && base.status !== "cancelled" ? "refunded" : base.status,
    financialStatus: financial,
    fulfillmentStatus: base.fulfillment,
    cancelledAt: base.status === "cancelled" ? gmt(o.date_modified_gmt) : undefined,
    createdAt: gmt(o.date_created_gmt),
    updatedAt: gmt(o.date_modified_gmt),
    sourceVersion: Date.parse(`${o.date_modified_gmt}Z`),
    note: opt(o.customer_note),
    tags: [],
  };

  const event = canonical({ kind: "order", type, order });
  if (event.kind === "order") {
    const check = checkOrderTotals(event.order);
    if (!check.ok) throw new NormalizeError(`WooCommerce order ${o.id} (#${o.number}): ${check.reason}`);
  }
  return event;
}

function canonical(event: unknown): CanonicalEvent {
  const r = CanonicalEvent.safeParse(event);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new NormalizeError(`WooCommerce payload normalized to an invalid canonical event: ${issues.join("; ")}`);
}
