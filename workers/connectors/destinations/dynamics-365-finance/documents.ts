// F&O documents: a sales order header (SalesOrderHeadersV2) then its lines (SalesOrderLines), converged line by line; credit notes.
import type { ConnectorContext, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { floatToMinor, minorToNumber } from "../../../../shared/model/money";
import type { Order, Refund } from "../../../../shared/model/order";
import { fitQuantity, fitReference, orderLines, refundLines, settle, type PostingLine } from "../../../../shared/posting/lines";
import { truncateText } from "../../../../shared/posting/text";
import { create, entityKey, literal, query, read, remove, update } from "./api";
import type { FoConfig } from "./config";
import { FoHeader, FoLine, FoProduct } from "./schemas";

const HEADERS = "SalesOrderHeadersV2";
const LINES = "SalesOrderLines";
/** CustomersOrderReference is SalesTable.CustomerRef (60 characters). */
export const REF_MAX = 60;
/** SalesLine.Name (line text). */
const DESCRIPTION_MAX = 1000;

export function orderReference(order: Order): string {
  return fitReference("", order.orderNumber, REF_MAX);
}

export function refundReference(refund: Refund): string {
  return fitReference("R", refund.id, REF_MAX);
}

export function externalRef(cfg: FoConfig, ref: string): string {
  return fitReference(cfg.docNumberPrefix, ref, REF_MAX);
}

const headerKey = (cfg: FoConfig, number: string) => entityKey({ dataAreaId: cfg.dataAreaId, SalesOrderNumber: number });

export function toRef(h: FoHeader, kind: "SalesOrder" | "CreditNote", currency: string): DocumentRef {
  const total = floatToMinor(h.OrderTotalAmount, currency);
  const state = h.IsSalesProcessingStopped === "Yes" ? "stopped" : h.ConfirmedShippingDate ? "shipment confirmed" : (h.SalesOrderStatus ?? "open").toLowerCase();
  return { kind, id: h.SalesOrderNumber, externalRef: h.CustomersOrderReference ?? "", total: kind === "CreditNote" ? -total : total, currency, version: h["@odata.etag"], state };
}

// https://learn.microsoft.com/en-us/dynamics365/fin-ops-core/dev-itpro/data-entities/entity-sales-order-headers-v2-salesorderheaderv2
export async function findByReference(ctx: ConnectorContext, cfg: FoConfig, ref: string, kind: "SalesOrder" | "CreditNote", currency: string): Promise<DocumentRef | null> {
  const found = await query(ctx, HEADERS, `dataAreaId eq ${literal(cfg.dataAreaId)} and CustomersOrderReference eq ${literal(ref)}`, FoHeader);
  return found[0] ? toRef(found[0], kind, currency) : null;
}

type LinePayload = { CustomersLineNumber: number; ItemNumber: string; LineDescription: string; OrderedSalesQuantity: number; SalesPrice: number; SalesUnitSymbol: string };

/** Released products among the SKUs, in one query. */
async function releasedItems(ctx: ConnectorContext, cfg: FoConfig, lines: PostingLine[]): Promise<Set<string>> {
  const skus = [...new Set(lines.filter((l) => l.kind === "item" && l.sku && !cfg.items.map[l.sku]).map((l) => l.sku!))];
  if (skus.length === 0) return new Set();
  // https://learn.microsoft.com/en-us/dynamics365/fin-ops-core/dev-itpro/data-entities/data-entities (ReleasedProductsV2)
  const found = await query(ctx, "ReleasedProductsV2", `dataAreaId eq ${literal(cfg.dataAreaId)} and (${skus.map((s) => `ItemNumber eq ${literal(s)}`).join(" or ")})`, FoProduct);
  return new Set(found.map((p) => p.ItemNumber));
}

function itemNumber(cfg: FoConfig, l: PostingLine, released: Set<string>): string {
  switch (l.kind) {
    case "item":
      if (l.sku && cfg.items.map[l.sku]) return cfg.items.map[l.sku]!;
      return l.sku && released.has(l.sku) ? l.sku : (cfg.items.fallback ?? cfg.fallbackItemNumber);
    case "gift_card": return cfg.giftCardItem ?? cfg.chargeItems.giftCard;
    case "shipping": return cfg.shippingItem ?? cfg.chargeItems.shipping;
    case "discount": return cfg.discountItem ?? cfg.chargeItems.discount;
    case "tax": return cfg.chargeItems.tax;
    case "tip": return cfg.chargeItems.tip;
    case "rounding": return cfg.roundingItem ?? cfg.chargeItems.rounding;
    case "refund_adjustment": return cfg.chargeItems.refundAdjustment;
  }
}

/** A quantity finer than its unit's precision posts as one `defaultUnit` of its exact amount. */
function fitUnit(cfg: FoConfig, l: PostingLine): { line: PostingLine; unit: string } {
  const unit = (l.unit && cfg.unitMap[l.unit]) || cfg.defaultUnit;
  const fitted = fitQuantity(l, cfg.unitDecimals[unit] ?? 2);
  return fitted === l ? { line: l, unit } : { line: fitted, unit: cfg.defaultUnit };
}

function planned(cfg: FoConfig, lines: PostingLine[], target: number, currency: string): { lines: Array<{ line: PostingLine; unit: string }>; notes: SyncNote[] } {
  const fitted = lines.map((l) => fitUnit(cfg, l));
  const settled = settle(fitted.map((f) => f.line), target, currency);
  const units = new Map(fitted.map((f) => [f.line.key, f.unit]));
  return { lines: settled.lines.map((l) => ({ line: l, unit: units.get(l.key) ?? cfg.defaultUnit })), notes: settled.notes };
}

async function payloads(ctx: ConnectorContext, cfg: FoConfig, plan: Array<{ line: PostingLine; unit: string }>, currency: string, sign: 1 | -1): Promise<LinePayload[]> {
  const released = await releasedItems(ctx, cfg, plan.map((p) => p.line));
  return plan.map(({ line, unit }, i) => ({
    CustomersLineNumber: i + 1,
    ItemNumber: itemNumber(cfg, line, released),
    LineDescription: truncateText(line.name, DESCRIPTION_MAX),
    OrderedSalesQuantity: sign * Number(line.quantity),
    SalesPrice: minorToNumber(line.unitPrice, currency),
    SalesUnitSymbol: unit,
  }));
}

function same(p: LinePayload, l: FoLine): boolean {
  return p.ItemNumber === l.ItemNumber && p.LineDescription === (l.LineDescription ?? "") && p.OrderedSalesQuantity === l.OrderedSalesQuantity && p.SalesPrice === l.SalesPrice && p.SalesUnitSymbol === (l.SalesUnitSymbol ?? "");
}

/** Brings the order's lines to the plan by customer line number: creates missing ones, patches changed ones, deletes extra ones. */
// https://learn.microsoft.com/en-us/dynamics365/fin-ops-core/dev-itpro/data-entities/entity-sales-order-lines-v2-salesorderline
async function convergeLines(ctx: ConnectorContext, cfg: FoConfig, number: string, wanted: LinePayload[], extra: Record<string, unknown>): Promise<void> {
  const current = await query(ctx, LINES, `dataAreaId eq ${literal(cfg.dataAreaId)} and SalesOrderNumber eq ${literal(number)}`, FoLine);
  const byNumber = new Map(current.filter((l) => l.CustomersLineNumber != null).map((l) => [l.CustomersLineNumber!, l]));
  for (const p of wanted) {
    const have = byNumber.get(p.CustomersLineNumber);
    byNumber.delete(p.CustomersLineNumber);
    if (!have) {
      await create(ctx, LINES, { dataAreaId: cfg.dataAreaId, SalesOrderNumber: number, ...p, ShippingSiteId: cfg.siteId, ShippingWarehouseId: cfg.warehouseId, ...extra }, FoLine);
    } else if (!same(p, have)) {
      await update(ctx, LINES, entityKey({ dataAreaId: cfg.dataAreaId, InventoryLotId: have.InventoryLotId }), p, have["@odata.etag"]);
    }
  }
  const strays = [...byNumber.values(), ...current.filter((l) => l.CustomersLineNumber == null)];
  for (const l of strays) await remove(ctx, LINES, entityKey({ dataAreaId: cfg.dataAreaId, InventoryLotId: l.InventoryLotId }));
  if (current.length < wanted.length) await keepFirstLines(ctx, cfg, number);
}

/**
 * F&O has no idempotency key, so two syncs racing past "not found" both create. Copies with the same key (the order
 * reference for headers, the customer line number for lines) are looked up after a create and all but the first are
 * deleted; both racers keep the same one.
 */
async function keepFirstLines(ctx: ConnectorContext, cfg: FoConfig, number: string): Promise<void> {
  const seen = new Set<number>();
  const lines = (await query(ctx, LINES, `dataAreaId eq ${literal(cfg.dataAreaId)} and SalesOrderNumber eq ${literal(number)}`, FoLine)).sort((a, b) => a.InventoryLotId.localeCompare(b.InventoryLotId));
  for (const l of lines) {
    if (l.CustomersLineNumber == null) continue;
    if (seen.has(l.CustomersLineNumber)) await removeIfThere(ctx, LINES, entityKey({ dataAreaId: cfg.dataAreaId, InventoryLotId: l.InventoryLotId }));
    seen.add(l.CustomersLineNumber);
  }
}

async function keepFirstHeader(ctx: ConnectorContext, cfg: FoConfig, ref: string): Promise<FoHeader | null> {
  const copies = (await query(ctx, HEADERS, `dataAreaId eq ${literal(cfg.dataAreaId)} and CustomersOrderReference eq ${literal(ref)}`, FoHeader)).sort((a, b) => a.SalesOrderNumber.localeCompare(b.SalesOrderNumber));
  for (const extra of copies.slice(1)) await removeIfThere(ctx, HEADERS, headerKey(cfg, extra.SalesOrderNumber));
  return copies[0] ?? null;
}

async function removeIfThere(ctx: ConnectorContext, set: string, key: string): Promise<void> {
  try {
    await remove(ctx, set, key);
  } catch (err) {
    // The other sync deleted it first.
    if (!(err instanceof ConnectorError && err.status === 404)) throw err;
  }
}

function header(cfg: FoConfig, order: Order, ref: string): Record<string, unknown> {
  return {
    dataAreaId: cfg.dataAreaId,
    OrderingCustomerAccountNumber: cfg.customers.walkIn ?? cfg.customerAccount,
    InvoiceCustomerAccountNumber: cfg.customers.walkIn ?? cfg.customerAccount,
    CurrencyCode: order.currency,
    CustomersOrderReference: ref,
    RequestedShippingDate: `${order.createdAt.slice(0, 10)}T12:00:00Z`,
    DefaultShippingSiteId: cfg.siteId,
    DefaultShippingWarehouseId: cfg.warehouseId,
    ArePricesIncludingSalesTax: order.taxesIncluded ? "Yes" : "No",
  };
}

async function reread(ctx: ConnectorContext, cfg: FoConfig, number: string): Promise<FoHeader> {
  const h = await read(ctx, HEADERS, headerKey(cfg, number), FoHeader);
  if (!h) throw new ConnectorError({ kind: "retryable", vendorCode: "not_found", message: `Finance & Operations sales order ${number} vanished while it was being written` });
  return h;
}

function shippedOn(order: Order): string | null {
  if (!["shipped", "delivered"].includes(order.fulfillmentStatus) && !["shipped", "delivered", "completed"].includes(order.status)) return null;
  const f = [...order.fulfillments].reverse().find((x) => x.status === "shipped" || x.status === "delivered");
  return `${(f?.updatedAt ?? order.updatedAt).slice(0, 10)}T12:00:00Z`;
}

/**
 * Header first, then lines (Microsoft: "use Sales order lines V2 after the header has been created"), then state:
 * a cancelled order is stopped (IsSalesProcessingStopped — SalesOrderStatus is computed by posting and not writable
 * through the entity), a shipped one gets its ConfirmedShippingDate (the Delivered status comes from packing-slip
 * posting in the warehouse, not from an entity write).
 */
export async function upsertOrder(ctx: ConnectorContext, cfg: FoConfig, order: Order, existing: DocumentRef | null): Promise<SyncResult> {
  const ref = externalRef(cfg, orderReference(order));
  const currency = order.currency;
  const plan = planned(cfg, orderLines(order, { inlineDiscounts: false }), order.totals.total, currency);
  const notes = [...plan.notes];
  if (order.taxesIncluded && order.totals.tax !== 0) notes.push({ message: `Prices include ${order.totals.tax} minor units of tax (ArePricesIncludingSalesTax = Yes); no sales tax group is set, so F&O adds none` });
  const wanted = await payloads(ctx, cfg, plan.lines, currency, 1);
  let current = existing ?? (await findByReference(ctx, cfg, ref, "SalesOrder", currency));
  let h = current ? await read(ctx, HEADERS, headerKey(cfg, current.id), FoHeader) : null;
  if (current && !h) {
    current = await findByReference(ctx, cfg, ref, "SalesOrder", currency);
    h = current ? await read(ctx, HEADERS, headerKey(cfg, current.id), FoHeader) : null;
  }
  if (!h) {
    const created = await create(ctx, HEADERS, header(cfg, order, ref), FoHeader);
    h = (await keepFirstHeader(ctx, cfg, ref)) ?? created;
  }
  const number = h.SalesOrderNumber;
  // A stopped (cancelled) order refuses line changes; it stays as it was when it was stopped.
  if (h.IsSalesProcessingStopped !== "Yes") await convergeLines(ctx, cfg, number, wanted, {});
  const state: Record<string, unknown> = {};
  if (order.status === "cancelled" && h.IsSalesProcessingStopped !== "Yes") state.IsSalesProcessingStopped = "Yes";
  const shipDate = shippedOn(order);
  if (shipDate && !h.ConfirmedShippingDate) state.ConfirmedShippingDate = shipDate;
  if (Object.keys(state).length > 0) {
    const fresh = await reread(ctx, cfg, number);
    await update(ctx, HEADERS, headerKey(cfg, number), state, fresh["@odata.etag"]);
    if (state.IsSalesProcessingStopped) notes.push({ message: `Sales order ${number} stopped in Finance & Operations (the order was cancelled)` });
    if (state.ConfirmedShippingDate) notes.push({ message: `Sales order ${number}: confirmed ship date set; F&O marks it Delivered when the packing slip is posted` });
  }
  return { doc: toRef(await reread(ctx, cfg, number), "SalesOrder", currency), notes };
}

/** A credit note: a sales order whose lines have negative quantities and a return reason (F&O "Credit note" on a sales order). */
export async function createCreditNote(ctx: ConnectorContext, cfg: FoConfig, order: Order, refund: Refund, parent: DocumentRef | null): Promise<SyncResult> {
  const ref = externalRef(cfg, refundReference(refund));
  const currency = order.currency;
  const found = await findByReference(ctx, cfg, ref, "CreditNote", currency);
  const plan = planned(cfg, refundLines(order, refund), refund.total, currency);
  const wanted = await payloads(ctx, cfg, plan.lines, currency, -1);
  let h: FoHeader;
  if (found) h = await reread(ctx, cfg, found.id);
  else {
    const created = await create(ctx, HEADERS, { ...header(cfg, order, ref), CreditNoteReasonCode: cfg.creditNoteReasonCode, ...(parent ? { CustomerRequisitionNumber: truncateText(parent.id, 20) } : {}) }, FoHeader);
    h = (await keepFirstHeader(ctx, cfg, ref)) ?? created;
  }
  await convergeLines(ctx, cfg, h.SalesOrderNumber, wanted, { CreditNoteReasonCode: cfg.creditNoteReasonCode });
  return { doc: toRef(await reread(ctx, cfg, h.SalesOrderNumber), "CreditNote", currency), notes: plan.notes };
}
