// Salesforce documents: Order + OrderItems upserted by External ID in one composite graph, price book entries, status, credit orders.
import type { ConnectorContext, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { floatToMinor, minorToNumber } from "../../../../shared/model/money";
import type { Order, Refund } from "../../../../shared/model/order";
import { fitQuantity, fitReference, orderLines, refundLines, settle, type PostingLine } from "../../../../shared/posting/lines";
import { truncateText } from "../../../../shared/posting/text";
import { z } from "zod";
import { getRecord, graph, query, soql, type GraphNode } from "./api";
import type { SfConfig } from "./config";
import { SfOrder, SfOrderItem } from "./schemas";

/** A Text External ID field holds up to 255 characters. */
export const REF_MAX = 255;
/** OrderItem.Description is a Text(255). */
const DESCRIPTION_MAX = 255;
/** A composite graph takes at most 500 nodes (limits.md §4). */
const GRAPH_NODES_MAX = 500;

export const orderReference = (order: Order) => fitReference("", order.orderNumber, REF_MAX - 4);
export const refundReference = (refund: Refund) => fitReference("R", refund.id, REF_MAX - 4);
export const externalRef = (cfg: SfConfig, ref: string) => fitReference(cfg.docNumberPrefix, ref, REF_MAX - 4);
/** The External ID of an order's n-th item: its order's reference and position, stable for one order state. */
const lineRef = (ref: string, i: number) => `${ref}#${i + 1}`;

const orderFields = (cfg: SfConfig) => ["Id", "OrderNumber", "Status", "StatusCode", "TotalAmount", "CurrencyIsoCode", "Type", cfg.orderExternalIdField];

function toRef(cfg: SfConfig, o: SfOrder, kind: "Order" | "CreditOrder", currency: string): DocumentRef {
  const total = floatToMinor(o.TotalAmount, currency);
  return { kind, id: o.Id, externalRef: String((o as Record<string, unknown>)[cfg.orderExternalIdField] ?? ""), total: kind === "CreditOrder" ? -total : total, currency, state: o.Status };
}

export async function findOrder(ctx: ConnectorContext, cfg: SfConfig, ref: string, kind: "Order" | "CreditOrder", currency: string): Promise<DocumentRef | null> {
  const rows = await query(ctx, cfg, `SELECT ${orderFields(cfg).join(", ")} FROM Order WHERE ${cfg.orderExternalIdField} = ${soql(ref)} LIMIT 2`, SfOrder);
  if (rows.length > 1) throw new ConnectorError({ kind: "conflict", vendorCode: "DUPLICATE_EXTERNAL_ID", message: `Salesforce holds more than one Order with ${cfg.orderExternalIdField} = ${ref}` });
  return rows[0] ? toRef(cfg, rows[0], kind, currency) : null;
}

// ------------------------------------------------------------------ price book entries

function productCode(cfg: SfConfig, l: PostingLine): string {
  const c = cfg.productCodes;
  switch (l.kind) {
    case "item": return l.sku ? (cfg.items.map[l.sku] ?? (cfg.items.autoCreate ? l.sku : (cfg.items.fallback ?? c.fallback))) : (cfg.items.fallback ?? c.fallback);
    case "gift_card": return cfg.giftCardItem ?? c.giftCard;
    case "shipping": return cfg.shippingItem ?? c.shipping;
    case "discount": return cfg.discountItem ?? c.discount;
    case "tax": return c.tax;
    case "tip": return c.tip;
    case "rounding": return cfg.roundingItem ?? c.rounding;
    case "refund_adjustment": return c.refundAdjustment;
  }
}

const IdRow = z.object({ Id: z.string() }).loose();
const EntryRow = z.object({ Id: z.string(), Product2: z.object({ ProductCode: z.string().nullish() }).loose().nullish() }).loose();
const ProductRow = z.object({ Id: z.string(), ProductCode: z.string().nullish() }).loose();
const Created = z.object({ id: z.string() }).loose();

async function standardPricebook(ctx: ConnectorContext, cfg: SfConfig): Promise<string> {
  const rows = await query(ctx, cfg, "SELECT Id FROM Pricebook2 WHERE IsStandard = true LIMIT 1", IdRow);
  if (!rows[0]) throw new ConnectorError({ kind: "permanent", vendorCode: "NO_STANDARD_PRICEBOOK", message: "Salesforce org has no standard price book" });
  return rows[0].Id;
}

/**
 * PricebookEntry ids by product code in the order's price book and currency: found with one query; products and
 * entries that are missing are created in one graph (a custom price book needs the standard price first).
 */
async function pricebookEntries(ctx: ConnectorContext, cfg: SfConfig, pricebookId: string, currency: string, lines: PostingLine[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const l of lines) if (!names.has(productCode(cfg, l))) names.set(productCode(cfg, l), l.kind === "item" ? l.name : productCode(cfg, l));
  const codes = [...names.keys()];
  const inList = codes.map(soql).join(", ");
  // https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_pricebookentry.htm
  const entries = await query(ctx, cfg, `SELECT Id, Product2.ProductCode FROM PricebookEntry WHERE Pricebook2Id = ${soql(pricebookId)} AND CurrencyIsoCode = ${soql(currency)} AND IsActive = true AND Product2.ProductCode IN (${inList})`, EntryRow);
  const out = new Map<string, string>();
  for (const e of entries) if (e.Product2?.ProductCode) out.set(e.Product2.ProductCode, e.Id);
  const missing = codes.filter((c) => !out.has(c));
  if (missing.length === 0) return out;
  const products = new Map((await query(ctx, cfg, `SELECT Id, ProductCode FROM Product2 WHERE ProductCode IN (${missing.map(soql).join(", ")})`, ProductRow)).map((p) => [p.ProductCode ?? "", p.Id]));
  const standard = await standardPricebook(ctx, cfg);
  const nodes: GraphNode[] = [];
  missing.forEach((code, i) => {
    let productId = products.get(code);
    if (!productId) {
      nodes.push({ method: "POST", url: "sobjects/Product2", referenceId: `product${i}`, body: { Name: truncateText(names.get(code)!, 255), ProductCode: code, IsActive: true } });
      productId = `@{product${i}.id}`;
    }
    if (pricebookId !== standard && !products.has(code)) {
      nodes.push({ method: "POST", url: "sobjects/PricebookEntry", referenceId: `standard${i}`, body: { Pricebook2Id: standard, Product2Id: productId, UnitPrice: 0, IsActive: true, CurrencyIsoCode: currency } });
    }
    nodes.push({ method: "POST", url: "sobjects/PricebookEntry", referenceId: `entry${i}`, body: { Pricebook2Id: pricebookId, Product2Id: productId, UnitPrice: 0, IsActive: true, CurrencyIsoCode: currency } });
  });
  const results = await graph(ctx, cfg, `pricebook-${currency}`, nodes);
  missing.forEach((code, i) => out.set(code, Created.parse(results.get(`entry${i}`)).id));
  return out;
}

// ------------------------------------------------------------------ orders

interface ItemPlan {
  externalId: string;
  entry: string;
  quantity: number;
  unitPrice: number;
  description: string;
}

function plan(cfg: SfConfig, lines: PostingLine[], target: number, currency: string): { lines: PostingLine[]; notes: SyncNote[] } {
  return settle(lines.map((l) => fitQuantity(l, cfg.quantityDecimals)), target, currency);
}

function items(cfg: SfConfig, ref: string, lines: PostingLine[], entries: Map<string, string>, currency: string, sign: 1 | -1): ItemPlan[] {
  return lines.map((l, i) => ({
    externalId: lineRef(ref, i),
    entry: entries.get(productCode(cfg, l))!,
    quantity: sign * Number(l.quantity),
    unitPrice: minorToNumber(l.unitPrice, currency),
    description: truncateText(l.name, DESCRIPTION_MAX),
  }));
}

/** The Status the order should have: cancelled, shipped, activated once paid (or in fulfilment), else draft. */
function targetStatus(cfg: SfConfig, order: Order): string {
  const s = cfg.statuses;
  if (order.status === "cancelled") return s.cancelled || s.draft;
  if (["shipped", "delivered"].includes(order.fulfillmentStatus) || ["shipped", "delivered", "completed"].includes(order.status)) return s.shipped || s.activated;
  const paid = ["paid", "partially_paid", "partially_refunded", "refunded", "authorized"].includes(order.financialStatus) || order.status === "packing";
  return paid ? s.activated : s.draft;
}

const upsertUrl = (type: string, field: string, value: string) => `sobjects/${type}/${field}/${encodeURIComponent(value)}`;

function itemBody(p: ItemPlan, orderId: string, lineField: string): Record<string, unknown> {
  return { OrderId: orderId, PricebookEntryId: p.entry, Quantity: p.quantity, UnitPrice: p.unitPrice, Description: p.description, [lineField]: p.externalId };
}

/** Nodes for a new order: upsert the Order as Draft, upsert each OrderItem, then set the target Status. */
function createNodes(cfg: SfConfig, ref: string, header: Record<string, unknown>, plans: ItemPlan[], status: string): GraphNode[] {
  const nodes: GraphNode[] = [{ method: "PATCH", url: upsertUrl("Order", cfg.orderExternalIdField, ref), referenceId: "order", body: { ...header, Status: cfg.statuses.draft } }];
  plans.forEach((p, i) => {
    const { [cfg.lineExternalIdField]: _ext, ...body } = itemBody(p, "@{order.id}", cfg.lineExternalIdField);
    nodes.push({ method: "PATCH", url: upsertUrl("OrderItem", cfg.lineExternalIdField, p.externalId), referenceId: `item${i}`, body });
  });
  if (status !== cfg.statuses.draft) nodes.push({ method: "PATCH", url: "sobjects/Order/@{order.id}", referenceId: "status", body: { Status: status } });
  return nodes;
}

/** Nodes converging an existing order: deactivate if items change on an activated order, fix items, then set Status. */
function convergeNodes(cfg: SfConfig, current: SfOrder, have: SfOrderItem[], plans: ItemPlan[], status: string): GraphNode[] {
  const ext = (i: SfOrderItem) => String((i as Record<string, unknown>)[cfg.lineExternalIdField] ?? "");
  const byExt = new Map(have.map((i) => [ext(i), i]));
  const itemNodes: GraphNode[] = [];
  plans.forEach((p, n) => {
    const cur = byExt.get(p.externalId);
    byExt.delete(p.externalId);
    if (cur && cur.PricebookEntryId === p.entry) {
      if (cur.Quantity !== p.quantity || cur.UnitPrice !== p.unitPrice || (cur.Description ?? "") !== p.description) {
        itemNodes.push({ method: "PATCH", url: `sobjects/OrderItem/${cur.Id}`, referenceId: `item${n}`, body: { Quantity: p.quantity, UnitPrice: p.unitPrice, Description: p.description } });
      }
      return;
    }
    // PricebookEntryId cannot be updated: replace the item.
    if (cur) itemNodes.push({ method: "DELETE", url: `sobjects/OrderItem/${cur.Id}`, referenceId: `drop${n}` });
    itemNodes.push({ method: "POST", url: "sobjects/OrderItem", referenceId: `item${n}`, body: itemBody(p, current.Id, cfg.lineExternalIdField) });
  });
  [...byExt.values()].forEach((stray, n) => itemNodes.push({ method: "DELETE", url: `sobjects/OrderItem/${stray.Id}`, referenceId: `stray${n}` }));
  const nodes: GraphNode[] = [];
  const activated = current.StatusCode === "Activated";
  // Activated orders refuse product changes: back to a Draft-category status for the change, then on to the target.
  if (itemNodes.length > 0 && activated) nodes.push({ method: "PATCH", url: `sobjects/Order/${current.Id}`, referenceId: "deactivate", body: { Status: cfg.statuses.draft } });
  nodes.push(...itemNodes);
  if (status !== current.Status || (itemNodes.length > 0 && activated)) nodes.push({ method: "PATCH", url: `sobjects/Order/${current.Id}`, referenceId: "status", body: { Status: status } });
  return nodes;
}

async function write(ctx: ConnectorContext, cfg: SfConfig, graphId: string, nodes: GraphNode[]): Promise<void> {
  if (nodes.length === 0) return;
  if (nodes.length > GRAPH_NODES_MAX) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "GRAPH_TOO_LARGE", message: `the order needs ${nodes.length} graph nodes; a composite graph takes ${GRAPH_NODES_MAX}` });
  }
  await graph(ctx, cfg, graphId, nodes);
}

