// X-Series sales (API 1.0 webhook payloads and API 2.0 sweep records) → canonical order and refund events, to the cent.
import type { z } from "zod";
import { NormalizeError } from "../../../../shared/connector/errors";
import { exponentOf, sum, type Minor } from "../../../../shared/model/money";
import {
  CanonicalEvent,
  type EventType,
  type FinancialStatus,
  type FulfillmentStatus,
  type OrderInput,
  type OrderStatus,
  type Payment,
} from "../../../../shared/model/order";
import { normalizeQuantity } from "../../../../shared/model/quantity";
import { checkOrderTotals } from "../../../../shared/model/totals";
import * as S from "./schemas";

export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new NormalizeError(`X-Series ${what} does not match the documented shape: ${issues.join("; ")}`);
}

// ---------------------------------------------------------------- exact decimals

/** Decimals kept for X-Series numbers: prices carry five, quantities three; nine covers both with room. */
const SCALE = 9;

/** A JSON number as an exact integer scaled by 10^9 (read through its shortest decimal form, so 8.69565 stays 8.69565). */
function exact(n: number, where: string): bigint {
  let q: string;
  try {
    q = normalizeQuantity(n);
  } catch {
    throw new NormalizeError(`${where}: ${n} is not a decimal with at most ${SCALE} places`);
  }
  const neg = q.startsWith("-");
  const [int, frac = ""] = q.replace("-", "").split(".");
  const v = BigInt(int! + frac.padEnd(SCALE, "0"));
  return neg ? -v : v;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function roundHalfAway(a: bigint, unit: bigint): bigint {
  const q = floorDiv((a < 0n ? -a : a) * 2n + unit, 2n * unit);
  return a < 0n ? -q : q;
}

/**
 * Rounds exact amounts to minor units so that they add up to `target` (largest remainder): each is floored, and the
 * units still missing go to the largest fractional parts. Amounts further than rounding from the target are an error.
 */
function distribute(values: bigint[], target: Minor, unit: bigint, what: string): Minor[] {
  const floors = values.map((v) => floorDiv(v, unit));
  const missing = BigInt(target) - floors.reduce((a, b) => a + b, 0n);
  if (missing < 0n || missing > BigInt(values.length)) {
    throw new NormalizeError(`${what}: the lines do not add up to the sale's own total within rounding`);
  }
  const order = values.map((v, i) => ({ i, rem: v - floors[i]! * unit })).sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  const out = floors.map(Number);
  for (let k = 0; k < Number(missing); k++) out[order[k]!.i]! += 1;
  return out.map((v) => v || 0);
}

// ---------------------------------------------------------------- one shape for both API versions

interface SaleLine {
  id: string;
  productId: string;
  name?: string;
  sku?: string;
  quantity: number;
  net: bigint;
  discount: bigint;
  tax: bigint;
  taxId?: string;
  taxName?: string;
  taxRate?: number;
}

interface UnifiedSale {
  id: string;
  outletId?: string;
  customerId?: string;
  invoiceNumber?: string;
  status: string;
  note?: string;
  returnFor?: string;
  createdAt: string;
  updatedAt: string;
  totalPrice: bigint;
  totalTax: bigint;
  lines: SaleLine[];
  payments: { id: string; name?: string; amount: number; date?: string }[];
}

const opt = (v: string | null | undefined) => (v === null || v === undefined || v === "" ? undefined : v);

/** API 1.0 dates are UTC "2016-05-05 23:35:34"; API 2.0 dates are ISO-8601 with an offset. */
function time(value: string, where: string): string {
  const text = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(" ", "T")}Z` : value;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new NormalizeError(`${where}: "${value}" is not a timestamp`);
  return new Date(ms).toISOString();
}

function fromRegisterSale(s: S.RegisterSale): UnifiedSale {
  return {
    id: s.id,
    outletId: opt(s.outlet_id) ?? opt(s.register_id),
    customerId: opt(s.customer_id),
    invoiceNumber: opt(s.invoice_number),
    status: s.status,
    note: opt(s.note),
    returnFor: opt(s.return_for),
    createdAt: time(s.sale_date || s.created_at, "sale_date"),
    updatedAt: time(s.updated_at, "updated_at"),
    totalPrice: exact(s.total_price, "total_price"),
    totalTax: exact(s.total_tax, "total_tax"),
    lines: s.register_sale_products.map((l, i) => ({
      id: l.id,
      productId: l.product_id,
      name: opt(l.name),
      sku: opt(l.sku),
      quantity: l.quantity,
      net: exact(l.price_total, `register_sale_products[${i}].price_total`),
      // API 1.0 `discount` is per unit.
      discount: (exact(l.discount ?? 0, `register_sale_products[${i}].discount`) * exact(l.quantity, "quantity")) / 10n ** BigInt(SCALE),
      tax: exact(l.tax_total, `register_sale_products[${i}].tax_total`),
      taxId: opt(l.tax_id),
      taxName: opt(l.tax_name),
      taxRate: l.tax_rate ?? undefined,
    })),
    payments: s.register_sale_payments.map((p) => ({ id: p.id, name: opt(p.name) ?? opt(p.label), amount: p.amount, date: opt(p.payment_date) })),
  };
}

function fromSale(s: S.Sale): UnifiedSale {
  const taxes = new Map(s.taxes.map((t) => [t.id, t] as const));
  return {
    id: s.id,
    outletId: opt(s.outlet_id) ?? opt(s.register_id),
    customerId: opt(s.customer_id),
    invoiceNumber: opt(s.invoice_number),
    status: s.status,
    note: opt(s.note),
    returnFor: opt(s.return_for),
    createdAt: time(s.sale_date || s.created_at, "sale_date"),
    updatedAt: time(s.updated_at, "updated_at"),
    totalPrice: exact(s.total_price, "total_price"),
    totalTax: exact(s.total_tax, "total_tax"),
    lines: s.line_items.map((l, i) => {
      const t = l.tax_id ? taxes.get(l.tax_id) : undefined;
      return {
        id: l.id,
        productId: l.product_id,
        quantity: l.quantity,
        net: exact(l.price_total, `line_items[${i}].price_total`),
        discount: exact(l.discount_total ?? 0, `line_items[${i}].discount_total`),
        tax: exact(l.tax_total, `line_items[${i}].tax_total`),
        taxId: opt(l.tax_id),
        taxName: opt(t?.name),
        taxRate: t?.rate ?? undefined,
      };
    }),
    payments: s.payments.map((p) => ({ id: p.id, name: opt(p.name), amount: p.amount, date: opt(p.payment_date) })),
  };
}

// ---------------------------------------------------------------- to canonical

/**
 * X-Series sale statuses (https://x-series-api.lightspeedhq.com/reference/listsales): parked and lay-by sales are
 * pending; closed ones completed; on-account sales are completed with money still owed; click-and-collect and
 * shipping sales pack, ship and get picked up; voided sales are cancelled.
 */
const STATUS: Record<string, { status: OrderStatus; fulfillment: FulfillmentStatus }> = {
  OPEN: { status: "pending", fulfillment: "unfulfilled" },
  SAVED: { status: "pending", fulfillment: "unfulfilled" },
  LAYBY: { status: "pending", fulfillment: "unfulfilled" },
  ONACCOUNT: { status: "completed", fulfillment: "delivered" },
  CLOSED: { status: "completed", fulfillment: "delivered" },
  ONACCOUNT_CLOSED: { status: "completed", fulfillment: "delivered" },
  LAYBY_CLOSED: { status: "completed", fulfillment: "delivered" },
  AWAITING_DISPATCH: { status: "packing", fulfillment: "packing" },
  AWAITING_PICKUP: { status: "packing", fulfillment: "packing" },
  DISPATCHED_CLOSED: { status: "shipped", fulfillment: "shipped" },
  PICKED_UP_CLOSED: { status: "delivered", fulfillment: "delivered" },
  VOIDED: { status: "cancelled", fulfillment: "unfulfilled" },
};

interface Amounts {
  unit: bigint;
  total: Minor;
  tax: Minor;
  net: Minor[];
  lineTax: Minor[];
  discount: Minor[];
}

/**
 * Excl.-tax prices and taxes carry five decimals; the sale's total (price + tax) must be whole minor units, and is
 * kept exactly. The excl.-tax total is rounded, tax is what remains, and both are spread over the lines by largest
 * remainder, so lines + tax add up to the sale total with every line within a minor unit of its exact amount.
 */
function amounts(s: UnifiedSale, currency: string): Amounts {
  const unit = 10n ** BigInt(SCALE - exponentOf(currency));
  const grand = s.totalPrice + s.totalTax;
  if (grand % unit !== 0n) throw new NormalizeError(`X-Series sale ${s.id}: total ${grand} (×10^-${SCALE}) is not a whole number of ${currency} minor units`);
  const total = Number(grand / unit);
  const netTotal = Number(roundHalfAway(s.totalPrice, unit));
  const net = distribute(s.lines.map((l) => l.net), netTotal, unit, `X-Series sale ${s.id} prices`);
  const lineTax = distribute(s.lines.map((l) => l.tax), total - netTotal, unit, `X-Series sale ${s.id} taxes`);
  const discount = s.lines.map((l) => Number(roundHalfAway(l.discount, unit)) || 0);
  return { unit, total, tax: total - netTotal, net, lineTax, discount };
}

function rate(l: SaleLine, a: { net: Minor; tax: Minor }): string {
  if (l.taxRate !== undefined) return normalizeQuantity(l.taxRate);
  // No rate in the payload: the one its amounts imply, to six decimals.
  if (a.net === 0) return "0";
  const r = Math.round((a.tax / a.net) * 1e6) / 1e6;
  return normalizeQuantity(Math.abs(r));
}

/** A tendered amount: always whole minor units. */
function wholeMinor(value: number, currency: string, where: string): Minor {
  const unit = 10n ** BigInt(SCALE - exponentOf(currency));
  const v = exact(value, where);
  if (v % unit !== 0n) throw new NormalizeError(`${where}: ${value} is not a whole number of ${currency} minor units`);
  return Number(v / unit) || 0;
}

function payments(s: UnifiedSale, currency: string, kind: Payment["kind"], sign: 1 | -1): Payment[] {
  return s.payments.map((p) => ({
    id: p.id,
    method: p.name ?? "unknown",
    amount: sign * wholeMinor(p.amount, currency, `payments[${p.id}].amount`) || 0,
    kind,
    status: "success" as const,
    processedAt: p.date ? time(p.date, `payments[${p.id}].payment_date`) : undefined,
  }));
}

function canonical(event: unknown): CanonicalEvent {
  const r = CanonicalEvent.safeParse(event);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new NormalizeError(`X-Series payload normalized to an invalid canonical event: ${issues.join("; ")}`);
}

/**
 * A return (https://x-series-api.lightspeedhq.com/docs/sales_returns) is a sale of its own with negative quantities,
 * linked to the original by `return_for`: it becomes a refund of the original sale. Returned lines are the
 * negative-quantity ones; anything else in it (an exchange) is an adjustment.
 */
function refundEvent(s: UnifiedSale, currency: string): CanonicalEvent {
  const a = amounts(s, currency);
  const total = -a.total;
  if (total <= 0) throw new NormalizeError(`X-Series return ${s.id} for ${s.returnFor} pays nothing back (total ${a.total}); exchanges are not mapped`);
  const lines = s.lines
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.quantity < 0)
    .map(({ l, i }) => ({
      lineId: l.productId,
      sku: l.sku,
      name: l.name,
      quantity: normalizeQuantity(-l.quantity),
      amount: -a.net[i]! || 0,
      tax: -a.lineTax[i]! || 0,
      restock: true,
    }));
  const itemised = sum(lines.map((l) => l.amount + l.tax));
  return canonical({
    kind: "refund",
    type: "refund.created",
    sourceOrderId: s.returnFor,
    refund: {
      id: s.id,
      createdAt: s.createdAt,
      reason: s.note,
      lines,
      shipping: 0,
      adjustments: total - itemised || 0,
      total,
      tax: -a.tax || 0,
      payments: payments(s, currency, "refund", -1),
    },
  });
}

function orderEvent(s: UnifiedSale, type: EventType, connectionId: string, currency: string): CanonicalEvent {
  const a = amounts(s, currency);
  const map = STATUS[s.status] ?? STATUS.SAVED!;
  const paid = payments(s, currency, "sale", 1);
  const received = sum(paid.map((p) => p.amount));
  const financial: FinancialStatus =
    s.status === "VOIDED" ? "voided" : received >= a.total && a.total > 0 ? "paid" : received > 0 ? "partially_paid" : a.total === 0 ? "paid" : "pending";
  const lines = s.lines.map((l, i) => {
    const net = a.net[i]!;
    const gross = net + a.discount[i]!;
    const q = normalizeQuantity(l.quantity);
    return {
      id: l.id,
      sku: l.sku,
      name: l.name ?? `product ${l.productId}`,
      quantity: q,
      unitPrice: unitPrice(gross, l.quantity),
      grossAmount: gross,
      discounts: a.discount[i] ? [{ amount: a.discount[i]! }] : [],
      taxes: a.lineTax[i] || l.taxId ? [{ code: l.taxId, title: l.taxName ?? "Tax", rate: rate(l, { net, tax: a.lineTax[i]! }), amount: a.lineTax[i]! }] : [],
      giftCard: false,
      taxable: l.tax !== 0n || l.taxId !== undefined,
    };
  });
  const order: OrderInput = {
    source: "lightspeed-x-series",
    connectionId,
    sourceOrderId: s.id,
    orderNumber: s.invoiceNumber ?? s.id,
    channel: "store",
    locationId: s.outletId,
    customer: s.customerId ? { id: s.customerId } : undefined,
    currency,
    taxesIncluded: false,
    lines,
    shipping: [],
    discounts: [],
    totals: {
      subtotal: sum(lines.map((l) => l.grossAmount)),
      discounts: sum(a.discount),
      shipping: 0,
      tax: a.tax,
      tip: 0,
      total: a.total,
    },
    payments: paid,
    refunds: [],
    fulfillments: [],
    status: map.status,
    financialStatus: financial,
    fulfillmentStatus: map.fulfillment,
    cancelledAt: s.status === "VOIDED" ? s.updatedAt : undefined,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    sourceVersion: Date.parse(s.updatedAt),
    note: s.note,
    tags: [],
  };
  const event = canonical({ kind: "order", type, order });
  if (event.kind === "order") {
    const check = checkOrderTotals(event.order);
    if (!check.ok) throw new NormalizeError(`X-Series sale ${s.id}: ${check.reason}`);
  }
  return event;
}

/** Gross / quantity rounded half away from zero; weighed quantities (0.375 kg) divide exactly as decimals. */
function unitPrice(gross: Minor, quantity: number): Minor {
  const q = exact(quantity, "quantity");
  if (q === 0n) return gross;
  const v = roundHalfAway(BigInt(gross) * 10n ** BigInt(SCALE), q < 0n ? -q : q);
  return Number(q < 0n ? -v : v) || 0;
}

function toEvent(s: UnifiedSale, type: EventType, connectionId: string, currency: string): CanonicalEvent {
  if (s.returnFor) return refundEvent(s, currency);
  return orderEvent(s, type, connectionId, currency);
}

/** A sale.update webhook payload (API 1.0 register sale). */
export function normalizeRegisterSale(payload: unknown, type: EventType, connectionId: string, currency: string): CanonicalEvent {
  return toEvent(fromRegisterSale(parsePayload(S.RegisterSale, payload, "register sale")), type, connectionId, currency);
}

/** An API 2.0 Sale, as the sweep reads it. */
export function normalizeSale(payload: unknown, type: EventType, connectionId: string, currency: string): CanonicalEvent {
  return toEvent(fromSale(parsePayload(S.Sale, payload, "sale")), type, connectionId, currency);
}
