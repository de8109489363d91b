// Zoho Books destination: orders become invoices (with customer payments) or sales orders; refunds become credit notes.
import type { ConnectorContext, DestinationConnector, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { sum, type Minor } from "../../../../shared/model/money";
import type { Order, Refund } from "../../../../shared/model/order";
import { documentFor, isPaid } from "../../../../shared/posting/profile";
import { dec, roundTo, toNumber, toUnits, unitsToMinor } from "./amounts";
import * as api from "./api";
import { authorize, refreshAccessToken, ZOHO_HOSTS } from "./auth";
import { classify } from "./classify";
import { ZohoConfig, zohoConfig } from "./config";
import { ADJUSTMENT_DESCRIPTION, buildCreditNote, buildDocument, orderRef, refundRef } from "./mapping";
import type { CreditNote, DocumentPayload, Invoice, SalesOrder } from "./schemas";
import { isCancelled } from "../../../../shared/posting/lifecycle";

type Doc = Invoice | SalesOrder | CreditNote;

const KIND_NAMES: Record<api.Kind, string> = { invoice: "Invoice", salesorder: "SalesOrder", creditnote: "CreditNote" };

function kindFor(order: Order, cfg: ZohoConfig): "invoice" | "salesorder" {
  return documentFor(order, cfg) === "sales_order" ? "salesorder" : "invoice";
}

function idOf(kind: api.Kind, d: Doc): string {
  return kind === "invoice" ? (d as Invoice).invoice_id : kind === "salesorder" ? (d as SalesOrder).salesorder_id : (d as CreditNote).creditnote_id;
}

function numberOf(kind: api.Kind, d: Doc): string {
  return kind === "invoice" ? (d as Invoice).invoice_number : kind === "salesorder" ? (d as SalesOrder).salesorder_number : (d as CreditNote).creditnote_number;
}

function totalMinor(d: Doc, currency: string, places: number): Minor {
  const m = unitsToMinor(roundTo(dec(d.total), places), d.currency_code || currency, places);
  if (m === null) throw new ConnectorError({ kind: "permanent", vendorCode: "currency_precision", message: `Zoho Books total ${d.total} is not a whole number of ${currency} minor units` });
  return m;
}

function toDoc(kind: api.Kind, d: Doc, currency: string, places: number): DocumentRef {
  return { kind: KIND_NAMES[kind], id: idOf(kind, d), externalRef: numberOf(kind, d), total: totalMinor(d, currency, places), currency: d.currency_code || currency, version: d.last_modified_time, state: d.status };
}

function kindOfRef(doc: DocumentRef): api.Kind {
  return doc.kind === "SalesOrder" ? "salesorder" : doc.kind === "CreditNote" ? "creditnote" : "invoice";
}

/** Same lines as the body we would write (names, rates, quantities, discounts, taxes) and the same adjustment. */
function sameContent(d: Doc, p: DocumentPayload, places: number): boolean {
  const have = (d as Invoice).line_items ?? [];
  const units = (n: number | string | undefined) => roundTo(dec(n ?? 0), places);
  if (have.length !== p.line_items.length || units((d as Invoice).adjustment) !== units(p.adjustment)) return false;
  return p.line_items.every((l, i) => {
    const h = have[i]!;
    return h.name === l.name && units(h.rate) === units(l.rate) && Number(h.quantity) === l.quantity && units(typeof h.discount === "number" ? h.discount : 0) === units(l.discount) && (h.tax_id ?? undefined) === l.tax_id;
  });
}

/**
 * Zoho has no idempotency key and documents no rounding mode: after a write the total Zoho computed is compared
 * with the source, and a difference is settled once with a corrected adjustment (the approach Zoho integrators use,
 * e.g. joellipman.com "ZohoCRM to ZohoBooks API: half a cent or penny off").
 */
async function settleTotal<K extends api.Kind>(ctx: ConnectorContext, cfg: ZohoConfig, kind: K, d: Doc, payload: DocumentPayload, source: Minor, currency: string, places: number, notes: SyncNote[]): Promise<Doc> {
  const got = totalMinor(d, currency, places);
  if (got === source) return d;
  const diff = toUnits(source - got, currency, places).units;
  const adjustment = toNumber(roundTo(dec(payload.adjustment ?? 0), places) + diff, places);
  const fixed = await api.update(ctx, cfg, kind, idOf(kind, d), { adjustment, adjustment_description: ADJUSTMENT_DESCRIPTION });
  if (totalMinor(fixed, currency, places) !== source) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `Zoho Books computed ${fixed.total} for ${numberOf(kind, fixed)}, the source total is ${source} minor units` });
  }
  notes.push({ message: `Zoho Books: ${numberOf(kind, fixed)} totalled ${d.total}; adjustment corrected to ${adjustment} so it matches the source` });
  return fixed;
}

