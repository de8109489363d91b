// Xero's multi-element requests as a batch transport: same-collection writes, invoice finds and reads share one request.
import type { BatchableRequest, BatchTransport } from "../../../../shared/connector/contract";
import { successJson, type HttpRequest, type HttpResponse } from "../../../../shared/connector/http";
import { sha256Hex } from "../../../../shared/webhooks/signature";
import { z } from "zod";
import { literal } from "./api";

/** A multi-element answer (components.schemas.Invoices / CreditNotes / Payments): the envelope and its elements. */
const BatchElements = z.record(z.string(), z.unknown());

/**
 * Elements per request. Xero caps a request at 3.5 MB and recommends about 50 elements per call (limits.md §20,
 * https://developer.xero.com/faq/limits); a GET with more than ~52 IDs overflows the query string
 * (https://github.com/XeroAPI/Xero-Java/pull/331, XeroAPI/Xero-OpenAPI#534), so finds and reads stay at 50 too.
 */
const MAX_ELEMENTS = 50;

/** The collections OrderMesh writes whole-element (PUT create, POST update-or-create) with `{ <Collection>: [...] }`. */
const WRITABLE = new Set(["Invoices", "CreditNotes", "Payments"]);

/** Headers a request may carry into a combined one (the transport adds auth and the tenant to the batch itself). */
const CARRIED_HEADERS = new Set(["content-type", "idempotency-key"]);

/** `Type=="ACCREC" AND InvoiceNumber=="<n>"`, the find of api.findInvoice. */
const FIND_INVOICE = /^Type=="ACCREC" AND InvoiceNumber=="((?:[^"\\]|\\.)*)"$/;

type Parsed =
  | { kind: "write"; base: string; collection: string; method: "PUT" | "POST"; unitdp: string }
  | { kind: "find"; base: string; number: string; unitdp: string }
  | { kind: "get"; base: string; id: string; unitdp: string };

const unescape = (s: string): string => s.replace(/\\(.)/g, "$1");

function headersOk(req: HttpRequest): boolean {
  return Object.keys(req.headers ?? {}).every((h) => CARRIED_HEADERS.has(h.toLowerCase()));
}

function onlyParams(url: URL, allowed: readonly string[]): boolean {
  return [...url.searchParams.keys()].every((k) => allowed.includes(k));
}

function parse({ req, url }: BatchableRequest): Parsed | null {
  if (!headersOk(req)) return null;
  const m = /^(.*)\/([A-Za-z]+)(?:\/([^/]+))?$/.exec(url.pathname);
  if (!m) return null;
  const base = `${url.origin}${m[1]}`;
  const [collection, id] = [m[2]!, m[3]];
  const unitdp = url.searchParams.get("unitdp") ?? "";
  if (req.method === "GET") {
    if (collection !== "Invoices") return null;
    // operationId getInvoice: one invoice by id (a GUID; an invoice number in the path stays alone).
    if (id !== undefined) {
      const guid = decodeURIComponent(id);
      return /^[0-9a-f-]{36}$/i.test(guid) && onlyParams(url, ["unitdp"]) ? { kind: "get", base, id: guid, unitdp } : null;
    }
    const where = FIND_INVOICE.exec(url.searchParams.get("where") ?? "");
    if (!where || !onlyParams(url, ["where", "unitdp"])) return null;
    const number = unescape(where[1]!);
    // InvoiceNumbers is comma-separated: a number holding a comma cannot share it.
    return number.includes(",") ? null : { kind: "find", base, number, unitdp };
  }
  if ((req.method !== "PUT" && req.method !== "POST") || id !== undefined || !WRITABLE.has(collection) || !req.body) return null;
  // Every write keeps an idempotency key, and the batch's own is derived from them: without one it travels alone.
  if (!req.headers?.["idempotency-key"] || !onlyParams(url, ["unitdp"])) return null;
  let body: unknown;
  try {
    body = JSON.parse(req.body);
  } catch {
    return null;
  }
  const list = (body as Record<string, unknown> | null)?.[collection];
  if (!Array.isArray(list) || list.length !== 1 || Object.keys(body as object).length !== 1) return null;
  return { kind: "write", base, collection, method: req.method, unitdp };
}

/** Writes share a request only with writes of the same method and collection; finds and reads by id each their own. */
function lane(item: BatchableRequest): string | null {
  const p = parse(item);
  if (!p) return null;
  if (p.kind === "write") return `${p.base}|write|${p.method} ${p.collection}|${p.unitdp}`;
  return `${p.base}|${p.kind}|${p.unitdp}`;
}

