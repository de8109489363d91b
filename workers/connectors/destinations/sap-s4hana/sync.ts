// Converging S/4HANA with an order: find by PurchaseOrderByCustomer, deep insert, ETag-guarded header updates, credit memo requests.
import type { ConnectorContext, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { toMinor } from "../../../../shared/model/money";
import type { Order, Refund } from "../../../../shared/model/order";
import { dimensionsFor, isPaid } from "../../../../shared/posting/profile";
import { truncateText } from "../../../../shared/posting/text";
import { create, CREDIT_MEMO_SERVICE, query, quote, read, SALES_ORDER_SERVICE, update, type Rec } from "./api";
import { s4Config, type S4Config } from "./config";
import { CUSTOMER_REF_MAX, itemsPayload, odataDate, orderPlan, refundPlan, settle } from "./mapping";
import type { SdDocument } from "./schemas";
import { isCancelled } from "../../../../shared/posting/lifecycle";

type Kind = "A_SalesOrder" | "A_CreditMemoRequest";

const SERVICE: Record<Kind, string> = { A_SalesOrder: SALES_ORDER_SERVICE, A_CreditMemoRequest: CREDIT_MEMO_SERVICE };
const KEY: Record<Kind, "SalesOrder" | "CreditMemoRequest"> = { A_SalesOrder: "SalesOrder", A_CreditMemoRequest: "CreditMemoRequest" };

/** PurchaseOrderByCustomer holds 35 characters: a longer reference keeps its end (where order numbers differ). */
export function customerRef(text: string): string {
  if (text.length <= CUSTOMER_REF_MAX) return text;
  const points = Array.from(text);
  let kept = "";
  for (let i = points.length - 1; i >= 0 && kept.length + points[i]!.length <= CUSTOMER_REF_MAX; i--) kept = points[i]! + kept;
  return kept;
}

export function orderReference(order: Order, prefix = ""): string {
  return customerRef(`${prefix}${order.orderNumber}`);
}

export function refundReference(order: Order, refund: Refund, prefix = ""): string {
  return customerRef(`${prefix}${order.orderNumber} R${refund.id}`);
}

function salesArea(order: Order, cfg: S4Config): { SalesOrganization: string; DistributionChannel: string; OrganizationDivision: string } {
  const area = { ...cfg.salesArea, ...(cfg.salesAreaByChannel[order.channel] ?? {}), ...((order.locationId && cfg.salesAreaByLocation[order.locationId]) || {}) };
  return { SalesOrganization: area.salesOrganization, DistributionChannel: area.distributionChannel, OrganizationDivision: area.division };
}

function soldTo(order: Order, cfg: S4Config): string {
  const email = order.customer?.email?.trim().toLowerCase();
  return (email && cfg.customerByEmail[email]) || cfg.customers.walkIn;
}

/** Net value plus the tax conditions of items not rejected: the document total the source total is compared with. */
function totalOf(doc: SdDocument, currency: string, cfg: S4Config): number {
  let tax = 0;
  for (const item of doc.to_Item?.results ?? []) {
    if (item.SalesDocumentRjcnReason) continue;
    for (const e of item.to_PricingElement?.results ?? []) if (e.ConditionType === cfg.conditions.tax) tax += toMinor(e.ConditionAmount ?? "0", currency);
  }
  return toMinor(doc.TotalNetAmount ?? "0", currency) + tax;
}

function stateOf(doc: SdDocument): string {
  if (doc.OverallSDDocumentRejectionSts === "C") return "cancelled";
  if (doc.HeaderBillingBlockReason) return "blocked";
  return doc.OverallSDProcessStatus === "C" ? "completed" : "open";
}

export function toDocumentRef(kind: Kind, doc: SdDocument, etag: string | undefined, cfg: S4Config, fallbackCurrency: string): DocumentRef {
  const currency = doc.TransactionCurrency || fallbackCurrency;
  return { kind, id: String(doc[KEY[kind]] ?? ""), externalRef: doc.PurchaseOrderByCustomer ?? "", total: totalOf(doc, currency, cfg), currency, version: etag ?? doc.__metadata?.etag, state: stateOf(doc) };
}

/** No idempotency key in S/4: before creating, `$filter=PurchaseOrderByCustomer eq '…'` in the order's sales organization. */
async function findByReference(ctx: ConnectorContext, kind: Kind, ref: string, order: Order, cfg: S4Config): Promise<{ doc: SdDocument; etag?: string } | null> {
  const area = salesArea(order, cfg);
  const { rows } = await query(ctx, SERVICE[kind], kind, { $filter: `PurchaseOrderByCustomer eq ${quote(ref)} and SalesOrganization eq ${quote(area.SalesOrganization)}`, $select: KEY[kind], $top: 2 });
  if (rows.length > 1) {
    throw new ConnectorError({ kind: "conflict", vendorCode: "customer_reference_taken", message: `S/4HANA holds several ${kind} documents with customer reference ${ref}; set a docNumberPrefix for this connection` });
  }
  const key = rows[0]?.[KEY[kind]];
  return key ? read(ctx, SERVICE[kind], kind, String(key)) : null;
}

export async function findDocument(ctx: ConnectorContext, ref: string, kind: "order" | "refund", order: Order): Promise<DocumentRef | null> {
  const cfg = s4Config(ctx);
  const k: Kind = kind === "order" ? "A_SalesOrder" : "A_CreditMemoRequest";
  const found = await findByReference(ctx, k, customerRef(`${cfg.docNumberPrefix}${ref}`), order, cfg);
  return found ? toDocumentRef(k, found.doc, found.etag, cfg, order.currency) : null;
}

/**
 * Header update guarded by the ETag: If-Match with the version we hold; a 412 (someone changed the order in S/4 since)
 * re-reads the order and applies the change once more on the fresh ETag, saying so on the timeline.
 */
async function updateHeader(ctx: ConnectorContext, id: string, etag: string | undefined, body: Rec, notes: SyncNote[]): Promise<void> {
  const path = `${SALES_ORDER_SERVICE}/A_SalesOrder(${encodeURIComponent(quote(id))})`;
  let tag = etag ?? (await read(ctx, SALES_ORDER_SERVICE, "A_SalesOrder", id))?.etag;
  try {
    await update(ctx, path, body, tag);
  } catch (err) {
    if (!(err instanceof ConnectorError) || err.kind !== "conflict") throw err;
    const fresh = await read(ctx, SALES_ORDER_SERVICE, "A_SalesOrder", id);
    if (!fresh) throw err;
    notes.push({ message: `S/4HANA sales order ${id} changed in S/4 since it was read (ETag ${tag ?? "none"}); re-read it and applied the change on ETag ${fresh.etag}`, data: { stale: tag, current: fresh.etag } });
    tag = fresh.etag;
    await update(ctx, path, body, tag);
  }
}

export async function upsertOrder(ctx: ConnectorContext, order: Order, existing: DocumentRef | null, _requestId: string): Promise<SyncResult> {
  const cfg = s4Config(ctx);
  const notes: SyncNote[] = [];
  const ref = orderReference(order, cfg.docNumberPrefix);
  if (`${cfg.docNumberPrefix}${order.orderNumber}` !== ref) notes.push({ message: `Order number ${order.orderNumber} is longer than S/4HANA's 35-character customer reference; posted as ${ref}` });
  let current = existing ? await read(ctx, SALES_ORDER_SERVICE, "A_SalesOrder", existing.id) : null;
  let etag = existing?.version ?? current?.etag;
  if (!current) {
    current = await findByReference(ctx, "A_SalesOrder", ref, order, cfg);
    etag = current?.etag;
  }
  if (!current) {
    const settled = settle(orderPlan(order, cfg), order.totals.total, order.currency, cfg, `Order ${order.orderNumber}`);
    const plant = dimensionsFor(order, cfg).location;
    const body: Rec = {
      SalesOrderType: cfg.salesOrderType,
      ...salesArea(order, cfg),
      SoldToParty: soldTo(order, cfg),
      PurchaseOrderByCustomer: ref,
      CustomerPurchaseOrderDate: odataDate(order.createdAt),
      SalesOrderDate: odataDate(order.createdAt),
      TransactionCurrency: order.currency,
      ...(!isPaid(order) && cfg.unpaidBillingBlock ? { HeaderBillingBlockReason: cfg.unpaidBillingBlock } : {}),
      to_Item: itemsPayload(settled.items, order.currency, cfg, { itemKey: "SalesOrderItem", textKey: "SalesOrderItemText" }, plant),
    };
    const created = await create(ctx, SALES_ORDER_SERVICE, "A_SalesOrder", body);
    notes.push(...settled.notes);
    current = await read(ctx, SALES_ORDER_SERVICE, "A_SalesOrder", String(created.SalesOrder));
    if (!current) throw new ConnectorError({ kind: "retryable", vendorCode: "read_back", message: `S/4HANA created sales order ${String(created.SalesOrder)} but does not return it yet` });
    etag = current.etag;
  }
  const id = String(current.doc.SalesOrder);
  const state = stateOf(current.doc);
  let changed = false;
  if (isCancelled(order) && state !== "cancelled") {
    // Cancelling a sales order in SD: block the delivery, then reject every item (SalesDocumentRjcnReason).
    await updateHeader(ctx, id, etag, { DeliveryBlockReason: cfg.cancellation.deliveryBlock }, notes);
    for (const item of current.doc.to_Item?.results ?? []) {
      if (item.SalesDocumentRjcnReason) continue;
      const itemPath = `${SALES_ORDER_SERVICE}/A_SalesOrderItem(SalesOrder=${encodeURIComponent(quote(id))},SalesOrderItem=${encodeURIComponent(quote(String(item.SalesOrderItem)))})`;
      await update(ctx, itemPath, { SalesDocumentRjcnReason: cfg.cancellation.rejectionReason });
    }
    notes.push({ message: `Order cancelled: blocked delivery and rejected every item of S/4HANA sales order ${id}`, data: { salesOrder: id } });
    changed = true;
  } else if (isPaid(order) && state === "blocked" && current.doc.HeaderBillingBlockReason === cfg.unpaidBillingBlock) {
    await updateHeader(ctx, id, etag, { HeaderBillingBlockReason: "" }, notes);
    notes.push({ message: `Order paid: released the billing block on S/4HANA sales order ${id}`, data: { salesOrder: id } });
    changed = true;
  }
  if (changed) current = (await read(ctx, SALES_ORDER_SERVICE, "A_SalesOrder", id)) ?? current;
  const doc = toDocumentRef("A_SalesOrder", current.doc, current.etag, cfg, order.currency);
  if (doc.state !== "cancelled" && doc.total !== order.totals.total) {
    notes.push({ message: `S/4HANA sales order ${id} totals ${doc.total} minor units, the source order ${order.totals.total}: items are not changed after creation; adjust the order in S/4HANA`, data: { salesOrder: id, s4: doc.total, source: order.totals.total } });
  }
  return { doc, notes };
}

export async function refundOrder(ctx: ConnectorContext, order: Order, refund: Refund, parent: DocumentRef | null, _requestId: string): Promise<SyncResult> {
  const cfg = s4Config(ctx);
  const ref = refundReference(order, refund, cfg.docNumberPrefix);
  const found = await findByReference(ctx, "A_CreditMemoRequest", ref, order, cfg);
  if (found) return { doc: toDocumentRef("A_CreditMemoRequest", found.doc, found.etag, cfg, order.currency), notes: [{ message: `Adopted existing S/4HANA credit memo request ${String(found.doc.CreditMemoRequest)} for refund ${refund.id}` }] };
  const planned = refundPlan(order, refund, cfg);
  const settled = settle(planned.items, refund.total, order.currency, cfg, `Refund ${refund.id} of order ${order.orderNumber}`);
  // API_CREDIT_MEMO_REQUEST_SRV (no EDMX in ../shared/specs: fields from SAP API Business Hub "Credit Memo Request (A2X)").
  const body: Rec = {
    CreditMemoRequestType: cfg.creditMemoRequestType,
    ...salesArea(order, cfg),
    SoldToParty: soldTo(order, cfg),
    PurchaseOrderByCustomer: ref,
    CustomerPurchaseOrderDate: odataDate(refund.createdAt),
    SDDocumentReason: cfg.creditMemoReason,
    TransactionCurrency: order.currency,
    ...(parent?.kind === "A_SalesOrder" ? { ReferenceSDDocument: truncateText(parent.id, 10) } : {}),
    to_Item: itemsPayload(settled.items, order.currency, cfg, { itemKey: "CreditMemoRequestItem", textKey: "CreditMemoRequestItemText" }),
  };
  const created = await create(ctx, CREDIT_MEMO_SERVICE, "A_CreditMemoRequest", body);
  const back = await read(ctx, CREDIT_MEMO_SERVICE, "A_CreditMemoRequest", String(created.CreditMemoRequest));
  if (!back) throw new ConnectorError({ kind: "retryable", vendorCode: "read_back", message: `S/4HANA created credit memo request ${String(created.CreditMemoRequest)} but does not return it yet` });
  return { doc: toDocumentRef("A_CreditMemoRequest", back.doc, back.etag, cfg, order.currency), notes: [...planned.notes, ...settled.notes] };
}

/** Sales orders and credit memo requests changed since `since` (LastChangeDateTime), 100 per page; cursor "<kind index>:<skip>". */
export async function listDocuments(ctx: ConnectorContext, since: Date, cursor: string | null): Promise<{ docs: DocumentRef[]; cursor: string | null }> {
  const cfg = s4Config(ctx);
  const kinds: Kind[] = ["A_SalesOrder", "A_CreditMemoRequest"];
  const [k = 0, skip = 0] = (cursor ?? "0:0").split(":").map(Number);
  const kind = kinds[k];
  if (!kind) return { docs: [], cursor: null };
  const stamp = since.toISOString().replace(/\.\d{3}Z$/, "Z");
  const { rows } = await query(ctx, SERVICE[kind], kind, { $filter: `LastChangeDateTime ge datetimeoffset${quote(stamp)}`, $expand: "to_Item/to_PricingElement", $top: 100, $skip: skip || undefined });
  const docs = rows.map((r) => toDocumentRef(kind, r, undefined, cfg, r.TransactionCurrency ?? cfg.homeCurrency ?? "USD"));
  const next = rows.length === 100 ? `${k}:${skip + 100}` : k + 1 < kinds.length ? `${k + 1}:0` : null;
  return { docs, cursor: next };
}
