// Xero Accounting API calls: invoices, credit notes, payments and allocations, each write with an Idempotency-Key.
import type { ConnectorContext } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { z } from "zod";
import { CreditNote, CreditNotes, Invoice, Invoices, Payments, Allocations, type CreditNotePayload, type InvoicePayload } from "./schemas";

/** components.parameters.idempotencyKey: "128 character max". */
const IDEMPOTENCY_KEY_MAX = 128;

/** The Idempotency-Key for one write of a sync: the sync's request id, or it plus the write's purpose. */
export async function keyFor(requestId: string, purpose: string): Promise<string> {
  const key = purpose ? `${requestId}:${purpose}` : requestId;
  if (key.length <= IDEMPOTENCY_KEY_MAX) return key;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A string literal in Xero's `where` filter syntax ("Reference==\"#1001\""), quotes and backslashes escaped. */
export function literal(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function parse<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // fall through to the schema error
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: `Xero ${what} answer did not parse: ${r.error.issues[0]?.message ?? ""}`, body: text });
  return r.data;
}

function first<T>(list: T[], what: string): T {
  const x = list[0];
  if (!x) throw new ConnectorError({ kind: "retryable", vendorCode: "response_shape", message: `Xero answered no ${what}` });
  return x;
}

// https://developer.xero.com/documentation/api/accounting/invoices#get-invoices (operationId getInvoice)
export async function getInvoice(ctx: ConnectorContext, id: string): Promise<Invoice> {
  const res = await ctx.http.send({ method: "GET", url: `/Invoices/${encodeURIComponent(id)}`, query: { unitdp: 4 } });
  return first(parse(Invoices, res.text, "invoice").Invoices, "invoice");
}

// operationId getInvoices with a `where` filter (components: Type, InvoiceNumber are filterable elements)
export async function findInvoice(ctx: ConnectorContext, invoiceNumber: string): Promise<Invoice | null> {
  const res = await ctx.http.send({ method: "GET", url: "/Invoices", query: { where: `Type==${literal("ACCREC")} AND InvoiceNumber==${literal(invoiceNumber)}`, unitdp: 4 } });
  return parse(Invoices, res.text, "invoice search").Invoices.find((i) => i.InvoiceNumber === invoiceNumber) ?? null;
}

/** operationId getInvoices: 100 invoices per page; If-Modified-Since limits the listing to changed ones. */
export async function listInvoices(ctx: ConnectorContext, since: Date, page: number): Promise<Invoice[]> {
  const res = await ctx.http.send({
    method: "GET",
    url: "/Invoices",
    query: { where: `Type==${literal("ACCREC")}`, page, unitdp: 4 },
    headers: { "if-modified-since": since.toISOString() },
  });
  return parse(Invoices, res.text, "invoice list").Invoices;
}

// operationId createInvoices: PUT creates only; summarizeErrors stays true so a rejected invoice is a 400.
export async function createInvoice(ctx: ConnectorContext, payload: InvoicePayload, key: string): Promise<Invoice> {
  const res = await ctx.http.send({
    method: "PUT",
    url: "/Invoices",
    query: { unitdp: 4 },
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ Invoices: [payload] }),
  });
  return first(parse(Invoices, res.text, "created invoice").Invoices, "invoice");
}

// operationId updateInvoice: POST /Invoices/{InvoiceID} (lines, or Status VOIDED)
export async function updateInvoice(ctx: ConnectorContext, id: string, patch: Partial<InvoicePayload> | { Status: "VOIDED" }, key: string): Promise<Invoice> {
  const res = await ctx.http.send({
    method: "POST",
    url: `/Invoices/${encodeURIComponent(id)}`,
    query: { unitdp: 4 },
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ Invoices: [{ InvoiceID: id, ...patch }] }),
  });
  return first(parse(Invoices, res.text, "updated invoice").Invoices, "invoice");
}

export interface PaymentInput {
  target: { Invoice: { InvoiceID: string } } | { CreditNote: { CreditNoteID: string } };
  accountCode: string;
  date: string;
  amount: number;
  reference: string;
}

// operationId createPayment: PUT /Payments (a payment on an invoice, or a cash refund on a credit note)
export async function createPayment(ctx: ConnectorContext, p: PaymentInput, key: string): Promise<void> {
  const res = await ctx.http.send({
    method: "PUT",
    url: "/Payments",
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ Payments: [{ ...p.target, Account: { Code: p.accountCode }, Date: p.date, Amount: p.amount, Reference: p.reference }] }),
  });
  parse(Payments, res.text, "payment");
}

/**
 * operationId deletePayment: POST /Payments/{PaymentID} with components.schemas.PaymentDelete ({"Status":"DELETED"}).
 * Xero payments are never edited, only created and deleted; deleting one reopens the document it paid
 * (https://developer.xero.com/documentation/api/accounting/payments#deleting-payments).
 */
export async function deletePayment(ctx: ConnectorContext, paymentId: string, key: string): Promise<void> {
  const res = await ctx.http.send({
    method: "POST",
    url: `/Payments/${encodeURIComponent(paymentId)}`,
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ Status: "DELETED" }),
  });
  parse(Payments, res.text, "deleted payment");
}

// operationId getCreditNotes with `where` on CreditNoteNumber
export async function findCreditNote(ctx: ConnectorContext, number: string): Promise<CreditNote | null> {
  const res = await ctx.http.send({ method: "GET", url: "/CreditNotes", query: { where: `Type==${literal("ACCRECCREDIT")} AND CreditNoteNumber==${literal(number)}`, unitdp: 4 } });
  return parse(CreditNotes, res.text, "credit note search").CreditNotes.find((c) => c.CreditNoteNumber === number) ?? null;
}

// operationId createCreditNotes: PUT /CreditNotes
export async function createCreditNote(ctx: ConnectorContext, payload: CreditNotePayload, key: string): Promise<CreditNote> {
  const res = await ctx.http.send({
    method: "PUT",
    url: "/CreditNotes",
    query: { unitdp: 4 },
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ CreditNotes: [payload] }),
  });
  return first(parse(CreditNotes, res.text, "created credit note").CreditNotes, "credit note");
}

// operationId createCreditNoteAllocation: PUT /CreditNotes/{CreditNoteID}/Allocations
export async function allocateCreditNote(ctx: ConnectorContext, creditNoteId: string, invoiceId: string, amount: number, date: string, key: string): Promise<void> {
  const res = await ctx.http.send({
    method: "PUT",
    url: `/CreditNotes/${encodeURIComponent(creditNoteId)}/Allocations`,
    headers: { "content-type": "application/json", "idempotency-key": key },
    body: JSON.stringify({ Allocations: [{ Amount: amount, Invoice: { InvoiceID: invoiceId }, Date: date }] }),
  });
  parse(Allocations, res.text, "allocation");
}
