// Service Layer calls (OData v3-style /b1s/v1): query, read, create, patch and document actions.
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { classify } from "./classify";
import { quote } from "./refs";
import { B1Document, Collection } from "./schemas";
import type { Rec } from "./mapping";

export const SL = "/b1s/v1";

/** `$filter`/`$select` go into the URL with %20 for spaces (not "+"), as OData readers expect. */
function odataQuery(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

// https://help.sap.com/doc/fc2f5477516c404c8bf9ad1315a17238/10.0/en-US/Working_with_SAP_Business_One_Service_Layer.pdf (Query options: $filter, $select, $top, $skip, $orderby)
export async function query(ctx: ConnectorContext, entity: string, params: Record<string, string | number | undefined>): Promise<{ rows: Rec[]; next?: string }> {
  const res = await ctx.http.send({ method: "GET", url: `${SL}/${entity}${odataQuery(params)}` });
  const parsed = Collection.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "collection_response", message: `SAP Business One ${entity} query answer did not parse`, body: res.text });
  return { rows: parsed.data.value, next: parsed.data["odata.nextLink"] };
}

/** `GET /Orders(<DocEntry>)`; null on 404 (-2028 "No matching records found"). */
export async function getDocument(ctx: ConnectorContext, entity: string, docEntry: string | number): Promise<B1Document | null> {
  const res = await ctx.http.raw({ method: "GET", url: `${SL}/${entity}(${docEntry})` });
  if (res.status === 404) return null;
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  return parseDocument(res.text, entity);
}

function parseDocument(text: string, entity: string): B1Document {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = B1Document.safeParse(json);
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "document_response", message: `SAP Business One ${entity} answer did not parse`, body: text });
  return parsed.data;
}

/** `POST /Orders` → 201 with the whole document (DocEntry, DocNum, DocTotal …). */
export async function createDocument(ctx: ConnectorContext, entity: string, body: Rec): Promise<B1Document> {
  const res = await ctx.http.send({ method: "POST", url: `${SL}/${entity}`, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return parseDocument(res.text, entity);
}

export async function createEntity(ctx: ConnectorContext, entity: string, body: Rec): Promise<Rec> {
  const res = await ctx.http.send({ method: "POST", url: `${SL}/${entity}`, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return res.json<Rec>();
}

/** A master-data record by its code (`Items('A00001')`); null when it does not exist. */
export async function getByCode(ctx: ConnectorContext, entity: string, code: string): Promise<Rec | null> {
  const res = await ctx.http.raw({ method: "GET", url: `${SL}/${entity}(${encodeURIComponent(quote(code))})` });
  if (res.status === 404) return null;
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  return res.json<Rec>();
}

/**
 * `PATCH /Orders(<DocEntry>)` → 204: a differential update; with B1S-ReplaceCollectionsOnPatch the DocumentLines sent
 * replace the document's lines instead of merging by LineNum [UNVERIFIED header semantics, destinations.md §2].
 */
export async function patchDocument(ctx: ConnectorContext, entity: string, docEntry: string | number, body: Rec, replaceCollections = false): Promise<void> {
  await ctx.http.send({
    method: "PATCH",
    url: `${SL}/${entity}(${docEntry})`,
    headers: { "content-type": "application/json", ...(replaceCollections ? { "B1S-ReplaceCollectionsOnPatch": "true" } : {}) },
    body: JSON.stringify(body),
  });
}

/** Document actions `POST /Orders(<DocEntry>)/Close` and `/Cancel` → 204 [UNVERIFIED, destinations.md §2]. */
export async function documentAction(ctx: ConnectorContext, entity: string, docEntry: string | number, action: "Close" | "Cancel"): Promise<void> {
  await ctx.http.send({ method: "POST", url: `${SL}/${entity}(${docEntry})/${action}` });
}
