// Xero destination: orders become ACCREC invoices (plus payments), refunds credit notes allocated or paid out.
import type { ConnectorContext, DestinationConnector, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { sum } from "../../../../shared/model/money";
import type { Order, Refund } from "../../../../shared/model/order";
import { depositFor, documentFor, isPaid } from "../../../../shared/posting/profile";
import { centsToMinor, centsToNumber, parseDec, roundHalfEven, toCents } from "./amounts";
import * as api from "./api";
import { authorize, refreshAccessToken, XERO_HOSTS } from "./auth";
import { xeroBatch } from "./batch";
import { classify } from "./classify";
import { XeroConfig, xeroConfig } from "./config";
import { buildCreditNote, buildInvoice, orderRef, refundRef } from "./mapping";
import type { CreditNote, Invoice, InvoicePayload } from "./schemas";
import { isCancelled } from "../../../../shared/posting/lifecycle";

const cents = (n: number | undefined): bigint => roundHalfEven(parseDec(n ?? 0), 2);

function invoiceDoc(inv: Invoice, currency: string): DocumentRef {
  return {
    kind: "Invoice",
    id: inv.InvoiceID,
    externalRef: inv.InvoiceNumber ?? "",
    total: centsToMinor(cents(inv.Total), inv.CurrencyCode || currency),
    currency: inv.CurrencyCode || currency,
    version: inv.UpdatedDateUTC ?? undefined,
    state: inv.Status,
  };
}

function creditDoc(cn: CreditNote, currency: string): DocumentRef {
  return {
    kind: "CreditNote",
    id: cn.CreditNoteID,
    externalRef: cn.CreditNoteNumber ?? "",
    total: centsToMinor(cents(cn.Total), cn.CurrencyCode || currency),
    currency: cn.CurrencyCode || currency,
    version: cn.UpdatedDateUTC ?? undefined,
    state: cn.Status,
  };
}

/** Lines as Xero compares them: same descriptions, amounts and locked taxes in the same order. */
function sameLines(inv: Invoice, p: InvoicePayload): boolean {
  const have = (inv.LineItems as Array<Record<string, unknown>> | undefined) ?? [];
  if (have.length !== p.LineItems.length || inv.LineAmountTypes !== p.LineAmountTypes) return false;
  return p.LineItems.every((l, i) => {
    const h = have[i]!;
    return h.Description === l.Description && cents(Number(h.UnitAmount)) === cents(l.UnitAmount) && Number(h.Quantity) === l.Quantity && cents(Number(h.TaxAmount)) === cents(l.TaxAmount) && cents(Number(h.DiscountAmount ?? 0)) === cents(l.DiscountAmount ?? 0);
  });
}

async function applyPayments(ctx: ConnectorContext, cfg: XeroConfig, order: Order, inv: Invoice, requestId: string, notes: SyncNote[]): Promise<Invoice> {
  const choice = documentFor(order, cfg);
  if (!isPaid(order) || choice === "invoice" || choice === "sales_order") return inv;
  const taken = new Set((inv.Payments ?? []).map((p) => p.Reference ?? ""));
  const tenders = order.payments.filter((p) => p.status === "success" && (p.kind === "sale" || p.kind === "capture"));
  let due = cents(inv.AmountDue ?? inv.Total);
  const paidMinor = sum(tenders.map((t) => t.amount));
  let paidSoFar = 0;
  let changed = false;
  for (const [i, t] of tenders.entries()) {
    paidSoFar += t.amount;
    if (taken.has(t.id) || due <= 0n) continue;
    const last = i === tenders.length - 1 && paidMinor >= order.totals.total;
    const amount = last ? due : (toCents(t.amount, order.currency).cents < due ? toCents(t.amount, order.currency).cents : due);
    const account = cfg.payments.methods[t.method]?.account ?? (t.gateway ? cfg.payments.methods[t.gateway]?.account : undefined) ?? depositFor(order, cfg).account ?? cfg.paymentAccountCode;
    // https://developer.xero.com/documentation/api/accounting/payments#put-payments
    await api.createPayment(ctx, { target: { Invoice: { InvoiceID: inv.InvoiceID } }, accountCode: account, date: (t.processedAt ?? order.createdAt).slice(0, 10), amount: centsToNumber(amount), reference: t.id }, await api.keyFor(requestId, `payment:${t.id}`));
    due -= amount;
    changed = true;
  }
  if (!changed) return inv;
  notes.push({ message: `Xero: payments recorded on invoice ${inv.InvoiceNumber ?? inv.InvoiceID}`, data: { tenders: tenders.map((t) => t.id), paid: paidSoFar } });
  return api.getInvoice(ctx, inv.InvoiceID);
}

/**
 * A cancelled order's invoice is voided. Xero refuses to void an invoice with payments ("The status VOIDED cannot be
 * applied to the invoice because it has payments or credit notes allocated to it"), so the payments the mesh recorded
 * on it (Reference = the tender id, see applyPayments) are deleted first, which reopens it, then it is voided. Each
 * step reads as done on a retry (a deleted payment leaves the invoice's Payments; a voided invoice is VOIDED), so a
 * redelivery or a lost link repeats nothing. Refunds already reversed the money (credit notes allocated or paid
 * out): then the invoice is kept. A payment someone else recorded in Xero is not the mesh's to delete: conflict.
 */
async function voidCancelled(ctx: ConnectorContext, order: Order, inv: Invoice, requestId: string, notes: SyncNote[]): Promise<Invoice> {
  const payments = inv.Payments ?? [];
  if (cents(inv.AmountCredited) > 0n || (order.refunds.length > 0 && cents(inv.AmountPaid) > 0n)) {
    notes.push({ message: `Xero: invoice ${inv.InvoiceNumber} kept — refunds already reversed it; the cancellation is carried by its credit notes` });
    return inv;
  }
  const ours = new Set(order.payments.map((p) => p.id));
  const listed = payments.reduce((n, p) => n + cents(p.Amount), 0n);
  if (payments.some((p) => !ours.has(p.Reference ?? "")) || listed !== cents(inv.AmountPaid)) {
    throw new ConnectorError({
      kind: "conflict",
      vendorCode: "foreign-payments",
      message: `Xero invoice ${inv.InvoiceNumber} of a cancelled order has payments OrderMesh did not record; Xero does not void an invoice with payments (remove them in Xero, then retry)`,
    });
  }
  for (const p of payments) {
    // https://developer.xero.com/documentation/api/accounting/payments#deleting-payments
    await api.deletePayment(ctx, p.PaymentID, await api.keyFor(requestId, `delete-payment:${p.PaymentID}`));
  }
  if (payments.length > 0) {
    notes.push({ message: `Xero: ${payments.length} payment(s) on invoice ${inv.InvoiceNumber} deleted (order cancelled without refund)`, data: { payments: payments.map((p) => p.PaymentID), amount: centsToNumber(listed) } });
  }
  // https://developer.xero.com/documentation/api/accounting/invoices#post-invoices ("Status VOIDED")
  const voided = await api.updateInvoice(ctx, inv.InvoiceID, { Status: "VOIDED" }, await api.keyFor(requestId, "void"));
  notes.push({ message: `Xero: invoice ${voided.InvoiceNumber} voided (order cancelled)` });
  return voided;
}

async function upsert(ctx: ConnectorContext, order: Order, existing: DocumentRef | null, requestId: string): Promise<SyncResult> {
  const cfg = xeroConfig(ctx);
  const built = buildInvoice(order, cfg);
  const notes = [...built.notes];
  let inv: Invoice;
  if (!existing) {
    inv = await api.createInvoice(ctx, built.payload, await api.keyFor(requestId, ""));
  } else {
    inv = await api.getInvoice(ctx, existing.id);
    const live = inv.Status !== "VOIDED" && inv.Status !== "DELETED";
    if (live && order.status !== "cancelled" && !sameLines(inv, built.payload)) {
      if (cents(inv.AmountPaid) > 0n || cents(inv.AmountCredited) > 0n) {
        throw new ConnectorError({
          kind: "conflict",
          vendorCode: "has-payments",
          message: `Xero invoice ${inv.InvoiceNumber} changed at the source but has payments or credit notes allocated; Xero does not allow editing it (remove them in Xero, then retry)`,
        });
      }
      const { Status: _status, ...lines } = built.payload;
      inv = await api.updateInvoice(ctx, inv.InvoiceID, lines, await api.keyFor(requestId, "update"));
      notes.push({ message: `Xero: invoice ${inv.InvoiceNumber} updated to the order's current lines` });
    }
  }
  const total = centsToMinor(cents(inv.Total), order.currency);
  if (total !== built.total && inv.Status !== "VOIDED") {
    throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `Xero computed ${inv.Total} for invoice ${inv.InvoiceNumber}, the source total is ${built.total} minor units` });
  }
  if (isCancelled(order)) {
    if (inv.Status !== "VOIDED") inv = await voidCancelled(ctx, order, inv, requestId, notes);
  } else if (inv.Status !== "VOIDED") {
    inv = await applyPayments(ctx, cfg, order, inv, requestId, notes);
  }
  return { doc: invoiceDoc(inv, order.currency), notes };
}

