// OData V2 calls to API_SALES_ORDER_SRV and API_CREDIT_MEMO_REQUEST_SRV: query, read with ETag, deep create, update.
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { classify } from "./classify";
import { Many, Single, type SdDocument } from "./schemas";

export const SALES_ORDER_SERVICE = "/sap/opu/odata/sap/API_SALES_ORDER_SRV";
export const CREDIT_MEMO_SERVICE = "/sap/opu/odata/sap/API_CREDIT_MEMO_REQUEST_SRV";

export type Rec = Record<string, unknown>;

/** An OData string literal: single quotes, an apostrophe doubled. */
export function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** Query options in the URL with %20 for spaces, as OData readers expect. */
function options(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries({ ...params, $format: "json" })
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return `?${parts.join("&")}`;
}

function parseSingle(text: string, what: string): SdDocument {
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // reported below
  }
  const parsed = Single.safeParse(json);
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "entity_response", message: `S/4HANA ${what} answer did not parse`, body: text });
  return parsed.data.d;
}

// https://api.sap.com/api/API_SALES_ORDER_SRV/resource (GET /A_SalesOrder with $filter, $select, $top, $skip, $inlinecount)
export async function query(ctx: ConnectorContext, service: string, set: string, params: Record<string, string | number | undefined>): Promise<{ rows: SdDocument[]; count?: number }> {
  const res = await ctx.http.send({ method: "GET", url: `${service}/${set}${options(params)}` });
  const parsed = Many.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "collection_response", message: `S/4HANA ${set} query answer did not parse`, body: res.text });
  return { rows: parsed.data.d.results, count: parsed.data.d.__count === undefined ? undefined : Number(parsed.data.d.__count) };
}

/** One document with items and pricing elements; its ETag from the ETag header or __metadata.etag. Null on 404. */
export async function read(ctx: ConnectorContext, service: string, set: string, key: string): Promise<{ doc: SdDocument; etag?: string } | null> {
  const res = await ctx.http.raw({ method: "GET", url: `${service}/${set}(${encodeURIComponent(quote(key))})${options({ $expand: "to_Item/to_PricingElement" })}` });
  if (res.status === 404) return null;
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  const doc = parseSingle(res.text, set);
  return { doc, etag: res.headers.get("etag") ?? doc.__metadata?.etag };
}

/** Deep insert: header with `to_Item`, each item with `to_PricingElement` → 201 `{"d":{…}}`. */
// https://api.sap.com/api/API_SALES_ORDER_SRV/resource (POST /A_SalesOrder, "Create sales order with items")
export async function create(ctx: ConnectorContext, service: string, set: string, body: Rec): Promise<SdDocument> {
  const res = await ctx.http.send({ method: "POST", url: `${service}/${set}`, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return parseSingle(res.text, set);
}

/**
 * PATCH (MERGE semantics in V2) of an entity; `ifMatch` is the ETag read with it — a stale one answers 412, and the
 * caller re-reads. Returns the new ETag when the server sends one.
 */
export async function update(ctx: ConnectorContext, path: string, body: Rec, ifMatch?: string): Promise<string | undefined> {
  const res = await ctx.http.send({ method: "PATCH", url: path, headers: { "content-type": "application/json", ...(ifMatch ? { "if-match": ifMatch } : {}) }, body: JSON.stringify(body) });
  return res.headers.get("etag") ?? undefined;
}
