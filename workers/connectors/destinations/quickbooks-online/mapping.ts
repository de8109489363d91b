// Pure mapping: a canonical order → SalesReceipt / Invoice JSON, a refund → RefundReceipt / CreditMemo JSON (amounts from minor units).
import { addRates } from "../../../../shared/posting/lines";
import { extend } from "../../../../shared/model/quantity";
import { minorToNumber, sum } from "../../../../shared/model/money";
import type { Order, OrderLine, Refund, TaxLine } from "../../../../shared/model/order";
import type { Rec } from "./api";
import type { QboConfig } from "./config";
import { trimToLength } from "./refs";

export type SalesKind = "SalesReceipt" | "Invoice";
export type CreditKind = "RefundReceipt" | "CreditMemo";

export interface Ref {
  value: string;
  name?: string;
}

export interface SalesInput {
  order: Order;
  cfg: QboConfig;
  docNumber: string;
  privateNote: string;
  customer: Ref;
  /** The entity to post; defaults to salesKind(order) (an existing document keeps its kind). */
  kind?: SalesKind;
  /** The Item each product line posts to (mapped, found or created by SKU, or the fallback). */
  itemFor(line: OrderLine): Ref;
}

/** Money has been taken for these: the order becomes a SalesReceipt; otherwise an Invoice that a Payment settles later. */
export function isPaid(order: Order): boolean {
  return order.financialStatus === "paid" || order.financialStatus === "partially_refunded" || order.financialStatus === "refunded";
}

/** Money taken: each successful sale or capture is one tender. */
export function tenders(order: Order): Order["payments"] {
  return order.payments.filter((p) => p.status === "success" && (p.kind === "sale" || p.kind === "capture"));
}

/**
 * A SalesReceipt holds one payment method and one deposit account, so only an order paid with one tender is a
 * receipt; split tender posts as an Invoice settled by one Payment per tender (upsert.ts).
 */
export function salesKind(order: Order): SalesKind {
  return isPaid(order) && tenders(order).length <= 1 ? "SalesReceipt" : "Invoice";
}


/** TaxCode for a line: the posting profile's map by jurisdiction and rate, else the taxable / exempt default. */
export function taxCodeFor(cfg: QboConfig, taxes: readonly TaxLine[], taxable: boolean): string {
  const charged = taxes.filter((t) => t.amount !== 0);
  if (!taxable || charged.length === 0) return cfg.exemptCodeId;
  // Stacked taxes (GST + PST) are one combined TaxCode in QBO, mapped by their combined rate.
  const t = charged.length === 1 ? charged[0]! : { ...charged[0]!, rate: addRates(charged.map((x) => x.rate)), code: undefined };
  const keys = [t.jurisdiction && `${t.jurisdiction}:${t.rate}`, t.rate, t.jurisdiction, t.code].filter((k): k is string => !!k);
  for (const k of keys) if (cfg.taxCodeMap[k]) return cfg.taxCodeMap[k]!;
  return cfg.taxableCodeId;
}

/**
 * One SalesItemLineDetail line. Amount is what QBO itself computes and insists on (error 6070): Qty × UnitPrice
 * rounded to the currency; any difference from the source's own line amount is settled by parity.ts.
 */
export function itemLine(p: { description: string; item: Ref; quantity: string; unitPrice: number; currency: string; taxCode: string; inclusive: boolean }): Rec {
  const amount = minorToNumber(extend(p.quantity, p.unitPrice), p.currency);
  return {
    DetailType: "SalesItemLineDetail",
    Amount: amount,
    Description: trimToLength(p.description, 4000),
    SalesItemLineDetail: {
      ItemRef: p.item,
      Qty: Number(p.quantity),
      UnitPrice: minorToNumber(p.unitPrice, p.currency),
      TaxCodeRef: { value: p.taxCode },
      ...(p.inclusive ? { TaxInclusiveAmt: amount } : {}),
    },
  };
}

