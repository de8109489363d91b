// Toast Orders API v2 orders → canonical order events: checks, selections, service charges, split tenders, voids and
// refunds, every JSON double read to the exact minor unit (floatToMinor) or rejected.
import type { z } from "zod";
import { NormalizeError } from "../../../../shared/connector/errors";
import { floatToMinor, MoneyError, sum, type Minor } from "../../../../shared/model/money";
import {
  CanonicalEvent,
  type Channel,
  type EventType,
  type FinancialStatus,
  type FulfillmentStatus,
  type OrderInput,
  type OrderStatus,
  type Payment as CanonicalPayment,
  type Refund as CanonicalRefund,
  type TaxLine,
} from "../../../../shared/model/order";
import { normalizeQuantity } from "../../../../shared/model/quantity";
import { checkOrderTotals } from "../../../../shared/model/totals";
import * as S from "./schemas";

export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new NormalizeError(`Toast ${what} does not match the Orders API v2 shape: ${issues.join("; ")}`);
}

function money(value: number | null | undefined, currency: string, where: string): Minor {
  try {
    return floatToMinor(value ?? 0, currency);
  } catch (err) {
    if (err instanceof MoneyError) throw new NormalizeError(`${where}: ${err.message}`);
    throw err;
  }
}

/** Toast dates: "2021-07-30T11:57:46.235+0000". */
function iso(value: string, where: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new NormalizeError(`${where}: "${value}" is not a timestamp`);
  return new Date(ms).toISOString();
}

function opt(v: string | null | undefined): string | undefined {
  return v === null || v === undefined || v === "" ? undefined : v;
}

function quantity(q: number, where: string): string {
  try {
    return normalizeQuantity(q);
  } catch {
    throw new NormalizeError(`${where}: quantity ${q} is not a decimal`);
  }
}

/** gross / quantity rounded half away from zero, exactly (0.375 lb divides as a decimal). */
function unitPrice(gross: Minor, q: string): Minor {
  const [int, frac = ""] = q.replace("-", "").split(".");
  const scaledQty = BigInt(int! + frac);
  if (scaledQty === 0n) return gross;
  const num = BigInt(Math.abs(gross)) * 10n ** BigInt(frac.length);
  const v = Number((num * 2n + scaledQty) / (2n * scaledQty));
  return gross < 0 ? -v : v;
}

/** `source` values (spec: Order.source) → channel. */
const CHANNELS: Record<string, Channel> = {
  "In Store": "store",
  Kiosk: "store",
  "Order-and-Pay-at-Table": "store",
  "Toast Tables": "store",
  Online: "web",
  "Branded Online Ordering": "web",
  "Catering Online Ordering": "web",
  "eCommerce Online ordering": "web",
  "Branded Mobile App": "web",
  "Toast Pickup App": "web",
  Grubhub: "marketplace",
  Google: "marketplace",
  "Toast Local": "marketplace",
  API: "marketplace",
  "Caller Id": "phone",
};

/** Payment statuses (spec: Payment.paymentStatus); non-card tenders carry none and are settled. */
function paymentStatus(status: string | null | undefined): CanonicalPayment["status"] {
  if (!status || ["CAPTURED", "AUTHORIZED", "CAPTURE_IN_PROGRESS", "AUTHORIZED_AT_RISK"].includes(status)) return "success";
  if (["OPEN", "PROCESSING"].includes(status)) return "pending";
  return "failure";
}

function taxLines(applied: z.infer<typeof S.AppliedTaxRate>[] | null | undefined, currency: string, where: string): TaxLine[] {
  return (applied ?? []).map((t, i) => ({
    code: opt(t.taxRate?.guid ?? t.guid),
    title: opt(t.name) ?? "Tax",
    // PERCENT rates are fractions; FIXED, TABLE and EXTERNAL taxes have no rate to state.
    rate: t.type === "PERCENT" || t.type === undefined || t.type === null ? quantity(Math.abs(t.rate ?? 0), `${where}.appliedTaxes[${i}].rate`) : "0",
    amount: money(t.taxAmount, currency, `${where}.appliedTaxes[${i}].taxAmount`),
    jurisdiction: opt(t.jurisdiction),
  }));
}

/**
 * Refunds live on payments (`refund`: refundAmount + tipRefundAmount) and, itemised, on the selections and service
 * charges refunded in the same transaction (`refundDetails`). One canonical refund per refund transaction.
 */
