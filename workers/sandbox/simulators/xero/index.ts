// Xero simulator: OAuth 2 with single-use refresh tokens, tenant header, Accounting API invoices/credit notes/payments, limits.
import type { Context, Hono } from "hono";
import { exponentOf } from "../../../../shared/model/money";
import type { InspectDocument, SimContext, Simulator } from "../../kit";
import { cents, compute, contact, money, msDate, msNow, org, XeroRuleError, type Org, type Rec } from "./ledger";
import { validate } from "./openapi";

// ------------------------------------------------------------------ responses

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

/** components.schemas.Error as the spec's 400 examples show it: ErrorNumber 10, ValidationException. */
function validationError(messages: string[], element: Rec = {}): Response {
  return json({
    ErrorNumber: 10,
    Type: "ValidationException",
    Message: "A validation exception occurred",
    Elements: [{ ...element, ValidationErrors: messages.map((Message) => ({ Message })) }],
  }, 400);
}

/** The RFC 7807 body of Xero's gateway (github.com/freakboy3742/pyxero/pull/337 quotes the 401 verbatim). */
function problem(status: 401 | 403, detail: string): Response {
  return json({ Type: null, Title: status === 401 ? "Unauthorized" : "Forbidden", Status: status, Detail: detail, Instance: crypto.randomUUID(), Extensions: {} }, status, status === 401 ? { "www-authenticate": 'Bearer error="invalid_token"' } : {});
}

function notFound(): Response {
  return new Response("The resource you're looking for cannot be found", { status: 404, headers: { "content-type": "text/plain" } });
}

function envelope(sim: SimContext, key: string, items: Rec[]): Rec {
  return { Id: crypto.randomUUID(), Status: "OK", ProviderName: "OrderMesh", DateTimeUTC: msNow(sim), [key]: items };
}

/** 429 as Xero sends it: Retry-After and X-Rate-Limit-Problem (developer.xero.com/documentation/guides/oauth2/limits/). */
function throttled(sim: SimContext, retryAfter: number, problemKind: "minute" | "day" | "concurrent", count = true, tenant?: string): Response {
  if (count) sim.bump("throttled");
  if (tenant) sim.bump(`throttled:${tenant}`);
  return new Response(JSON.stringify({ Title: "Too Many Requests", Status: 429, Detail: `Rate limit exceeded: ${problemKind}` }), {
    status: 429,
    headers: { "content-type": "application/json", "retry-after": String(retryAfter), "x-rate-limit-problem": problemKind },
  });
}

// ------------------------------------------------------------------ OAuth 2

interface Client {
  secret: string;
  refreshToken: string;
  generation: number;
  tenants: string[];
}

export const DEMO_TENANT = "2f9c0a52-5c1b-4d3e-9e3b-7d1a5b8c0d11";

function client(sim: SimContext, id: string): Client | null {
  const stored = sim.store.get<Client>("clients", id);
  if (stored) return stored;
  const cfg = sim.config();
  if (id !== String(cfg.clientId ?? "demo-xero-client")) return null;
  const seeded: Client = { secret: String(cfg.clientSecret ?? "demo-xero-secret"), refreshToken: String(cfg.refreshToken ?? "demo-xero-refresh-0"), generation: 0, tenants: [String(cfg.tenantId ?? DEMO_TENANT)] };
  sim.store.put("clients", id, seeded);
  return seeded;
}

// https://developer.xero.com/documentation/guides/oauth2/auth-flow/#refreshing-access-and-refresh-tokens
async function token(c: Context, sim: SimContext): Promise<Response> {
  const basic = /^Basic\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  let id = form.get("client_id") ?? "";
  let secret = form.get("client_secret") ?? "";
  if (basic) {
    const decoded = atob(basic[1]!);
    id = decoded.slice(0, decoded.indexOf(":"));
    secret = decoded.slice(decoded.indexOf(":") + 1);
  }
  const cl = client(sim, id);
  if (!cl || cl.secret !== secret) return json({ error: "invalid_client" }, 400);
  if (form.get("grant_type") !== "refresh_token") return json({ error: "unsupported_grant_type" }, 400);
  // Single use: each grant starts a lineage — the client's initial token, or a never-seen "test-seed-…" token
  // (parallel test files each start their own) — and each refresh retires the token presented and issues the next.
  const presented = form.get("refresh_token") ?? "";
  const live = sim.store.get<{ clientId: string; generation: number }>("refresh-tokens", presented);
  const fresh = !sim.store.get("refresh-tokens-used", presented) && (presented === cl.refreshToken || presented.startsWith("test-seed-"));
  if (!(live && live.clientId === id) && !fresh) return json({ error: "invalid_grant" }, 400);
  const rand = () => Math.floor(sim.random() * 2 ** 32).toString(36);
  const generation = (live?.generation ?? cl.generation) + 1;
  const refreshToken = `${id}-rt${generation}-${rand()}${rand()}`;
  sim.store.delete("refresh-tokens", presented);
  sim.store.put("refresh-tokens-used", presented, true);
  sim.store.put("refresh-tokens", refreshToken, { clientId: id, generation });
  const ttl = Number(sim.config().accessTokenTtlSeconds ?? 1800);
  const accessToken = `xero.${id}.${rand()}${rand()}${rand()}`;
  const now = sim.now().getTime();
  sim.store.put("tokens", accessToken, { clientId: id, issuedAt: now, expiresAt: now + ttl * 1000 });
  return json({ access_token: accessToken, expires_in: ttl, token_type: "Bearer", refresh_token: refreshToken, scope: "offline_access accounting.transactions accounting.contacts accounting.settings" });
}

