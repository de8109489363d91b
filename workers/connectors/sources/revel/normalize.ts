// Revel OrderAllInOne records → canonical order events; JSON-float money read with floatToMinor, never rounded away.
// Amount model (UNVERIFIED beyond field names, see test/fixtures/revel/SOURCE.md): final_total = subtotal −
// discount_amount + tax + service_charge + surcharge + gratuity + rounding_delta; tips on payments are on top of it.
import type { z } from "zod";
import { NormalizeError } from "../../../../shared/connector/errors";
import { allocate, exponentOf, floatToMinor, MoneyError, sum, type Minor } from "../../../../shared/model/money";
import { CanonicalEvent, type EventType, type OrderInput, type OrderStatus, type Payment as CanonicalPayment, type Refund } from "../../../../shared/model/order";
import { extend, normalizeQuantity } from "../../../../shared/model/quantity";
import { checkOrderTotals } from "../../../../shared/model/totals";
import * as S from "./schemas";
import { fromRevelTime } from "./time";

export interface RevelContext {
  connectionId: string;
  currency: string;
  /** The establishment's IANA time zone: Revel timestamps are local wall-clock times. */
  timeZone: string;
}

export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new NormalizeError(`Revel ${what} does not match the OrderAllInOne shape: ${issues.join("; ")}`);
}

function money(amount: number, currency: string, where: string): Minor {
  try {
    return floatToMinor(amount, currency);
  } catch (err) {
    if (err instanceof MoneyError) throw new NormalizeError(`${where}: ${err.message}`);
    throw err;
  }
}

/** Splits an order-level amount over lines by (float) weight; shares always sum to `total`. */
export function distribute(total: Minor, weights: number[], currency: string): Minor[] {
  if (weights.length === 0) {
    if (total !== 0) throw new NormalizeError(`an amount of ${total} minor units has no lines to belong to`);
    return [];
  }
  const scaled = weights.map((w) => Math.round(w * 1_000_000));
  if (scaled.every((w) => w >= 0) || scaled.every((w) => w <= 0)) return allocate(total, scaled.map((w) => Math.abs(w)));
  const unit = 10 ** exponentOf(currency);
  const shares = weights.map((w) => Math.round(w * unit));
  let heaviest = 0;
  scaled.forEach((w, i) => {
    if (Math.abs(w) > Math.abs(scaled[heaviest]!)) heaviest = i;
  });
  shares[heaviest] = shares[heaviest]! + total - sum(shares);
  return shares;
}

/** The id at the end of a resource URI ("/enterprise/Establishment/1/" → "1"). */
export function refId(ref: string | undefined): string | undefined {
  if (ref === undefined || ref === "") return undefined;
  const m = /(\d+)\/?$/.exec(ref);
  return m ? m[1] : ref;
}

/** A percentage as an exact decimal fraction (8.875 → "0.08875"). */
export function percent(value: number): string {
  const [int = "0", frac = ""] = normalizeQuantity(value).split(".");
  const digits = int + frac;
  const point = int.length - 2;
  const padded = point <= 0 ? "0".repeat(1 - point) + digits : digits;
  const at = Math.max(point, 1);
  return normalizeQuantity(`${padded.slice(0, at)}.${padded.slice(at)}`);
}

export function parseOrder(payload: unknown): S.OrderAllInOne {
  return parsePayload(S.OrderAllInOne, payload, "OrderAllInOne");
}

function iso(value: string | null | undefined, ctx: RevelContext, where: string): string | undefined {
  if (!value) return undefined;
  try {
    return new Date(fromRevelTime(value, ctx.timeZone)).toISOString();
  } catch {
    throw new NormalizeError(`${where}: "${value}" is not a timestamp`);
  }
}

function canonical(event: unknown): CanonicalEvent {
  const r = CanonicalEvent.safeParse(event);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new NormalizeError(`Revel order normalized to an invalid canonical event: ${issues.join("; ")}`);
}

function paymentMethod(p: S.Payment): string {
  return p.payment_type === null || p.payment_type === undefined ? "unknown" : `Revel payment type ${p.payment_type}`;
}

/**
 * OrderAllInOne → canonical order event, or null for an open ticket that is neither closed nor paid (a tab still
 * being rung up). Voided and deleted items are left out; an order whose items were all voided is cancelled.
 * Negative payments are refunds; payment tips are added to the total (what the customer handed over).
 */
