// Business Central documents for an order: sales order lines from posting lines, create / converge / ship / delete, credit memos.
import type { ConnectorContext, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { floatToMinor, minorToNumber } from "../../../../shared/model/money";
import type { Order, Refund } from "../../../../shared/model/order";
import { fitQuantity, fitReference, orderLines, refundLines, settle, type PostingLine } from "../../../../shared/posting/lines";
import { truncateText } from "../../../../shared/posting/text";
import { action, companyPath, create, list, literal, read, remove } from "./api";
import { classify } from "./classify";
import type { BcConfig } from "./config";
import { customerNumber, itemResolver } from "./lookups";
import { BcDocument, BcLine } from "./schemas";
import { isCancelled, reversedWhole } from "../../../../shared/posting/lifecycle";

/** externalDocumentNumber is Code[35] (salesOrder resource page). */
export const EXTERNAL_DOC_MAX = 35;
/** BC keeps quantities to 5 decimals (Quantity Rounding Precision 0.00001). */
const QUANTITY_DECIMALS = 5;
/** Sales line Description is Text[100]. */
const DESCRIPTION_MAX = 100;

/** The order number (its end when longer than 35); the connection's docNumberPrefix goes in front in `externalRef`. */
export function orderReference(order: Order): string {
  return fitReference("", order.orderNumber, EXTERNAL_DOC_MAX);
}

/** "R" + the refund id (its end when longer). */
export function refundReference(refund: Refund): string {
  return fitReference("R", refund.id, EXTERNAL_DOC_MAX);
}

/** What is written in externalDocumentNumber for a reference: the connection's prefix in front, within 35. */
export function externalRef(cfg: BcConfig, ref: string): string {
  return fitReference(cfg.docNumberPrefix, ref, EXTERNAL_DOC_MAX);
}

type LinePayload = { lineType: "Item" | "Account"; lineObjectNumber: string; description: string; quantity: number; unitPrice: number; discountAmount: number; taxCode: string };

async function linePayloads(ctx: ConnectorContext, cfg: BcConfig, lines: PostingLine[], currency: string): Promise<LinePayload[]> {
  const item = itemResolver(ctx, cfg);
  const out: LinePayload[] = [];
  for (const l of lines) {
    const account = (n: string) => ({ lineType: "Account" as const, lineObjectNumber: n });
    const target =
      l.kind === "item" ? { lineType: "Item" as const, lineObjectNumber: await item(l.sku, l.name) }
      : l.kind === "gift_card" ? (cfg.giftCardItem ? { lineType: "Item" as const, lineObjectNumber: cfg.giftCardItem } : account(cfg.accounts.giftCard))
      : l.kind === "shipping" ? (cfg.shippingItem ? { lineType: "Item" as const, lineObjectNumber: cfg.shippingItem } : account(cfg.accounts.shipping))
      : l.kind === "discount" ? account(cfg.accounts.discount)
      : l.kind === "tax" ? account(cfg.accounts.tax)
      : l.kind === "tip" ? account(cfg.accounts.tip)
      : l.kind === "rounding" ? account(cfg.accounts.rounding)
      : account(cfg.accounts.refundAdjustment);
    out.push({
      ...target,
      description: truncateText(l.name, DESCRIPTION_MAX),
      quantity: Number(l.quantity),
      unitPrice: minorToNumber(l.unitPrice, currency),
      discountAmount: minorToNumber(l.discount, currency),
      taxCode: cfg.lineTaxCode,
    });
  }
  return out;
}

/** The lines the order posts as, fitted to BC's quantity precision and settled to the source total. */
function plannedLines(order: Order): { lines: PostingLine[]; notes: SyncNote[] } {
  const fitted = orderLines(order, { inlineDiscounts: true }).map((l) => fitQuantity(l, QUANTITY_DECIMALS));
  const settled = settle(fitted, order.totals.total, order.currency);
  if (order.taxesIncluded && order.totals.tax !== 0) {
    settled.notes.push({ message: `Prices include ${order.totals.tax} minor units of tax; lines post at tax-inclusive prices under tax group of the connection (BC takes "prices include tax" from the customer card)` });
  }
  return settled;
}

export function toRef(doc: BcDocument, kind: string, currency: string, state: string): DocumentRef {
  return {
    kind,
    id: doc.id,
    externalRef: doc.externalDocumentNumber ?? "",
    total: floatToMinor(doc.totalAmountIncludingTax, currency),
    currency,
    version: doc["@odata.etag"],
    state,
  };
}

function isShipped(order: Order): boolean {
  return ["shipped", "delivered"].includes(order.fulfillmentStatus) || ["shipped", "delivered", "completed"].includes(order.status);
}

/** `ref` is the stored external document number (prefixed). */
export async function findOrder(ctx: ConnectorContext, cfg: BcConfig, ref: string, currency: string): Promise<DocumentRef | null> {
  const open = await list(ctx, cfg, "salesOrders", `externalDocumentNumber eq ${literal(ref)}`, BcDocument);
  if (open[0]) return toRef(open[0], "salesOrder", currency, (open[0].status ?? "open").toLowerCase());
  // A shipped and invoiced order is gone from salesOrders; its posted invoice carries the same external document number.
  const posted = await list(ctx, cfg, "salesInvoices", `externalDocumentNumber eq ${literal(ref)}`, BcDocument);
  return posted[0] ? toRef(posted[0], "salesInvoice", currency, postedState(posted[0])) : null;
}

/** A posted invoice's state: "canceled" once a corrective credit memo reversed it (salesInvoice status Canceled), else "posted". */
function postedState(doc: BcDocument): string {
  return doc.status === "Canceled" ? "canceled" : "posted";
}

export async function findCredit(ctx: ConnectorContext, cfg: BcConfig, ref: string, currency: string): Promise<DocumentRef | null> {
  const found = await list(ctx, cfg, "salesCreditMemos", `externalDocumentNumber eq ${literal(ref)}`, BcDocument);
  return found[0] ? toRef(found[0], "salesCreditMemo", currency, (found[0].status ?? "draft").toLowerCase()) : null;
}

/**
 * BC has no idempotency key: two syncs racing past "not found" both create. After a create, the copies with the same
 * external document number are looked up and all but the first numbered one are deleted — both racers keep the same one.
 */
async function keepFirst(ctx: ConnectorContext, cfg: BcConfig, set: "salesOrders" | "salesCreditMemos", ref: string): Promise<BcDocument | null> {
  const copies = (await list(ctx, cfg, set, `externalDocumentNumber eq ${literal(ref)}`, BcDocument)).sort((a, b) => a.number.localeCompare(b.number));
  for (const extra of copies.slice(1)) {
    const res = await ctx.http.raw({ method: "DELETE", url: companyPath(cfg, `${set}(${extra.id})`), headers: { "if-match": extra["@odata.etag"] ?? "*" } });
    // 404: the other sync already deleted it.
    if (res.status !== 404 && res.status >= 300) throw new ConnectorError(classify(res) ?? { kind: "retryable", message: `HTTP ${res.status}` });
  }
  return copies[0] ?? null;
}

function sameLine(a: LinePayload, b: BcLine): boolean {
  return (
    a.lineType === b.lineType &&
    a.lineObjectNumber.toUpperCase() === (b.lineObjectNumber ?? "").toUpperCase() &&
    a.description === (b.description ?? "") &&
    a.quantity === b.quantity &&
    a.unitPrice === b.unitPrice &&
    a.discountAmount === (b.discountAmount ?? 0) &&
    a.taxCode.toUpperCase() === (b.taxCode ?? "").toUpperCase()
  );
}

// https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_salesorder_create (deep insert of salesOrderLines)
async function createOrder(ctx: ConnectorContext, cfg: BcConfig, order: Order, ref: string, payloads: LinePayload[]): Promise<BcDocument> {
  return create(ctx, cfg, "salesOrders", {
    externalDocumentNumber: ref,
    orderDate: order.createdAt.slice(0, 10),
    customerNumber: await customerNumber(ctx, cfg, order),
    currencyCode: order.currency,
    salesOrderLines: payloads,
  }, BcDocument, "salesOrderLines");
}

/** Replaces the lines of an open order when they differ from the plan (each delete carries the line's @odata.etag). */
async function convergeLines(ctx: ConnectorContext, cfg: BcConfig, doc: BcDocument, payloads: LinePayload[]): Promise<boolean> {
  const current = doc.salesOrderLines ?? [];
  if (current.length === payloads.length && payloads.every((p, i) => sameLine(p, current[i]!))) return false;
  for (const line of current) await remove(ctx, cfg, `salesOrders(${doc.id})/salesOrderLines(${line.id})`, line["@odata.etag"] ?? "*");
  for (const p of payloads) await create(ctx, cfg, `salesOrders(${doc.id})/salesOrderLines`, p, BcLine);
  return true;
}

/** Creates the sales order, or converges an existing one: lines, then delete (cancelled) or ship and invoice (shipped). */
export async function upsertOrder(ctx: ConnectorContext, cfg: BcConfig, order: Order, existing: DocumentRef | null): Promise<SyncResult> {
  const ref = externalRef(cfg, orderReference(order));
  const currency = order.currency;
  const plan = plannedLines(order);
  const notes = [...plan.notes];
  let current = existing ?? (await findOrder(ctx, cfg, ref, currency));
  if (current?.kind === "salesInvoice") return convergePosted(ctx, cfg, order, current, notes);
  const payloads = await linePayloads(ctx, cfg, plan.lines, currency);
  for (let attempt = 1; ; attempt++) {
    try {
      let doc = current ? await read(ctx, cfg, `salesOrders(${current.id})`, BcDocument, "salesOrderLines") : null;
      if (current && !doc) {
        // Gone from salesOrders: deleted (cancelled) or shipped and invoiced in BC itself.
        const again = await findOrder(ctx, cfg, ref, currency);
        if (again?.kind === "salesInvoice") return convergePosted(ctx, cfg, order, again, notes);
        if (isCancelled(order)) return { doc: { ...current, state: "deleted" }, notes };
        current = again;
        if (again) doc = await read(ctx, cfg, `salesOrders(${again.id})`, BcDocument, "salesOrderLines");
      }
      if (!doc) {
        const created = await createOrder(ctx, cfg, order, ref, payloads);
        const kept = await keepFirst(ctx, cfg, "salesOrders", ref);
        doc = kept && kept.id !== created.id ? ((await read(ctx, cfg, `salesOrders(${kept.id})`, BcDocument, "salesOrderLines")) ?? created) : created;
      } else if (!isCancelled(order) && (await convergeLines(ctx, cfg, doc, payloads))) {
        doc = (await read(ctx, cfg, `salesOrders(${doc.id})`, BcDocument, "salesOrderLines")) ?? doc;
      }
      if (isCancelled(order)) {
        // BC has no cancelled state for an unposted order: cancelling it is deleting it.
        await remove(ctx, cfg, `salesOrders(${doc.id})`, doc["@odata.etag"] ?? "*");
        notes.push({ message: `Sales order ${doc.number} deleted in Business Central (the order was cancelled)` });
        return { doc: toRef(doc, "salesOrder", currency, "deleted"), notes };
      }
      if (isShipped(order) && cfg.shipAndInvoiceOnShipped) {
        await action(ctx, cfg, `salesOrders(${doc.id})`, "shipAndInvoice", doc["@odata.etag"]);
        const invoice = (await list(ctx, cfg, "salesInvoices", `externalDocumentNumber eq ${literal(ref)}`, BcDocument))[0];
        if (!invoice) throw new ConnectorError({ kind: "retryable", vendorCode: "invoice_missing", message: `Business Central shipped and invoiced ${doc.number} but no posted invoice carries ${ref} yet` });
        notes.push({ message: `Sales order ${doc.number} shipped and invoiced in Business Central as invoice ${invoice.number}` });
        return { doc: toRef(invoice, "salesInvoice", currency, "posted"), notes };
      }
      return { doc: toRef(doc, "salesOrder", currency, (doc.status ?? "open").toLowerCase()), notes };
    } catch (err) {
      // A stale @odata.etag (someone edited the order in BC meanwhile): read it again and converge once more.
      if (err instanceof ConnectorError && err.kind === "conflict" && attempt < 3) continue;
      throw err;
    }
  }
}

/**
 * A posted invoice allows no edits; later changes arrive as refunds (credit memos). An order cancelled without a refund
 * is reversed whole: Microsoft.NAV.cancel creates and posts the corrective credit memo (a copy of the invoice, status
 * Corrective, applied to it) and marks the invoice Canceled — BC's "Cancel" of a posted sales invoice (codeunit 1303
 * "Correct Posted Sales Invoice", CancelPostedInvoice). BC refuses to cancel twice, so the invoice's status is read
 * first: a redelivered cancellation, or one whose link write was lost after BC's 204, finds it Canceled and stops.
 * Refunds already reversed the money they returned: such an invoice stays, as the refunded order's record.
 */
async function convergePosted(ctx: ConnectorContext, cfg: BcConfig, order: Order, found: DocumentRef, notes: SyncNote[]): Promise<SyncResult> {
  const currency = order.currency;
  const posted = await read(ctx, cfg, `salesInvoices(${found.id})`, BcDocument);
  if (!posted) return { doc: found, notes };
  if (reversedWhole(order) && posted.status !== "Canceled") {
    // https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/resources/dynamics_salesinvoice#bound-actions
    await action(ctx, cfg, `salesInvoices(${posted.id})`, "cancel", posted["@odata.etag"]);
    const canceled = (await read(ctx, cfg, `salesInvoices(${posted.id})`, BcDocument)) ?? posted;
    const memo = (await list(ctx, cfg, "salesCreditMemos", `invoiceId eq ${posted.id} and status eq 'Corrective'`, BcDocument))[0];
    notes.push({ message: `Posted invoice ${posted.number} cancelled in Business Central by corrective credit memo ${memo?.number ?? "(not listed yet)"} (the order was cancelled)` });
    return { doc: toRef(canceled, "salesInvoice", currency, postedState(canceled)), notes };
  }
  if (posted.status !== "Canceled" && floatToMinor(posted.totalAmountIncludingTax, currency) !== order.totals.total) {
    notes.push({ message: `Posted invoice ${posted.number} totals ${posted.totalAmountIncludingTax} but the order now totals ${order.totals.total} minor units; a posted invoice is changed only by a credit memo` });
  }
  return { doc: toRef(posted, "salesInvoice", currency, postedState(posted)), notes };
}

// https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_salescreditmemo_create
export async function createCredit(ctx: ConnectorContext, cfg: BcConfig, order: Order, refund: Refund, parent: DocumentRef | null): Promise<SyncResult> {
  const ref = externalRef(cfg, refundReference(refund));
  const currency = order.currency;
  const found = await findCredit(ctx, cfg, ref, currency);
  if (found) return { doc: found, notes: [] };
  const plan = settle(refundLines(order, refund).map((l) => fitQuantity(l, QUANTITY_DECIMALS)), refund.total, currency);
  const payloads = await linePayloads(ctx, cfg, plan.lines, currency);
  const doc = await create(ctx, cfg, "salesCreditMemos", {
    externalDocumentNumber: ref,
    creditMemoDate: refund.createdAt.slice(0, 10),
    customerNumber: await customerNumber(ctx, cfg, order),
    currencyCode: currency,
    ...(parent?.kind === "salesInvoice" ? { invoiceId: parent.id } : {}),
    salesCreditMemoLines: payloads,
  }, BcDocument, "salesCreditMemoLines");
  const kept = (await keepFirst(ctx, cfg, "salesCreditMemos", ref)) ?? doc;
  return { doc: toRef(kept, "salesCreditMemo", currency, (kept.status ?? "draft").toLowerCase()), notes: kept.id === doc.id ? plan.notes : [] };
}