/** components.parameters.idempotencyKey (128 characters max): the SHA-256 of the elements' own keys, in order. */
async function batchKey(items: readonly BatchableRequest[]): Promise<string> {
  return `batch-${await sha256Hex(items.map((i) => i.req.headers?.["idempotency-key"] ?? "").join("\n"))}`;
}

async function combine(items: readonly BatchableRequest[]): Promise<HttpRequest> {
  const parsed = items.map((i) => parse(i)!);
  const first = parsed[0]!;
  const unitdp = first.unitdp || undefined;
  if (first.kind === "write") {
    const elements = items.map((i) => (JSON.parse(i.req.body!) as Record<string, unknown[]>)[first.collection]![0]);
    // summarizeErrors=false: "return 200 OK and mix of successfully created objects and any with validation errors"
    // (components.parameters.summarizeErrors), so one bad element fails alone.
    return {
      method: first.method,
      url: `${first.base}/${first.collection}`,
      query: { summarizeErrors: "false", unitdp },
      headers: { "content-type": "application/json", "idempotency-key": await batchKey(items) },
      body: JSON.stringify({ [first.collection]: elements }),
    };
  }
  // operationId getInvoices: InvoiceNumbers / IDs filters ("For faster response times we recommend using these explicit
  // parameters instead of passing OR conditions into the Where filter"); page=1 returns up to 100 with full details
  // (https://developer.xero.com/documentation/api/accounting/invoices#get-invoices, "Paging").
  if (first.kind === "find") {
    const numbers = parsed.map((p) => (p as { number: string }).number);
    return { method: "GET", url: `${first.base}/Invoices`, query: { where: `Type==${literal("ACCREC")}`, InvoiceNumbers: numbers.join(","), unitdp } };
  }
  const ids = parsed.map((p) => (p as { id: string }).id);
  return { method: "GET", url: `${first.base}/Invoices`, query: { IDs: ids.join(","), page: 1, unitdp } };
}

function response(status: number, body: unknown, headers: Headers, url: string, contentType = "application/json; charset=utf-8"): HttpResponse {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const h = new Headers(headers);
  h.set("content-type", contentType);
  return { status, headers: h, text, url, json: <T>() => JSON.parse(text) as T };
}

/** The 400 a single request gets for a rejected element (components.schemas.Error, ValidationException). */
function validationException(element: Record<string, unknown>): Record<string, unknown> {
  return { ErrorNumber: 10, Type: "ValidationException", Message: "A validation exception occurred", Elements: [element] };
}

function split(res: HttpResponse, items: readonly BatchableRequest[]): Array<HttpResponse | undefined> | null {
  const json = successJson(res);
  if (json === undefined) return null;
  const first = parse(items[0]!)!;
  const collection = first.kind === "write" ? first.collection : "Invoices";
  const parsed = BatchElements.safeParse(json);
  const list = parsed.success ? parsed.data[collection] : undefined;
  if (!parsed.success || !Array.isArray(list)) return null;
  const { [collection]: _all, ...envelope } = parsed.data;
  const part = (item: BatchableRequest, elements: unknown[]) => response(200, { ...envelope, [collection]: elements }, res.headers, item.url.toString());
  if (first.kind === "write") {
    // Elements come back in the order sent, each with its StatusAttributeString (and ValidationErrors when rejected).
    if (list.length !== items.length) return null;
    return items.map((item, i) => {
      const { StatusAttributeString: status, ...element } = list[i] as Record<string, unknown>;
      const errors = element.ValidationErrors;
      if (status === "ERROR" || (Array.isArray(errors) && errors.length > 0)) return response(400, validationException(element), res.headers, item.url.toString());
      return part(item, [element]);
    });
  }
  return items.map((item) => {
    const p = parse(item)!;
    if (p.kind === "find") return part(item, list.filter((r) => (r as Record<string, unknown>).InvoiceNumber === p.number));
    const row = list.find((r) => (r as Record<string, unknown>).InvoiceID === (p as { id: string }).id);
    // GET /Invoices/{id} of an unknown id is a plain-text 404.
    return row ? part(item, [row]) : response(404, "The resource you're looking for cannot be found", res.headers, item.url.toString(), "text/plain");
  });
}

/**
 * No separate allowance: Xero counts every HTTP request once against the tenant's 60/min, 5 concurrent and 5,000/day
 * whatever it carries (https://developer.xero.com/documentation/guides/oauth2/limits/), and the budget bounds those.
 */
export const xeroBatch: BatchTransport = {
  maxOperations: MAX_ELEMENTS,
  lane,
  combine,
  split,
};
