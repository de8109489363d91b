// Order → Zoho Books invoice / sales order body and refund → credit note body, squared to the source with an explicit adjustment.
import type { SyncNote } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { allocate, formatMinor, sum, type Minor } from "../../../../shared/model/money";
import type { Order, Refund, TaxLine } from "../../../../shared/model/order";
import { ensureParity, ParityError } from "../../../../shared/posting/parity";
import { itemFor } from "../../../../shared/posting/profile";
import { truncateText } from "../../../../shared/posting/text";
import { dec, toNumber, toUnits, zohoTotal } from "./amounts";
import type { ZohoConfig } from "./config";
import type { DocumentPayload, LineItemPayload } from "./schemas";

export const ADJUSTMENT_DESCRIPTION = "Rounding adjustment (OrderMesh)";

/**
 * The document currency as the organization keeps it: its currency_id and decimal places (`price_precision`,
 * 0, 2 or 3 — https://www.zoho.com/books/kb/general/decimal-places.html).
 */
export interface ZohoCurrency {
  id?: string;
  places: number;
}

export interface Built {
  payload: DocumentPayload;
  /** Decimal places Zoho keeps for this currency. */
  places: number;
  notes: SyncNote[];
}

export function orderRef(order: Order): string {
  return order.orderNumber;
}

export function refundRef(order: Order, refund: Refund): string {
  return `${order.orderNumber}-R${refund.id}`;
}

/** tax_id → percentage, from the posting profile's rate → tax_id mapping (rates are fractions, Zoho percentages). */
export function taxRates(cfg: ZohoConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of cfg.taxes.codes) {
    const d = dec(c.rate);
    const pct = d.int * 100n;
    const s = d.scale;
    const digits = (pct < 0n ? -pct : pct).toString().padStart(s + 1, "0");
    out[c.code] = (s === 0 ? digits : `${digits.slice(0, -s)}.${digits.slice(-s)}`).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  }
  return out;
}

function sameRate(a: string, b: string): boolean {
  const x = dec(a);
  const y = dec(b);
  const s = Math.max(x.scale, y.scale);
  return x.int * 10n ** BigInt(s - x.scale) === y.int * 10n ** BigInt(s - y.scale);
}

/** One tax_id per line: the mapped tax of the (combined, for stacked taxes) rate; none when the rate is unmapped. */
function taxIdFor(taxes: readonly TaxLine[], taxable: boolean, cfg: ZohoConfig): string | undefined {
  if (!taxable || taxes.length === 0 || taxes.every((t) => t.amount === 0)) return undefined;
  const combined = taxes.reduce((acc, t) => {
    const d = dec(t.rate);
    const s = Math.max(acc.scale, d.scale);
    return { int: acc.int * 10n ** BigInt(s - acc.scale) + d.int * 10n ** BigInt(s - d.scale), scale: s };
  }, { int: 0n, scale: 0 });
  const digits = combined.int.toString().padStart(combined.scale + 1, "0");
  const rate = combined.scale === 0 ? digits : `${digits.slice(0, -combined.scale)}.${digits.slice(-combined.scale)}`;
  const hits = cfg.taxes.codes.filter((c) => sameRate(c.rate, rate));
  return (hits.find((c) => c.jurisdiction && c.jurisdiction === taxes[0]!.jurisdiction) ?? hits.find((c) => !c.jurisdiction) ?? hits[0])?.code;
}

function units(minor: Minor, currency: string, places: number): number {
  return toNumber(toUnits(minor, currency, places).units, places);
}

