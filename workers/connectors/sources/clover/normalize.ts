// Clover REST v3 orders (lines, discounts, taxes, payments, refunds, credits) → canonical order events, to the cent.
// Totals follow Clover's documented arithmetic, https://docs.clover.com/docs/calculating-order-totals (round half up):
// line price + modifiers, − line discounts (percentage, then amount), − order discounts, + service charge, + tax.
import type { z } from "zod";
import { NormalizeError } from "../../../../shared/connector/errors";
import { sum, type Minor } from "../../../../shared/model/money";
import { CanonicalEvent, type FinancialStatus, type OrderInput, type OrderStatus, type Payment, type Refund as CanonicalRefund, type TaxLine } from "../../../../shared/model/order";
import { extend, normalizeQuantity } from "../../../../shared/model/quantity";
import { checkOrderTotals } from "../../../../shared/model/totals";
import { roundDiv } from "../../../../shared/posting/parity";
import * as S from "./schemas";

export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new NormalizeError(`Clover ${what} does not match the REST v3 shape: ${issues.join("; ")}`);
}

function opt(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === "" ? undefined : value;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Round half up of a × b / c with integers (Clover's rounding rule for sub-cent amounts). */
function mulDiv(a: number, b: number | bigint, c: number | bigint): Minor {
  return Number(roundDiv(BigInt(a) * BigInt(b), BigInt(c)));
}

/** An exact decimal from an integer count of 10^-scale units (1500, 3 → "1.5"). */
function scaled(value: number, scale: number): string {
  const neg = value < 0;
  const digits = Math.abs(value).toString().padStart(scale + 1, "0");
  return normalizeQuantity(`${neg ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`);
}

/** Tax rate as the canonical fraction: Clover stores percent × 100 000, so the fraction is rate / 10^7. */
const RATE_SCALE = 10_000_000;

/** A percentage discount's value on `base` (whole percent, possibly fractional in JSON): round half up. */
function percentOf(base: Minor, percentage: number): Minor {
  const micro = Math.round(percentage * 1_000_000);
  return mulDiv(base, micro, 100_000_000);
}

/** Discounts of one line or of the order: percentages first (on the subtotal), then amounts (stored negative). */
function discountValues(base: Minor, discounts: S.Discount[]): Array<{ amount: Minor; title?: string }> {
  const percent = discounts.filter((d) => d.percentage !== null && d.percentage !== undefined && !d.amount);
  const fixed = discounts.filter((d) => !(d.percentage !== null && d.percentage !== undefined && !d.amount));
  return [
    ...percent.map((d) => ({ amount: percentOf(base, d.percentage!), title: opt(d.name) })),
    ...fixed.map((d) => ({ amount: Math.abs(d.amount ?? 0), title: opt(d.name) })),
  ];
}

interface Line {
  id: string;
  sku?: string;
  name: string;
  quantity: string;
  unit?: string;
  unitPrice: Minor;
  grossAmount: Minor;
  discounts: Array<{ amount: Minor; title?: string }>;
  rates: S.LineItem["taxRates"];
  net: Minor;
}

function lines(order: S.Order): Line[] {
  return order.lineItems.map((li) => {
    const quantity = li.unitQty !== null && li.unitQty !== undefined ? scaled(li.unitQty, 3) : "1";
    // Modifiers add to the price of each unit (Step 1).
    const unitPrice = li.price + sum(li.modifications.map((m) => m.amount ?? 0));
    const grossAmount = extend(quantity, unitPrice);
    const discounts = discountValues(grossAmount, li.discounts);
    return {
      id: li.id,
      sku: opt(li.itemCode) ?? opt(li.item?.id),
      name: opt(li.name) ?? opt(li.alternateName) ?? "Item",
      quantity,
      unit: opt(li.unitName),
      unitPrice,
      grossAmount,
      discounts,
      rates: order.taxRemoved ? [] : li.taxRates,
      net: grossAmount - sum(discounts.map((d) => d.amount)),
    };
  });
}

/**
 * Tax per Clover's arithmetic: each line's net share after order-level discounts (rounded), summed per tax rate, the
 * rate applied and the sum rounded half up; VAT (isVat) is the included share net × r / (1 + r).
 */
function computedTax(order: S.Order, ls: Line[], orderDiscount: Minor): { total: Minor; perLine: Map<string, TaxLine[]> } {
  const subtotal = sum(ls.map((l) => l.net));
  const base = (l: Line) => (subtotal === 0 ? l.net : mulDiv(l.net, subtotal - orderDiscount, subtotal));
  const groups = new Map<string, { rate: number; taxable: Minor }>();
  const perLine = new Map<string, TaxLine[]>();
  for (const l of ls) {
    const b = base(l);
    const taxes: TaxLine[] = [];
    for (const r of l.rates) {
      const key = `${r.id ?? r.name ?? ""}:${r.rate}`;
      const g = groups.get(key) ?? { rate: r.rate, taxable: 0 };
      g.taxable += b;
      groups.set(key, g);
      taxes.push({
        code: opt(r.id),
        title: opt(r.name) ?? "Tax",
        rate: scaled(r.rate, 7),
        amount: order.isVat ? mulDiv(b, r.rate, RATE_SCALE + r.rate) : mulDiv(b, r.rate, RATE_SCALE),
      });
    }
    perLine.set(l.id, taxes);
  }
  const total = sum([...groups.values()].map((g) => (order.isVat ? mulDiv(g.taxable, g.rate, RATE_SCALE + g.rate) : mulDiv(g.taxable, g.rate, RATE_SCALE))));
  return { total, perLine };
}

const PAID_RESULTS = new Set(["SUCCESS", "AUTH_COMPLETED"]);

function method(tender: z.infer<typeof S.Tender> | null | undefined): string {
  const key = tender?.labelKey?.replace(/^com\.clover\.tender\./, "");
  return opt(key) ?? opt(tender?.label?.toLowerCase().replace(/\s+/g, "_")) ?? "unknown";
}

function payments(order: S.Order): Payment[] {
  return order.payments.map((p) => ({
    id: p.id,
    method: method(p.tender),
    gateway: "clover",
    // What the customer handed over for this payment: amount plus tip.
    amount: p.amount + (p.tipAmount ?? 0),
    kind: p.result === "AUTH" ? "authorization" : p.result === "VOIDED" ? "void" : "sale",
    status: PAID_RESULTS.has(p.result ?? "SUCCESS") || p.result === "AUTH" ? "success" : p.result === "FAIL" ? "failure" : "pending",
    processedAt: p.createdTime ? iso(p.createdTime) : undefined,
  }));
}

/** Refunds against payments and manual credits are both money given back on the order. */
function refunds(order: S.Order, ls: Line[]): CanonicalRefund[] {
  const byId = new Map(ls.map((l) => [l.id, l]));
  const out: CanonicalRefund[] = [];
  for (const r of order.refunds) {
    if (r.voided) continue;
    const tax = r.taxAmount ?? 0;
    const total = r.amount + (r.tipAmount ?? 0);
    const refundLines = r.lineItems.flatMap((ref) => {
      const l = byId.get(ref.id);
      return l ? [{ lineId: l.id, sku: l.sku, name: l.name, quantity: l.quantity, amount: l.net, tax: 0, restock: false }] : [];
    });
    const itemized = sum(refundLines.map((l) => l.amount)) + (order.isVat ? 0 : tax);
    out.push({
      id: r.id,
      createdAt: iso(r.createdTime),
      reason: opt(r.reason),
      lines: refundLines,
      shipping: 0,
      // What the itemized lines and tax leave over: order-level discount shares, returned tips, amount-only refunds.
      adjustments: total - itemized,
      total,
      tax,
      payments: [{ id: r.id, method: "refund", gateway: "clover", amount: total, kind: "refund", status: "success", processedAt: iso(r.createdTime) }],
    });
  }
  for (const c of order.credits) {
    if (c.voided) continue;
    out.push({
      id: c.id,
      createdAt: iso(c.createdTime),
      reason: "Manual refund (credit)",
      lines: [],
      shipping: 0,
      adjustments: c.amount - (order.isVat ? 0 : c.taxAmount ?? 0),
      total: c.amount,
      tax: c.taxAmount ?? 0,
      payments: [{ id: c.id, method: method(c.tender), gateway: "clover", amount: c.amount, kind: "refund", status: "success", processedAt: iso(c.createdTime) }],
    });
  }
  return out;
}

function financialStatus(order: S.Order): FinancialStatus {
  switch (order.paymentState) {
    case "PAID":
      return "paid";
    case "PARTIALLY_PAID":
      return "partially_paid";
    case "REFUNDED":
    case "CREDITED":
      return "refunded";
    case "PARTIALLY_REFUNDED":
      return "partially_refunded";
    default:
      return order.payments.some((p) => p.result === "AUTH") ? "authorized" : "pending";
  }
}

/** A till sale has no shipping: a paid order closed at the register ("locked") is complete. */
function orderStatus(order: S.Order, financial: FinancialStatus): OrderStatus {
  if (financial === "refunded") return "refunded";
  if (financial === "paid" || financial === "partially_refunded") return order.state === "locked" ? "completed" : "paid";
  return "pending";
}

/**
 * One Clover order (GET /v3/merchants/{mId}/orders/{id}?expand=lineItems,payments,refunds,credits,discounts) → its
 * canonical order event. Tax: the taxAmount Clover recorded on the order's successful payments when it is fully paid,
 * otherwise Clover's own arithmetic over the tax rates; whichever is used must make the parts add up to `total`, or
 * the order is rejected. Tips live on payments, outside `total`; the canonical total adds them (what was paid).
 */
export function normalizeOrder(payload: unknown, connectionId: string, merchantId?: string): CanonicalEvent {
  const order = parsePayload(S.Order, payload, "Order");
  const ls = lines(order);
  const subtotal = sum(ls.map((l) => l.net));
  const orderDiscounts = discountValues(subtotal, order.discounts);
  const orderDiscount = sum(orderDiscounts.map((d) => d.amount));
  // Service charges are not taxed and are computed on the lines after their discounts
  // (https://docs.clover.com/docs/update-app-to-support-multiple-service-charges); percentageDecimal is percent × 10^4 [UNVERIFIED scale].
  const sc = order.serviceCharge;
  const scPercent = sc?.percentageDecimal ?? (sc?.percentage !== null && sc?.percentage !== undefined ? Math.round(sc.percentage * 10_000) : undefined);
  const serviceCharge = scPercent !== undefined ? mulDiv(subtotal, scPercent, 1_000_000) : 0;
  const computed = computedTax(order, ls, orderDiscount);
  const paid = order.payments.filter((p) => PAID_RESULTS.has(p.result ?? "SUCCESS"));
  const financial = financialStatus(order);
  const fullyPaid = financial === "paid" || financial === "refunded" || financial === "partially_refunded";
  const recorded = fullyPaid && paid.length > 0 && paid.every((p) => p.taxAmount !== null && p.taxAmount !== undefined) ? sum(paid.map((p) => p.taxAmount!)) : undefined;
  const beforeTax = subtotal - orderDiscount + serviceCharge;
  const candidates = [recorded, computed.total].filter((t): t is number => t !== undefined);
  const tax = order.isVat ? candidates[0]! : candidates.find((t) => beforeTax + t === order.total);
  if (tax === undefined) {
    throw new NormalizeError(
      `Clover order ${order.id}: lines ${subtotal} − discounts ${orderDiscount} + service charge ${serviceCharge} + tax (${candidates.join(" or ")}) cannot make the order total ${order.total}`,
    );
  }
  const tip = sum(paid.map((p) => p.tipAmount ?? 0));
  const draft: OrderInput = {
    source: "clover",
    connectionId,
    sourceOrderId: order.id,
    orderNumber: order.id,
    channel: "store",
    locationId: merchantId,
    customer: order.customers[0]
      ? { id: order.customers[0].id, name: opt([order.customers[0].firstName, order.customers[0].lastName].filter(Boolean).join(" ")) }
      : undefined,
    currency: order.currency,
    taxesIncluded: order.isVat === true,
    lines: ls.map((l) => ({
      id: l.id,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unit: l.unit,
      unitPrice: l.unitPrice,
      grossAmount: l.grossAmount,
      discounts: l.discounts,
      taxes: computed.perLine.get(l.id) ?? [],
      taxable: l.rates.length > 0,
    })),
    shipping: serviceCharge !== 0 ? [{ id: opt(sc?.id), title: opt(sc?.name) ?? "Service charge", amount: serviceCharge }] : [],
    discounts: orderDiscounts.map((d) => ({ title: d.title, amount: d.amount, kind: "manual" as const })),
    totals: {
      subtotal,
      discounts: sum(ls.flatMap((l) => l.discounts.map((d) => d.amount))) + orderDiscount,
      shipping: serviceCharge,
      tax,
      tip,
      total: order.total + tip,
    },
    payments: payments(order),
    refunds: refunds(order, ls),
    fulfillments: [],
    status: orderStatus(order, financial),
    financialStatus: financial,
    fulfillmentStatus: "unfulfilled",
    createdAt: iso(order.createdTime),
    updatedAt: iso(order.modifiedTime),
    sourceVersion: order.modifiedTime,
    note: opt(order.note) ?? opt(order.title),
    tags: order.orderType?.label ? [order.orderType.label] : [],
  };
  const r = CanonicalEvent.safeParse({ kind: "order", type: "order.updated", order: draft });
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new NormalizeError(`Clover order ${order.id} normalized to an invalid canonical event: ${issues.join("; ")}`);
  }
  if (r.data.kind === "order") {
    const check = checkOrderTotals(r.data.order);
    if (!check.ok) throw new NormalizeError(`Clover order ${order.id}: ${check.reason}`);
  }
  return r.data;
}