function authenticate(c: Context, sim: SimContext): { tenant: string; clientId: string } | Response {
  const f = sim.faults();
  if (f.expireTokens) {
    sim.store.setSetting("tokensValidAfter", sim.now().getTime());
    sim.setFaults({ ...f, expireTokens: false });
  }
  const m = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
  if (!m) return problem(401, "AuthenticationUnsuccessful");
  const t = sim.store.get<{ clientId: string; issuedAt: number; expiresAt: number }>("tokens", m[1]!);
  if (!t) return problem(401, "AuthenticationUnsuccessful");
  if (t.expiresAt <= sim.now().getTime() || t.issuedAt <= sim.store.getSetting<number>("tokensValidAfter", 0)) {
    return problem(401, `TokenExpired: token expired at ${new Date(t.expiresAt).toISOString()}`);
  }
  const tenant = c.req.header("xero-tenant-id") ?? "";
  const cl = sim.store.get<Client>("clients", t.clientId);
  if (!tenant || !cl?.tenants.includes(tenant)) return problem(403, "AuthorizationUnsuccessful");
  return { tenant, clientId: t.clientId };
}

// ------------------------------------------------------------------ documents

const key = (tenant: string, id: string) => `${tenant}|${id}`;

function docs(sim: SimContext, collection: "invoices" | "creditnotes", tenant: string): Rec[] {
  return sim.store.list<Rec>(collection, key(tenant, ""));
}

const numberFieldOf = (collection: "invoices" | "creditnotes") => (collection === "invoices" ? "InvoiceNumber" : "CreditNoteNumber");

/** The tenant's documents with one of these numbers (indexed: no scan of every tenant's documents). */
function withNumber(sim: SimContext, collection: "invoices" | "creditnotes", tenant: string, numbers: readonly string[]): Rec[] {
  return sim.store.matching<Rec>(collection, numberFieldOf(collection), numbers).filter((d) => d.tenant === tenant);
}

/** The record as Xero answers it (the tenant tag removed). */
function view(d: Rec): Rec {
  const { tenant: _t, ...rest } = d;
  return rest;
}

/** `where` filters of the form Field=="value" joined by AND (https://developer.xero.com/documentation/api/accounting/requests-and-responses#retrieving-a-filtered-set-of-records). */
function whereFilter(where: string | undefined): (d: Rec) => boolean {
  if (!where) return () => true;
  const conds: Array<[string, string]> = [];
  const re = /\s*([A-Za-z.]+)\s*==\s*"((?:[^"\\]|\\.)*)"\s*(?:AND\s+|$)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(where))) {
    conds.push([m[1]!, m[2]!.replace(/\\(.)/g, "$1")]);
    end = re.lastIndex;
  }
  if (end !== where.length) throw new XeroRuleError([`The where clause "${where}" could not be parsed`]);
  return (d) => conds.every(([f, v]) => String(f.split(".").reduce<unknown>((o, k) => (o as Rec | undefined)?.[k], d) ?? "") === v);
}

function applyAmounts(d: Rec, computed: ReturnType<typeof compute>): void {
  d.LineItems = computed.lines;
  d.SubTotal = money(computed.subTotal);
  d.TotalTax = money(computed.totalTax);
  d.Total = money(computed.total);
  d.TotalDiscount = money(computed.totalDiscount);
}

function settle(d: Rec, credit: boolean): void {
  const total = cents(d.Total);
  const paid = ((d.Payments as Rec[] | undefined) ?? []).reduce((a, p) => a + cents(p.Amount), 0n);
  const allocated = ((d.Allocations as Rec[] | undefined) ?? []).reduce((a, p) => a + cents(p.Amount), 0n);
  if (credit) {
    const remaining = total - paid - allocated;
    d.RemainingCredit = money(remaining);
    if (d.Status === "AUTHORISED" && remaining === 0n) d.Status = "PAID";
  } else {
    const credited = ((d.CreditNotes as Rec[] | undefined) ?? []).reduce((a, p) => a + cents(p.AppliedAmount), 0n);
    const due = total - paid - credited;
    d.AmountPaid = money(paid);
    d.AmountCredited = money(credited);
    d.AmountDue = money(due);
    if (d.Status === "AUTHORISED" && due === 0n) {
      d.Status = "PAID";
      d.FullyPaidOnDate = d.UpdatedDateUTC;
    }
  }
}