function squared(payload: DocumentPayload, sourceTotal: Minor, currency: string, places: number, cfg: ZohoConfig, what: string, untaxed: Minor): { payload: DocumentPayload; notes: SyncNote[] } {
  const target = toUnits(sourceTotal, currency, places);
  if (!target.exact) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "currency_precision", message: `Zoho Books keeps ${places} decimals for ${currency}; the ${what} total ${formatMinor(sourceTotal, currency)} cannot be held exactly` });
  }
  const rates = taxRates(cfg);
  try {
    const r = ensureParity(
      payload,
      Number(target.units),
      (p) => Number(zohoTotal(p, rates, places).total),
      (p, diff) => ({ ...p, adjustment: toNumber(BigInt(diff), places), adjustment_description: ADJUSTMENT_DESCRIPTION }),
      "Zoho Books adjustment",
    );
    const notes: SyncNote[] = [];
    if (r.adjustment !== 0) {
      notes.push({
        message: `Zoho Books: adjustment of ${toNumber(BigInt(r.adjustment), places)} ${currency} ("${ADJUSTMENT_DESCRIPTION}") on the ${what} so it totals the source's ${formatMinor(sourceTotal, currency)}`,
        data: { adjustmentUnits: r.adjustment, places, currency },
      });
    }
    if (untaxed !== 0) notes.push({ message: `Zoho Books: ${formatMinor(untaxed, currency)} ${currency} of tax has no Zoho tax mapping (taxes.codes) and is carried in the adjustment`, data: { untaxed } });
    return { payload: r.payload, notes };
  } catch (err) {
    if (err instanceof ParityError) throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `Zoho Books ${what}: ${err.message}` });
    throw err;
  }
}

interface Holder {
  line: LineItemPayload;
  net: Minor;
  discount: Minor;
  tax: Minor;
  taxed: boolean;
}

/** The body of an invoice or sales order: every line, shipping and tip, order discounts spread over the lines. */
export function buildDocument(order: Order, cfg: ZohoConfig, customerId: string, currency: ZohoCurrency): Built {
  const cur = order.currency;
  const places = currency.places;
  const holders: Holder[] = [];
  for (const l of order.lines) {
    const item = itemFor(l, cfg);
    const name = truncateText(l.name.replace(/[\r\n\t]+/g, " ").trim() || "Item", 100);
    const taxId = taxIdFor(l.taxes, l.taxable, cfg);
    const discount = sum(l.discounts.map((d) => d.amount));
    holders.push({
      line: {
        ...(item && "mapped" in item ? { item_id: item.mapped } : {}),
        name,
        ...(name !== l.name || l.sku ? { description: truncateText([l.name !== name ? l.name : "", l.sku ? `SKU ${l.sku}` : ""].filter(Boolean).join(" · "), 2000) } : {}),
        rate: units(l.unitPrice, cur, places),
        quantity: Number(l.quantity),
        ...(l.unit ? { unit: truncateText(l.unit, 100) } : {}),
        ...(taxId ? { tax_id: taxId } : {}),
      },
      net: l.grossAmount - discount,
      discount,
      tax: sum(l.taxes.map((t) => t.amount)),
      taxed: taxId !== undefined,
    });
  }
  for (const s of order.shipping) {
    const taxId = taxIdFor(s.taxes, true, cfg);
    const discount = sum(s.discounts.map((d) => d.amount));
    holders.push({
      line: { ...(cfg.shippingItem ? { item_id: cfg.shippingItem } : {}), name: truncateText(s.title || "Shipping", 100), rate: units(s.amount, cur, places), quantity: 1, ...(taxId ? { tax_id: taxId } : {}) },
      net: s.amount - discount,
      discount,
      tax: sum(s.taxes.map((t) => t.amount)),
      taxed: taxId !== undefined,
    });
  }
  const allocated = sum(holders.map((h) => h.discount));
  const unallocated = order.totals.discounts - allocated;
  if (unallocated > 0 && holders.length > 0) {
    const shares = allocate(unallocated, holders.map((h) => Math.max(0, h.net)));
    holders.forEach((h, i) => (h.discount += shares[i]!));
  }
  const lines: LineItemPayload[] = holders.map((h) => (h.discount !== 0 ? { ...h.line, discount: units(h.discount, cur, places) } : h.line));
  if (order.totals.tip !== 0) lines.push({ name: "Tip", rate: units(order.totals.tip, cur, places), quantity: 1 });
  if (lines.length === 0) lines.push({ name: `Order ${order.orderNumber}`, rate: 0, quantity: 1 });
  const payload: DocumentPayload = {
    customer_id: customerId,
    ...(currency.id ? { currency_id: currency.id } : {}),
    reference_number: truncateText(order.orderNumber, 100),
    date: order.createdAt.slice(0, 10),
    is_inclusive_tax: order.taxesIncluded,
    discount_type: "item_level",
    is_discount_before_tax: true,
    ...(cfg.homeCurrency && cfg.homeCurrency !== cur && order.exchangeRate ? { exchange_rate: Number(order.exchangeRate) } : {}),
    line_items: lines,
  };
  const untaxed = order.taxesIncluded ? 0 : sum(holders.filter((h) => !h.taxed).map((h) => h.tax));
  const r = squared(payload, order.totals.total, cur, places, cfg, `order ${order.orderNumber}`, untaxed);
  return { payload: r.payload, places, notes: r.notes };
}

