// QBO v3 calls: query, read and write, each with minorversion=75 and (writes) a requestid for idempotent replay.
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { QboConfig } from "./config";
import { EntityResponse, QueryResponse } from "./schemas";

/** Pinned: from 2025-08-01 minor versions 1–74 are ignored (Intuit blog 2025-01-21). */
export const MINOR_VERSION = "75";

export type Rec = Record<string, unknown>;
export type TxnEntity = "SalesReceipt" | "Invoice" | "RefundReceipt" | "CreditMemo" | "Payment";

function companyPath(cfg: QboConfig, rest: string): string {
  return `/v3/company/${encodeURIComponent(cfg.realmId)}/${rest}`;
}

/** A string literal for the query language: single quotes, apostrophes escaped with a backslash. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

// https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
export async function query(ctx: ConnectorContext, cfg: QboConfig, entity: string, where: string, page = { start: 1, max: 1000 }): Promise<Rec[]> {
  const q = `select * from ${entity}${where ? ` where ${where}` : ""} STARTPOSITION ${page.start} MAXRESULTS ${page.max}`;
  const res = await ctx.http.send({ method: "GET", url: companyPath(cfg, "query"), query: { query: q, minorversion: MINOR_VERSION } });
  const parsed = QueryResponse.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", message: `QuickBooks query answer did not parse (${entity})`, vendorCode: "query_response", body: res.text });
  const rows = parsed.data.QueryResponse[entity];
  return Array.isArray(rows) ? (rows as Rec[]) : [];
}

// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/salesreceipt#read-a-salesreceipt
export async function read(ctx: ConnectorContext, cfg: QboConfig, entity: string, id: string): Promise<Rec> {
  const res = await ctx.http.send({ method: "GET", url: companyPath(cfg, `${entity.toLowerCase()}/${encodeURIComponent(id)}`), query: { minorversion: MINOR_VERSION } });
  return unwrap(res.json(), entity, res.text);
}

/**
 * Create (no Id), sparse update (Id + SyncToken + sparse) or `operation=void`.
 * `requestid` makes a retried write return the original answer instead of running twice (Intuit blog 2015-04-06).
 */
// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/salesreceipt#create-a-salesreceipt
export async function write(ctx: ConnectorContext, cfg: QboConfig, entity: string, body: Rec, requestId: string, operation?: "void"): Promise<Rec> {
  const res = await ctx.http.send({
    method: "POST",
    url: companyPath(cfg, entity.toLowerCase()),
    query: { minorversion: MINOR_VERSION, requestid: requestId, operation },
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return unwrap(res.json(), entity, res.text);
}

function unwrap(json: unknown, entity: string, text: string): Rec {
  const parsed = EntityResponse.safeParse(json);
  const rec = parsed.success ? parsed.data[entity] : undefined;
  if (!rec || typeof rec !== "object") throw new ConnectorError({ kind: "retryable", message: `QuickBooks answer holds no ${entity}`, vendorCode: "entity_response", body: text });
  return rec as Rec;
}

/**
 * The requestid for one write of a sync: the sync's own id for its main document, a hash of it and the purpose for
 * auxiliary writes (items, customers, payments, retries) — each distinct, each stable across redeliveries, ≤ 50 chars.
 */
export async function requestIdFor(base: string, purpose: string): Promise<string> {
  if (purpose === "" && base.length <= 50) return base;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${base}|${purpose}`));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("").slice(0, 40);
}
