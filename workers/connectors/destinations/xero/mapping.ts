// Order → Xero ACCREC invoice and refund → ACCRECCREDIT credit note, with tax amounts locked and an explicit rounding line.
import type { SyncNote } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { allocate, formatMinor, sum, type Minor } from "../../../../shared/model/money";
import type { Order, OrderLine, Refund, TaxLine } from "../../../../shared/model/order";
import { ensureParity, ParityError } from "../../../../shared/posting/parity";
import { dimensionsFor, itemFor, taxCodeFor } from "../../../../shared/posting/profile";
import { truncateText } from "../../../../shared/posting/text";
import { centsToNumber, parseDec, QUANTITY_DECIMALS, toCents, xeroTotal } from "./amounts";
import type { XeroConfig } from "./config";
import type { CreditNotePayload, InvoicePayload, LineItem } from "./schemas";

/** LineItem.Description has no maxLength in the spec; Xero's UI caps it at 4,000 characters [UNVERIFIED]. */
const DESCRIPTION_MAX = 4000;

export interface Built<P> {
  payload: P;
  /** The total Xero will show, in minor units of the order currency. */
  total: Minor;
  notes: SyncNote[];
}

/** The deterministic reference of an order's invoice (the connection's prefix is added when it is written). */
export function orderRef(order: Order): string {
  return order.orderNumber;
}

/** The deterministic reference of a refund's credit note. */
export function refundRef(order: Order, refund: Refund): string {
  return `${order.orderNumber}-R${refund.id}`;
}

