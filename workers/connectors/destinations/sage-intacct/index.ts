// Sage Intacct destination: orders become Order Entry sales transactions, refunds return transactions, over the XML gateway.
import type { ConnectorContext, DestinationConnector, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { toMinor } from "../../../../shared/model/money";
import type { Order, Refund } from "../../../../shared/model/order";
import * as api from "./api";
import { authorize, INTACCT_HOSTS, refreshAccessToken } from "./auth";
import { classify } from "./classify";
import { IntacctConfig, intacctConfig } from "./config";
import { buildOrder, buildReturn, createXml, orderRef, refundRef, updateXml } from "./mapping";
import type { SoDocumentRow } from "./schemas";
import { isCancelled } from "../../../../shared/posting/lifecycle";

function toDoc(row: SoDocumentRow, currency: string): DocumentRef {
  const cur = row.CURRENCY || currency;
  return {
    kind: row.DOCPARID ?? "Sales Order",
    id: row.DOCID,
    externalRef: row.PONUMBER,
    total: toMinor(row.TRX_TOTAL || row.TOTAL || "0", cur),
    currency: cur,
    version: row.WHENMODIFIED || undefined,
    state: row.STATE || undefined,
  };
}

async function byId(ctx: ConnectorContext, docid: string): Promise<SoDocumentRow> {
  const [row] = await api.findDocs(ctx, [["DOCID", "=", docid]]);
  if (!row) throw new ConnectorError({ kind: "retryable", vendorCode: "not_found", message: `Sage Intacct does not show transaction ${docid} yet` });
  return row;
}

function checkTotal(row: SoDocumentRow, expected: number, currency: string): void {
  const got = toMinor(row.TRX_TOTAL || row.TOTAL || "0", row.CURRENCY || currency);
  if (got !== expected) throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `Sage Intacct computed ${row.TRX_TOTAL} for ${row.DOCID}, the source total is ${expected} minor units` });
}

/** The shipment Intacct tracks on a sales transaction: tracking number and shipped date of the latest shipped fulfillment. */
function shipment(order: Order): { tracking?: string; day?: string } | null {
  const shipped = order.fulfillments.filter((f) => f.status === "shipped" || f.status === "delivered");
  const last = shipped.at(-1);
  if (!last) return null;
  return { tracking: last.trackingNumber, day: (last.updatedAt ?? order.updatedAt).slice(0, 10) };
}

function intacctDay(mmddyyyy: string): string | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})/.exec(mmddyyyy);
  return m ? `${m[3]}-${m[1]}-${m[2]}` : undefined;
}

async function upsert(ctx: ConnectorContext, order: Order, existing: DocumentRef | null, requestId: string): Promise<SyncResult> {
  const cfg = intacctConfig(ctx);
  const number = `${cfg.docNumberPrefix}${orderRef(order)}`;
  const built = buildOrder(order, cfg);
  const notes: SyncNote[] = [];
  let row: SoDocumentRow;
  if (!existing) {
    // create_sotransaction with controlid = the sync's request id: a repeat is not executed twice (uniqueid=true).
    const key = await api.write(ctx, { controlid: requestId, xml: createXml(order, built, number, cfg, order.createdAt.slice(0, 10)) });
    notes.push(...built.notes);
    row = await byId(ctx, key);
    checkTotal(row, built.total, order.currency);
  } else {
    row = await byId(ctx, existing.id);
  }
  if (row.STATE === "Closed") return { doc: toDoc(row, order.currency), notes: [...notes, { message: `Sage Intacct: ${row.DOCID} is closed; left as it is` }] };
  const change: Parameters<typeof updateXml>[3] = {};
  if (existing && toMinor(row.TRX_TOTAL || row.TOTAL || "0", row.CURRENCY || order.currency) !== built.total && order.status !== "cancelled") {
    const entries = await api.readByQuery(ctx, "SODOCUMENTENTRY", [["DOCHDRID", "=", row.DOCID]], ["RECORDNO", "LINE_NO"]);
    change.built = built;
    change.oldLines = entries.length;
    notes.push(...built.notes, { message: `Sage Intacct: ${row.DOCID} lines updated to the order's current state` });
  }
  const ship = shipment(order);
  if (ship && ((ship.tracking ?? "") !== row.TRACKINGNUMBER || intacctDay(row.SHIPPEDDATE) !== ship.day)) {
    change.tracking = ship.tracking;
    change.shippedDay = ship.day;
    notes.push({ message: `Sage Intacct: ${row.DOCID} marked shipped${ship.tracking ? ` (tracking ${ship.tracking})` : ""}` });
  }
  if (isCancelled(order)) {
    // Closing keeps the transaction for audit; Intacct has no void for sales orders [UNVERIFIED: state values Draft/Pending/Closed].
    change.state = "Closed";
    change.message = `Cancelled at the source${order.cancelReason ? `: ${order.cancelReason}` : ""}`;
    notes.push({ message: `Sage Intacct: ${row.DOCID} closed (order cancelled)` });
  }
  if (Object.keys(change).length > 0) {
    await api.write(ctx, { controlid: `${requestId}:update`, xml: updateXml(order, row.DOCID, cfg, change) });
    row = await byId(ctx, row.DOCID);
    if (change.built) checkTotal(row, built.total, order.currency);
  }
  return { doc: toDoc(row, order.currency), notes };
}

