// Lightspeed Retail Sale records → canonical order and refund events, every cent of the Sale total kept.
// https://developers.lightspeedhq.com/retail/endpoints/Sale/ (total = calcSubtotal − calcDiscount + calcTax1 + calcTax2)
// https://developers.lightspeedhq.com/retail/endpoints/SaleLine/ (refunds are negative unitQuantity lines with parentSaleLineID)
import type { z } from "zod";
import { NormalizeError } from "../../../../shared/connector/errors";
import { allocate, exponentOf, MoneyError, sum, toMinor, type Minor } from "../../../../shared/model/money";
import { CanonicalEvent, type EventType, type OrderInput, type Payment } from "../../../../shared/model/order";
import { normalizeQuantity } from "../../../../shared/model/quantity";
import { checkOrderTotals } from "../../../../shared/model/totals";
import * as S from "./schemas";

export interface SaleContext {
  connectionId: string;
  /** The account's currency: Sale records carry amounts only (Lightspeed keeps the currency on the account). */
  currency: string;
}

/** Parses a vendor record with its zod schema, or throws a NormalizeError naming the first bad fields. */
export function parsePayload<T extends z.ZodType>(schema: T, payload: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(payload);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new NormalizeError(`Lightspeed ${what} does not match the API V3 shape: ${issues.join("; ")}`);
}

function money(amount: string, currency: string, where: string): Minor {
  try {
    return toMinor(amount, currency);
  } catch (err) {
    if (err instanceof MoneyError) throw new NormalizeError(`${where}: ${err.message}`);
    throw err;
  }
}

/**
 * A decimal string as integer millionths, rounded half away from zero. Line-level calculations carry more decimals
 * than the currency ("calcTax2": "4.48875"); they only ever serve as weights for splitting the Sale's own amounts.
 */
export function millionths(value: string | undefined): number {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec((value ?? "0").trim());
  if (!m) throw new NormalizeError(`"${value}" is not a decimal`);
  const frac = (m[3] ?? "").padEnd(7, "0");
  let n = Number(m[2]) * 1_000_000 + Number(frac.slice(0, 6));
  if (Number(frac[6]) >= 5) n += 1;
  return m[1] === "-" ? -n : n;
}

/**
 * Splits a Sale-level amount over its lines by weight: largest remainder when the weights share a sign, otherwise each
 * line is rounded on its own and the rounding difference goes to the heaviest line. The shares always sum to `total`.
 */
export function distribute(total: Minor, weights: number[], currency: string): Minor[] {
  if (weights.length === 0) {
    if (total !== 0) throw new NormalizeError(`an amount of ${total} minor units has no lines to belong to`);
    return [];
  }
  if (weights.every((w) => w >= 0) || weights.every((w) => w <= 0)) return allocate(total, weights.map((w) => Math.abs(w)));
  const scale = 10 ** exponentOf(currency);
  const shares = weights.map((w) => Math.sign(w) * Math.round((Math.abs(w) * scale) / 1_000_000));
  let heaviest = 0;
  weights.forEach((w, i) => {
    if (Math.abs(w) > Math.abs(weights[heaviest]!)) heaviest = i;
  });
  shares[heaviest] = shares[heaviest]! + total - sum(shares);
  return shares;
}

function iso(value: string | undefined, where: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new NormalizeError(`${where}: "${value}" is not a timestamp`);
  return new Date(ms).toISOString();
}

