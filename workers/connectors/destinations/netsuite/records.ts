// NetSuite REST record calls: read, upsert by external id, patch, transform; and records as DocumentRefs.
import type { ConnectorContext, DocumentRef } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { toMinor } from "../../../../shared/model/money";
import { classify } from "./classify";
import type { NetSuiteConfig } from "./config";
import type { NsRecord, Rec } from "./mapping";
import { NsTransaction } from "./schemas";

export const RECORD_BASE = "/services/rest/record/v1";

function recordPath(type: string, id: string): string {
  return `${RECORD_BASE}/${type}/${id}`;
}

/** `eid:<external id>` addresses a record by external id wherever an internal id is accepted (NS section_156334828635). */
export function eid(externalId: string): string {
  return `eid:${externalId}`;
}

// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1545141947.html (Format of Sublists and
// Subrecords: expandSubResources=true returns sublists such as `item` inline)
export async function getRecord(ctx: ConnectorContext, type: string, id: string): Promise<NsTransaction | null> {
  const res = await ctx.http.raw({ method: "GET", url: recordPath(type, id), query: { expandSubResources: "true" } });
  if (res.status === 404) return null;
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  const parsed = NsTransaction.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "record_response", message: `NetSuite ${type} ${id} did not parse`, body: res.text });
  return parsed.data;
}

/** The internal id a 204 names in its Location header (`…/record/v1/<type>/<id>`). */
function idFromLocation(location: string | null): string | undefined {
  const m = /\/([^/]+)$/.exec(location ?? "");
  return m?.[1];
}

/**
 * Upsert: `PUT …/<type>/eid:<externalId>` creates the record or updates the one holding that external id — the same
 * request twice leaves one record (NS section_156335203191 "Using the Upsert Operation"). Answers 204 + Location.
 */
export async function upsertByExternalId(ctx: ConnectorContext, type: string, externalId: string, body: Rec): Promise<string | undefined> {
  const res = await ctx.http.send({ method: "PUT", url: recordPath(type, eid(externalId)), headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return idFromLocation(res.headers.get("location"));
}

// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/chapter_1545142407.html (Working with Sublists: PATCH
// updates lines by key; `?replace=item` replaces the whole sublist with the lines sent)
export async function patchRecord(ctx: ConnectorContext, type: string, id: string, body: Rec, replace?: string[]): Promise<void> {
  await ctx.http.send({
    method: "PATCH",
    url: recordPath(type, id),
    query: replace?.length ? { replace: replace.join(",") } : undefined,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157901123882.html (Transforming Records:
// POST …/salesOrder/<id>/!transform/itemFulfillment → 204 + Location)
export async function transformRecord(ctx: ConnectorContext, fromType: string, id: string, toType: string, body: Rec): Promise<string | undefined> {
  const res = await ctx.http.send({ method: "POST", url: `${recordPath(fromType, id)}/!transform/${toType}`, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return idFromLocation(res.headers.get("location"));
}

/** Sales order status ids (orderStatus): A pending approval … H closed. */
const ORDER_STATES: Record<string, string> = { A: "open", B: "open", C: "cancelled", D: "partially_shipped", E: "partially_shipped", F: "shipped", G: "billed", H: "closed" };

export function stateOf(type: NsRecord, rec: NsTransaction): string {
  if (type === "salesOrder") return ORDER_STATES[rec.orderStatus?.id ?? "B"] ?? "open";
  if (type === "cashSale") return "paid";
  if (type === "cashRefund") return "refunded";
  const status = (rec.status?.id ?? rec.status?.refName ?? "open").toLowerCase();
  return status.includes("paid") || status.includes("applied") ? "closed" : "open";
}

export function currencyOf(rec: NsTransaction, cfg: NetSuiteConfig, fallback: string): string {
  const id = rec.currency?.id;
  return (id && Object.entries(cfg.currencies).find(([, v]) => v === id)?.[0]) || fallback;
}

export function toDocumentRef(type: NsRecord, rec: NsTransaction, cfg: NetSuiteConfig, fallbackCurrency: string): DocumentRef {
  const currency = currencyOf(rec, cfg, fallbackCurrency);
  return {
    kind: type,
    id: rec.id,
    // The order number as written on the document (otherRefNum); the external id is what find() looks up.
    externalRef: rec.otherRefNum ?? rec.externalId ?? "",
    total: toMinor(rec.total ?? 0, currency),
    currency,
    version: rec.lastModifiedDate,
    state: stateOf(type, rec),
  };
}
