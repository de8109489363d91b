// F&O OData calls on data entities under /data: cross-company queries, entity keys, creates, PATCH and DELETE by key.
import type { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { HttpResponse } from "../../../../shared/connector/http";
import { classify } from "./classify";
import { Collection } from "./schemas";

/** An OData string literal: single quotes, an apostrophe doubled. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `dataAreaId='usmf',SalesOrderNumber='000123'` — F&O keys always name the legal entity. */
export function entityKey(parts: Record<string, string>): string {
  return Object.entries(parts).map(([k, v]) => `${k}=${literal(v)}`).join(",");
}

function parse<T extends z.ZodType>(res: HttpResponse, schema: T, what: string): z.infer<T> {
  let json: unknown;
  try {
    json = res.json();
  } catch {
    json = null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: `Finance & Operations ${what} answer did not parse: ${parsed.error.issues[0]?.message ?? ""}`, body: res.text });
  return parsed.data;
}

const JSON_HEADERS = { "content-type": "application/json", accept: "application/json", "odata-version": "4.0" };

/** A filtered query across legal entities (the filter names dataAreaId), as F&O needs for any company but the user's default. */
// https://learn.microsoft.com/en-us/dynamics365/fin-ops-core/dev-itpro/data-entities/odata#cross-company-behavior
export async function query<T extends z.ZodType>(ctx: ConnectorContext, entitySet: string, filter: string, item: T): Promise<z.infer<T>[]> {
  const res = await ctx.http.send({ method: "GET", url: `/data/${entitySet}`, query: { "cross-company": "true", $filter: filter }, headers: { accept: "application/json" } });
  return parse(res, Collection(item), entitySet).value as z.infer<T>[];
}

/** One record by key; null on 404. */
export async function read<T extends z.ZodType>(ctx: ConnectorContext, entitySet: string, key: string, item: T): Promise<z.infer<T> | null> {
  const res = await ctx.http.raw({ method: "GET", url: `/data/${entitySet}(${key})`, query: { "cross-company": "true" }, headers: { accept: "application/json" } });
  if (res.status === 404) return null;
  const problem = classify(res);
  if (problem) throw new ConnectorError(problem);
  return parse(res, item, entitySet);
}

// https://learn.microsoft.com/en-us/dynamics365/fin-ops-core/dev-itpro/data-entities/odata (POST creates a record; 201 + entity)
export async function create<T extends z.ZodType>(ctx: ConnectorContext, entitySet: string, body: unknown, item: T): Promise<z.infer<T>> {
  const res = await ctx.http.send({ method: "POST", url: `/data/${entitySet}`, headers: JSON_HEADERS, body: JSON.stringify(body) });
  return parse(res, item, entitySet);
}

/** PATCH by key (204); with the record's @odata.etag so a concurrent edit in F&O is not overwritten (412). */
export async function update(ctx: ConnectorContext, entitySet: string, key: string, body: unknown, etag?: string): Promise<void> {
  await ctx.http.send({ method: "PATCH", url: `/data/${entitySet}(${key})`, headers: { ...JSON_HEADERS, ...(etag ? { "if-match": etag } : {}) }, body: JSON.stringify(body) });
}

export async function remove(ctx: ConnectorContext, entitySet: string, key: string): Promise<void> {
  await ctx.http.send({ method: "DELETE", url: `/data/${entitySet}(${key})`, headers: { accept: "application/json" } });
}