function text(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

export function parseSale(payload: unknown): S.Sale {
  return parsePayload(S.Sale, payload, "Sale");
}

/** A return: every line is negative and points at the line it refunds (an exchange mixes signs and stays a sale). */
export function isReturn(sale: S.Sale): boolean {
  return (
    sale.SaleLines.length > 0 &&
    sale.SaleLines.every((l) => l.unitQuantity.trim().startsWith("-") && l.parentSaleLineID !== undefined && l.parentSaleLineID !== "0")
  );
}

/** An open sale (still being rung up, on hold, a layaway) is not an order yet: it has no payments and no total. */
export function isOpen(sale: S.Sale): boolean {
  return !sale.completed && !sale.voided;
}

interface LineAmounts {
  gross: Minor;
  discount: Minor;
  tax1: Minor;
  tax2: Minor;
}

/** Each line's share of the Sale's discount and two taxes (the Sale holds the rounded amounts the total is made of). */
function lineAmounts(sale: S.Sale, currency: string): LineAmounts[] {
  const lines = sale.SaleLines;
  const discounts = distribute(
    money(sale.calcDiscount, currency, "calcDiscount"),
    lines.map((l) => millionths(l.calcLineDiscount) + millionths(l.calcTransactionDiscount)),
    currency,
  );
  const tax1 = distribute(money(sale.calcTax1, currency, "calcTax1"), lines.map((l) => millionths(l.calcTax1)), currency);
  const tax2 = distribute(money(sale.calcTax2, currency, "calcTax2"), lines.map((l) => millionths(l.calcTax2)), currency);
  return lines.map((l, i) => ({
    gross: money(l.calcSubtotal, currency, `SaleLines[${i}].calcSubtotal`),
    discount: discounts[i]!,
    tax1: tax1[i]!,
    tax2: tax2[i]!,
  }));
}

function lineName(l: S.SaleLine): string {
  return text(l.Item?.description) ?? text(l.Note?.note) ?? (l.itemID && l.itemID !== "0" ? `Item ${l.itemID}` : "Miscellaneous charge");
}

function lineSku(l: S.SaleLine): string | undefined {
  return text(l.Item?.customSku) ?? text(l.Item?.systemSku) ?? text(l.Item?.manufacturerSku);
}

function rate(value: string | undefined): string {
  try {
    return normalizeQuantity(value ?? "0");
  } catch {
    throw new NormalizeError(`tax rate "${value}" is not a decimal`);
  }
}

function payments(sale: S.Sale, currency: string, negate: boolean): Payment[] {
  return sale.SalePayments.filter((p) => !p.archived).map((p, i) => {
    const amount = money(p.amount, currency, `SalePayments[${i}].amount`);
    const signed = negate ? -amount : amount;
    return {
      id: p.salePaymentID,
      method: text(p.PaymentType?.name) ?? `payment type ${p.paymentTypeID ?? "unknown"}`,
      amount: Math.abs(signed),
      kind: negate || amount < 0 ? ("refund" as const) : ("sale" as const),
      status: "success" as const,
      processedAt: iso(p.createTime, `SalePayments[${i}].createTime`),
    };
  });
}

function canonical(event: unknown): CanonicalEvent {
  const r = CanonicalEvent.safeParse(event);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new NormalizeError(`Lightspeed Sale normalized to an invalid canonical event: ${issues.join("; ")}`);
}

/**
 * A completed or voided Sale → canonical order event (null for an open sale). Tips ride on the payments and are not
 * part of Sale.total, so the canonical total is total + calcTips: what the customer actually handed over.
 */
export function normalizeSale(payload: unknown, ctx: SaleContext, type: EventType = "order.updated"): CanonicalEvent | null {
  const sale = parseSale(payload);
  if (isOpen(sale)) return null;
  const cur = ctx.currency;
  const amounts = lineAmounts(sale, cur);
  const tax1Name = text(sale.TaxCategory?.tax1Name) ?? "Tax 1";
  const tax2Name = text(sale.TaxCategory?.tax2Name) ?? "Tax 2";
  const lines = sale.SaleLines.map((l, i) => {
    const a = amounts[i]!;
    const taxes = [
      { title: tax1Name, rate: rate(l.tax1Rate), amount: a.tax1 },
      { title: tax2Name, rate: rate(l.tax2Rate), amount: a.tax2 },
    ].filter((t) => t.amount !== 0);
    return {
      id: l.saleLineID,
      sku: lineSku(l),
      name: lineName(l),
      quantity: normalizeQuantity(l.unitQuantity),
      unitPrice: money(l.unitPrice, cur, `SaleLines[${i}].unitPrice`),
      grossAmount: a.gross,
      discounts: a.discount !== 0 ? [{ amount: a.discount, title: text(l.Discount?.name) }] : [],
      taxes,
      taxable: l.tax ?? true,
    };
  });
  const discount = money(sale.calcDiscount, cur, "calcDiscount");
  const tax = money(sale.calcTax1, cur, "calcTax1") + money(sale.calcTax2, cur, "calcTax2");
  const tip = money(sale.calcTips ?? "0", cur, "calcTips");
  const total = money(sale.total, cur, "total");
  const balance = money(sale.balance ?? "0", cur, "balance");
  const c = sale.Customer;
  const customerName = [c?.firstName, c?.lastName].filter((s) => s && s.trim() !== "").join(" ");
  const customerId = c?.customerID ?? (sale.customerID && sale.customerID !== "0" ? sale.customerID : undefined);
  const updatedAt = iso(sale.timeStamp, "timeStamp")!;

  const order: OrderInput = {
    source: "lightspeed-retail",
    connectionId: ctx.connectionId,
    sourceOrderId: sale.saleID,
    orderNumber: text(sale.ticketNumber) ?? sale.saleID,
    // Sales rung up at a register; a referenceNumberSource names the external system (web store, marketplace) it came from.
    channel: text(sale.referenceNumberSource) ? "web" : "store",
    locationId: sale.shopID && sale.shopID !== "0" ? sale.shopID : undefined,
    customer: customerId
      ? {
          id: customerId,
          name: customerName || undefined,
          email: text(c?.Contact?.Emails[0]?.address),
          phone: text(c?.Contact?.Phones[0]?.number),
        }
      : undefined,
    currency: cur,
    taxesIncluded: sale.isTaxInclusive ?? false,
    lines,
    shipping: [],
    discounts: discount !== 0 ? [{ title: "Sale discounts", amount: discount, kind: "manual" }] : [],
    totals: { subtotal: money(sale.calcSubtotal, cur, "calcSubtotal"), discounts: discount, shipping: 0, tax, tip, total: total + tip },
    payments: payments(sale, cur, false),
    refunds: [],
    fulfillments: [],
    status: sale.voided ? "cancelled" : "completed",
    financialStatus: sale.voided ? "voided" : balance > 0 ? "partially_paid" : "paid",
    // A completed till sale hands the goods over at the counter.
    fulfillmentStatus: sale.voided ? "unfulfilled" : "delivered",
    cancelledAt: sale.voided ? updatedAt : undefined,
    createdAt: iso(sale.createTime, "createTime") ?? updatedAt,
    updatedAt,
    sourceVersion: Date.parse(sale.timeStamp),
    note: text(sale.referenceNumber) ? `reference ${sale.referenceNumber}` : undefined,
    tags: [],
  };
  const event = canonical({ kind: "order", type, order });
  if (event.kind === "order") {
    const check = checkOrderTotals(event.order);
    if (!check.ok) throw new NormalizeError(`Lightspeed Sale ${sale.saleID}: ${check.reason}`);
  }
  return event;
}

/**
 * A return Sale (negative lines pointing at the lines they refund) → a refund of the original sale. Amounts are turned
 * positive (money going back to the customer); the lines' net amounts and taxes must add up to the return's total.
 */
export function normalizeReturn(payload: unknown, originalSaleId: string, ctx: SaleContext): CanonicalEvent {
  const sale = parseSale(payload);
  if (!isReturn(sale)) throw new NormalizeError(`Lightspeed Sale ${sale.saleID} is not a return (every line negative, each with parentSaleLineID)`);
  const cur = ctx.currency;
  const amounts = lineAmounts(sale, cur);
  const lines = sale.SaleLines.map((l, i) => {
    const a = amounts[i]!;
    return {
      lineId: l.parentSaleLineID!,
      sku: lineSku(l),
      name: lineName(l),
      quantity: normalizeQuantity(l.unitQuantity.trim().replace(/^-/, "")),
      amount: -(a.gross - a.discount) || 0,
      tax: -(a.tax1 + a.tax2) || 0,
      // A register return puts the units back in stock (the InventorySale of the line is reversed).
      restock: true,
    };
  });
  const total = -money(sale.total, cur, "total") || 0;
  const tax = -(money(sale.calcTax1, cur, "calcTax1") + money(sale.calcTax2, cur, "calcTax2")) || 0;
  const parts = sum(lines.map((l) => l.amount + l.tax));
  if (parts !== total) throw new NormalizeError(`Lightspeed return Sale ${sale.saleID}: lines add up to ${parts} minor units but the return total is ${total}`);
  return canonical({
    kind: "refund",
    type: "refund.created",
    sourceOrderId: originalSaleId,
    refund: {
      id: sale.saleID,
      createdAt: iso(sale.completeTime, "completeTime") ?? iso(sale.timeStamp, "timeStamp")!,
      reason: text(sale.referenceNumber),
      lines,
      total,
      tax,
      payments: payments(sale, cur, true),
    },
  });
}