async function refund(ctx: ConnectorContext, order: Order, r: Refund, _parent: DocumentRef | null, requestId: string): Promise<SyncResult> {
  const cfg = intacctConfig(ctx);
  const number = `${cfg.docNumberPrefix}${refundRef(order, r)}`;
  const [prior] = await api.findDocs(ctx, [["DOCPARID", "=", cfg.returnTransactionDefinition], ["PONUMBER", "=", number]]);
  if (prior) return { doc: toDoc(prior, order.currency), notes: [{ message: `Sage Intacct: return ${prior.DOCID} already exists; adopted` }] };
  const built = buildReturn(order, r, cfg);
  const key = await api.write(ctx, { controlid: requestId, xml: createXml(order, built, number, cfg, r.createdAt.slice(0, 10), r.reason ? `Return: ${r.reason}` : `Refund ${r.id}`) });
  const row = await byId(ctx, key);
  checkTotal(row, built.total, order.currency);
  return { doc: toDoc(row, order.currency), notes: built.notes };
}

function mmddyyyy(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export const sageIntacct: DestinationConnector = {
  kind: "destination",
  slug: "sage-intacct",
  displayName: "Sage Intacct",
  docsUrl: "https://developer.intacct.com/web-services/",
  apiVersion: "XML gateway dtdversion 3.0",
  auth: { type: "session", loginPath: api.GATEWAY_PATH },
  hosts: INTACCT_HOSTS,
  defaultBaseUrl: "https://api.intacct.com",
  // Performance tiers set concurrent API requests; 2 is the common default (limits.md §4, Sage's tier white paper).
  rateLimit: { concurrency: 2 },
  configSchema: IntacctConfig,
  credentialKeys: ["senderId", "senderPassword", "userId", "userPassword"],
  capabilities: ["upsert", "refund", "status", "void", "list"],
  classify,
  authorize,
  refreshAccessToken,
  orderRef,
  refundRef,
  async find(ctx, ref, kind, order) {
    const cfg = intacctConfig(ctx);
    const definition = kind === "refund" ? cfg.returnTransactionDefinition : cfg.orderTransactionDefinition;
    const [row] = await api.findDocs(ctx, [["DOCPARID", "=", definition], ["PONUMBER", "=", `${cfg.docNumberPrefix}${ref}`]]);
    return row ? toDoc(row, order.currency) : null;
  },
  upsert,
  refund,
  async list(ctx, since) {
    const cfg = intacctConfig(ctx);
    const rows = await api.findDocs(ctx, [["DOCPARID", "=", cfg.orderTransactionDefinition], ["WHENMODIFIED", ">=", mmddyyyy(since)]]);
    return { docs: rows.map((r) => toDoc(r, r.CURRENCY || cfg.baseCurrency)), cursor: null };
  },
};
