// Converging SAP Business One with an order: find by NumAtCard before create, status by Close/Cancel, credit notes.
import type { ConnectorContext, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { toMinor } from "../../../../shared/model/money";
import type { Order, OrderLine, Refund } from "../../../../shared/model/order";
import { sha256Hex } from "../../../../shared/webhooks/signature";
import { createDocument, createEntity, documentAction, getByCode, getDocument, patchDocument, query } from "./api";
import { b1Config, type SapB1Config } from "./config";
import { documentBody, orderPlan, planTotal, refundPlan, saleEntityFor, settle, type B1Entity, type SaleEntity } from "./mapping";
import { CARD_NAME_MAX, fit, ITEM_CODE_MAX, marker, markerOf, orderNumAtCard, quote, refundNumAtCard } from "./refs";
import type { B1Document } from "./schemas";
import { isCancelled } from "../../../../shared/posting/lifecycle";

const SALE_ENTITIES: readonly SaleEntity[] = ["Orders", "Invoices"];

function stateOf(doc: B1Document): string {
  if (doc.Cancelled === "tYES") return "cancelled";
  return doc.DocumentStatus === "bost_Close" ? "closed" : "open";
}

export function toDocumentRef(entity: B1Entity, doc: B1Document, cfg: SapB1Config): DocumentRef {
  const currency = doc.DocCurrency || cfg.homeCurrency;
  return {
    kind: entity,
    id: String(doc.DocEntry),
    externalRef: doc.NumAtCard ?? "",
    total: toMinor(doc.DocTotal ?? 0, currency),
    currency,
    version: [doc.UpdateDate, doc.UpdateTime].filter(Boolean).join("T") || undefined,
    state: stateOf(doc),
  };
}

/**
 * B1 has no idempotency key: look the reference up with `$filter=NumAtCard eq '…'` before creating and adopt only a
 * document whose Comments carry this order's marker; the number on someone else's document is a conflict.
 */
async function findOwned(ctx: ConnectorContext, entities: readonly B1Entity[], numAtCard: string, owner: string): Promise<{ entity: B1Entity; doc: B1Document } | null> {
  const foreign: string[] = [];
  for (const entity of entities) {
    const { rows } = await query(ctx, entity, { $filter: `NumAtCard eq ${quote(numAtCard)}`, $select: "DocEntry,NumAtCard,Comments", $top: 20 });
    for (const row of rows) {
      const mark = markerOf(row.Comments as string | null | undefined);
      if (mark === owner) {
        const doc = await getDocument(ctx, entity, Number(row.DocEntry));
        if (doc) return { entity, doc };
      }
      foreign.push(`${entity}(${String(row.DocEntry)})${mark ? ` (${mark})` : ""}`);
    }
  }
  if (foreign.length > 0) {
    throw new ConnectorError({ kind: "conflict", vendorCode: "num_at_card_taken", message: `SAP Business One NumAtCard ${numAtCard} is already used by ${foreign.join(", ")}, which is not this order's; set a docNumberPrefix for this connection` });
  }
  return null;
}

export async function findDocument(ctx: ConnectorContext, ref: string, kind: "order" | "refund", order: Order): Promise<DocumentRef | null> {
  const cfg = b1Config(ctx);
  const numAtCard = fit(`${cfg.docNumberPrefix}${ref}`, 100);
  const owner = marker(ctx.connection.id, order.sourceOrderId, kind === "refund" ? refundIdOf(ref, order) : undefined);
  const first = saleEntityFor(order, cfg);
  const entities: readonly B1Entity[] = kind === "order" ? [first, ...SALE_ENTITIES.filter((e) => e !== first)] : ["CreditNotes"];
  const found = await findOwned(ctx, entities, numAtCard, owner);
  return found ? toDocumentRef(found.entity, found.doc, cfg) : null;
}

/** The refund id a refundRef names (`<order number> R<refund id>`). */
function refundIdOf(ref: string, order: Order): string | undefined {
  return order.refunds.find((r) => refundNumAtCard(order, r) === ref)?.id;
}

/** SKUs become ItemCodes: mapped, else the SKU itself when the item exists or can be created (`POST /Items`). */
// https://github.com/SAP-archive/smb-summit-hackathon (B1Backend/SAP Business One.postman_collection.json: "Create Item")
async function resolveItems(ctx: ConnectorContext, cfg: SapB1Config, lines: readonly (OrderLine | undefined)[], notes: SyncNote[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!cfg.items.autoCreate) return out;
  for (const line of lines) {
    if (!line?.sku || line.giftCard || cfg.items.map[line.sku] || out.has(line.sku) || line.sku.length > ITEM_CODE_MAX) continue;
    if (!(await getByCode(ctx, "Items", line.sku))) {
      await createEntity(ctx, "Items", { ItemCode: line.sku, ItemName: fit(line.name, 100), ItemType: "itItems" });
      notes.push({ message: `Created SAP Business One item ${line.sku} (${line.name})`, data: { itemCode: line.sku } });
    }
    out.set(line.sku, line.sku);
  }
  return out;
}

/** The customer: walk-in for anonymous sales; by e-mail address, else a new business partner (SAP's "Create Business Partner" sample). */
async function resolveCustomer(ctx: ConnectorContext, cfg: SapB1Config, order: Order, notes: SyncNote[]): Promise<string> {
  const email = order.customer?.email?.trim().toLowerCase();
  if (!email || !cfg.customers.createMissing) return cfg.customers.walkIn;
  const { rows } = await query(ctx, "BusinessPartners", { $filter: `EmailAddress eq ${quote(email)}`, $select: "CardCode", $top: 1 });
  if (rows[0]?.CardCode) return String(rows[0].CardCode);
  const cardCode = `W${(await sha256Hex(email)).slice(0, 14).toUpperCase()}`;
  if (!(await getByCode(ctx, "BusinessPartners", cardCode))) {
    await createEntity(ctx, "BusinessPartners", { CardCode: cardCode, CardName: fit(order.customer?.name ?? email, CARD_NAME_MAX), CardType: "cCustomer", EmailAddress: email });
    notes.push({ message: `Created SAP Business One customer ${cardCode} for ${email}`, data: { cardCode } });
  }
  return cardCode;
}

const SHIPPED = new Set(["shipped", "delivered", "completed"]);

export async function upsertOrder(ctx: ConnectorContext, order: Order, existing: DocumentRef | null, _requestId: string): Promise<SyncResult> {
  const cfg = b1Config(ctx);
  const notes: SyncNote[] = [];
  const numAtCard = orderNumAtCard(order, cfg.docNumberPrefix);
  const owner = marker(ctx.connection.id, order.sourceOrderId);
  let entity: SaleEntity = existing && (SALE_ENTITIES as readonly string[]).includes(existing.kind) ? (existing.kind as SaleEntity) : saleEntityFor(order, cfg);
  let current: B1Document | null = null;
  if (existing) current = await getDocument(ctx, entity, existing.id);
  if (!current) {
    const found = await findOwned(ctx, [entity, ...SALE_ENTITIES.filter((e) => e !== entity)], numAtCard, owner);
    if (found) {
      entity = found.entity as SaleEntity;
      current = found.doc;
    }
  }
  let doc: B1Document;
  if (!current) {
    const items = await resolveItems(ctx, cfg, order.lines, notes);
    const settled = settle(orderPlan(order, cfg, items), order.totals.total, order.currency, `Order ${order.orderNumber}`);
    const cardCode = await resolveCustomer(ctx, cfg, order, notes);
    doc = await createDocument(ctx, entity, documentBody({ order, cfg, cardCode, numAtCard, comments: `${owner} ${order.source} order ${order.orderNumber}`, docDate: order.createdAt.slice(0, 10) }, settled.plan));
    notes.push(...settled.notes);
  } else {
    doc = current;
    if (stateOf(doc) === "open" && !isCancelled(order)) {
      const items = await resolveItems(ctx, cfg, order.lines, notes);
      const settled = settle(orderPlan(order, cfg, items), order.totals.total, order.currency, `Order ${order.orderNumber}`);
      if (toDocumentRef(entity, doc, cfg).total !== planTotal(settled.plan)) {
        const body = documentBody({ order, cfg, cardCode: doc.CardCode ?? cfg.customers.walkIn, numAtCard, comments: doc.Comments ?? owner, docDate: order.createdAt.slice(0, 10) }, settled.plan);
        await patchDocument(ctx, entity, doc.DocEntry, { DocumentLines: body.DocumentLines, Rounding: body.Rounding ?? "tNO", RoundingDiffAmount: body.RoundingDiffAmount ?? 0 }, true);
        notes.push({ message: `Updated SAP Business One ${entity}(${doc.DocEntry}) to the order's current lines`, data: { docEntry: doc.DocEntry } }, ...settled.notes);
        doc = (await getDocument(ctx, entity, doc.DocEntry)) ?? doc;
      }
    }
  }
  if (isCancelled(order) && doc.Cancelled !== "tYES") {
    await documentAction(ctx, entity, doc.DocEntry, "Cancel");
    notes.push({ message: `Order cancelled: cancelled SAP Business One ${entity}(${doc.DocEntry})`, data: { docEntry: doc.DocEntry } });
    doc = (await getDocument(ctx, entity, doc.DocEntry)) ?? doc;
  } else if (entity === "Orders" && !isCancelled(order) && (SHIPPED.has(order.status) || order.fulfillmentStatus === "shipped" || order.fulfillmentStatus === "delivered") && stateOf(doc) === "open") {
    const shipped = [...order.fulfillments].reverse().find((f) => f.status === "shipped" || f.status === "delivered");
    await documentAction(ctx, entity, doc.DocEntry, "Close");
    notes.push({ message: `Order shipped${shipped?.trackingNumber ? ` (${[shipped.carrier, shipped.trackingNumber].filter(Boolean).join(" ")})` : ""}: closed SAP Business One sales order ${doc.DocNum ?? doc.DocEntry}; no delivery was posted in B1`, data: { docEntry: doc.DocEntry } });
    doc = (await getDocument(ctx, entity, doc.DocEntry)) ?? doc;
  }
  return { doc: toDocumentRef(entity, doc, cfg), notes };
}

export async function refundOrder(ctx: ConnectorContext, order: Order, refund: Refund, parent: DocumentRef | null, _requestId: string): Promise<SyncResult> {
  const cfg = b1Config(ctx);
  const notes: SyncNote[] = [];
  const numAtCard = refundNumAtCard(order, refund, cfg.docNumberPrefix);
  const owner = marker(ctx.connection.id, order.sourceOrderId, refund.id);
  const found = await findOwned(ctx, ["CreditNotes"], numAtCard, owner);
  if (found) return { doc: toDocumentRef("CreditNotes", found.doc, cfg), notes: [{ message: `Adopted existing SAP Business One credit note ${found.doc.DocEntry} for refund ${refund.id}` }] };
  const items = await resolveItems(ctx, cfg, refund.lines.map((r) => order.lines.find((l) => l.id === r.lineId)), notes);
  const planned = refundPlan(order, refund, cfg, items);
  const settled = settle(planned.lines, refund.total, order.currency, `Refund ${refund.id} of order ${order.orderNumber}`);
  const parentDoc = parent && (SALE_ENTITIES as readonly string[]).includes(parent.kind) ? await getDocument(ctx, parent.kind, parent.id) : null;
  const cardCode = parentDoc?.CardCode ?? (await resolveCustomer(ctx, cfg, order, notes));
  const comments = `${owner} refund ${refund.id} of ${order.source} order ${order.orderNumber}${parent ? ` (${parent.kind} ${parent.id})` : ""}${refund.reason ? `: ${refund.reason}` : ""}`;
  const doc = await createDocument(ctx, "CreditNotes", documentBody({ order, cfg, cardCode, numAtCard, comments, docDate: refund.createdAt.slice(0, 10) }, settled.plan));
  return { doc: toDocumentRef("CreditNotes", doc, cfg), notes: [...notes, ...planned.notes, ...settled.notes] };
}

/** Documents changed since `since` (UpdateDate), 100 per page, Orders → Invoices → CreditNotes; the cursor is "<entity index>:<skip>". */
export async function listDocuments(ctx: ConnectorContext, since: Date, cursor: string | null): Promise<{ docs: DocumentRef[]; cursor: string | null }> {
  const cfg = b1Config(ctx);
  const entities: B1Entity[] = ["Orders", "Invoices", "CreditNotes"];
  const [e = 0, s = 0] = (cursor ?? "0:0").split(":").map(Number);
  const entity = entities[e];
  if (!entity) return { docs: [], cursor: null };
  const { rows } = await query(ctx, entity, { $filter: `UpdateDate ge ${quote(since.toISOString().slice(0, 10))}`, $orderby: "DocEntry", $top: 100, $skip: s || undefined });
  const docs = rows.map((r) => toDocumentRef(entity, r as B1Document, cfg));
  const next = rows.length === 100 ? `${e}:${s + 100}` : e + 1 < entities.length ? `${e + 1}:0` : null;
  return { docs, cursor: next };
}