function createDocument(sim: SimContext, o: Org, tenant: string, body: Rec, credit: boolean, unitdp: number): Rec {
  const numberField = credit ? "CreditNoteNumber" : "InvoiceNumber";
  const idField = credit ? "CreditNoteID" : "InvoiceID";
  const type = String(body.Type ?? "");
  const allowed = credit ? ["ACCRECCREDIT", "ACCPAYCREDIT"] : ["ACCREC", "ACCPAY"];
  if (!allowed.includes(type)) throw new XeroRuleError([`${credit ? "Credit note" : "Invoice"} type must be specified (${allowed.join(" or ")})`], body);
  const status = String(body.Status ?? "DRAFT");
  if (!["DRAFT", "SUBMITTED", "AUTHORISED"].includes(status)) throw new XeroRuleError([`${credit ? "Credit note" : "Invoice"} not of valid status for creation`], body);
  const computed = compute(body, o, { unitdp, credit });
  if (computed.total < 0n) throw new XeroRuleError(["The document total cannot be negative"], body);
  const collection = credit ? "creditnotes" : "invoices";
  const count = sim.store.next(`${collection}:${tenant}`);
  const number = body[numberField] ? String(body[numberField]) : `${credit ? "CN" : "INV"}-${String(count).padStart(4, "0")}`;
  if (withNumber(sim, collection, tenant, [number]).some((d) => d[numberField] === number && d.Type === type)) {
    throw new XeroRuleError([credit ? "Credit Note # must be unique." : "Invoice # must be unique."], body);
  }
  const day = String(body.Date ?? sim.now().toISOString().slice(0, 10));
  const dt = msDate(day);
  const currency = String(body.CurrencyCode ?? o.baseCurrency);
  const rec: Rec = {
    tenant,
    Type: type,
    [idField]: crypto.randomUUID(),
    [numberField]: number,
    Reference: body.Reference ?? "",
    Contact: contact(sim, tenant, body.Contact as Rec | undefined),
    Date: dt.date,
    DateString: dt.dateString,
    ...(credit ? {} : { DueDate: msDate(String(body.DueDate ?? day)).date, DueDateString: msDate(String(body.DueDate ?? day)).dateString }),
    Status: status,
    LineAmountTypes: body.LineAmountTypes ?? "Exclusive",
    CurrencyCode: currency,
    CurrencyRate: currency === o.baseCurrency ? 1 : Number(body.CurrencyRate ?? 1),
    Payments: [],
    ...(credit ? { Allocations: [] } : { CreditNotes: [] }),
    UpdatedDateUTC: msNow(sim),
    HasAttachments: false,
  };
  applyAmounts(rec, computed);
  settle(rec, credit);
  sim.store.put(collection, key(tenant, String(rec[idField])), rec);
  if (!credit) sim.bump(`sales_documents:${tenant}`);
  return rec;
}

function editable(d: Rec): boolean {
  return ((d.Payments as Rec[]) ?? []).length === 0 && ((d.CreditNotes as Rec[] | undefined) ?? []).length === 0 && ((d.Allocations as Rec[] | undefined) ?? []).length === 0;
}

function updateInvoice(sim: SimContext, o: Org, tenant: string, d: Rec, body: Rec, unitdp: number): Rec {
  const next: Rec = { ...d };
  if (body.Status === "VOIDED" || body.Status === "DELETED") {
    // Payments or allocated credit notes hold the invoice whatever its status (a PAID one too): they must be removed
    // first. Xero's wording, as integrators quote it per status (github.com/eileenmcnaughton/nz.co.fuzion.civixero,
    // getNotUpdateCandidateResponses).
    if (!editable(d)) throw new XeroRuleError([`The status ${body.Status} cannot be applied to the invoice because it has payments or credit notes allocated to it.`], body);
    if (body.Status === "VOIDED" && !["AUTHORISED", "SUBMITTED"].includes(String(d.Status))) throw new XeroRuleError(["Invoice not of valid status for modification"], body);
    if (body.Status === "DELETED" && !["DRAFT", "SUBMITTED"].includes(String(d.Status))) throw new XeroRuleError(["Invoice not of valid status for modification"], body);
    next.Status = body.Status;
    next.AmountDue = 0;
  } else {
    if (!["DRAFT", "SUBMITTED", "AUTHORISED"].includes(String(d.Status))) throw new XeroRuleError(["Invoice not of valid status for modification"], body);
    if (body.LineItems !== undefined || body.LineAmountTypes !== undefined) {
      if (!editable(d)) throw new XeroRuleError(["This document cannot be edited as it has a payment or credit note allocated to it."], body);
      const merged: Rec = { ...d, ...body, LineItems: body.LineItems ?? d.LineItems };
      applyAmounts(next, compute(merged, o, { unitdp, credit: false }));
      next.LineAmountTypes = merged.LineAmountTypes;
    }
    for (const f of ["Reference", "DueDate", "CurrencyRate"] as const) if (body[f] !== undefined) next[f] = f === "DueDate" ? msDate(String(body[f])).date : body[f];
    if (body.Contact !== undefined) next.Contact = contact(sim, tenant, body.Contact as Rec);
    if (body.Status !== undefined && body.Status !== d.Status) {
      const order = ["DRAFT", "SUBMITTED", "AUTHORISED"];
      if (order.indexOf(String(body.Status)) < order.indexOf(String(d.Status))) throw new XeroRuleError(["Invoice not of valid status for modification"], body);
      next.Status = body.Status;
    }
    settle(next, false);
  }
  next.UpdatedDateUTC = msNow(sim);
  sim.store.put("invoices", key(tenant, String(d.InvoiceID)), next);
  return next;
}

