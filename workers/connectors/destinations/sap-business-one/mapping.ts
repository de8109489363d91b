// Pure mapping: a canonical order → a B1 Orders / Invoices document, a refund → a CreditNotes document.
import type { SyncNote } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { allocate, formatMinor, minorToNumber, sum, type Minor } from "../../../../shared/model/money";
import type { Order, OrderLine, Refund, TaxLine } from "../../../../shared/model/order";
import { ensureParity, ParityError } from "../../../../shared/posting/parity";
import { dimensionsFor, documentFor, taxCodeFor } from "../../../../shared/posting/profile";
import type { SapB1Config } from "./config";
import { COMMENTS_MAX, fit, ITEM_DESCRIPTION_MAX } from "./refs";

export type SaleEntity = "Orders" | "Invoices";
export type B1Entity = SaleEntity | "CreditNotes";
export type Rec = Record<string, unknown>;

/** One document line before it becomes JSON; amounts in minor units, tax locked to the source's. */
export interface PlanLine {
  itemCode: string;
  description: string;
  quantity: string;
  /** The source's unit price, when the line is a product line. */
  unitPrice?: Minor;
  /** LineTotal: the line amount excluding tax. */
  net: Minor;
  tax: Minor;
  taxCode: string;
}

export interface Plan {
  lines: PlanLine[];
  /** Header RoundingDiffAmount (document rounding, `Rounding: tYES`). */
  rounding: Minor;
}

export function saleEntityFor(order: Order, cfg: SapB1Config): SaleEntity {
  return documentFor(order, cfg) === "sales_order" ? "Orders" : "Invoices";
}