async function customerId(ctx: ConnectorContext, cfg: ZohoConfig, order: Order): Promise<string> {
  const c = order.customer;
  if (c && (c.email || c.name)) return api.customerFor(ctx, cfg, { name: c.name, email: c.email });
  return cfg.customers.walkIn ?? cfg.walkInCustomerId;
}

async function applyPayments(ctx: ConnectorContext, cfg: ZohoConfig, order: Order, inv: Invoice, places: number, notes: SyncNote[]): Promise<Invoice> {
  const choice = documentFor(order, cfg);
  if (!isPaid(order) || choice === "invoice" || choice === "sales_order") return inv;
  const taken = new Set((inv.payments ?? []).map((p) => p.reference_number ?? ""));
  let balance = roundTo(dec(inv.balance), places);
  let paid = false;
  const tenders = order.payments.filter((p) => p.status === "success" && (p.kind === "sale" || p.kind === "capture"));
  for (const [i, t] of tenders.entries()) {
    if (taken.has(t.id) || balance <= 0n) continue;
    const want = toUnits(t.amount, order.currency, places).units;
    const amount = i === tenders.length - 1 && sum(tenders.map((x) => x.amount)) >= order.totals.total ? balance : want < balance ? want : balance;
    const mapped = cfg.payments.methods[t.method] ?? (t.gateway ? cfg.payments.methods[t.gateway] : undefined);
    await api.createPayment(ctx, cfg, {
      customerId: inv.customer_id,
      mode: mapped?.method ?? (t.method === "cash" ? "cash" : cfg.defaultPaymentMode),
      amount: toNumber(amount, places),
      date: (t.processedAt ?? order.createdAt).slice(0, 10),
      reference: t.id,
      invoiceId: inv.invoice_id,
      accountId: mapped?.account ?? cfg.payments.defaultAccount ?? cfg.depositAccountId,
    });
    balance -= amount;
    paid = true;
  }
  if (!paid) return inv;
  notes.push({ message: `Zoho Books: customer payment recorded on ${inv.invoice_number}` });
  return api.get(ctx, cfg, "invoice", inv.invoice_id);
}

async function upsert(ctx: ConnectorContext, order: Order, existing: DocumentRef | null, _requestId: string): Promise<SyncResult> {
  const cfg = zohoConfig(ctx);
  const kind = existing ? (kindOfRef(existing) as "invoice" | "salesorder") : kindFor(order, cfg);
  const currency = await api.currency(ctx, cfg, order.currency);
  const places = currency.places;
  const number = `${cfg.docNumberPrefix}${orderRef(order)}`;
  const notes: SyncNote[] = [];
  let d: Doc;
  if (!existing) {
    const built = buildDocument(order, cfg, await customerId(ctx, cfg, order), currency);
    notes.push(...built.notes);
    try {
      d = await api.create(ctx, cfg, kind, number, built.payload);
    } catch (err) {
      // The number is unique: a create that already happened (lost answer) is adopted, not repeated.
      const adopted = err instanceof ConnectorError && err.kind === "conflict" ? await api.findByNumber(ctx, cfg, kind, number) : null;
      if (!adopted) throw err;
      d = adopted;
      notes.push({ message: `Zoho Books: ${number} already existed; adopted` });
    }
    d = await settleTotal(ctx, cfg, kind, d, built.payload, order.totals.total, order.currency, places, notes);
    if (d.status === "draft" && order.status !== "cancelled") {
      // A new invoice is a draft until sent; a sales order until opened (…/status/sent, …/status/open).
      await api.setStatus(ctx, cfg, kind, idOf(kind, d), kind === "invoice" ? "sent" : "open");
      d = await api.get(ctx, cfg, kind, idOf(kind, d));
    }
  } else {
    d = await api.get(ctx, cfg, kind, existing.id);
    if (d.status !== "void" && order.status !== "cancelled") {
      const built = buildDocument(order, cfg, d.customer_id, currency);
      if (!sameContent(d, built.payload, places)) {
        notes.push(...built.notes);
        d = await api.update(ctx, cfg, kind, idOf(kind, d), built.payload);
        d = await settleTotal(ctx, cfg, kind, d, built.payload, order.totals.total, order.currency, places, notes);
        notes.push({ message: `Zoho Books: ${numberOf(kind, d)} updated to the order's current lines` });
      }
    }
  }
  if (isCancelled(order)) {
    if (d.status !== "void") {
      // Voiding keeps the number; payments on a voided invoice become customer credits (Zoho "Mark as void").
      await api.setStatus(ctx, cfg, kind, idOf(kind, d), "void");
      d = await api.get(ctx, cfg, kind, idOf(kind, d));
      notes.push({ message: `Zoho Books: ${numberOf(kind, d)} voided (order cancelled)` });
    }
  } else if (kind === "invoice" && d.status !== "void") {
    d = await applyPayments(ctx, cfg, order, d as Invoice, places, notes);
  }
  return { doc: toDoc(kind, d, order.currency, places), notes };
}

