// Pure mapping: a canonical order → an A_SalesOrder deep insert, a refund → an A_CreditMemoRequest, priced by manual conditions.
import type { SyncNote } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { allocate, exponentOf, formatMinor, sum, type Minor } from "../../../../shared/model/money";
import type { Order, OrderLine, Refund } from "../../../../shared/model/order";
import { truncateText } from "../../../../shared/posting/text";
import type { Rec } from "./api";
import type { S4Config } from "./config";

/** PurchaseOrderByCustomer: Edm.String MaxLength 35 (API_SALES_ORDER_SRV.edmx). */
export const CUSTOMER_REF_MAX = 35;
/** SalesOrderItemText: MaxLength 40; RequestedQuantity: Edm.Decimal(15,3); ConditionRateValue: Edm.Decimal(24,9). */
export const ITEM_TEXT_MAX = 40;
const QUANTITY_SCALE = 3;
const RATE_SCALE = 9;

/** One item before it becomes JSON: the net amount the price condition must produce, its discount and locked tax. */
export interface PlanItem {
  material: string;
  text: string;
  quantity: string;
  unit?: string;
  /** Net amount of the item (excluding tax, after discount). */
  net: Minor;
  discount: Minor;
  tax: Minor;
}

interface Scaled {
  int: bigint;
  scale: number;
}

function scaled(decimal: string): Scaled {
  const [i = "0", f = ""] = decimal.replace(/^\+/, "").split(".");
  const neg = i.startsWith("-");
  return { int: BigInt((neg ? i.slice(1) : i) + f) * (neg ? -1n : 1n), scale: f.length };
}

function divRound(a: bigint, b: bigint): bigint {
  const neg = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  const q = (x * 2n + y) / (2n * y);
  return neg ? -q : q;
}

function decimalText(int: bigint, scale: number): string {
  const neg = int < 0n;
  const digits = (neg ? -int : int).toString().padStart(scale + 1, "0");
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/\.?0+$/, "");
  return (neg && int !== 0n ? "-" : "") + (body === "" ? "0" : body);
}

/**
 * The quantity S/4 can hold (3 decimals). A quantity with more decimals is rounded; the price per unit is then
 * derived from the amount, so the item's value stays the source's.
 */
export function s4Quantity(quantity: string): { value: string; rounded: boolean } {
  const q = scaled(quantity);
  if (q.scale <= QUANTITY_SCALE) return { value: quantity, rounded: false };
  const r = divRound(q.int, 10n ** BigInt(q.scale - QUANTITY_SCALE));
  return r === 0n ? { value: "1", rounded: true } : { value: decimalText(r, QUANTITY_SCALE), rounded: true };
}

/** Price per unit (9 decimals) so that quantity × price, rounded to the currency, is `amount`. */
export function unitRate(amount: Minor, quantity: string, currency: string): string {
  const q = scaled(quantity);
  const exp = exponentOf(currency);
  // rate × 10^9 = amount / 10^exp / (q.int / 10^q.scale) × 10^9
  const num = BigInt(amount) * 10n ** BigInt(RATE_SCALE + q.scale);
  const den = q.int * 10n ** BigInt(exp);
  return decimalText(divRound(num, den), RATE_SCALE);
}

/** S/4's value of a price condition: quantity × rate rounded half up to the currency (what the simulator and pricing compute). */
export function priceValue(quantity: string, rate: string, currency: string): Minor {
  const q = scaled(quantity);
  const r = scaled(rate);
  const exp = exponentOf(currency);
  return Number(divRound(q.int * r.int * 10n ** BigInt(exp), 10n ** BigInt(q.scale + r.scale)));
}

export function amountText(minor: Minor, currency: string): string {
  return formatMinor(minor, currency);
}

function materialFor(line: OrderLine, cfg: S4Config): string {
  if (line.giftCard) return cfg.giftCardItem;
  if (line.sku && cfg.items.map[line.sku]) return cfg.items.map[line.sku]!;
  return cfg.items.fallback;
}

function text(name: string): string {
  return truncateText(name.replace(/[\t\r\n]+/g, " ").trim(), ITEM_TEXT_MAX);
}