export function normalizeOrder(payload: unknown, ctx: RevelContext, type: EventType = "order.updated"): CanonicalEvent | null {
  const o = parseOrder(payload);
  const info = o.orderInfo;
  const cur = ctx.currency;
  const active = o.items.filter((i) => !i.deleted && !i.voided_date);
  const cancelled = o.items.length > 0 && active.length === 0;
  const payments = o.payments.filter((p) => !p.deleted);
  const sales = payments.filter((p) => p.amount > 0);
  const refundsPaid = payments.filter((p) => p.amount < 0);
  const paid = sum(sales.map((p) => money(p.amount, cur, `payments[${p.id}].amount`)));
  const remaining = money(info.remaining_due, cur, "remaining_due");
  if (!cancelled && !info.closed && !(paid > 0 && remaining <= 0)) return null;

  const tax = money(info.tax, cur, "tax");
  const taxShares = distribute(tax, active.map((i) => i.tax_amount), cur);
  const lines = active.map((i, n) => {
    const where = `items[${i.id}]`;
    const quantity = normalizeQuantity(i.quantity);
    const unitPrice = money(i.price, cur, `${where}.price`);
    const discount = money(i.discount_amount, cur, `${where}.discount_amount`);
    return {
      id: String(i.id),
      sku: i.sku ?? i.barcode ?? undefined,
      name: i.product_name_override ?? i.product_name ?? `Product ${refId(i.product) ?? i.id}`,
      quantity,
      unitPrice,
      grossAmount: extend(quantity, unitPrice),
      discounts: discount !== 0 ? [{ amount: discount }] : [],
      taxes: taxShares[n] !== 0 ? [{ title: "Tax", rate: percent(i.tax_rate), amount: taxShares[n]! }] : [],
    };
  });
  const charges = [
    { title: "Service charge", amount: money(info.service_charge, cur, "service_charge") },
    { title: "Surcharge", amount: money(info.surcharge, cur, "surcharge") },
    { title: "Cash rounding", amount: money(info.rounding_delta, cur, "rounding_delta") },
  ].filter((c) => c.amount !== 0);
  const paymentTips = sum(sales.map((p) => money(p.tip, cur, `payments[${p.id}].tip`)));
  const tip = money(info.gratuity, cur, "gratuity") + paymentTips;
  const total = money(info.final_total, cur, "final_total") + paymentTips;
  const discounts = money(info.discount_amount, cur, "discount_amount");
  const updatedAt = iso(info.updated_date, ctx, "updated_date")!;

  const canonicalPayments: CanonicalPayment[] = sales.map((p) => ({
    id: String(p.id),
    method: paymentMethod(p),
    amount: money(p.amount, cur, `payments[${p.id}].amount`) + money(p.tip, cur, `payments[${p.id}].tip`),
    kind: "sale",
    status: "success",
    processedAt: iso(p.payment_date ?? p.created_date, ctx, `payments[${p.id}].payment_date`),
  }));
  const refunds: Refund[] = refundsPaid.map((p) => {
    const amount = -money(p.amount, cur, `payments[${p.id}].amount`);
    const at = iso(p.payment_date ?? p.created_date, ctx, `payments[${p.id}].payment_date`) ?? updatedAt;
    return {
      id: `payment-${p.id}`,
      createdAt: at,
      lines: [],
      shipping: 0,
      adjustments: amount,
      total: amount,
      tax: 0,
      payments: [{ id: String(p.id), method: paymentMethod(p), amount, kind: "refund", status: "success", processedAt: at }],
    };
  });
  const refunded = sum(refunds.map((r) => r.total));
  const financial = cancelled && paid === 0 ? "voided" : refunded > 0 && refunded >= paid ? "refunded" : refunded > 0 ? "partially_refunded" : remaining > 0 ? "partially_paid" : "paid";
  const status: OrderStatus = cancelled ? "cancelled" : financial === "refunded" ? "refunded" : info.closed ? "completed" : "paid";

  const order: OrderInput = {
    source: "revel",
    connectionId: ctx.connectionId,
    sourceOrderId: String(info.id),
    orderNumber: String(info.id),
    channel: info.web_order ? "web" : "store",
    locationId: refId(info.establishment),
    customer: info.customer ? { id: refId(info.customer) } : undefined,
    currency: cur,
    taxesIncluded: false,
    lines,
    shipping: charges,
    discounts: discounts !== 0 ? [{ title: "Order discounts", amount: discounts, kind: "manual" }] : [],
    totals: { subtotal: money(info.subtotal, cur, "subtotal"), discounts, shipping: sum(charges.map((c) => c.amount)), tax, tip, total },
    payments: canonicalPayments,
    refunds,
    fulfillments: [],
    status,
    financialStatus: financial,
    // A closed ticket was handed over (dine-in, takeout, a collected web order); an open paid web order is not yet.
    fulfillmentStatus: info.closed && !cancelled ? "delivered" : "unfulfilled",
    cancelledAt: cancelled ? updatedAt : undefined,
    createdAt: iso(info.created_date, ctx, "created_date") ?? updatedAt,
    updatedAt,
    sourceVersion: fromRevelTime(info.updated_date, ctx.timeZone),
    note: info.notes ?? undefined,
    tags: [],
  };
  const event = canonical({ kind: "order", type, order });
  if (event.kind === "order") {
    const check = checkOrderTotals(event.order);
    if (!check.ok) throw new NormalizeError(`Revel order ${info.id}: ${check.reason}`);
  }
  return event;
}