async function refund(ctx: ConnectorContext, order: Order, r: Refund, parent: DocumentRef | null, _requestId: string): Promise<SyncResult> {
  const cfg = zohoConfig(ctx);
  const currency = await api.currency(ctx, cfg, order.currency);
  const places = currency.places;
  const number = `${cfg.docNumberPrefix}${refundRef(order, r)}`;
  const prior = await api.findByNumber(ctx, cfg, "creditnote", number);
  if (prior) return { doc: toDoc("creditnote", prior, order.currency, places), notes: [{ message: `Zoho Books: credit note ${number} already exists; adopted` }] };
  const inv = parent?.kind === "Invoice" ? await api.get(ctx, cfg, "invoice", parent.id) : null;
  const customer = inv?.customer_id ?? (await customerId(ctx, cfg, order));
  const built = buildCreditNote(order, r, cfg, customer, currency);
  const notes = [...built.notes];
  let cn = (await api.create(ctx, cfg, "creditnote", number, built.payload)) as CreditNote;
  cn = (await settleTotal(ctx, cfg, "creditnote", cn, built.payload, r.total, order.currency, places, notes)) as CreditNote;
  let remaining = roundTo(dec(cn.balance), places);
  const date = r.createdAt.slice(0, 10);
  if (inv && inv.status !== "void" && remaining > 0n) {
    const balance = roundTo(dec(inv.balance), places);
    const amount = balance < remaining ? balance : remaining;
    if (amount > 0n) {
      await api.applyCredit(ctx, cfg, cn.creditnote_id, inv.invoice_id, toNumber(amount, places));
      remaining -= amount;
      notes.push({ message: `Zoho Books: credit note ${number} applied ${toNumber(amount, places)} to ${inv.invoice_number}` });
    }
  }
  const paidBack = r.payments.find((p) => p.status === "success");
  if (remaining > 0n && paidBack) {
    const mapped = cfg.payments.methods[paidBack.method];
    await api.refundCredit(ctx, cfg, cn.creditnote_id, { date, mode: mapped?.method ?? cfg.defaultPaymentMode, amount: toNumber(remaining, places), accountId: mapped?.account ?? cfg.payments.defaultAccount ?? cfg.depositAccountId, reference: r.id });
    notes.push({ message: `Zoho Books: ${toNumber(remaining, places)} ${order.currency} refunded from credit note ${number}` });
    remaining = 0n;
  }
  cn = await api.get(ctx, cfg, "creditnote", cn.creditnote_id);
  return { doc: toDoc("creditnote", cn, order.currency, places), notes };
}

export const zohoBooks: DestinationConnector = {
  kind: "destination",
  slug: "zoho-books",
  displayName: "Zoho Books",
  docsUrl: "https://www.zoho.com/books/api/v3/",
  apiVersion: "v3",
  auth: { type: "oauth2", rotatingRefreshToken: false, accessTokenTtlSeconds: 3600 },
  hosts: ZOHO_HOSTS,
  defaultBaseUrl: "https://www.zohoapis.{dataCenter}/books/v3",
  // 100 requests a minute per organization (limits.md §4, Zoho Books API introduction via Databricks' connector docs).
  rateLimit: { perMinute: 100 },
  configSchema: ZohoConfig,
  credentialKeys: ["clientId", "clientSecret", "refreshToken"],
  capabilities: ["upsert", "refund", "void", "list"],
  classify,
  authorize,
  refreshAccessToken,
  orderRef,
  refundRef,
  async find(ctx, ref, kind, order) {
    const cfg = zohoConfig(ctx);
    const number = `${cfg.docNumberPrefix}${ref}`;
    const k: api.Kind = kind === "refund" ? "creditnote" : kindFor(order, cfg);
    const d = await api.findByNumber(ctx, cfg, k, number);
    return d ? toDoc(k, d, order.currency, (await api.currency(ctx, cfg, d.currency_code)).places) : null;
  },
  upsert,
  refund,
  async list(ctx, since, cursor) {
    const cfg = zohoConfig(ctx);
    const page = cursor ? Number(cursor) : 1;
    const { invoices, more } = await api.listChanged(ctx, cfg, since, page);
    const docs: DocumentRef[] = [];
    for (const i of invoices) docs.push(toDoc("invoice", i, i.currency_code, (await api.currency(ctx, cfg, i.currency_code)).places));
    return { docs, cursor: more ? String(page + 1) : null };
  },
};