function discountLine(amount: number, currency: string, cfg: QboConfig, description: string): Rec {
  return {
    DetailType: "DiscountLineDetail",
    Amount: minorToNumber(amount, currency),
    Description: trimToLength(description, 4000),
    DiscountLineDetail: { PercentBased: false, DiscountAccountRef: { value: cfg.discountAccountId } },
  };
}

/** All discounts on the order: per line, on shipping, and order-level ones not already allocated to lines. */
export function orderDiscountTotal(order: Order): number {
  const lineDiscounts = sum(order.lines.map((l) => sum(l.discounts.map((d) => d.amount))));
  const shipDiscounts = sum(order.shipping.map((s) => sum(s.discounts.map((d) => d.amount))));
  return lineDiscounts + shipDiscounts + Math.max(0, order.totals.discounts - lineDiscounts - shipDiscounts);
}

function header(order: Order, cfg: QboConfig, docNumber: string, privateNote: string, customer: Ref): Rec {
  const classId = order.locationId ? cfg.classMap[order.locationId] : undefined;
  const foreign = order.currency !== cfg.homeCurrency;
  return {
    DocNumber: docNumber,
    TxnDate: order.createdAt.slice(0, 10),
    PrivateNote: privateNote,
    CustomerRef: customer,
    GlobalTaxCalculation: order.taxesIncluded ? "TaxInclusive" : "TaxExcluded",
    ...(classId ? { ClassRef: { value: classId } } : {}),
    ...(foreign ? { CurrencyRef: { value: order.currency }, ...(order.exchangeRate ? { ExchangeRate: Number(order.exchangeRate) } : {}) } : {}),
  };
}

// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/salesreceipt (and …/invoice)
export function salesDocument(input: SalesInput): { kind: SalesKind; doc: Rec } {
  const { order, cfg } = input;
  const kind = input.kind ?? salesKind(order);
  const currency = order.currency;
  const inclusive = order.taxesIncluded;
  const lines: Rec[] = [];
  for (const l of order.lines) {
    lines.push(
      itemLine({
        description: l.unit ? `${l.name} (${l.quantity} ${l.unit})` : l.name,
        item: l.giftCard ? { value: cfg.giftCardItemId } : input.itemFor(l),
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        currency,
        taxCode: l.giftCard ? cfg.exemptCodeId : taxCodeFor(cfg, l.taxes, l.taxable),
        inclusive,
      }),
    );
  }
  for (const s of order.shipping) {
    lines.push(itemLine({ description: s.title, item: { value: cfg.shippingItemId }, quantity: "1", unitPrice: s.amount, currency, taxCode: taxCodeFor(cfg, s.taxes, true), inclusive }));
  }
  if (order.totals.tip !== 0) {
    lines.push(itemLine({ description: "Tip", item: { value: cfg.tipItemId }, quantity: "1", unitPrice: order.totals.tip, currency, taxCode: cfg.exemptCodeId, inclusive }));
  }
  const discount = orderDiscountTotal(order);
  if (discount !== 0) {
    const codes = [
      ...order.discounts.map((d) => d.code ?? d.title),
      ...order.lines.flatMap((l) => l.discounts.map((d) => d.code ?? d.title)),
      ...order.shipping.flatMap((s) => s.discounts.map((d) => d.code ?? d.title)),
    ].filter((c): c is string => !!c);
    lines.push(discountLine(discount, currency, cfg, codes.length ? `Discounts: ${[...new Set(codes)].join(", ")}` : "Discount"));
  }
  const doc: Rec = {
    ...header(order, cfg, input.docNumber, input.privateNote, input.customer),
    Line: lines,
    // The source's tax is locked: QBO takes TotalTax as given instead of recomputing it.
    TxnTaxDetail: { TotalTax: minorToNumber(order.totals.tax, currency) },
  };
  if (kind === "SalesReceipt") {
    doc.DepositToAccountRef = { value: cfg.depositAccountId };
    const method = paymentMethod(cfg, order.payments.filter((p) => p.status === "success" && p.kind !== "refund" && p.kind !== "void").map((p) => p.method));
    if (method) doc.PaymentMethodRef = { value: method };
  } else if (order.customer?.email) {
    doc.BillEmail = { Address: order.customer.email };
  }
  const shipped = [...order.fulfillments].reverse().find((f) => f.status === "shipped" || f.status === "delivered");
  if (shipped) {
    doc.ShipDate = (shipped.updatedAt ?? order.updatedAt).slice(0, 10);
    if (shipped.trackingNumber) doc.TrackingNum = shipped.trackingNumber;
    if (shipped.carrier) doc.ShipMethodRef = { value: shipped.carrier, name: shipped.carrier };
  }
  return { kind, doc };
}