function refunds(order: S.Order, checks: S.Check[], currency: string): CanonicalRefund[] {
  const out = new Map<string, CanonicalRefund>();
  for (const check of checks) {
    for (const p of check.payments ?? []) {
      if (!p.refund || (p.refundStatus ?? "NONE") === "NONE") continue;
      const where = `payments[${p.guid}].refund`;
      const id = p.refund.refundTransaction?.guid ?? `${p.guid}:refund`;
      const amount = money(p.refund.refundAmount, currency, `${where}.refundAmount`) + money(p.refund.tipRefundAmount, currency, `${where}.tipRefundAmount`);
      const r = out.get(id) ?? {
        id,
        createdAt: iso(p.refund.refundDate ?? order.modifiedDate, `${where}.refundDate`),
        lines: [],
        shipping: 0,
        adjustments: 0,
        total: 0,
        tax: 0,
        payments: [],
      };
      r.total += amount;
      r.payments.push({ id: `${p.guid}:refund`, method: p.type === "CREDIT" && p.cardType ? `CREDIT ${p.cardType}` : p.type, gateway: p.type, amount, kind: "refund", status: "success" });
      out.set(id, r);
    }
    for (const s of check.selections) {
      const d = s.refundDetails;
      const r = d?.refundTransaction?.guid ? out.get(d.refundTransaction.guid) : undefined;
      if (!d || !r) continue;
      const where = `selections[${s.guid}].refundDetails`;
      r.lines.push({
        lineId: s.guid,
        sku: opt(s.item?.guid),
        name: opt(s.displayName),
        quantity: quantity(s.quantity, `selections[${s.guid}].quantity`),
        amount: money(d.refundAmount, currency, `${where}.refundAmount`),
        tax: money(d.taxRefundAmount, currency, `${where}.taxRefundAmount`),
        restock: false,
      });
    }
  }
  return [...out.values()].map((r) => {
    const tax = sum(r.lines.map((l) => l.tax));
    return { ...r, tax, adjustments: r.total - sum(r.lines.map((l) => l.amount)) - tax };
  });
}

export interface ToastContext {
  currency: string;
  restaurantGuid?: string;
}

/**
 * A Toast Order → canonical order. Amounts are tax-exclusive (`amount` excludes tax, `totalAmount` includes it):
 * the order total is the sum of its live checks' totalAmount plus the tips paid on them; gratuity service charges
 * and payment tips are the tip. Deleted checks (merged into another order) and voided checks and selections carry
 * no money. A total the parts do not reproduce is rejected to quarantine.
 */