function findDoc(sim: SimContext, collection: "invoices" | "creditnotes", tenant: string, idOrNumber: string): Rec | null {
  const byId = sim.store.get<Rec>(collection, key(tenant, idOrNumber));
  if (byId) return byId;
  return withNumber(sim, collection, tenant, [idOrNumber]).find((d) => d[numberFieldOf(collection)] === idOrNumber) ?? null;
}

function payment(sim: SimContext, o: Org, tenant: string, body: Rec): Rec {
  const account = o.accounts.find((a) => a.Code === String((body.Account as Rec | undefined)?.Code ?? ""));
  if (!account) throw new XeroRuleError(["Account code must be specified and valid"], body);
  if (account.Type !== "BANK") throw new XeroRuleError(["Account type is invalid for making a payment to/from"], body);
  const amount = cents(body.Amount);
  if (amount <= 0n) throw new XeroRuleError(["Payment amount must be greater than zero"], body);
  const invRef = (body.Invoice as Rec | undefined)?.InvoiceID ?? (body.Invoice as Rec | undefined)?.InvoiceNumber;
  const cnRef = (body.CreditNote as Rec | undefined)?.CreditNoteID ?? (body.CreditNote as Rec | undefined)?.CreditNoteNumber;
  const target = invRef ? findDoc(sim, "invoices", tenant, String(invRef)) : cnRef ? findDoc(sim, "creditnotes", tenant, String(cnRef)) : null;
  if (!target) throw new XeroRuleError(["Invoice or credit note could not be found"], body);
  const credit = !invRef;
  if (target.Status !== "AUTHORISED") throw new XeroRuleError(["Payment can only be made against an authorised document"], body);
  const outstanding = credit ? cents(target.RemainingCredit) : cents(target.AmountDue);
  if (amount > outstanding) throw new XeroRuleError(["Payment amount exceeds the amount outstanding on this document"], body);
  const day = String(body.Date ?? sim.now().toISOString().slice(0, 10));
  const p: Rec = {
    tenant,
    PaymentID: crypto.randomUUID(),
    Date: msDate(day).date,
    Amount: money(amount),
    Reference: body.Reference ?? "",
    Account: { AccountID: crypto.randomUUID(), Code: account.Code },
    PaymentType: credit ? "ARCREDITPAYMENT" : "ACCRECPAYMENT",
    Status: "AUTHORISED",
    UpdatedDateUTC: msNow(sim),
    ...(credit ? { CreditNote: { CreditNoteID: target.CreditNoteID, CreditNoteNumber: target.CreditNoteNumber } } : { Invoice: { InvoiceID: target.InvoiceID, InvoiceNumber: target.InvoiceNumber } }),
  };
  sim.store.put("payments", key(tenant, String(p.PaymentID)), p);
  const updated: Rec = { ...target, Payments: [...((target.Payments as Rec[]) ?? []), { PaymentID: p.PaymentID, Date: p.Date, Amount: p.Amount, Reference: p.Reference }], UpdatedDateUTC: msNow(sim) };
  settle(updated, credit);
  sim.store.put(credit ? "creditnotes" : "invoices", key(tenant, String(credit ? target.CreditNoteID : target.InvoiceID)), updated);
  return p;
}

/**
 * operationId deletePayment (POST /Payments/{PaymentID}, components.schemas.PaymentDelete): the payment turns DELETED
 * and leaves the document it paid, which is open again for its amount — a PAID invoice back to AUTHORISED with its
 * AmountDue restored (https://developer.xero.com/documentation/api/accounting/payments#deleting-payments).
 */
function deletePayment(sim: SimContext, tenant: string, p: Rec, body: Rec): Rec {
  if (body.Status !== "DELETED") throw new XeroRuleError(["Payments cannot be modified, only created and deleted (Status DELETED)"], body);
  if (p.Status === "DELETED") throw new XeroRuleError(["This payment has already been deleted"], body);
  const credit = p.CreditNote !== undefined;
  const ref = (credit ? p.CreditNote : p.Invoice) as Rec;
  const collection = credit ? "creditnotes" : "invoices";
  const doc = findDoc(sim, collection, tenant, String(credit ? ref.CreditNoteID : ref.InvoiceID));
  const deleted: Rec = { ...p, Status: "DELETED", UpdatedDateUTC: msNow(sim) };
  sim.store.put("payments", key(tenant, String(p.PaymentID)), deleted);
  if (doc) {
    const reopened: Rec = { ...doc, Payments: ((doc.Payments as Rec[]) ?? []).filter((x) => x.PaymentID !== p.PaymentID), UpdatedDateUTC: msNow(sim) };
    if (reopened.Status === "PAID") {
      reopened.Status = "AUTHORISED";
      delete reopened.FullyPaidOnDate;
    }
    settle(reopened, credit);
    sim.store.put(collection, key(tenant, String(credit ? doc.CreditNoteID : doc.InvoiceID)), reopened);
  }
  return deleted;
}