function sumRates(taxes: readonly TaxLine[]): string {
  let scale = 0;
  for (const t of taxes) scale = Math.max(scale, (t.rate.split(".")[1] ?? "").length);
  const total = taxes.reduce((acc, t) => {
    const [i = "0", f = ""] = t.rate.split(".");
    return acc + BigInt(i + f.padEnd(scale, "0"));
  }, 0n);
  const digits = total.toString().padStart(scale + 1, "0");
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** TaxCode for a line: the profile's code for its combined rate, else the connection's general taxable code. */
function taxCodeOf(taxes: readonly TaxLine[], taxable: boolean, cfg: SapB1Config): string {
  const charged = taxes.filter((t) => t.amount !== 0);
  if (!taxable || charged.length === 0) return cfg.taxes.exempt;
  const rate = sumRates(charged);
  return taxCodeFor({ title: "combined", rate, amount: 0, jurisdiction: charged.length === 1 ? charged[0]!.jurisdiction : undefined }, cfg) ?? cfg.taxCode;
}

/** The ItemCode for a product line: mapped, else the SKU itself (looked up or created), else the fallback item. */
export function itemCodeFor(line: OrderLine, cfg: SapB1Config, resolved: ReadonlyMap<string, string>): string {
  if (line.giftCard) return cfg.giftCardItem;
  if (line.sku && cfg.items.map[line.sku]) return cfg.items.map[line.sku]!;
  if (line.sku && resolved.has(line.sku)) return resolved.get(line.sku)!;
  return cfg.items.fallback;
}

/** Order lines (order-level discounts spread over product lines), shipping and tip, each with its own tax. */
export function orderPlan(order: Order, cfg: SapB1Config, items: ReadonlyMap<string, string>): PlanLine[] {
  const inclusive = order.taxesIncluded;
  const lineDisc = order.lines.map((l) => sum(l.discounts.map((d) => d.amount)));
  const shipDisc = sum(order.shipping.map((s) => sum(s.discounts.map((d) => d.amount))));
  const unallocated = Math.max(0, order.totals.discounts - sum(lineDisc) - shipDisc);
  const extra = order.lines.length ? allocate(unallocated, order.lines.map((l, i) => Math.max(0, l.grossAmount - lineDisc[i]!))) : [];
  const plan: PlanLine[] = order.lines.map((l, i) => {
    const tax = sum(l.taxes.map((t) => t.amount));
    return {
      itemCode: itemCodeFor(l, cfg, items),
      description: l.unit ? `${l.name} (${l.quantity} ${l.unit})` : l.name,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      net: l.grossAmount - lineDisc[i]! - (extra[i] ?? 0) - (inclusive ? tax : 0),
      tax,
      taxCode: l.giftCard ? cfg.taxes.exempt : taxCodeOf(l.taxes, l.taxable, cfg),
    };
  });
  for (const s of order.shipping) {
    const tax = sum(s.taxes.map((t) => t.amount));
    plan.push({ itemCode: cfg.shippingItem, description: s.title, quantity: "1", net: s.amount - sum(s.discounts.map((d) => d.amount)) - (inclusive ? tax : 0), tax, taxCode: taxCodeOf(s.taxes, true, cfg) });
  }
  if (order.totals.tip !== 0) plan.push({ itemCode: cfg.tipItem, description: "Tip", quantity: "1", net: order.totals.tip, tax: 0, taxCode: cfg.taxes.exempt });
  if (!inclusive && sum(plan.map((p) => p.tax)) === 0 && order.totals.tax !== 0) {
    // Tax stated only on the order: spread over the taxable product lines so each line carries its share.
    const weights = plan.map((p, i) => (i < order.lines.length && order.lines[i]!.taxable && !order.lines[i]!.giftCard ? Math.max(0, p.net) : 0));
    const shares = allocate(order.totals.tax, weights.some((w) => w > 0) ? weights : plan.map((p) => Math.max(0, p.net)));
    plan.forEach((p, i) => (p.tax = shares[i] ?? 0));
  }
  return plan;
}

/** A refund's lines; when the money refunded differs from its parts by more than rounding, an explicit adjustment line. */
export function refundPlan(order: Order, refund: Refund, cfg: SapB1Config, items: ReadonlyMap<string, string>): { lines: PlanLine[]; notes: SyncNote[] } {
  const inclusive = order.taxesIncluded;
  const what = `Refund ${refund.id} of order ${order.orderNumber}`;
  const lines: PlanLine[] = refund.lines.map((r) => {
    const source = order.lines.find((l) => l.id === r.lineId);
    return {
      itemCode: source ? itemCodeFor(source, cfg, items) : cfg.items.fallback,
      description: r.name ?? source?.name ?? `Line ${r.lineId}`,
      quantity: r.quantity,
      net: r.amount - (inclusive ? r.tax : 0),
      tax: r.tax,
      taxCode: source && !source.giftCard && r.tax !== 0 ? taxCodeOf(source.taxes, source.taxable, cfg) : cfg.taxes.exempt,
    };
  });
  const residualTax = refund.tax - sum(refund.lines.map((l) => l.tax));
  const taxable = order.lines.find((l) => l.taxable && l.taxes.some((t) => t.amount !== 0));
  const residualCode = residualTax !== 0 && taxable ? taxCodeOf(taxable.taxes, true, cfg) : cfg.taxes.exempt;
  const extras: Array<[string, string, Minor]> = [];
  if (refund.shipping !== 0) extras.push([cfg.shippingItem, "Shipping refund", refund.shipping]);
  if (refund.adjustments !== 0) extras.push([cfg.items.fallback, refund.reason ? `Refund adjustment: ${refund.reason}` : "Refund adjustment", refund.adjustments]);
  if (lines.length === 0 && extras.length === 0) extras.push([cfg.items.fallback, refund.reason ?? "Refund", refund.total - (inclusive ? 0 : residualTax)]);
  extras.forEach(([itemCode, description, amount], i) => {
    const tax = i === 0 ? residualTax : 0;
    lines.push({ itemCode, description, quantity: "1", net: amount - (inclusive ? tax : 0), tax, taxCode: tax ? residualCode : cfg.taxes.exempt });
  });
  if (extras.length === 0 && residualTax !== 0) lines.push({ itemCode: cfg.items.fallback, description: "Refunded tax", quantity: "1", net: 0, tax: residualTax, taxCode: residualCode });
  const notes: SyncNote[] = [];
  const diff = refund.total - sum(lines.map((l) => l.net + l.tax));
  if (Math.abs(diff) > Math.max(1, lines.length)) {
    lines.push({ itemCode: cfg.items.fallback, description: "Refund adjustment (amount refunded differs from the refunded lines)", quantity: "1", net: diff, tax: 0, taxCode: cfg.taxes.exempt });
    notes.push({ message: `${what}: the money refunded (${formatMinor(refund.total, order.currency)}) differs from the refunded lines by ${formatMinor(diff, order.currency)} ${order.currency}; posted that difference as a refund adjustment line`, data: { adjustment: diff } });
  }
  return { lines, notes };
}

/** B1's DocTotal for the body: Σ LineTotal + Σ line TaxTotal + RoundingDiffAmount. */
export function planTotal(plan: Plan): Minor {
  return sum(plan.lines.map((l) => l.net + l.tax)) + plan.rounding;
}

/**
 * Makes DocTotal the source total: a difference of a few minor units (the source rounded per line another way)
 * goes into B1's own document rounding (RoundingDiffAmount); anything larger is refused.
 */
export function settle(lines: PlanLine[], sourceTotal: Minor, currency: string, what: string): { plan: Plan; notes: SyncNote[] } {
  const plan: Plan = { lines, rounding: 0 };
  const drift = sourceTotal - planTotal(plan);
  if (Math.abs(drift) > Math.max(1, lines.length)) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `${what}: SAP Business One would total ${formatMinor(planTotal(plan), currency)} ${currency} but the source total is ${formatMinor(sourceTotal, currency)}; the difference is more than rounding, so nothing was posted` });
  }
  try {
    const r = ensureParity(plan, sourceTotal, planTotal, (p, diff) => ({ ...p, rounding: p.rounding + diff }), `${what}: document rounding`);
    return { plan: r.payload, notes: r.note ? [{ message: `${r.note} (RoundingDiffAmount ${formatMinor(r.adjustment, currency)} ${currency})`, data: { adjustment: r.adjustment, sourceTotal, currency } }] : [] };
  } catch (err) {
    if (err instanceof ParityError) throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `${what}: ${err.message}` });
    throw err;
  }
}

