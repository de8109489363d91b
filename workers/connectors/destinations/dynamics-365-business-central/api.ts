// Business Central API v2.0 calls: company-scoped paths, OData filters, reads, deep-insert creates, ETag-guarded writes.
import type { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { classify } from "./classify";
import type { BcConfig } from "./config";
import { Collection } from "./schemas";

/** `…/v2.0/<tenant>/<environment>/api/v2.0/companies(<id>)/<rest>` (API endpoint reference, "businesscentralPrefix"). */
export function companyPath(cfg: BcConfig, rest: string): string {
  return `/v2.0/${encodeURIComponent(cfg.tenantId)}/${encodeURIComponent(cfg.environment)}/api/v2.0/companies(${cfg.companyId})/${rest}`;
}

/** An OData string literal: single quotes, an apostrophe doubled. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function parse<T extends z.ZodType>(res: HttpResponse, schema: T, what: string): z.infer<T> {
  let json: unknown;
  try {
    json = res.json();
  } catch {
    json = null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: `Business Central ${what} answer did not parse: ${parsed.error.issues[0]?.message ?? ""}`, body: res.text });
  return parsed.data;
}

// https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_salesorder_get
export async function list<T extends z.ZodType>(ctx: ConnectorContext, cfg: BcConfig, entitySet: string, filter: string, item: T, expand?: string): Promise<z.infer<T>[]> {
  const res = await ctx.http.send({ method: "GET", url: companyPath(cfg, entitySet), query: { $filter: filter, $expand: expand }, headers: { accept: "application/json" } });
  return parse(res, Collection(item), entitySet).value as z.infer<T>[];
}

/** One entity by id; null when BC answers 404 (deleted, or posted and gone from the unposted set). */
export async function read<T extends z.ZodType>(ctx: ConnectorContext, cfg: BcConfig, entityPath: string, item: T, expand?: string): Promise<z.infer<T> | null> {
  const res = await ctx.http.raw({ method: "GET", url: companyPath(cfg, entityPath), query: { $expand: expand }, headers: { accept: "application/json" } });
  if (res.status === 404) return null;
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  return parse(res, item, entityPath);
}

// https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_salesorder_create
export async function create<T extends z.ZodType>(ctx: ConnectorContext, cfg: BcConfig, entitySet: string, body: unknown, item: T, expand?: string): Promise<z.infer<T>> {
  const res = await ctx.http.send({
    method: "POST",
    url: companyPath(cfg, entitySet),
    query: { $expand: expand },
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
  return parse(res, item, entitySet);
}

/** PATCH with the record's @odata.etag: BC refuses an update without one (BadRequest_InvalidToken) or with a stale one (409). */
// https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_salesorder_update
export async function update<T extends z.ZodType>(ctx: ConnectorContext, cfg: BcConfig, entityPath: string, etag: string, body: unknown, item: T): Promise<z.infer<T>> {
  const res = await ctx.http.send({
    method: "PATCH",
    url: companyPath(cfg, entityPath),
    headers: { "content-type": "application/json", accept: "application/json", "if-match": etag },
    body: JSON.stringify(body),
  });
  return parse(res, item, entityPath);
}

// https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/api/dynamics_salesorder_delete
export async function remove(ctx: ConnectorContext, cfg: BcConfig, entityPath: string, etag: string): Promise<void> {
  await ctx.http.send({ method: "DELETE", url: companyPath(cfg, entityPath), headers: { "if-match": etag } });
}

/** A bound action (`…/salesOrders({id})/Microsoft.NAV.shipAndInvoice`): 204 No Content. */
// https://learn.microsoft.com/en-us/dynamics365/business-central/dev-itpro/api-reference/v2.0/resources/dynamics_salesorder#bound-actions
export async function action(ctx: ConnectorContext, cfg: BcConfig, entityPath: string, name: string, etag?: string): Promise<void> {
  await ctx.http.send({ method: "POST", url: companyPath(cfg, `${entityPath}/Microsoft.NAV.${name}`), headers: etag ? { "if-match": etag } : {} });
}