/** One PaymentMethod when the sale had a single kind of tender (split tender at a till leaves it blank). */
function paymentMethod(cfg: QboConfig, methods: string[]): string | undefined {
  const distinct = [...new Set(methods)];
  return distinct.length === 1 ? cfg.paymentMethodMap[distinct[0]!] : undefined;
}

export interface RefundInput {
  order: Order;
  refund: Refund;
  cfg: QboConfig;
  kind: CreditKind;
  docNumber: string;
  privateNote: string;
  customer: Ref;
  itemFor(line: OrderLine): Ref;
  /** The invoice a credit memo answers, when the parent is an Invoice. */
  invoiceId?: string;
}

// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/refundreceipt (and …/creditmemo)
export function refundDocument(input: RefundInput): Rec {
  const { order, refund, cfg } = input;
  const currency = order.currency;
  const inclusive = order.taxesIncluded;
  const lines: Rec[] = [];
  for (const r of refund.lines) {
    const source = order.lines.find((l) => l.id === r.lineId);
    const item = source ? (source.giftCard ? { value: cfg.giftCardItemId } : input.itemFor(source)) : { value: cfg.fallbackItemId };
    const taxCode = source ? taxCodeFor(cfg, source.taxes, source.taxable) : r.tax !== 0 ? cfg.taxableCodeId : cfg.exemptCodeId;
    const name = r.name ?? source?.name ?? `Line ${r.lineId}`;
    // The refunded amount at the original unit price when it multiplies out; otherwise one unit of the amount refunded.
    const exact = source && extend(r.quantity, source.unitPrice) === r.amount;
    lines.push(
      exact
        ? itemLine({ description: name, item, quantity: r.quantity, unitPrice: source.unitPrice, currency, taxCode, inclusive })
        : itemLine({ description: `${name} × ${r.quantity}`, item, quantity: "1", unitPrice: r.amount, currency, taxCode, inclusive }),
    );
  }
  if (refund.shipping !== 0) {
    lines.push(itemLine({ description: "Shipping refund", item: { value: cfg.shippingItemId }, quantity: "1", unitPrice: refund.shipping, currency, taxCode: cfg.exemptCodeId, inclusive }));
  }
  if (refund.adjustments !== 0) {
    lines.push(itemLine({ description: refund.reason ? `Refund adjustment: ${refund.reason}` : "Refund adjustment", item: { value: cfg.fallbackItemId }, quantity: "1", unitPrice: refund.adjustments, currency, taxCode: cfg.exemptCodeId, inclusive }));
  }
  const tax = refund.tax !== 0 ? refund.tax : sum(refund.lines.map((l) => l.tax));
  if (lines.length === 0) {
    const amount = refund.total - (inclusive ? 0 : tax);
    lines.push(itemLine({ description: refund.reason ?? "Refund", item: { value: cfg.fallbackItemId }, quantity: "1", unitPrice: amount, currency, taxCode: cfg.exemptCodeId, inclusive }));
  }
  const doc: Rec = {
    ...header(order, cfg, input.docNumber, input.privateNote, input.customer),
    TxnDate: refund.createdAt.slice(0, 10),
    Line: lines,
    TxnTaxDetail: { TotalTax: minorToNumber(tax, currency) },
  };
  if (input.kind === "RefundReceipt") {
    doc.DepositToAccountRef = { value: cfg.depositAccountId };
    const method = paymentMethod(cfg, refund.payments.map((p) => p.method));
    if (method) doc.PaymentMethodRef = { value: method };
  } else if (input.invoiceId) {
    doc.InvoiceRef = { value: input.invoiceId };
  }
  return doc;
}