export interface HeaderInput {
  order: Order;
  cfg: SapB1Config;
  cardCode: string;
  numAtCard: string;
  comments: string;
  docDate: string;
}

/**
 * The Document body. Field names follow SAP's own request (../shared/specs/sap-business-one/sample_Orders_POST_request.json:
 * CardCode, DocDueDate, DocumentLines[ItemCode, Quantity, TaxCode, UnitPrice]); quantities are sent as decimal
 * strings like SAP's sample, amounts as numbers. LineTotal and TaxTotal carry the source's amounts; Rounding /
 * RoundingDiffAmount settle the last cents [UNVERIFIED: that the Service Layer keeps a written TaxTotal as is].
 */
// https://help.sap.com/doc/fc2f5477516c404c8bf9ad1315a17238/10.0/en-US/Working_with_SAP_Business_One_Service_Layer.pdf (Documents)
export function documentBody(h: HeaderInput, plan: Plan): Rec {
  const { order, cfg } = h;
  const c = order.currency;
  const dims = dimensionsFor(order, cfg);
  const warehouse = dims.location ?? cfg.warehouse;
  const lines = plan.lines.map((l) => ({
    ItemCode: l.itemCode,
    ItemDescription: fit(l.description, ITEM_DESCRIPTION_MAX),
    Quantity: l.quantity,
    // The price before discount (tax-exclusive prices only); B1 shows LineTotal below it as the line's discount.
    ...(l.unitPrice !== undefined && !order.taxesIncluded ? { UnitPrice: minorToNumber(l.unitPrice, c) } : {}),
    LineTotal: minorToNumber(l.net, c),
    TaxCode: l.taxCode,
    TaxTotal: minorToNumber(l.tax, c),
    ...(warehouse ? { WarehouseCode: warehouse } : {}),
    ...(dims.department ? { CostingCode: dims.department } : {}),
    ...(dims.class ? { CostingCode2: dims.class } : {}),
  }));
  return {
    CardCode: h.cardCode,
    DocDate: h.docDate,
    DocDueDate: h.docDate,
    NumAtCard: h.numAtCard,
    Comments: fit(h.comments, COMMENTS_MAX),
    ...(c !== cfg.homeCurrency ? { DocCurrency: c, ...(order.exchangeRate ? { DocRate: Number(order.exchangeRate) } : {}) } : {}),
    ...(dims.branch && /^\d+$/.test(dims.branch) ? { BPL_IDAssignedToInvoice: Number(dims.branch) } : {}),
    DocumentLines: lines,
    ...(plan.rounding !== 0 ? { Rounding: "tYES", RoundingDiffAmount: minorToNumber(plan.rounding, c) } : {}),
  };
}
