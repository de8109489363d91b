// Pure mapping: a canonical order → a NetSuite cash sale / sales order / invoice body, a refund → cash refund / credit memo.
import type { SyncNote } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { allocate, formatMinor, minorToNumber, sum, type Minor } from "../../../../shared/model/money";
import type { Order, OrderLine, Refund, TaxLine } from "../../../../shared/model/order";
import { addRates } from "../../../../shared/posting/lines";
import { ensureParity, ParityError } from "../../../../shared/posting/parity";
import { dimensionsFor, documentFor, itemFor, taxCodeFor } from "../../../../shared/posting/profile";
import type { NetSuiteConfig } from "./config";
import { DESCRIPTION_MAX, fit, MEMO_MAX, OTHER_REF_MAX } from "./refs";

export type SaleRecord = "cashSale" | "salesOrder" | "invoice";
export type CreditRecord = "cashRefund" | "creditMemo";
export type NsRecord = SaleRecord | CreditRecord;
export type Rec = Record<string, unknown>;

/** One transaction line before it becomes JSON: amounts in minor units, tax locked to the source's. */
export interface PlanLine {
  item: string;
  description: string;
  quantity: string;
  /** Line amount excluding tax. */
  net: Minor;
  tax: Minor;
  taxCode: string;
  /** Combined tax rate as a decimal fraction ("0.08875"). */
  rate: string;
}

/** Which record an order becomes: the posting profile's document choice in NetSuite terms. */
export function saleRecordFor(order: Order, cfg: NetSuiteConfig): SaleRecord {
  switch (documentFor(order, cfg)) {
    case "sales_receipt":
      return "cashSale";
    case "sales_order":
      return "salesOrder";
    default:
      return "invoice";
  }
}

/** Money returned against a cash sale or a paid order is a cash refund; a credit against an invoice is a credit memo. */
export function creditRecordFor(parentKind: string | undefined): CreditRecord {
  return parentKind === "invoice" ? "creditMemo" : "cashRefund";
}


/** A decimal fraction as a percentage number (NetSuite taxRate is a percent: "0.08875" → 8.875). */
export function percent(rate: string): number {
  const [i = "0", f = ""] = rate.split(".");
  const padded = f.padEnd(2, "0");
  return Number(`${i}${padded.slice(0, 2)}.${padded.slice(2) || "0"}`);
}

function taxCodeOf(taxes: readonly TaxLine[], taxable: boolean, cfg: NetSuiteConfig): { code: string; rate: string } {
  const charged = taxes.filter((t) => t.amount !== 0);
  if (!taxable || charged.length === 0) return { code: cfg.taxes.exempt, rate: "0" };
  const rate = addRates(charged.map((t) => t.rate));
  const code = taxCodeFor({ title: "combined", rate, amount: 0, jurisdiction: charged.length === 1 ? charged[0]!.jurisdiction : undefined }, cfg) ?? cfg.taxCode;
  return { code, rate };
}

function itemIdFor(line: OrderLine, cfg: NetSuiteConfig): string {
  const choice = itemFor(line, cfg);
  if (choice && "mapped" in choice) return choice.mapped;
  if (choice && "fallback" in choice) return choice.fallback;
  return cfg.items.fallback;
}

/**
 * The order's lines with order-level discounts that no line carries spread over the product lines (largest
 * remainder on their net amounts), and exclusive tax stated only on the order spread over the taxable lines.
 */