async function refund(ctx: ConnectorContext, order: Order, r: Refund, parent: DocumentRef | null, requestId: string): Promise<SyncResult> {
  const cfg = xeroConfig(ctx);
  const inv = parent && parent.kind === "Invoice" ? await api.getInvoice(ctx, parent.id) : null;
  const contact = inv?.Contact.ContactID ? { ContactID: inv.Contact.ContactID } : buildInvoice(order, cfg).payload.Contact;
  const built = buildCreditNote(order, r, cfg, contact);
  // CreditNoteNumber is unique in Xero: a credit note already written for this refund is adopted, never duplicated.
  const prior = await api.findCreditNote(ctx, built.payload.CreditNoteNumber);
  if (prior) return { doc: creditDoc(prior, order.currency), notes: [{ message: `Xero: credit note ${prior.CreditNoteNumber} already exists; adopted` }] };
  const notes = [...built.notes];
  let cn = await api.createCreditNote(ctx, built.payload, await api.keyFor(requestId, ""));
  if (centsToMinor(cents(cn.Total), order.currency) !== built.total) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "parity", message: `Xero computed ${cn.Total} for credit note ${cn.CreditNoteNumber}, the refund total is ${built.total} minor units` });
  }
  let remaining = cents(cn.RemainingCredit ?? cn.Total);
  const date = r.createdAt.slice(0, 10);
  if (inv && inv.Status === "AUTHORISED" && remaining > 0n) {
    const due = cents(inv.AmountDue);
    const amount = due < remaining ? due : remaining;
    if (amount > 0n) {
      await api.allocateCreditNote(ctx, cn.CreditNoteID, inv.InvoiceID, centsToNumber(amount), date, await api.keyFor(requestId, "allocation"));
      remaining -= amount;
      notes.push({ message: `Xero: credit note ${cn.CreditNoteNumber} allocated ${centsToNumber(amount)} to invoice ${inv.InvoiceNumber}` });
    }
  }
  const refunded = r.payments.some((p) => p.status === "success");
  if (remaining > 0n && refunded) {
    const method = r.payments.find((p) => p.status === "success")!;
    const account = cfg.payments.methods[method.method]?.account ?? cfg.payments.defaultAccount ?? cfg.paymentAccountCode;
    // A cash refund is a payment against the credit note (https://developer.xero.com/documentation/api/accounting/payments).
    await api.createPayment(ctx, { target: { CreditNote: { CreditNoteID: cn.CreditNoteID } }, accountCode: account, date, amount: centsToNumber(remaining), reference: r.id }, await api.keyFor(requestId, "refund-payment"));
    notes.push({ message: `Xero: ${centsToNumber(remaining)} ${order.currency} paid out against credit note ${cn.CreditNoteNumber}` });
    remaining = 0n;
  }
  cn = { ...cn, Status: remaining === 0n ? "PAID" : cn.Status };
  return { doc: creditDoc(cn, order.currency), notes };
}