function allocate(sim: SimContext, tenant: string, cn: Rec, body: Rec): Rec {
  if (cn.Status !== "AUTHORISED") throw new XeroRuleError(["Credit note is not of valid status for allocation"], body);
  const invRef = (body.Invoice as Rec | undefined)?.InvoiceID;
  const inv = invRef ? findDoc(sim, "invoices", tenant, String(invRef)) : null;
  if (!inv) throw new XeroRuleError(["Invoice could not be found"], body);
  if (inv.Status !== "AUTHORISED") throw new XeroRuleError(["Invoice is not of valid status for allocation"], body);
  if (inv.CurrencyCode !== cn.CurrencyCode) throw new XeroRuleError(["The currency of the credit note and invoice must match"], body);
  const amount = cents(body.Amount);
  if (amount <= 0n || amount > cents(cn.RemainingCredit) || amount > cents(inv.AmountDue)) {
    throw new XeroRuleError(["Allocation amount must be greater than zero and not exceed the remaining credit or the amount due"], body);
  }
  const allocation: Rec = { AllocationID: crypto.randomUUID(), Amount: money(amount), Date: msDate(String(body.Date ?? sim.now().toISOString().slice(0, 10))).date, Invoice: { InvoiceID: inv.InvoiceID, InvoiceNumber: inv.InvoiceNumber } };
  const nextCn: Rec = { ...cn, Allocations: [...((cn.Allocations as Rec[]) ?? []), allocation], UpdatedDateUTC: msNow(sim) };
  settle(nextCn, true);
  const nextInv: Rec = { ...inv, CreditNotes: [...((inv.CreditNotes as Rec[]) ?? []), { CreditNoteID: cn.CreditNoteID, CreditNoteNumber: cn.CreditNoteNumber, AppliedAmount: money(amount) }], UpdatedDateUTC: msNow(sim) };
  settle(nextInv, false);
  sim.store.put("creditnotes", key(tenant, String(cn.CreditNoteID)), nextCn);
  sim.store.put("invoices", key(tenant, String(inv.InvoiceID)), nextInv);
  return allocation;
}

// ------------------------------------------------------------------ request plumbing

type Guarded = { tenant: string; o: Org };

async function body(c: Context): Promise<Rec | Response> {
  try {
    const b = (await c.req.json()) as unknown;
    if (b && typeof b === "object" && !Array.isArray(b)) return b as Rec;
  } catch {
    // handled below
  }
  return json({ ErrorNumber: 14, Type: "PostDataInvalidException", Message: "JSON for post data was invalid" }, 400);
}

/** Idempotency-Key (components.parameters.idempotencyKey): a repeated key answers the first response again. */
async function idempotent(c: Context, sim: SimContext, tenant: string, run: () => Promise<Response> | Response): Promise<Response> {
  const k = c.req.header("idempotency-key");
  if (k !== undefined && k.length > 128) return validationError(["Idempotency-Key must be 128 characters or fewer"]);
  const storeKey = k ? key(tenant, `${c.req.method} ${new URL(c.req.url).pathname} ${k}`) : null;
  if (storeKey) {
    const seen = sim.store.get<{ status: number; body: string }>("idempotency", storeKey);
    if (seen) {
      sim.bump("idempotent_replays");
      return new Response(seen.body, { status: seen.status, headers: { "content-type": "application/json; charset=utf-8" } });
    }
  }
  const res = await run();
  if (storeKey && (res.status < 300 || res.status === 400)) sim.store.put("idempotency", storeKey, { status: res.status, body: await res.clone().text() });
  return res;
}

function rules<T>(fn: () => T): T | Response {
  try {
    return fn();
  } catch (err) {
    if (err instanceof XeroRuleError) return validationError(err.messages, err.element);
    throw err;
  }
}

function unitdp(c: Context): number {
  return c.req.query("unitdp") === "4" ? 4 : 2;
}

function schemaErrors(name: "Invoices" | "CreditNotes" | "Payments" | "Allocations", b: Rec): Response | null {
  const issues = validate(name, b);
  return issues.length === 0 ? null : validationError(issues.map((i) => i.message));
}

type Collection = "Invoices" | "CreditNotes" | "Payments";

/**
 * summarizeErrors=false (components.parameters.summarizeErrors: "If false return 200 OK and mix of successfully
 * created objects and any with validation errors"): each element is validated and written on its own, and answers
 * with StatusAttributeString OK, or ERROR with its ValidationErrors (the spec's examples, e.g. createBankTransactions).
 * Otherwise the first rejected element answers the request with a 400 ValidationException.
 */
function writeElements(c: Context, sim: SimContext, g: Guarded, name: Collection, list: Rec[], write: (el: Rec) => Rec): Response {
  sim.bump(`elements:${g.tenant}`, list.length);
  const summarize = c.req.query("summarizeErrors") !== "false";
  const out: Rec[] = [];
  for (const el of list) {
    if (summarize) {
      const r = rules(() => write(el));
      if (r instanceof Response) return r;
      out.push(view(r));
      continue;
    }
    const issues = validate(name, { [name]: [el] }).map((i) => i.message);
    let messages = issues;
    if (issues.length === 0) {
      try {
        out.push({ ...view(write(el)), StatusAttributeString: "OK" });
        continue;
      } catch (err) {
        if (!(err instanceof XeroRuleError)) throw err;
        messages = err.messages;
      }
    }
    out.push({ ...el, StatusAttributeString: "ERROR", ValidationErrors: messages.map((Message) => ({ Message })) });
  }
  return json(envelope(sim, name, out));
}

