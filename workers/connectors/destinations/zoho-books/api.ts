// Zoho Books v3 calls; every one names the organization in `organization_id`.
import type { z } from "zod";
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { ZohoConfig } from "./config";
import { Contact, CreditNote, Currency, Invoice, SalesOrder, type DocumentPayload } from "./schemas";
import { z as zod } from "zod";

export type Kind = "invoice" | "salesorder" | "creditnote";

const PATHS: Record<Kind, { path: string; one: string; many: string; number: string; schema: z.ZodType<Invoice | SalesOrder | CreditNote> }> = {
  invoice: { path: "invoices", one: "invoice", many: "invoices", number: "invoice_number", schema: Invoice },
  salesorder: { path: "salesorders", one: "salesorder", many: "salesorders", number: "salesorder_number", schema: SalesOrder },
  creditnote: { path: "creditnotes", one: "creditnote", many: "creditnotes", number: "creditnote_number", schema: CreditNote },
};

function read<T>(text: string, key: string, schema: z.ZodType<T>, what: string): T {
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // reported below
  }
  const r = schema.safeParse(json[key]);
  if (!r.success) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: `Zoho Books ${what} answer did not parse: ${r.error.issues[0]?.message ?? ""}`, body: text });
  return r.data;
}

function org(cfg: ZohoConfig, extra: Record<string, string | number | undefined> = {}): Record<string, string | number | undefined> {
  return { organization_id: cfg.organizationId, ...extra };
}

// https://www.zoho.com/books/api/v3/invoices/#list-invoices (filter by invoice_number; likewise salesorder_number, creditnote_number)
export async function findByNumber(ctx: ConnectorContext, cfg: ZohoConfig, kind: Kind, number: string): Promise<Invoice | SalesOrder | CreditNote | null> {
  const p = PATHS[kind];
  const res = await ctx.http.send({ method: "GET", url: `/${p.path}`, query: org(cfg, { [p.number]: number }) });
  const list = read(res.text, p.many, zod.array(zod.record(zod.string(), zod.unknown())), `${kind} search`);
  const hit = list.find((d) => d[p.number] === number);
  return hit ? read(JSON.stringify({ x: hit }), "x", p.schema, kind) : null;
}

// https://www.zoho.com/books/api/v3/invoices/#get-an-invoice
export async function get<K extends Kind>(ctx: ConnectorContext, cfg: ZohoConfig, kind: K, id: string): Promise<K extends "invoice" ? Invoice : K extends "salesorder" ? SalesOrder : CreditNote> {
  const p = PATHS[kind];
  const res = await ctx.http.send({ method: "GET", url: `/${p.path}/${encodeURIComponent(id)}`, query: org(cfg) });
  return read(res.text, p.one, p.schema, kind) as never;
}

/**
 * https://www.zoho.com/books/api/v3/invoices/#create-an-invoice — our own number with
 * ignore_auto_number_generation=true, so the number is unique and a retried create cannot make a second document.
 */
export async function create<K extends Kind>(ctx: ConnectorContext, cfg: ZohoConfig, kind: K, number: string, body: DocumentPayload): Promise<K extends "invoice" ? Invoice : K extends "salesorder" ? SalesOrder : CreditNote> {
  const p = PATHS[kind];
  const res = await ctx.http.send({
    method: "POST",
    url: `/${p.path}`,
    query: org(cfg, { ignore_auto_number_generation: "true" }),
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...body, [p.number]: number }),
  });
  return read(res.text, p.one, p.schema, kind) as never;
}

// https://www.zoho.com/books/api/v3/invoices/#update-an-invoice
export async function update<K extends Kind>(ctx: ConnectorContext, cfg: ZohoConfig, kind: K, id: string, body: Partial<DocumentPayload>): Promise<K extends "invoice" ? Invoice : K extends "salesorder" ? SalesOrder : CreditNote> {
  const p = PATHS[kind];
  const res = await ctx.http.send({ method: "PUT", url: `/${p.path}/${encodeURIComponent(id)}`, query: org(cfg), headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return read(res.text, p.one, p.schema, kind) as never;
}

/** Status actions: invoices `sent` / `void`, sales orders `open` / `void` (…/{id}/status/{action}). */
export async function setStatus(ctx: ConnectorContext, cfg: ZohoConfig, kind: Kind, id: string, action: "sent" | "open" | "void"): Promise<void> {
  await ctx.http.send({ method: "POST", url: `/${PATHS[kind].path}/${encodeURIComponent(id)}/status/${action}`, query: org(cfg) });
}

// https://www.zoho.com/books/api/v3/customer-payments/#create-a-payment
export async function createPayment(ctx: ConnectorContext, cfg: ZohoConfig, p: { customerId: string; mode: string; amount: number; date: string; reference: string; invoiceId: string; accountId?: string }): Promise<void> {
  await ctx.http.send({
    method: "POST",
    url: "/customerpayments",
    query: org(cfg),
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ customer_id: p.customerId, payment_mode: p.mode, amount: p.amount, date: p.date, reference_number: p.reference, invoices: [{ invoice_id: p.invoiceId, amount_applied: p.amount }], ...(p.accountId ? { account_id: p.accountId } : {}) }),
  });
}