export function noTaxTypes(cfg: XeroConfig): string[] {
  return [cfg.noTaxType, ...(cfg.taxes.exempt ? [cfg.taxes.exempt] : [])];
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function contactFor(order: Order, cfg: XeroConfig): InvoicePayload["Contact"] {
  const named = order.customer?.name?.trim() || order.customer?.email?.trim();
  if (named) return { Name: truncateText(named, 255) };
  const walkIn = cfg.customers.walkIn;
  if (walkIn && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(walkIn)) return { ContactID: walkIn };
  return { Name: walkIn ?? cfg.walkInContactName };
}

function addRates(taxes: readonly TaxLine[]): string {
  const total = taxes.reduce((acc, t) => {
    const d = parseDec(t.rate);
    const s = Math.max(acc.scale, d.scale);
    return { int: acc.int * 10n ** BigInt(s - acc.scale) + d.int * 10n ** BigInt(s - d.scale), scale: s };
  }, { int: 0n, scale: 0 });
  const digits = total.int.toString().padStart(total.scale + 1, "0");
  return total.scale === 0 ? digits : `${digits.slice(0, -total.scale)}.${digits.slice(-total.scale)}`;
}

/** One TaxType per line: the mapped code of the (combined, for stacked taxes) rate, else the default. */
function taxTypeFor(taxes: readonly TaxLine[], taxable: boolean, cfg: XeroConfig): string {
  const noTax = cfg.taxes.exempt ?? cfg.noTaxType;
  if (!taxable || taxes.length === 0) return noTax;
  const combined: TaxLine = { ...taxes[0]!, rate: addRates(taxes) };
  return taxCodeFor(combined, cfg) ?? cfg.defaultTaxType;
}

/**
 * Quantity and UnitAmount as the source has them when Xero's product is exactly the source's line amount; otherwise
 * Xero's own advice for prices it cannot multiply exactly: quantity 1 at the line amount, the real figures in the
 * description (https://developer.xero.com/documentation/guides/how-to-guides/rounding-in-xero, "Unit prices").
 */
function figures(quantity: string, unitPrice: Minor, gross: Minor, currency: string): { Quantity: number; UnitAmount: number; exact: boolean } {
  const q = parseDec(quantity);
  const u = toCents(unitPrice, currency);
  const g = toCents(gross, currency);
  if (u.exact && g.exact && q.scale <= QUANTITY_DECIMALS) {
    const product = q.int * u.cents;
    const div = 10n ** BigInt(q.scale);
    if (product % div === 0n && product / div === g.cents) return { Quantity: Number(quantity), UnitAmount: centsToNumber(u.cents), exact: true };
  }
  return { Quantity: 1, UnitAmount: centsToNumber(g.cents), exact: false };
}

function describe(name: string, quantity: string, unit: string | undefined, unitPrice: Minor, currency: string, exact: boolean): string {
  const label = exact ? name : `${name} (${quantity}${unit ? ` ${unit}` : ""} × ${formatMinor(unitPrice, currency)})`;
  return truncateText(label.replace(/[\r\n\t]+/g, " ").trim() || "Item", DESCRIPTION_MAX);
}

/**
 * Tax amounts in hundredths, one per holder, summing to the source's tax total: each holder's own tax, with tax the
 * source states only at order level spread over the taxed holders, and (three-decimal currencies) rounded by
 * largest remainder so the locked amounts add up to the rounded total.
 */
function lockedTaxes(own: readonly Minor[], totalTax: Minor, currency: string): bigint[] {
  const residual = totalTax - sum(own);
  const weights = own.some((t) => t !== 0) ? own.map((t) => Math.abs(t)) : own.map(() => 1);
  const spread = own.length === 0 ? [] : allocate(residual, weights);
  const minor = own.map((t, i) => t + (spread[i] ?? 0));
  const target = toCents(totalTax, currency).cents;
  const exact = minor.map((m) => toCents(m, currency));
  if (exact.every((e) => e.exact)) return exact.map((e) => e.cents);
  const shares = allocate(Number(target), minor.map((m) => Math.abs(m)));
  return shares.map((s, i) => BigInt(minor[i]! < 0 ? -s : s));
}

/**
 * Every line — items, shipping, discounts, tips, rounding, and a credit note's lines — under the order's location
 * tracking option, so a location's sales, discounts and refunds all report under it (a line without one lands in
 * Xero's "Unassigned" column of a tracked report).
 */
function tracked<P extends { LineItems: Array<{ Tracking?: LineItem["Tracking"] }> }>(payload: P, order: Order, cfg: XeroConfig): P {
  const tracking = trackingFor(order, cfg);
  return tracking ? { ...payload, LineItems: payload.LineItems.map((l) => ({ ...l, Tracking: l.Tracking ?? tracking })) } : payload;
}

function trackingFor(order: Order, cfg: XeroConfig): LineItem["Tracking"] {
  const dims = dimensionsFor(order, cfg);
  return dims.trackingCategory && dims.trackingOption ? [{ Name: truncateText(dims.trackingCategory, 100), Option: dims.trackingOption }] : undefined;
}

function sourceTotalCents(total: Minor, currency: string, what: string): number {
  const t = toCents(total, currency);
  if (!t.exact) {
    throw new ConnectorError({
      kind: "permanent",
      vendorCode: "currency_precision",
      message: `${what} of ${formatMinor(total, currency)} ${currency} has more decimals than Xero keeps (all Xero amounts are two-decimal); refusing to post a different total`,
    });
  }
  return Number(t.cents);
}

function withRounding<P extends { LineItems: LineItem[] | Omit<LineItem, "DiscountAmount">[] }>(cfg: XeroConfig, what: string) {
  return (p: P, diff: number): P => ({
    ...p,
    LineItems: [
      ...p.LineItems,
      {
        Description: `Rounding adjustment (${what})`,
        Quantity: 1,
        UnitAmount: centsToNumber(BigInt(diff)),
        ...(cfg.roundingItem ? { ItemCode: cfg.roundingItem } : { AccountCode: cfg.roundingAccountCode }),
        TaxType: cfg.taxes.exempt ?? cfg.noTaxType,
        TaxAmount: 0,
      },
    ],
  });
}

function parity<P extends { LineAmountTypes: string; LineItems: LineItem[] | Omit<LineItem, "DiscountAmount">[] }>(
  payload: P,
  sourceMinor: Minor,
  currency: string,
  cfg: XeroConfig,
  what: string,
): { payload: P; notes: SyncNote[] } {
  const target = sourceTotalCents(sourceMinor, currency, what);
  try {
    const r = ensureParity(payload, target, (p) => Number(xeroTotal(p, noTaxTypes(cfg))), withRounding<P>(cfg, what), "Xero rounding line");
    const notes: SyncNote[] = r.adjustment === 0 ? [] : [{
      message: `Xero: rounding line of ${centsToNumber(BigInt(r.adjustment))} ${currency} added to the ${what} so it totals the source's ${formatMinor(sourceMinor, currency)}`,
      data: { adjustmentHundredths: r.adjustment, currency, vendorTotalBefore: target - r.adjustment },
    }];
    return { payload: r.payload, notes };
  } catch (err) {
    if (err instanceof ParityError) throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `Xero ${what}: ${err.message}` });
    throw err;
  }
}