/** The body of the credit note for one refund: refunded lines, shipping and adjustments, squared to the money returned. */
export function buildCreditNote(order: Order, refund: Refund, cfg: ZohoConfig, customerId: string, currency: ZohoCurrency): Built {
  const cur = order.currency;
  const places = currency.places;
  const byId = new Map(order.lines.map((l) => [l.id, l]));
  const lines: LineItemPayload[] = [];
  let untaxed = 0;
  for (const rl of refund.lines) {
    const source = byId.get(rl.lineId);
    const taxId = source ? taxIdFor(source.taxes, source.taxable, cfg) : undefined;
    if (!taxId && !order.taxesIncluded) untaxed += rl.tax;
    const q = dec(rl.quantity);
    const exactUnit = q.int !== 0n && (BigInt(rl.amount) * 10n ** BigInt(q.scale)) % q.int === 0n;
    const name = truncateText((rl.name ?? source?.name ?? rl.sku ?? `Line ${rl.lineId}`).replace(/[\r\n\t]+/g, " ").trim(), 100);
    lines.push({
      name,
      ...(exactUnit ? {} : { description: `${rl.quantity} × returned` }),
      rate: exactUnit ? units(Number((BigInt(rl.amount) * 10n ** BigInt(q.scale)) / q.int), cur, places) : units(rl.amount, cur, places),
      quantity: exactUnit ? Number(rl.quantity) : 1,
      ...(taxId ? { tax_id: taxId } : {}),
    });
  }
  if (refund.shipping !== 0) lines.push({ name: "Shipping refund", rate: units(refund.shipping, cur, places), quantity: 1 });
  if (refund.adjustments !== 0) lines.push({ name: "Refund adjustment", rate: units(refund.adjustments, cur, places), quantity: 1 });
  if (lines.length === 0) lines.push({ name: `Refund ${refund.id}`, rate: units(order.taxesIncluded ? refund.total : refund.total - refund.tax, cur, places), quantity: 1 });
  const payload: DocumentPayload = {
    customer_id: customerId,
    ...(currency.id ? { currency_id: currency.id } : {}),
    reference_number: truncateText(order.orderNumber, 100),
    date: refund.createdAt.slice(0, 10),
    is_inclusive_tax: order.taxesIncluded,
    discount_type: "item_level",
    is_discount_before_tax: true,
    ...(cfg.homeCurrency && cfg.homeCurrency !== cur && order.exchangeRate ? { exchange_rate: Number(order.exchangeRate) } : {}),
    line_items: lines,
    ...(refund.reason ? { notes: truncateText(refund.reason, 5000) } : {}),
  };
  const r = squared(payload, refund.total, cur, places, cfg, `refund ${refund.id}`, untaxed);
  return { payload: r.payload, places, notes: r.notes };
}