// https://www.zoho.com/books/api/v3/credit-notes/#apply-credits-to-invoices
export async function applyCredit(ctx: ConnectorContext, cfg: ZohoConfig, creditNoteId: string, invoiceId: string, amount: number): Promise<void> {
  await ctx.http.send({ method: "POST", url: `/creditnotes/${encodeURIComponent(creditNoteId)}/invoices`, query: org(cfg), headers: { "content-type": "application/json" }, body: JSON.stringify({ invoices: [{ invoice_id: invoiceId, amount_applied: amount }] }) });
}

// https://www.zoho.com/books/api/v3/credit-notes/#refund-credit-note
export async function refundCredit(ctx: ConnectorContext, cfg: ZohoConfig, creditNoteId: string, p: { date: string; mode: string; amount: number; accountId?: string; reference: string }): Promise<void> {
  await ctx.http.send({
    method: "POST",
    url: `/creditnotes/${encodeURIComponent(creditNoteId)}/refunds`,
    query: org(cfg),
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ date: p.date, refund_mode: p.mode, amount: p.amount, reference_number: p.reference, ...(p.accountId ? { from_account_id: p.accountId } : {}) }),
  });
}

// https://www.zoho.com/books/api/v3/contacts/#list-contacts (email filter) and #create-a-contact
export async function customerFor(ctx: ConnectorContext, cfg: ZohoConfig, customer: { name?: string; email?: string }): Promise<string> {
  if (customer.email) {
    const res = await ctx.http.send({ method: "GET", url: "/contacts", query: org(cfg, { email: customer.email, contact_type: "customer" }) });
    const hit = read(res.text, "contacts", zod.array(Contact), "contact search").find((c) => (c.email ?? "").toLowerCase() === customer.email!.toLowerCase());
    if (hit) return hit.contact_id;
  }
  const name = (customer.name || customer.email || "Customer").slice(0, 200);
  const res = await ctx.http.send({
    method: "POST",
    url: "/contacts",
    query: org(cfg),
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ contact_name: name, contact_type: "customer", ...(customer.email ? { email: customer.email } : {}) }),
  });
  return read(res.text, "contact", Contact, "contact").contact_id;
}

export async function listChanged(ctx: ConnectorContext, cfg: ZohoConfig, since: Date, page: number): Promise<{ invoices: Invoice[]; more: boolean }> {
  const res = await ctx.http.send({ method: "GET", url: "/invoices", query: org(cfg, { last_modified_time: since.toISOString().slice(0, 19) + "+0000", page, per_page: 200 }) });
  const invoices = read(res.text, "invoices", zod.array(Invoice), "invoice list");
  const more = read(res.text, "page_context", zod.object({ has_more_page: zod.boolean() }).loose(), "page context").has_more_page;
  return { invoices, more };
}

const currencyCache = new Map<string, { at: number; list: Currency[] }>();
const CURRENCY_TTL_MS = 10 * 60_000;

// https://www.zoho.com/books/api/v3/currency/#list-currencies — ids and decimal places, kept ten minutes per organization.
export async function currency(ctx: ConnectorContext, cfg: ZohoConfig, code: string): Promise<{ id: string; places: number }> {
  const key = `${ctx.http.baseUrl}|${cfg.organizationId}`;
  let hit = currencyCache.get(key);
  if (!hit || Date.now() - hit.at > CURRENCY_TTL_MS || !hit.list.some((c) => c.currency_code === code)) {
    const res = await ctx.http.send({ method: "GET", url: "/settings/currencies", query: org(cfg) });
    hit = { at: Date.now(), list: read(res.text, "currencies", zod.array(Currency), "currency list") };
    currencyCache.set(key, hit);
  }
  const c = hit.list.find((x) => x.currency_code === code);
  if (!c) throw new ConnectorError({ kind: "permanent", vendorCode: "currency", message: `Currency ${code} is not enabled in Zoho Books organization ${cfg.organizationId} (Settings → Currencies)` });
  return { id: c.currency_id, places: c.price_precision };
}