export const xero: DestinationConnector = {
  kind: "destination",
  slug: "xero",
  displayName: "Xero",
  docsUrl: "https://developer.xero.com/documentation/api/accounting/overview",
  apiVersion: "2.0 (OpenAPI 16.1.0)",
  auth: { type: "oauth2", rotatingRefreshToken: true, accessTokenTtlSeconds: 1800 },
  hosts: XERO_HOSTS,
  defaultBaseUrl: "https://api.xero.com/api.xro/2.0",
  // https://developer.xero.com/documentation/guides/oauth2/limits/ — per tenant: 60/min, 5,000/day, 5 concurrent.
  rateLimit: { perMinute: 60, concurrency: 5, perDay: 5000 },
  /**
   * Xero's figures, the minute scaled by a simulator tenant's time scale (test/bench connections only): a scaled
   * minute is 60/scale seconds, so the budget also caps each second at scale calls (a burst within a real minute
   * would otherwise overrun the tenant's short minute).
   */
  rateLimitFor(config) {
    const scale = XeroConfig.safeParse(config).data?.simulatorTimeScale ?? 1;
    return scale === 1 ? { perMinute: 60, concurrency: 5, perDay: 5000 } : { perMinute: 60 * scale, perSecond: scale, concurrency: 5, perDay: 5000 };
  },
  configSchema: XeroConfig,
  credentialKeys: ["clientId", "clientSecret", "refreshToken"],
  capabilities: ["upsert", "refund", "void", "list", "batch"],
  batch: xeroBatch,
  classify,
  authorize,
  refreshAccessToken,
  orderRef,
  refundRef,
  async find(ctx, ref, kind, order) {
    // The connection's document-number prefix is part of the number written (InvoiceNumber / CreditNoteNumber).
    const number = `${xeroConfig(ctx).docNumberPrefix}${ref}`;
    if (kind === "order") {
      const inv = await api.findInvoice(ctx, number);
      return inv ? invoiceDoc(inv, order.currency) : null;
    }
    const cn = await api.findCreditNote(ctx, number);
    return cn ? creditDoc(cn, order.currency) : null;
  },
  upsert,
  refund,
  async list(ctx, since, cursor) {
    const page = cursor ? Number(cursor) : 1;
    const invoices = await api.listInvoices(ctx, since, page);
    return { docs: invoices.map((i) => invoiceDoc(i, i.CurrencyCode)), cursor: invoices.length === 100 ? String(page + 1) : null };
  },
};