/** Order items: products (order-level discounts spread over them), shipping and tip as service materials. */
export function orderPlan(order: Order, cfg: S4Config): PlanItem[] {
  const inclusive = order.taxesIncluded;
  const lineDisc = order.lines.map((l) => sum(l.discounts.map((d) => d.amount)));
  const shipDisc = sum(order.shipping.map((s) => sum(s.discounts.map((d) => d.amount))));
  const unallocated = Math.max(0, order.totals.discounts - sum(lineDisc) - shipDisc);
  const extra = order.lines.length ? allocate(unallocated, order.lines.map((l, i) => Math.max(0, l.grossAmount - lineDisc[i]!))) : [];
  const plan: PlanItem[] = order.lines.map((l, i) => {
    const tax = sum(l.taxes.map((t) => t.amount));
    const discount = lineDisc[i]! + (extra[i] ?? 0);
    return {
      material: materialFor(l, cfg),
      text: text(l.name),
      quantity: l.quantity,
      unit: l.unit ? cfg.units[l.unit] : undefined,
      net: l.grossAmount - discount - (inclusive ? tax : 0),
      discount,
      tax,
    };
  });
  for (const s of order.shipping) {
    const tax = sum(s.taxes.map((t) => t.amount));
    const discount = sum(s.discounts.map((d) => d.amount));
    plan.push({ material: cfg.shippingItem, text: text(s.title), quantity: "1", net: s.amount - discount - (inclusive ? tax : 0), discount, tax });
  }
  if (order.totals.tip !== 0) plan.push({ material: cfg.tipItem, text: "Tip", quantity: "1", net: order.totals.tip, discount: 0, tax: 0 });
  if (!inclusive && sum(plan.map((p) => p.tax)) === 0 && order.totals.tax !== 0) {
    const weights = plan.map((p, i) => (i < order.lines.length && order.lines[i]!.taxable && !order.lines[i]!.giftCard ? Math.max(0, p.net) : 0));
    const shares = allocate(order.totals.tax, weights.some((w) => w > 0) ? weights : plan.map((p) => Math.max(0, p.net)));
    plan.forEach((p, i) => (p.tax = shares[i] ?? 0));
  }
  return plan;
}

/** Credit memo request items for a refund; money refunded beyond its lines becomes an explicit adjustment item. */
export function refundPlan(order: Order, refund: Refund, cfg: S4Config): { items: PlanItem[]; notes: SyncNote[] } {
  const inclusive = order.taxesIncluded;
  const items: PlanItem[] = refund.lines.map((r) => {
    const source = order.lines.find((l) => l.id === r.lineId);
    return { material: source ? materialFor(source, cfg) : cfg.items.fallback, text: text(r.name ?? source?.name ?? `Line ${r.lineId}`), quantity: r.quantity, net: r.amount - (inclusive ? r.tax : 0), discount: 0, tax: r.tax };
  });
  const residualTax = refund.tax - sum(refund.lines.map((l) => l.tax));
  const extras: Array<[string, string, Minor]> = [];
  if (refund.shipping !== 0) extras.push([cfg.shippingItem, "Shipping refund", refund.shipping]);
  if (refund.adjustments !== 0) extras.push([cfg.items.fallback, "Refund adjustment", refund.adjustments]);
  if (items.length === 0 && extras.length === 0) extras.push([cfg.items.fallback, text(refund.reason ?? "Refund"), refund.total - (inclusive ? 0 : residualTax)]);
  extras.forEach(([material, t, amount], i) => {
    const tax = i === 0 ? residualTax : 0;
    items.push({ material, text: t, quantity: "1", net: amount - (inclusive ? tax : 0), discount: 0, tax });
  });
  if (extras.length === 0 && residualTax !== 0) items.push({ material: cfg.items.fallback, text: "Refunded tax", quantity: "1", net: 0, discount: 0, tax: residualTax });
  const notes: SyncNote[] = [];
  const diff = refund.total - sum(items.map((i) => i.net + i.tax));
  if (Math.abs(diff) > Math.max(1, items.length)) {
    items.push({ material: cfg.roundingItem, text: "Refund adjustment", quantity: "1", net: diff, discount: 0, tax: 0 });
    notes.push({ message: `Refund ${refund.id}: the money refunded (${formatMinor(refund.total, order.currency)}) differs from the refunded lines by ${formatMinor(diff, order.currency)} ${order.currency}; posted that difference as an adjustment item`, data: { adjustment: diff } });
  }
  return { items, notes };
}