export function orderPlan(order: Order, cfg: NetSuiteConfig): PlanLine[] {
  const inclusive = order.taxesIncluded;
  const lineDisc = order.lines.map((l) => sum(l.discounts.map((d) => d.amount)));
  const shipDisc = sum(order.shipping.map((s) => sum(s.discounts.map((d) => d.amount))));
  const unallocated = Math.max(0, order.totals.discounts - sum(lineDisc) - shipDisc);
  const weights = order.lines.map((l, i) => Math.max(0, l.grossAmount - lineDisc[i]!));
  const extra = order.lines.length > 0 ? allocate(unallocated, weights) : [];
  const plan: PlanLine[] = order.lines.map((l, i) => {
    const tax = sum(l.taxes.map((t) => t.amount));
    const { code, rate } = l.giftCard ? { code: cfg.taxes.exempt, rate: "0" } : taxCodeOf(l.taxes, l.taxable, cfg);
    return {
      item: l.giftCard ? cfg.giftCardItem : itemIdFor(l, cfg),
      description: l.unit ? `${l.name} (${l.quantity} ${l.unit})` : l.name,
      quantity: l.quantity,
      net: l.grossAmount - lineDisc[i]! - (extra[i] ?? 0) - (inclusive ? tax : 0),
      tax,
      taxCode: code,
      rate,
    };
  });
  for (const s of order.shipping) {
    const tax = sum(s.taxes.map((t) => t.amount));
    const { code, rate } = taxCodeOf(s.taxes, true, cfg);
    plan.push({ item: cfg.shippingItem, description: s.title, quantity: "1", net: s.amount - sum(s.discounts.map((d) => d.amount)) - (inclusive ? tax : 0), tax, taxCode: code, rate });
  }
  if (order.totals.tip !== 0) plan.push({ item: cfg.tipItem, description: "Tip", quantity: "1", net: order.totals.tip, tax: 0, taxCode: cfg.taxes.exempt, rate: "0" });
  const lineTax = sum(plan.map((p) => p.tax));
  if (!inclusive && lineTax === 0 && order.totals.tax !== 0) {
    const taxable = plan.map((p, i) => (i < order.lines.length && order.lines[i]!.taxable && !order.lines[i]!.giftCard ? Math.max(0, p.net) : 0));
    const shares = allocate(order.totals.tax, taxable.some((w) => w > 0) ? taxable : plan.map((p) => Math.max(0, p.net)));
    plan.forEach((p, i) => {
      if (shares[i]) {
        p.tax = shares[i]!;
        if (p.taxCode === cfg.taxes.exempt) p.taxCode = cfg.taxCode;
      }
    });
  }
  return plan;
}

/**
 * The lines of a credit document for one refund: refunded lines, shipping, adjustments, the tax the source refunded;
 * money refunded beyond those parts (more than rounding) becomes an explicit refund adjustment line.
 */
export function refundPlan(order: Order, refund: Refund, cfg: NetSuiteConfig): { lines: PlanLine[]; notes: SyncNote[] } {
  const inclusive = order.taxesIncluded;
  const plan: PlanLine[] = refund.lines.map((r) => {
    const source = order.lines.find((l) => l.id === r.lineId);
    const { code, rate } = source ? (source.giftCard ? { code: cfg.taxes.exempt, rate: "0" } : taxCodeOf(source.taxes, source.taxable, cfg)) : { code: r.tax ? cfg.taxCode : cfg.taxes.exempt, rate: "0" };
    return {
      item: source ? (source.giftCard ? cfg.giftCardItem : itemIdFor(source, cfg)) : cfg.items.fallback,
      description: r.name ?? source?.name ?? `Line ${r.lineId}`,
      quantity: r.quantity,
      net: r.amount - (inclusive ? r.tax : 0),
      tax: r.tax,
      taxCode: code,
      rate,
    };
  });
  const residualTax = refund.tax - sum(refund.lines.map((l) => l.tax));
  const extras: Array<{ item: string; description: string; amount: Minor }> = [];
  if (refund.shipping !== 0) extras.push({ item: cfg.shippingItem, description: "Shipping refund", amount: refund.shipping });
  if (refund.adjustments !== 0) extras.push({ item: cfg.items.fallback, description: refund.reason ? `Refund adjustment: ${refund.reason}` : "Refund adjustment", amount: refund.adjustments });
  if (plan.length === 0 && extras.length === 0) {
    extras.push({ item: cfg.items.fallback, description: refund.reason ?? "Refund", amount: refund.total - (inclusive ? 0 : residualTax) });
  }
  extras.forEach((e, i) => {
    const tax = i === 0 ? residualTax : 0;
    plan.push({ item: e.item, description: e.description, quantity: "1", net: e.amount - (inclusive ? tax : 0), tax, taxCode: tax ? cfg.taxCode : cfg.taxes.exempt, rate: "0" });
  });
  if (extras.length === 0 && residualTax !== 0) {
    plan.push({ item: cfg.items.fallback, description: "Refunded tax", quantity: "1", net: 0, tax: residualTax, taxCode: cfg.taxCode, rate: "0" });
  }
  const notes: SyncNote[] = [];
  const diff = refund.total - planTotal(plan);
  if (Math.abs(diff) > Math.max(1, plan.length)) {
    plan.push({ item: cfg.items.fallback, description: "Refund adjustment (amount refunded differs from the refunded lines)", quantity: "1", net: diff, tax: 0, taxCode: cfg.taxes.exempt, rate: "0" });
    notes.push({ message: `Refund ${refund.id}: the money refunded (${formatMinor(refund.total, order.currency)}) differs from the refunded lines by ${formatMinor(diff, order.currency)} ${order.currency}; posted that difference as a refund adjustment line`, data: { adjustment: diff } });
  }
  return { lines: plan, notes };
}