export function normalizeOrder(payload: unknown, type: EventType, connectionId: string, ctx: ToastContext): CanonicalEvent {
  const o = parsePayload(S.Order, payload, "Order");
  const cur = ctx.currency;
  const orderVoided = o.voided === true || o.deleted === true;
  const checks = o.checks.filter((c) => c.deleted !== true && c.voided !== true);

  const lines: OrderInput["lines"] = [];
  const shipping: OrderInput["shipping"] = [];
  let gratuity = 0;
  for (const check of checks) {
    for (const s of check.selections) {
      if (s.voided) continue;
      const where = `checks[${check.guid}].selections[${s.guid}]`;
      const q = quantity(s.quantity, `${where}.quantity`);
      const gross = money(s.preDiscountPrice ?? s.price, cur, `${where}.preDiscountPrice`);
      const net = money(s.price ?? s.preDiscountPrice, cur, `${where}.price`);
      const discountNames = (s.appliedDiscounts ?? []).map((d) => d.name).filter(Boolean).join(", ") || undefined;
      lines.push({
        id: s.guid,
        sku: opt(s.item?.guid),
        name: opt(s.displayName) ?? "Open item",
        quantity: q,
        unit: s.unitOfMeasure && s.unitOfMeasure !== "NONE" ? s.unitOfMeasure.toLowerCase() : undefined,
        unitPrice: unitPrice(gross, q),
        grossAmount: gross,
        discounts: gross !== net ? [{ amount: gross - net, title: discountNames }] : [],
        taxes: taxLines(s.appliedTaxes, cur, where),
        giftCard: s.deferred === true,
        taxable: (s.appliedTaxes ?? []).length > 0,
      });
    }
    for (const sc of check.appliedServiceCharges ?? []) {
      const where = `checks[${check.guid}].appliedServiceCharges[${sc.guid ?? sc.name}]`;
      const amount = money(sc.chargeAmount, cur, `${where}.chargeAmount`);
      if (sc.gratuity) {
        gratuity += amount;
      } else if (sc.delivery) {
        shipping.push({ id: opt(sc.guid), title: opt(sc.name) ?? "Delivery", amount, discounts: [], taxes: taxLines(sc.appliedTaxes, cur, where) });
      } else {
        lines.push({
          id: sc.guid ?? `${check.guid}:service-charge`,
          name: opt(sc.name) ?? "Service charge",
          quantity: "1",
          unitPrice: amount,
          grossAmount: amount,
          discounts: [],
          taxes: taxLines(sc.appliedTaxes, cur, where),
          giftCard: false,
          taxable: sc.taxable === true,
        });
      }
    }
  }

  const payments: CanonicalPayment[] = checks.flatMap((check) =>
    (check.payments ?? []).map((p) => {
      const where = `payments[${p.guid}]`;
      const status = paymentStatus(p.paymentStatus);
      return {
        id: p.guid,
        method: p.type === "CREDIT" && p.cardType ? `CREDIT ${p.cardType}` : p.type,
        gateway: p.type,
        amount: money(p.amount, cur, `${where}.amount`) + money(p.tipAmount, cur, `${where}.tipAmount`),
        kind: status === "failure" && (p.paymentStatus ?? "").includes("VOID") ? ("void" as const) : ("sale" as const),
        status,
        processedAt: p.paidDate ? iso(p.paidDate, `${where}.paidDate`) : undefined,
      };
    }),
  );
  const paymentTips = sum(
    checks.flatMap((c) => (c.payments ?? []).filter((p) => paymentStatus(p.paymentStatus) === "success").map((p) => money(p.tipAmount, cur, `payments[${p.guid}].tipAmount`))),
  );
  const checkTotal = sum(
    checks.map((c) => {
      if (c.totalAmount === null || c.totalAmount === undefined) throw new NormalizeError(`Toast check ${c.guid} has no totalAmount`);
      return money(c.totalAmount, cur, `checks[${c.guid}].totalAmount`);
    }),
  );
  const total = checkTotal + paymentTips;
  const refundList = refunds(o, o.checks.filter((c) => c.deleted !== true), cur);
  const refunded = sum(refundList.map((r) => r.total));
  const received = sum(payments.filter((p) => p.status === "success").map((p) => p.amount));
  const closed = checks.length > 0 && checks.every((c) => c.paymentStatus === "CLOSED" || c.paymentStatus === "PAID");

  let status: OrderStatus;
  let financial: FinancialStatus;
  if (orderVoided || checks.length === 0) {
    status = "cancelled";
    financial = "voided";
  } else {
    status = closed ? "completed" : "pending";
    financial = received >= total ? "paid" : received > 0 ? "partially_paid" : "pending";
    if (refunded > 0) financial = refunded >= total ? "refunded" : "partially_refunded";
    if (financial === "refunded") status = "refunded";
  }
  const d = o.deliveryInfo;
  const fulfillment: FulfillmentStatus = d?.deliveredDate ? "delivered" : d?.dispatchedDate ? "shipped" : closed && !orderVoided ? "delivered" : "unfulfilled";
  const customer = o.checks.map((c) => c.customer).find((c) => c && (c.email || c.firstName || c.lastName || c.phone));
  const number = opt(o.displayNumber) ?? opt(o.checks[0]?.displayNumber);

  const order: OrderInput = {
    source: "toast",
    connectionId,
    sourceOrderId: o.guid,
    // displayNumber restarts every business day: the business date makes it unique per restaurant.
    orderNumber: number ? (o.businessDate ? `${o.businessDate}-${number}` : number) : o.guid,
    channel: CHANNELS[o.source ?? ""] ?? "other",
    locationId: opt(ctx.restaurantGuid),
    customer: customer
      ? { id: opt(customer.guid), email: opt(customer.email), name: [customer.firstName, customer.lastName].filter(Boolean).join(" ") || undefined, phone: opt(customer.phone) }
      : undefined,
    shippingAddress: d ? { line1: opt(d.address1), line2: opt(d.address2), city: opt(d.city), region: opt(d.state), postalCode: opt(d.zipCode) } : undefined,
    currency: cur,
    taxesIncluded: false,
    lines,
    shipping,
    discounts: checks.flatMap((c) =>
      [...(c.appliedDiscounts ?? []), ...c.selections.filter((s) => !s.voided).flatMap((s) => s.appliedDiscounts ?? [])].map((ad, i) => ({
        code: opt(ad.appliedPromoCode),
        title: opt(ad.name),
        amount: money(ad.discountAmount, cur, `checks[${c.guid}].appliedDiscounts[${i}].discountAmount`),
        kind: ad.loyaltyDetails ? ("loyalty" as const) : ad.appliedPromoCode ? ("code" as const) : ("manual" as const),
      })),
    ),
    totals: {
      subtotal: sum(lines.map((l) => l.grossAmount)),
      discounts: sum(lines.flatMap((l) => (l.discounts ?? []).map((x) => x.amount))),
      shipping: sum(shipping.map((s) => s.amount)),
      tax: sum(checks.map((c) => money(c.taxAmount, cur, `checks[${c.guid}].taxAmount`))),
      tip: gratuity + paymentTips,
      total,
    },
    payments,
    refunds: refundList,
    fulfillments: [],
    status,
    financialStatus: financial,
    fulfillmentStatus: fulfillment,
    cancelledAt: orderVoided ? iso(o.voidDate ?? o.modifiedDate, "voidDate") : undefined,
    createdAt: iso(o.createdDate, "createdDate"),
    updatedAt: iso(o.modifiedDate, "modifiedDate"),
    sourceVersion: Date.parse(o.modifiedDate),
    tags: o.createdInTestMode ? ["test-mode"] : [],
  };

  const r = CanonicalEvent.safeParse({ kind: "order", type, order });
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new NormalizeError(`Toast order ${o.guid} normalized to an invalid canonical event: ${issues.join("; ")}`);
  }
  if (r.data.kind === "order") {
    const check = checkOrderTotals(r.data.order);
    if (!check.ok) throw new NormalizeError(`Toast order ${o.guid}: ${check.reason}`);
  }
  return r.data;
}
