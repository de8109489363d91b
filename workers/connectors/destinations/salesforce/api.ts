// Salesforce REST calls: SOQL queries, one composite graph per change (all or nothing), record reads.
import type { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { SfConfig } from "./config";
import { GraphResponse, QueryResult } from "./schemas";

export const dataPath = (cfg: SfConfig, rest: string) => `/services/data/${cfg.apiVersion}/${rest}`;

/** A SOQL string literal: backslash and single quote escaped (SOQL reference, "Quoted String Escape Sequences"). */
export function soql(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm
export async function query<T extends z.ZodType>(ctx: ConnectorContext, cfg: SfConfig, q: string, row: T): Promise<z.infer<T>[]> {
  const out: z.infer<T>[] = [];
  let res = await ctx.http.send({ method: "GET", url: dataPath(cfg, "query"), query: { q }, headers: { accept: "application/json" } });
  for (;;) {
    const page = QueryResult.safeParse(res.json());
    if (!page.success) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: "Salesforce query answer did not parse", body: res.text });
    for (const r of page.data.records) {
      const parsed = row.safeParse(r);
      if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: `Salesforce record did not parse: ${parsed.error.issues[0]?.message ?? ""}`, body: JSON.stringify(r) });
      out.push(parsed.data);
    }
    if (page.data.done || !page.data.nextRecordsUrl) return out;
    res = await ctx.http.send({ method: "GET", url: page.data.nextRecordsUrl, headers: { accept: "application/json" } });
  }
}

export interface GraphNode {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Relative to /services/data/<version>/ (e.g. "sobjects/Order/External_Order_Id__c/1001"). */
  url: string;
  referenceId: string;
  body?: Record<string, unknown>;
}

/**
 * One composite graph: the nodes run in order in one transaction, so either every write lands or none does; later
 * nodes refer to earlier ones with `@{referenceId.id}`. Answers each node's body by referenceId.
 */
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_graph.htm
export async function graph(ctx: ConnectorContext, cfg: SfConfig, graphId: string, nodes: GraphNode[]): Promise<Map<string, unknown>> {
  const res = await ctx.http.send({
    method: "POST",
    url: dataPath(cfg, "composite/graph"),
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ graphs: [{ graphId, compositeRequest: nodes.map((n) => ({ ...n, url: dataPath(cfg, n.url) })) }] }),
  });
  const parsed = GraphResponse.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: "Salesforce composite graph answer did not parse", body: res.text });
  return new Map(parsed.data.graphs.flatMap((g) => g.graphResponse.compositeResponse.map((n) => [n.referenceId, n.body] as const)));
}

// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_get_field_values.htm
export async function getRecord<T extends z.ZodType>(ctx: ConnectorContext, cfg: SfConfig, type: string, id: string, fields: string[], row: T): Promise<z.infer<T>> {
  const res = await ctx.http.send({ method: "GET", url: dataPath(cfg, `sobjects/${type}/${encodeURIComponent(id)}`), query: { fields: fields.join(",") }, headers: { accept: "application/json" } });
  const parsed = row.safeParse(res.json());
  if (!parsed.success) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: `Salesforce ${type} did not parse`, body: res.text });
  return parsed.data;
}
