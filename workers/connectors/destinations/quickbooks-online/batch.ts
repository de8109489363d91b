// QBO's batch endpoint as a transport: which single requests may share one, the IntuitBatchRequest body, and its split.
// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/batch
import type { BatchableRequest, BatchTransport } from "../../../../shared/connector/contract";
import { successJson, type HttpRequest, type HttpResponse } from "../../../../shared/connector/http";
import { sha256Hex } from "../../../../shared/webhooks/signature";
import { BatchResponse, type FaultBody } from "./schemas";

/**
 * The entities OrderMesh writes (URL segment → element name of IntuitRestServiceDef.xsd's IntuitObject group).
 * Reads by id stay single: a batch can only query, and a missing record would answer an empty QueryResponse
 * instead of the 610 Fault the caller expects.
 */
const ENTITIES: Record<string, string> = {
  salesreceipt: "SalesReceipt",
  invoice: "Invoice",
  refundreceipt: "RefundReceipt",
  creditmemo: "CreditMemo",
  payment: "Payment",
  item: "Item",
  customer: "Customer",
};

const COMPANY_PATH = /^(.*\/v3\/company\/[^/]+)\/([^/]+)$/;

interface Parsed {
  /** Absolute URL of the company, e.g. https://quickbooks.api.intuit.com/v3/company/123. */
  company: string;
  kind: "read" | "write";
  minorVersion: string;
}

/** Query parameters a request may carry into a batch (anything else would be lost on the way). */
const CARRIED = new Set(["minorversion", "requestid", "operation", "query"]);

function parse({ req, url }: BatchableRequest): Parsed | null {
  const m = COMPANY_PATH.exec(url.pathname);
  if (!m) return null;
  const params = [...url.searchParams.keys()];
  if (params.some((k) => !CARRIED.has(k))) return null;
  const company = `${url.origin}${m[1]}`;
  const minorVersion = url.searchParams.get("minorversion") ?? "";
  // https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
  if (req.method === "GET" && m[2] === "query" && url.searchParams.get("query")) return { company, kind: "read", minorVersion };
  if (req.method !== "POST" || !ENTITIES[m[2]!.toLowerCase()] || !req.body) return null;
  const operation = url.searchParams.get("operation");
  if (operation !== null && operation !== "void" && operation !== "delete") return null;
  // Every write keeps an idempotency key: without one it travels alone.
  if (!url.searchParams.get("requestid")) return null;
  return { company, kind: "write", minorVersion };
}

/**
 * Writes and queries never share a batch: a write batch carries a requestid (a replay answers the original results,
 * as for a single write), and a query answered from such a replay would be stale.
 */
function lane(item: BatchableRequest): string | null {
  const p = parse(item);
  return p ? `${p.company}|${p.kind}|${p.minorVersion}` : null;
}

/** A requestid of the UUID's 36 characters, the batch maximum (Intuit blog 2015-04-06, "requestid"). */
async function batchRequestId(items: readonly BatchableRequest[]): Promise<string> {
  const h = await sha256Hex(items.map((i) => i.url.searchParams.get("requestid")).join("\n"));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** bIds are the items' positions: at most two digits, within the 10 characters allowed beside a requestid. */
const bIdOf = (i: number): string => String(i + 1);

function itemRequest(item: BatchableRequest, i: number): Record<string, unknown> {
  const { req, url } = item;
  const bId = bIdOf(i);
  const query = url.searchParams.get("query");
  if (req.method === "GET" && query) return { bId, Query: query };
  const entity = ENTITIES[COMPANY_PATH.exec(url.pathname)![2]!.toLowerCase()]!;
  const body = JSON.parse(req.body!) as Record<string, unknown>;
  const operation = url.searchParams.get("operation");
  // A void is an update with optionsData "void" (batch page, BatchItemRequest attributes).
  if (operation === "void") return { bId, operation: "update", optionsData: "void", [entity]: body };
  if (operation === "delete") return { bId, operation: "delete", [entity]: body };
  return { bId, operation: body.Id === undefined ? "create" : "update", [entity]: body };
}

async function combine(items: readonly BatchableRequest[]): Promise<HttpRequest> {
  const p = parse(items[0]!)!;
  return {
    method: "POST",
    url: `${p.company}/batch`,
    query: { minorversion: p.minorVersion || undefined, requestid: p.kind === "write" ? await batchRequestId(items) : undefined },
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ BatchItemRequest: items.map(itemRequest) }),
  };
}

/** The HTTP status the single endpoint answers a Fault of this type with. */
function faultStatus(fault: FaultBody): number {
  const type = fault.type ?? "";
  if (/^Authentication/i.test(type)) return 401;
  if (/^Authori[sz]/i.test(type)) return 403;
  if (fault.Error?.some((e) => String(e.code) === "3001")) return 429;
  if (/^SystemFault$/i.test(type)) return 500;
  return 400;
}

function response(status: number, body: unknown, headers: Headers, url: string): HttpResponse {
  const text = JSON.stringify(body);
  return { status, headers, text, url, json: <T>() => JSON.parse(text) as T };
}

function split(res: HttpResponse, items: readonly BatchableRequest[]): Array<HttpResponse | undefined> | null {
  const json = successJson(res);
  if (json === undefined) return null;
  const parsed = BatchResponse.safeParse(json);
  if (!parsed.success) return null;
  const { BatchItemResponse: answers, time } = parsed.data;
  const byId = new Map(answers.map((a) => [a.bId, a]));
  // Each part is what the single endpoint answers: `{"<Entity>"|"QueryResponse"|"Fault": …, "time": …}`.
  return items.map((item, i) => {
    const answer = byId.get(bIdOf(i));
    if (!answer) return undefined;
    const { bId: _bId, ...payload } = answer;
    const status = payload.Fault ? faultStatus(payload.Fault) : 200;
    return response(status, { ...payload, ...(time === undefined ? {} : { time }) }, res.headers, item.url.toString());
  });
}

/** Business rules of the batch page: at most 30 payloads a batch request, at most 40 batch requests a minute per realm. */
export const qboBatch: BatchTransport = {
  maxOperations: 30,
  perMinute: 40,
  lane,
  combine,
  split,
};