async function converge(ctx: ConnectorContext, cfg: SfConfig, kind: "Order" | "CreditOrder", ref: string, currency: string, header: Record<string, unknown>, lines: PostingLine[], sign: 1 | -1, status: string, existing: DocumentRef | null): Promise<DocumentRef> {
  const pricebookId = cfg.pricebookId ?? (await standardPricebook(ctx, cfg));
  const entries = await pricebookEntries(ctx, cfg, pricebookId, currency, lines);
  const plans = items(cfg, ref, lines, entries, currency, sign);
  const update = async (doc: DocumentRef) => {
    const current = await getRecord(ctx, cfg, "Order", doc.id, orderFields(cfg), SfOrder);
    const have = await query(ctx, cfg, `SELECT Id, ${cfg.lineExternalIdField}, PricebookEntryId, Quantity, UnitPrice, Description FROM OrderItem WHERE OrderId = ${soql(current.Id)}`, SfOrderItem);
    await write(ctx, cfg, `${kind}-${current.Id}`, convergeNodes(cfg, current, have, plans, status));
  };
  const found = existing ?? (await findOrder(ctx, cfg, ref, kind, currency));
  if (found) await update(found);
  else {
    try {
      await write(ctx, cfg, `${kind}-${ref}`.slice(0, 40), createNodes(cfg, ref, { ...header, Pricebook2Id: pricebookId, CurrencyIsoCode: currency }, plans, status));
    } catch (err) {
      // Another sync created the order meanwhile: its item upserts refuse the create-only fields (or the External IDs
      // clash), the graph rolled back, and the order is converged like any existing one.
      if (!(err instanceof ConnectorError) || !["INVALID_FIELD_FOR_INSERT_UPDATE", "DUPLICATE_VALUE"].includes(err.vendorCode ?? "")) throw err;
      const other = await findOrder(ctx, cfg, ref, kind, currency);
      if (!other) throw err;
      await update(other);
    }
  }
  const after = await findOrder(ctx, cfg, ref, kind, currency);
  if (!after) throw new ConnectorError({ kind: "retryable", vendorCode: "NOT_FOUND", message: `Salesforce Order ${ref} is missing after its write` });
  return after;
}

// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_upsert.htm (upsert by External ID)
export async function upsertOrder(ctx: ConnectorContext, cfg: SfConfig, order: Order, existing: DocumentRef | null): Promise<SyncResult> {
  const currency = order.currency;
  const ref = externalRef(cfg, orderReference(order));
  const planned = plan(cfg, orderLines(order, { inlineDiscounts: false }), order.totals.total, currency);
  const notes = [...planned.notes];
  if (order.taxesIncluded && order.totals.tax !== 0) notes.push({ message: `Prices include ${order.totals.tax} minor units of tax; Salesforce orders hold no tax of their own` });
  const header = {
    AccountId: cfg.customers.walkIn ?? cfg.accountId,
    EffectiveDate: order.createdAt.slice(0, 10),
    Description: truncateText(`${order.source} order ${order.orderNumber}${order.customer?.email ? ` — ${order.customer.email}` : ""}`, 32000),
  };
  const status = targetStatus(cfg, order);
  const doc = await converge(ctx, cfg, "Order", ref, currency, header, planned.lines, 1, status, existing?.kind === "Order" ? existing : null);
  if (doc.state !== status) notes.push({ message: `Salesforce Order ${doc.id} is ${doc.state}, wanted ${status}` });
  return { doc, notes };
}

/**
 * A refund as a credit order: an Order (Type "Return") whose items have negative quantities. Reduction orders
 * (IsReductionOrder + OriginalOrderItemId) only reduce quantities at the original unit prices and cannot carry tax,
 * shipping or adjustment amounts, so they could not match the refund to the cent; negative quantities need Order
 * Settings "Enable Negative Quantity" (OrderSettings.enableNegativeQuantity in the Metadata API).
 */
export async function createCreditOrder(ctx: ConnectorContext, cfg: SfConfig, order: Order, refund: Refund, parent: DocumentRef | null): Promise<SyncResult> {
  const currency = order.currency;
  const ref = externalRef(cfg, refundReference(refund));
  const found = await findOrder(ctx, cfg, ref, "CreditOrder", currency);
  if (found) return { doc: found, notes: [] };
  const planned = plan(cfg, refundLines(order, refund), refund.total, currency);
  const header = {
    AccountId: cfg.customers.walkIn ?? cfg.accountId,
    EffectiveDate: refund.createdAt.slice(0, 10),
    Type: cfg.creditOrderType,
    Description: truncateText(`Refund ${refund.id} of ${order.source} order ${order.orderNumber}${parent ? ` (Order ${parent.id})` : ""}${refund.reason ? `: ${refund.reason}` : ""}`, 32000),
  };
  const doc = await converge(ctx, cfg, "CreditOrder", ref, currency, header, planned.lines, -1, cfg.statuses.activated, null);
  return { doc, notes: planned.notes };
}