function listOf(c: Context, sim: SimContext, g: Guarded, collection: "invoices" | "creditnotes"): Response {
  let rows: Rec[];
  const numbersParam = c.req.query(collection === "invoices" ? "InvoiceNumbers" : "CreditNoteNumbers");
  const numbers = numbersParam ? numbersParam.split(",").map((s) => s.trim()) : undefined;
  try {
    rows = (numbers ? withNumber(sim, collection, g.tenant, numbers) : docs(sim, collection, g.tenant)).filter(whereFilter(c.req.query("where")));
  } catch (err) {
    if (err instanceof XeroRuleError) return validationError(err.messages);
    throw err;
  }
  const ids = c.req.query("IDs");
  if (ids) rows = rows.filter((r) => ids.split(",").includes(String(r[collection === "invoices" ? "InvoiceID" : "CreditNoteID"])));
  const statuses = c.req.query("Statuses");
  if (statuses) rows = rows.filter((r) => statuses.split(",").includes(String(r.Status)));
  const since = c.req.header("if-modified-since");
  if (since && !Number.isNaN(Date.parse(since))) rows = rows.filter((r) => Number(/\d+/.exec(String(r.UpdatedDateUTC))?.[0] ?? 0) >= Date.parse(since));
  const page = Number(c.req.query("page") ?? 0);
  if (page > 0) rows = rows.slice((page - 1) * 100, page * 100);
  return json(envelope(sim, collection === "invoices" ? "Invoices" : "CreditNotes", rows.map(view)));
}

/** Xero's two-decimal total written with the currency's own decimals when it is a whole number of them (JPY "1200"). */
function inspectTotal(c: bigint, currency: string): string {
  const exp = exponentOf(currency);
  const text = money(c).toFixed(2);
  if (exp >= 2) return Number(text).toFixed(exp);
  return c % 10n ** BigInt(2 - exp) === 0n ? Number(text).toFixed(exp) : text;
}