/** One item's conditions: the price (per unit, so quantity × price = net + discount), a fixed discount, a fixed tax. */
export function conditions(item: PlanItem, quantity: string, currency: string, cfg: S4Config): Rec[] {
  const gross = item.net + item.discount;
  const out: Rec[] = [];
  // A negative amount (a rounding or adjustment item) is a zero price with a fixed-amount surcharge/discount.
  if (gross >= 0) out.push({ ConditionType: cfg.conditions.price, ConditionRateValue: unitRate(gross, quantity, currency), ConditionCurrency: currency, ConditionQuantity: "1" });
  else out.push({ ConditionType: cfg.conditions.price, ConditionRateValue: "0", ConditionCurrency: currency, ConditionQuantity: "1" });
  const fixed = gross >= 0 ? -item.discount : item.net;
  if (fixed !== 0) out.push({ ConditionType: cfg.conditions.discount, ConditionRateValue: amountText(fixed, currency), ConditionCurrency: currency });
  if (item.tax !== 0) out.push({ ConditionType: cfg.conditions.tax, ConditionRateValue: amountText(item.tax, currency), ConditionCurrency: currency });
  return out;
}

/** S/4's own arithmetic for the items: Σ (quantity × price rounded) + fixed discounts + fixed taxes. */
export function s4Total(items: readonly PlanItem[], currency: string, cfg: S4Config): Minor {
  let total = 0;
  for (const item of items) {
    const qty = s4Quantity(item.quantity).value;
    for (const c of conditions(item, qty, currency, cfg)) {
      const rate = String(c.ConditionRateValue);
      total += c.ConditionType === cfg.conditions.price ? priceValue(qty, rate, currency) : priceValue("1", rate, currency);
    }
  }
  return total;
}

/**
 * Parity: S/4 rounds each item's quantity × price; a difference of a few minor units goes on a rounding item,
 * anything larger is refused (nothing posted).
 */
export function settle(items: PlanItem[], sourceTotal: Minor, currency: string, cfg: S4Config, what: string): { items: PlanItem[]; notes: SyncNote[] } {
  const computed = s4Total(items, currency, cfg);
  const diff = sourceTotal - computed;
  const notes: SyncNote[] = [];
  for (const i of items) {
    const q = s4Quantity(i.quantity);
    if (q.rounded) notes.push({ message: `${what}: S/4HANA holds quantities to 3 decimals; ${i.text} posted as ${q.value} (source ${i.quantity}) with its amount unchanged`, data: { quantity: i.quantity, posted: q.value } });
  }
  if (diff === 0) return { items, notes };
  if (Math.abs(diff) > Math.max(1, items.length)) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `${what}: S/4HANA would price the order at ${formatMinor(computed, currency)} ${currency} but the source total is ${formatMinor(sourceTotal, currency)}; nothing was posted` });
  }
  const adjusted = [...items, { material: cfg.roundingItem, text: "Rounding adjustment", quantity: "1", net: diff, discount: 0, tax: 0 }];
  if (s4Total(adjusted, currency, cfg) !== sourceTotal) throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `${what}: the rounding item did not reach the source total` });
  notes.push({ message: `${what}: S/4HANA rounds quantity × price per item to ${formatMinor(computed, currency)} ${currency}; added a rounding item of ${formatMinor(diff, currency)} so the order totals ${formatMinor(sourceTotal, currency)} like the source`, data: { adjustment: diff, sourceTotal, currency } });
  return { items: adjusted, notes };
}

/** Edm.DateTime as OData V2 JSON: "/Date(<ms at 00:00 UTC>)/". */
export function odataDate(iso: string): string {
  return `/Date(${Date.parse(`${iso.slice(0, 10)}T00:00:00Z`)})/`;
}

/** The deep-insert item list; item numbers 10, 20, … as S/4 numbers them. */
export function itemsPayload(items: readonly PlanItem[], currency: string, cfg: S4Config, names: { itemKey: string; textKey: string }, plant?: string): Rec[] {
  return items.map((item, i) => {
    const qty = s4Quantity(item.quantity).value;
    return {
      [names.itemKey]: String((i + 1) * 10),
      Material: item.material,
      [names.textKey]: item.text,
      RequestedQuantity: qty,
      ...(item.unit ? { RequestedQuantityUnit: item.unit } : {}),
      ...(plant ? { [names.itemKey === "SalesOrderItem" ? "ProductionPlant" : "Plant"]: plant } : {}),
      to_PricingElement: conditions(item, qty, currency, cfg),
    };
  });
}
