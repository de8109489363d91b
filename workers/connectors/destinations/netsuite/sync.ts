// Converging NetSuite with an order: upsert by external id, status (fulfil / close), credit documents for refunds.
import type { ConnectorContext, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { Order, Refund } from "../../../../shared/model/order";
import { sha256Hex } from "../../../../shared/webhooks/signature";
import { netsuiteConfig, type NetSuiteConfig } from "./config";
import { creditRecordFor, orderPlan, planTotal, refundPlan, saleRecordFor, settle, transactionBody, type CreditRecord, type NsRecord, type SaleRecord } from "./mapping";
import { eid, getRecord, patchRecord, stateOf, toDocumentRef, transformRecord, upsertByExternalId } from "./records";
import { externalIdPart, fit, orderExternalId, refundExternalId } from "./refs";
import type { NsTransaction } from "./schemas";
import { isCancelled } from "../../../../shared/posting/lifecycle";

const SALE_RECORDS: readonly SaleRecord[] = ["salesOrder", "cashSale", "invoice"];
const CREDIT_RECORDS: readonly CreditRecord[] = ["cashRefund", "creditMemo"];

/** Reads a record by external id after a write; NetSuite answers writes with 204 and no body. */
async function readBack(ctx: ConnectorContext, type: NsRecord, externalId: string): Promise<NsTransaction> {
  const rec = await getRecord(ctx, type, eid(externalId));
  if (!rec) throw new ConnectorError({ kind: "retryable", vendorCode: "read_back", message: `NetSuite accepted ${type} ${externalId} but does not return it yet` });
  return rec;
}

/** `ref` is orderRef/refundRef (no prefix); the connection's docNumberPrefix goes in front of it, as in upsert. */
export async function findDocument(ctx: ConnectorContext, ref: string, kind: "order" | "refund", order: Order): Promise<DocumentRef | null> {
  const cfg = netsuiteConfig(ctx);
  const externalId = `${externalIdPart(cfg.docNumberPrefix)}${ref}`;
  const first = saleRecordFor(order, cfg);
  const types: readonly NsRecord[] = kind === "order" ? [first, ...SALE_RECORDS.filter((t) => t !== first)] : CREDIT_RECORDS;
  for (const type of types) {
    const rec = await getRecord(ctx, type, eid(externalId));
    if (rec) return toDocumentRef(type, rec, cfg, order.currency);
  }
  return null;
}

/**
 * The customer: walk-in sales post to the walk-in customer; a named customer with an email is upserted by an
 * external id derived from the email (same body shape as ../shared/specs/netsuite/rest_create_customer_with_externalId.request.json).
 */
async function customerFor(ctx: ConnectorContext, cfg: NetSuiteConfig, order: Order): Promise<string> {
  const email = order.customer?.email?.trim().toLowerCase();
  if (!email || !cfg.customers.createMissing) return cfg.customers.walkIn;
  const externalId = `om-customer-${(await sha256Hex(email)).slice(0, 32)}`;
  const name = (order.customer?.name ?? email).trim();
  const space = name.lastIndexOf(" ");
  const body = {
    externalId,
    isPerson: true,
    firstName: fit(space > 0 ? name.slice(0, space) : name, 32),
    lastName: fit(space > 0 ? name.slice(space + 1) : "-", 32),
    email: fit(email, 254),
    subsidiary: { id: cfg.subsidiary },
  };
  const id = await upsertByExternalId(ctx, "customer", externalId, body);
  if (id && !id.startsWith("eid:")) return id;
  const rec = await getRecord(ctx, "customer", eid(externalId));
  if (!rec) throw new ConnectorError({ kind: "retryable", vendorCode: "read_back", message: `NetSuite customer ${externalId} is not readable yet` });
  return rec.id;
}

const SHIPPED = new Set(["shipped", "delivered", "completed"]);
const OPEN_ORDER = new Set(["open", "partially_shipped"]);

/** Sales orders: shipped → an item fulfillment (status C "Shipped"); cancelled → every line closed. */
async function convergeStatus(ctx: ConnectorContext, order: Order, rec: NsTransaction, notes: SyncNote[]): Promise<boolean> {
  const state = stateOf("salesOrder", rec);
  if (isCancelled(order)) {
    if (state === "closed" || state === "cancelled") return false;
    const lines = rec.item?.items ?? [];
    // https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/chapter_1545142407.html (update lines by their key `line`)
    await patchRecord(ctx, "salesOrder", rec.id, { item: { items: lines.filter((l) => l.line !== undefined).map((l) => ({ line: l.line, isClosed: true })) } });
    notes.push({ message: `Order cancelled: closed every line of NetSuite sales order ${rec.tranId ?? rec.id}`, data: { id: rec.id } });
    return true;
  }
  if (SHIPPED.has(order.status) || order.fulfillmentStatus === "shipped" || order.fulfillmentStatus === "delivered") {
    if (!OPEN_ORDER.has(state)) return false;
    const shipped = [...order.fulfillments].reverse().find((f) => f.status === "shipped" || f.status === "delivered");
    const tracking = shipped ? [shipped.carrier, shipped.trackingNumber].filter(Boolean).join(" ") : "";
    const id = await transformRecord(ctx, "salesOrder", rec.id, "itemFulfillment", {
      shipStatus: { id: "C" },
      ...(tracking ? { memo: fit(`Tracking: ${tracking}`, 999) } : {}),
    });
    notes.push({ message: `Order shipped: created NetSuite item fulfillment ${id ?? ""} from sales order ${rec.tranId ?? rec.id}${tracking ? ` (${tracking})` : ""}`.replace("  ", " "), data: { id: rec.id, fulfillment: id } });
    return true;
  }
  return false;
}

export async function upsertOrder(ctx: ConnectorContext, order: Order, existing: DocumentRef | null, _requestId: string): Promise<SyncResult> {
  const cfg = netsuiteConfig(ctx);
  const notes: SyncNote[] = [];
  const externalId = orderExternalId(order, cfg.docNumberPrefix);
  // An existing document keeps its record type even if the posting profile would choose another today.
  const type: SaleRecord = (existing && (SALE_RECORDS as readonly string[]).includes(existing.kind) ? existing.kind : saleRecordFor(order, cfg)) as SaleRecord;
  let current = existing ? await getRecord(ctx, type, existing.id) : await getRecord(ctx, type, eid(externalId));
  const settled = settle(orderPlan(order, cfg), order.totals.total, order.currency, cfg, `Order ${order.orderNumber}`);
  // A sales order can be edited until it is fulfilled or closed; cash sales and invoices until they are reversed.
  const editable = !current || type !== "salesOrder" || stateOf(type, current) === "open";
  const unchanged = current !== null && current.total !== undefined && toDocumentRef(type, current, cfg, order.currency).total === planTotal(settled.plan);
  if (editable && !(current && isCancelled(order)) && !unchanged) {
    const customerId = current?.entity?.id ?? (await customerFor(ctx, cfg, order));
    const body = transactionBody(
      { externalId, otherRef: `${cfg.docNumberPrefix}${order.orderNumber}`, tranDate: order.createdAt.slice(0, 10), customerId, order, cfg, memo: `${order.source} order ${order.orderNumber}` },
      settled.plan,
      type === "salesOrder" && !current ? { orderStatus: { id: "B" } } : {},
    );
    if (current) {
      await patchRecord(ctx, type, current.id, body, ["item", "taxDetails"]);
      notes.push({ message: `Updated NetSuite ${type} ${current.tranId ?? current.id} to the order's current lines`, data: { id: current.id } });
    } else {
      await upsertByExternalId(ctx, type, externalId, body);
    }
    notes.push(...settled.notes);
    current = await readBack(ctx, type, externalId);
  } else if (!editable && !unchanged && current) {
    notes.push({ message: `NetSuite ${type} ${current.tranId ?? current.id} is ${stateOf(type, current)}; its lines were left as they are`, data: { id: current.id } });
  }
  if (!current) current = await readBack(ctx, type, externalId);
  if (type === "salesOrder" && (await convergeStatus(ctx, order, current, notes))) current = await readBack(ctx, type, externalId);
  if (type !== "salesOrder" && isCancelled(order) && order.refunds.length === 0 && existing?.state !== "cancelled") {
    // REST record actions offer no void for cash sales and invoices; the refund's credit document reverses them.
    notes.push({ message: `Order cancelled: NetSuite ${type} ${current.tranId ?? current.id} stays as posted until the refund's ${creditRecordFor(type)} reverses it`, data: { id: current.id } });
  }
  return { doc: toDocumentRef(type, current, cfg, order.currency), notes };
}

export async function refundOrder(ctx: ConnectorContext, order: Order, refund: Refund, parent: DocumentRef | null, _requestId: string): Promise<SyncResult> {
  const cfg = netsuiteConfig(ctx);
  const type = creditRecordFor(parent?.kind);
  const externalId = refundExternalId(order, refund, cfg.docNumberPrefix);
  const planned = refundPlan(order, refund, cfg);
  const settled = settle(planned.lines, refund.total, order.currency, cfg, `Refund ${refund.id} of order ${order.orderNumber}`);
  const customerId = (parent && (await getRecord(ctx, parent.kind, parent.id))?.entity?.id) ?? (await customerFor(ctx, cfg, order));
  const createdFrom = parent && ((type === "cashRefund" && parent.kind === "cashSale") || (type === "creditMemo" && parent.kind === "invoice")) ? { createdFrom: { id: parent.id } } : {};
  const body = transactionBody(
    { externalId, otherRef: `${cfg.docNumberPrefix}${order.orderNumber} R${refund.id}`, tranDate: refund.createdAt.slice(0, 10), customerId, order, cfg, memo: `Refund ${refund.id} of ${order.source} order ${order.orderNumber}${refund.reason ? `: ${refund.reason}` : ""}` },
    settled.plan,
    createdFrom,
  );
  await upsertByExternalId(ctx, type, externalId, body);
  const rec = await readBack(ctx, type, externalId);
  return { doc: toDocumentRef(type, rec, cfg, order.currency), notes: [...planned.notes, ...settled.notes] };
}