export const xeroSimulator: Simulator = {
  slug: "xero",

  routes(app: Hono, sim: SimContext) {
    // Test and demo controls (never faulted): extra OAuth clients with their tenants, organisation settings.
    app.post("/_sim/clients", async (c) => {
      const b = (await c.req.json()) as { clientId: string; clientSecret: string; refreshToken: string; tenants?: string[] };
      sim.store.put("clients", b.clientId, { secret: b.clientSecret, refreshToken: b.refreshToken, generation: 0, tenants: b.tenants ?? [DEMO_TENANT] } satisfies Client);
      return c.json({ ok: true });
    });
    app.post("/_sim/orgs/:tenant", async (c) => {
      const patch = (await c.req.json()) as Partial<Org>;
      const next = { ...org(sim, c.req.param("tenant")), ...patch };
      sim.store.put("orgs", c.req.param("tenant"), next);
      return c.json(next);
    });

    app.post("/connect/token", (c) => token(c, sim));

    // xero-identity.yaml: GET /Connections → the tenants this token may address.
    app.get("/connections", (c) => {
      const m = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "");
      const t = m ? sim.store.get<{ clientId: string }>("tokens", m[1]!) : null;
      if (!t) return problem(401, "AuthenticationUnsuccessful");
      const cl = sim.store.get<Client>("clients", t.clientId);
      return c.json((cl?.tenants ?? []).map((tenantId) => ({ id: crypto.randomUUID(), tenantId, tenantType: "ORGANISATION", tenantName: org(sim, tenantId).name, createdDateUtc: sim.now().toISOString(), updatedDateUtc: sim.now().toISOString() })));
    });

    // What each tenant's traffic looked like to Xero, for a bench proving it never exceeded the limits: requests in
    // flight now, and when the requests it let through arrived (the last vendor minute of them).
    const inFlight = new Map<string, number>();
    const admitted = new Map<string, number[]>();
    /** Raises a /_stats counter to `value` when it is higher (a peak). */
    const peak = (counter: string, value: number): void => {
      const seen = sim.store.getSetting<Record<string, number>>("stats", {})[counter] ?? 0;
      if (value > seen) sim.bump(counter, value - seen);
    };

    // Every Accounting API call: auth, tenant, then the per-tenant budget (5 concurrent, 60/min, 5,000/day), one call
    // per HTTP request however many elements it carries. A tenant's limits.timeScale (tests and benches only) makes
    // its minute and day that many times shorter. /_stats counts per tenant: requests:<t> (every call, throttled or
    // not), throttled:<t>, elements:<t> (written elements), peakConcurrent:<t> and peakPerMinute:<t> (most calls
    // let through in any vendor minute), sales_documents:<t> (invoices created).
    const guard = async (c: Context, run: (g: Guarded) => Promise<Response> | Response): Promise<Response> => {
      // Read the body before any early answer (401, 429, a replay): workerd cannot read a request after responding.
      if (c.req.method !== "GET") await c.req.arrayBuffer();
      const who = authenticate(c, sim);
      if (who instanceof Response) return who;
      const { tenant } = who;
      const o = org(sim, tenant);
      const scale = o.limits?.timeScale ?? 1;
      const slot = `tenant:${tenant}`;
      sim.bump(`requests:${tenant}`);
      if (!sim.acquireSlot(slot, o.limits?.concurrency ?? 5)) return throttled(sim, 1, "concurrent", true, tenant);
      inFlight.set(tenant, (inFlight.get(tenant) ?? 0) + 1);
      try {
        peak(`peakConcurrent:${tenant}`, inFlight.get(tenant)!);
        const minute = sim.rateLimit(`${slot}:minute`, o.limits?.perMinute ?? 60, 60 / scale);
        if (minute > 0) return throttled(sim, minute, "minute", true, tenant);
        const day = sim.rateLimit(`${slot}:day`, o.limits?.perDay ?? 5000, 86_400 / scale);
        if (day > 0) return throttled(sim, day, "day", true, tenant);
        const now = Date.now();
        const recent = (admitted.get(tenant) ?? []).filter((t) => t > now - 60_000 / scale);
        recent.push(now);
        admitted.set(tenant, recent);
        peak(`peakPerMinute:${tenant}`, recent.length);
        return await run({ tenant, o });
      } finally {
        inFlight.set(tenant, inFlight.get(tenant)! - 1);
        sim.releaseSlot(slot);
      }
    };

    app.get("/Invoices", (c) => guard(c, (g) => listOf(c, sim, g, "invoices")));
    app.get("/Invoices/:id", (c) => guard(c, (g) => {
      const d = findDoc(sim, "invoices", g.tenant, c.req.param("id"));
      return d ? json(envelope(sim, "Invoices", [view(d)])) : notFound();
    }));
    // operationId createInvoices (PUT) and updateOrCreateInvoices (POST): { Invoices: [...] }
    const writeInvoices = (mode: "create" | "upsert") => (c: Context) => guard(c, (g) => idempotent(c, sim, g.tenant, async () => {
      const b = await body(c);
      if (b instanceof Response) return b;
      const list = (b.Invoices as Rec[] | undefined) ?? [];
      if (list.length === 0) return validationError(["At least one invoice must be supplied"]);
      const bad = c.req.query("summarizeErrors") === "false" ? null : schemaErrors("Invoices", b);
      if (bad) return bad;
      return writeElements(c, sim, g, "Invoices", list, (inv) => {
        const existing = mode === "upsert" && (inv.InvoiceID || inv.InvoiceNumber) ? findDoc(sim, "invoices", g.tenant, String(inv.InvoiceID ?? inv.InvoiceNumber)) : null;
        return existing ? updateInvoice(sim, g.o, g.tenant, existing, inv, unitdp(c)) : createDocument(sim, g.o, g.tenant, inv, false, unitdp(c));
      });
    }));
    app.put("/Invoices", writeInvoices("create"));
    app.post("/Invoices", writeInvoices("upsert"));
    // operationId updateInvoice
    app.post("/Invoices/:id", (c) => guard(c, (g) => idempotent(c, sim, g.tenant, async () => {
      const b = await body(c);
      if (b instanceof Response) return b;
      const bad = schemaErrors("Invoices", b);
      if (bad) return bad;
      const d = findDoc(sim, "invoices", g.tenant, c.req.param("id"));
      if (!d) return notFound();
      const r = rules(() => updateInvoice(sim, g.o, g.tenant, d, ((b.Invoices as Rec[] | undefined) ?? [])[0] ?? {}, unitdp(c)));
      return r instanceof Response ? r : json(envelope(sim, "Invoices", [view(r)]));
    })));

    app.get("/CreditNotes", (c) => guard(c, (g) => listOf(c, sim, g, "creditnotes")));
    app.get("/CreditNotes/:id", (c) => guard(c, (g) => {
      const d = findDoc(sim, "creditnotes", g.tenant, c.req.param("id"));
      return d ? json(envelope(sim, "CreditNotes", [view(d)])) : notFound();
    }));
    app.put("/CreditNotes", (c) => guard(c, (g) => idempotent(c, sim, g.tenant, async () => {
      const b = await body(c);
      if (b instanceof Response) return b;
      const list = (b.CreditNotes as Rec[] | undefined) ?? [];
      if (list.length === 0) return validationError(["At least one credit note must be supplied"]);
      const bad = c.req.query("summarizeErrors") === "false" ? null : schemaErrors("CreditNotes", b);
      if (bad) return bad;
      return writeElements(c, sim, g, "CreditNotes", list, (cn) => createDocument(sim, g.o, g.tenant, cn, true, unitdp(c)));
    })));
    // operationId createCreditNoteAllocation
    app.put("/CreditNotes/:id/Allocations", (c) => guard(c, (g) => idempotent(c, sim, g.tenant, async () => {
      const b = await body(c);
      if (b instanceof Response) return b;
      const bad = schemaErrors("Allocations", b);
      if (bad) return bad;
      const cn = findDoc(sim, "creditnotes", g.tenant, c.req.param("id"));
      if (!cn) return notFound();
      const out: Rec[] = [];
      for (const a of (b.Allocations as Rec[] | undefined) ?? []) {
        const fresh = findDoc(sim, "creditnotes", g.tenant, String(cn.CreditNoteID))!;
        const r = rules(() => allocate(sim, g.tenant, fresh, a));
        if (r instanceof Response) return r;
        out.push(r);
      }
      return json(envelope(sim, "Allocations", out));
    })));

    // operationId createPayment(s): PUT /Payments and POST /Payments
    const writePayments = (c: Context) => guard(c, (g) => idempotent(c, sim, g.tenant, async () => {
      const b = await body(c);
      if (b instanceof Response) return b;
      const list = (b.Payments as Rec[] | undefined) ?? (b.Invoice || b.CreditNote ? [b] : []);
      if (list.length === 0) return validationError(["At least one payment must be supplied"]);
      const bad = c.req.query("summarizeErrors") === "false" ? null : schemaErrors("Payments", { Payments: list });
      if (bad) return bad;
      return writeElements(c, sim, g, "Payments", list, (p) => payment(sim, g.o, g.tenant, p));
    }));
    app.put("/Payments", writePayments);
    app.post("/Payments", writePayments);
    // operationId deletePayment: {"Status":"DELETED"} (components.schemas.PaymentDelete), or the spec example's
    // {"Payments":[{"Status":"DELETED"}]}.
    app.post("/Payments/:id", (c) => guard(c, (g) => idempotent(c, sim, g.tenant, async () => {
      const b = await body(c);
      if (b instanceof Response) return b;
      const element = Array.isArray(b.Payments) ? (((b.Payments as Rec[])[0] ?? {}) as Rec) : b;
      const bad = validate("PaymentDelete", element);
      if (bad.length > 0) return validationError(bad.map((i) => i.message));
      const p = sim.store.get<Rec>("payments", key(g.tenant, c.req.param("id")));
      if (!p) return notFound();
      const r = rules(() => deletePayment(sim, g.tenant, p, element));
      return r instanceof Response ? r : json(envelope(sim, "Payments", [view(r)]));
    })));
    app.get("/TaxRates", (c) => guard(c, (g) => json(envelope(sim, "TaxRates", g.o.taxRates.map((t) => ({ ...t, Status: "ACTIVE" }))))));
    app.get("/TrackingCategories", (c) => guard(c, (g) => json(envelope(sim, "TrackingCategories", g.o.tracking.map((t) => ({ Name: t.Name, Status: "ACTIVE", Options: t.Options.map((Name) => ({ Name, Status: "ACTIVE" })) }))))));
    app.get("/Accounts", (c) => guard(c, (g) => json(envelope(sim, "Accounts", g.o.accounts.map((a) => ({ ...a, Status: "ACTIVE" }))))));
  },

  inspect(sim: SimContext): InspectDocument[] {
    const out: InspectDocument[] = [];
    // Each collection read once (a payment finds its document's currency by key, not by rereading the collection).
    const currencyOf = new Map<string, string>();
    for (const [collection, kind, idField, numberField] of [["invoices", "Invoice", "InvoiceID", "InvoiceNumber"], ["creditnotes", "CreditNote", "CreditNoteID", "CreditNoteNumber"]] as const) {
      for (const d of sim.store.list<Rec>(collection)) {
        currencyOf.set(`${collection}|${key(String(d.tenant), String(d[idField]))}`, String(d.CurrencyCode));
        out.push({ kind, id: String(d[idField]), externalRef: String(d[numberField] ?? ""), total: inspectTotal(cents(d.Total), String(d.CurrencyCode)), currency: String(d.CurrencyCode), raw: { ...view(d), tenantId: d.tenant } });
      }
    }
    // Payments by the document they pay (externalRef: the invoice or credit note number), with their bank account.
    for (const p of sim.store.list<Rec>("payments")) {
      const target = (p.Invoice ?? p.CreditNote) as Rec;
      const number = String(target.InvoiceNumber ?? target.CreditNoteNumber ?? "");
      const currency = currencyOf.get(`${p.Invoice ? "invoices" : "creditnotes"}|${key(String(p.tenant), String(target.InvoiceID ?? target.CreditNoteID))}`) ?? "USD";
      out.push({ kind: "Payment", id: String(p.PaymentID), externalRef: number, total: inspectTotal(cents(p.Amount), currency), currency, raw: { ...p, tenantId: p.tenant } });
    }
    return out;
  },

  faultScope(c) {
    return c.req.header("xero-tenant-id") ?? "";
  },

  faultResponse(kind, sim, retryAfter) {
    if (kind === "rate") return throttled(sim, retryAfter, "minute", false); // the kit counted it already
    if (kind === "server") return json({ Title: "An error occurred", Status: 500, Detail: "An unhandled error occurred in Xero" }, 500);
    return new Response("<html><body><h1>504 Gateway Time-out</h1></body></html>", { status: 504, headers: { "content-type": "text/html" } });
  },
};