function lineItemFor(line: OrderLine, cfg: XeroConfig, order: Order, tax: bigint): LineItem {
  const f = figures(line.quantity, line.unitPrice, line.grossAmount, order.currency);
  const discount = sum(line.discounts.map((d) => d.amount));
  const item = itemFor(line, cfg);
  const code = item && "mapped" in item ? item.mapped : undefined;
  const tracking = trackingFor(order, cfg);
  return {
    Description: describe(line.name, line.quantity, line.unit, line.unitPrice, order.currency, f.exact),
    Quantity: f.Quantity,
    UnitAmount: f.UnitAmount,
    ...(code ? { ItemCode: code } : {}),
    AccountCode: cfg.salesAccountCode,
    TaxType: taxTypeFor(line.taxes, line.taxable, cfg),
    TaxAmount: centsToNumber(tax),
    ...(discount !== 0 ? { DiscountAmount: centsToNumber(toCents(discount, order.currency).cents) } : {}),
    ...(tracking ? { Tracking: tracking } : {}),
  };
}

/** The ACCREC invoice for an order: every source line, shipping, unallocated discounts and tips, totalling the source. */
export function buildInvoice(order: Order, cfg: XeroConfig): Built<InvoicePayload> {
  const cur = order.currency;
  const ownTaxes = [
    ...order.lines.map((l) => sum(l.taxes.map((t) => t.amount))),
    ...order.shipping.map((s) => sum(s.taxes.map((t) => t.amount))),
  ];
  const taxes = lockedTaxes(ownTaxes, order.totals.tax, cur);
  const lines: LineItem[] = order.lines.map((l, i) => lineItemFor(l, cfg, order, taxes[i]!));
  const tracking = trackingFor(order, cfg);
  order.shipping.forEach((s, i) => {
    const discount = sum(s.discounts.map((d) => d.amount));
    lines.push({
      Description: truncateText(s.title || "Shipping", DESCRIPTION_MAX),
      Quantity: 1,
      UnitAmount: centsToNumber(toCents(s.amount, cur).cents),
      ...(cfg.shippingItem ? { ItemCode: cfg.shippingItem } : {}),
      AccountCode: cfg.shippingAccountCode,
      TaxType: taxTypeFor(s.taxes, true, cfg),
      TaxAmount: centsToNumber(taxes[order.lines.length + i]!),
      ...(discount !== 0 ? { DiscountAmount: centsToNumber(toCents(discount, cur).cents) } : {}),
      ...(tracking ? { Tracking: tracking } : {}),
    });
  });
  const allocated = sum(order.lines.flatMap((l) => l.discounts.map((d) => d.amount))) + sum(order.shipping.flatMap((s) => s.discounts.map((d) => d.amount)));
  const unallocated = order.totals.discounts - allocated;
  const noTax = cfg.taxes.exempt ?? cfg.noTaxType;
  if (unallocated > 0) {
    const title = order.discounts.map((d) => d.code ?? d.title).filter(Boolean).join(", ");
    lines.push({
      Description: truncateText(title ? `Discount (${title})` : "Discount", DESCRIPTION_MAX),
      Quantity: 1,
      UnitAmount: -centsToNumber(toCents(unallocated, cur).cents),
      ...(cfg.discountItem ? { ItemCode: cfg.discountItem } : {}),
      AccountCode: cfg.discountAccountCode,
      TaxType: noTax,
      TaxAmount: 0,
    });
  }
  if (order.totals.tip !== 0) {
    lines.push({ Description: "Tip", Quantity: 1, UnitAmount: centsToNumber(toCents(order.totals.tip, cur).cents), AccountCode: cfg.tipAccountCode, TaxType: noTax, TaxAmount: 0 });
  }
  if (lines.length === 0) lines.push({ Description: `Order ${order.orderNumber}`, Quantity: 1, UnitAmount: 0, AccountCode: cfg.salesAccountCode, TaxType: noTax, TaxAmount: 0 });
  const exchange = cfg.homeCurrency && cfg.homeCurrency !== cur && order.exchangeRate ? Number(order.exchangeRate) : undefined;
  const payload: InvoicePayload = {
    Type: "ACCREC",
    Contact: contactFor(order, cfg),
    Date: day(order.createdAt),
    DueDate: day(order.createdAt),
    LineAmountTypes: order.taxesIncluded ? "Inclusive" : "Exclusive",
    InvoiceNumber: `${cfg.docNumberPrefix}${orderRef(order)}`,
    Reference: order.orderNumber,
    CurrencyCode: cur,
    ...(exchange ? { CurrencyRate: exchange } : {}),
    Status: "AUTHORISED",
    LineItems: lines,
  };
  const r = parity(payload, order.totals.total, cur, cfg, `invoice ${payload.InvoiceNumber}`);
  return { payload: tracked(r.payload, order, cfg), total: order.totals.total, notes: r.notes };
}