/** NetSuite's own total for a body with locked tax details: Σ line amounts + Σ tax amounts. */
export function planTotal(plan: readonly PlanLine[]): Minor {
  return sum(plan.map((p) => p.net + p.tax));
}

/**
 * Makes the plan total the source's: a difference of a few minor units (the source rounded per line another way)
 * goes on an explicit line of the rounding item (no tax), and the note says so on the order's timeline; a larger
 * difference is money the mapping cannot account for, and nothing is posted.
 */
export function settle(plan: PlanLine[], sourceTotal: Minor, currency: string, cfg: NetSuiteConfig, what: string): { plan: PlanLine[]; notes: SyncNote[] } {
  const drift = sourceTotal - planTotal(plan);
  if (Math.abs(drift) > Math.max(1, plan.length)) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `${what}: NetSuite would total ${formatMinor(planTotal(plan), currency)} ${currency} but the source total is ${formatMinor(sourceTotal, currency)}; the difference is more than rounding, so nothing was posted` });
  }
  try {
    const r = ensureParity(plan, sourceTotal, planTotal, (p, diff) => [...p, { item: cfg.roundingItem, description: "Rounding adjustment", quantity: "1", net: diff, tax: 0, taxCode: cfg.taxes.exempt, rate: "0" }], `${what}: rounding adjustment`);
    return {
      plan: r.payload,
      notes: r.note ? [{ message: `${r.note} (${formatMinor(r.adjustment, currency)} ${currency}; NetSuite would otherwise show ${formatMinor(r.vendorTotal - r.adjustment, currency)})`, data: { adjustment: r.adjustment, sourceTotal, currency } }] : [],
    };
  } catch (err) {
    if (err instanceof ParityError) throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `${what}: ${err.message}` });
    throw err;
  }
}

export interface HeaderInput {
  externalId: string;
  /** What people search by, written to otherRefNum: the order number, or "<order number> R<refund id>". */
  otherRef: string;
  tranDate: string;
  customerId: string;
  order: Order;
  cfg: NetSuiteConfig;
  memo: string;
}

function ref(id: string | undefined): Rec | undefined {
  return id ? { id } : undefined;
}

/** Subsidiary, location, department and class: the store's entry in the posting profile, else the connection's. */
export function classification(order: Order, cfg: NetSuiteConfig): Rec {
  const dims = dimensionsFor(order, cfg);
  const out: Rec = { subsidiary: ref(dims.subsidiary ?? cfg.subsidiary) };
  const location = dims.location ?? cfg.location;
  const department = dims.department ?? cfg.department;
  const cls = dims.class ?? cfg.class;
  if (location) out.location = ref(location);
  if (department) out.department = ref(department);
  if (cls) out.class = ref(cls);
  return out;
}

// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_159665260887.html (Sales Order; cash sale, invoice,
// cash refund and credit memo share the transaction body fields and the `item` sublist)
export function transactionBody(h: HeaderInput, plan: readonly PlanLine[], extra: Rec = {}): Rec {
  const { order, cfg } = h;
  const currencyId = cfg.currencies[order.currency];
  if (!currencyId) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: `No NetSuite currency id is mapped for ${order.currency}; add it to the connection's currencies` });
  }
  const c = order.currency;
  const items = plan.map((p, i) => ({
    item: { id: p.item },
    description: fit(p.description, DESCRIPTION_MAX),
    quantity: Number(p.quantity),
    amount: minorToNumber(p.net, c),
    taxDetailsReference: `L${i + 1}`,
  }));
  // SuiteTax (REST supports no legacy tax, NS section_159665260887): taxDetailsOverride locks the source's tax amounts.
  const taxDetails = plan.map((p, i) => ({
    taxDetailsReference: `L${i + 1}`,
    taxCode: { id: p.taxCode },
    taxBasis: minorToNumber(p.net, c),
    taxRate: percent(p.rate),
    taxAmount: minorToNumber(p.tax, c),
  }));
  return {
    externalId: h.externalId,
    tranDate: h.tranDate,
    entity: { id: h.customerId },
    currency: { id: currencyId },
    ...(order.exchangeRate ? { exchangeRate: Number(order.exchangeRate) } : {}),
    ...classification(order, cfg),
    otherRefNum: fit(h.otherRef, OTHER_REF_MAX),
    memo: fit(h.memo, MEMO_MAX),
    item: { items },
    taxDetailsOverride: true,
    taxDetails: { items: taxDetails },
    ...extra,
  };
}
