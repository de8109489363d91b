// The Intacct XML gateway: one envelope per call (sender credentials, session placeholder, function controlids).
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { ResponseDoc, SoDocumentRow, type Result } from "./schemas";
import { el, parseXml } from "./xml";
import { z } from "zod";

/** https://developer.intacct.com/web-services/ — "POST https://api.intacct.com/ia/xml/xmlgw.phtml". */
export const GATEWAY_PATH = "/ia/xml/xmlgw.phtml";
/** function/@controlid is at most 256 characters (api.v3.0.xsd). */
const CONTROLID_MAX = 256;

/** Replaced by the session (authorize) or a login block (getAPISession). */
export const AUTH_PLACEHOLDER = "<authentication/>";

export interface Fn {
  controlid: string;
  xml: string;
}

/**
 * The request envelope (api.v3.0.xsd: request → control → operation → authentication → content → function).
 * uniqueid=true makes the gateway refuse to execute a function controlid twice (developer.intacct.com/web-services/requests/).
 */
export function envelope(ctx: ConnectorContext, fns: Fn[], auth = AUTH_PLACEHOLDER, uniqueid = true): string {
  const { senderId, senderPassword } = ctx.connection.credentials;
  if (!senderId || !senderPassword) throw new ConnectorError({ kind: "auth", vendorCode: "missing_credentials", message: "Sage Intacct connection lacks senderId or senderPassword" });
  for (const f of fns) if (f.controlid.length > CONTROLID_MAX) throw new Error(`controlid longer than ${CONTROLID_MAX}`);
  return `<?xml version="1.0" encoding="UTF-8"?>${el("request", [
    el("control", [el("senderid", senderId), el("password", senderPassword), el("controlid", fns[0]?.controlid ?? crypto.randomUUID()), el("uniqueid", String(uniqueid)), el("dtdversion", "3.0"), el("includewhitespace", "false")]),
    el("operation", [auth, el("content", fns.map((f) => `<function controlid="${f.controlid.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;")}">${f.xml}</function>`))], { transaction: "false" }),
  ])}`;
}

/** Sends functions in one request; the classifier has already turned every failure into a ConnectorError. */
export async function call(ctx: ConnectorContext, fns: Fn[]): Promise<Result[]> {
  const res = await ctx.http.send({ method: "POST", url: GATEWAY_PATH, headers: { "content-type": "application/xml", accept: "application/xml" }, body: envelope(ctx, fns) });
  const doc = ResponseDoc.parse(parseXml(res.text));
  return (doc.response.operation ?? []).flatMap((o) => o.result ?? []);
}

function quoted(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

// https://developer.intacct.com/web-services/queries/ (readByQuery: object, fields, query, pagesize)
export async function readByQuery(ctx: ConnectorContext, object: "SODOCUMENT" | "SODOCUMENTENTRY", where: Array<[string, string, string]>, fields: string[], controlid = crypto.randomUUID()): Promise<Array<Record<string, unknown>>> {
  const query = where.map(([f, op, v]) => `${f} ${op} ${quoted(v)}`).join(" AND ");
  const [r] = await call(ctx, [{ controlid, xml: el("readByQuery", [el("object", object), el("fields", fields.join(",")), el("query", query), el("pagesize", "1000")]) }]);
  const data = r?.data;
  if (!data || typeof data === "string") return [];
  const rows = (data as Record<string, unknown>)[object.toLowerCase()];
  return Array.isArray(rows) ? (rows as Array<Record<string, unknown>>) : [];
}

export const DOC_FIELDS = ["RECORDNO", "DOCID", "DOCPARID", "STATE", "PONUMBER", "CURRENCY", "TOTAL", "TRX_TOTAL", "TRACKINGNUMBER", "SHIPPEDDATE", "WHENMODIFIED"];

export async function findDocs(ctx: ConnectorContext, where: Array<[string, string, string]>): Promise<SoDocumentRow[]> {
  return z.array(SoDocumentRow).parse(await readByQuery(ctx, "SODOCUMENT", where, DOC_FIELDS));
}

/** Runs one write function and answers its key ("Sales Order-SO0042"). */
export async function write(ctx: ConnectorContext, fn: Fn): Promise<string> {
  const [r] = await call(ctx, [fn]);
  if (!r?.key) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: "Sage Intacct answered no key for the transaction" });
  return r.key;
}