/** The credit note for one refund: refunded lines, shipping and adjustments, totalling the money returned. */
export function buildCreditNote(order: Order, refund: Refund, cfg: XeroConfig, contact: CreditNotePayload["Contact"]): Built<CreditNotePayload> {
  const cur = order.currency;
  const byId = new Map(order.lines.map((l) => [l.id, l]));
  const noTax = cfg.taxes.exempt ?? cfg.noTaxType;
  const holders: Array<{ item: Omit<LineItem, "DiscountAmount" | "TaxAmount">; tax: Minor }> = [];
  for (const rl of refund.lines) {
    const source = byId.get(rl.lineId);
    const name = rl.name ?? source?.name ?? rl.sku ?? `Line ${rl.lineId}`;
    const q = parseDec(rl.quantity);
    const unit = q.int === 0n ? null : (BigInt(rl.amount) * 10n ** BigInt(q.scale)) % q.int === 0n ? Number((BigInt(rl.amount) * 10n ** BigInt(q.scale)) / q.int) : null;
    const f = unit === null ? { Quantity: 1, UnitAmount: centsToNumber(toCents(rl.amount, cur).cents), exact: false } : figures(rl.quantity, unit, rl.amount, cur);
    holders.push({
      item: {
        Description: describe(name, rl.quantity, source?.unit, unit ?? rl.amount, cur, f.exact),
        Quantity: f.Quantity,
        UnitAmount: f.UnitAmount,
        AccountCode: cfg.salesAccountCode,
        TaxType: source ? taxTypeFor(source.taxes, source.taxable, cfg) : noTax,
      },
      tax: rl.tax,
    });
  }
  if (refund.shipping !== 0) {
    const taxes = order.shipping[0]?.taxes ?? [];
    holders.push({
      item: { Description: "Shipping refund", Quantity: 1, UnitAmount: centsToNumber(toCents(refund.shipping, cur).cents), AccountCode: cfg.shippingAccountCode, TaxType: taxTypeFor(taxes, true, cfg) },
      tax: 0,
    });
  }
  if (refund.adjustments !== 0) {
    holders.push({ item: { Description: "Refund adjustment", Quantity: 1, UnitAmount: centsToNumber(toCents(refund.adjustments, cur).cents), AccountCode: cfg.salesAccountCode, TaxType: noTax }, tax: 0 });
  }
  if (holders.length === 0) {
    const net = order.taxesIncluded ? refund.total : refund.total - refund.tax;
    holders.push({ item: { Description: `Refund ${refund.id}`, Quantity: 1, UnitAmount: centsToNumber(toCents(net, cur).cents), AccountCode: cfg.salesAccountCode, TaxType: refund.tax !== 0 ? cfg.defaultTaxType : noTax }, tax: 0 });
  }
  const taxes = lockedTaxes(holders.map((h) => h.tax), refund.tax, cur);
  const payload: CreditNotePayload = {
    Type: "ACCRECCREDIT",
    Contact: contact,
    Date: day(refund.createdAt),
    LineAmountTypes: order.taxesIncluded ? "Inclusive" : "Exclusive",
    CreditNoteNumber: `${cfg.docNumberPrefix}${refundRef(order, refund)}`,
    Reference: order.orderNumber,
    CurrencyCode: cur,
    ...(cfg.homeCurrency && cfg.homeCurrency !== cur && order.exchangeRate ? { CurrencyRate: Number(order.exchangeRate) } : {}),
    Status: "AUTHORISED",
    LineItems: holders.map((h, i) => ({ ...h.item, TaxAmount: centsToNumber(taxes[i]!) })),
  };
  const r = parity(payload, refund.total, cur, cfg, `credit note ${payload.CreditNoteNumber}`);
  return { payload: tracked(r.payload, order, cfg), total: refund.total, notes: r.notes };
}
