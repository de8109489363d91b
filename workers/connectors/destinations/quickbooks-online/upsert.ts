// Converging an order's main document: create (SalesReceipt / Invoice), sparse update, Payment for a paid invoice, void.
import type { ConnectorContext, DocumentRef, SyncNote, SyncResult, UpsertHints } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { minorToNumber, toMinor } from "../../../../shared/model/money";
import type { Order } from "../../../../shared/model/order";
import { read, requestIdFor, write, type Rec, type TxnEntity } from "./api";
import { qboConfig, type QboConfig } from "./config";
import { findByDocNumber, isVoided, toDocumentRef } from "./documents";
import { resolveCustomer, resolveItems, withFreshReferences } from "./lookups";
import { isPaid, salesDocument, salesKind, tenders, type SalesKind } from "./mapping";
import { settleParity } from "./parity";
import { docNumber, marker, orderReference, type Reference } from "./refs";
import { QboTxn } from "./schemas";
import { reversedWhole } from "../../../../shared/posting/lifecycle";

export function salesEntities(order: Order): SalesKind[] {
  return salesKind(order) === "SalesReceipt" ? ["SalesReceipt", "Invoice"] : ["Invoice", "SalesReceipt"];
}

/** The DocNumber of an order's main document for this connection. */
export function orderDocNumber(order: Order, cfg: QboConfig): Reference {
  try {
    return docNumber(orderReference(order), cfg.docNumberPrefix);
  } catch (err) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: (err as Error).message });
  }
}

const isConflict = (err: unknown, code: string): boolean => err instanceof ConnectorError && err.kind === "conflict" && err.vendorCode === code;

/** Sparse update with Id + SyncToken; a 5010 (someone changed it since) re-reads the token and retries once. */
// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/salesreceipt#sparse-update-a-salesreceipt
async function sparseUpdate(ctx: ConnectorContext, cfg: QboConfig, kind: TxnEntity, target: DocumentRef, body: Rec, requestId: string, notes: SyncNote[]): Promise<Rec> {
  const syncToken = target.version ?? QboTxn.parse(await read(ctx, cfg, kind, target.id)).SyncToken;
  try {
    return await write(ctx, cfg, kind, { ...body, Id: target.id, SyncToken: syncToken, sparse: true }, await requestIdFor(requestId, ""));
  } catch (err) {
    if (!isConflict(err, "5010")) throw err;
    const fresh = QboTxn.parse(await read(ctx, cfg, kind, target.id));
    notes.push({ message: `${kind} ${target.id} changed in QuickBooks since SyncToken ${syncToken}; re-read it (SyncToken ${fresh.SyncToken}) and applied the order again`, data: { stale: syncToken, current: fresh.SyncToken } });
    return write(ctx, cfg, kind, { ...body, Id: target.id, SyncToken: fresh.SyncToken, sparse: true }, await requestIdFor(requestId, `retry:${fresh.SyncToken}`));
  }
}

// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/salesreceipt#void-a-salesreceipt
async function voidDocument(ctx: ConnectorContext, cfg: QboConfig, kind: TxnEntity, rec: Rec, requestId: string, notes: SyncNote[]): Promise<Rec> {
  const current = QboTxn.parse(rec);
  if (isVoided(current)) return rec;
  notes.push({ message: `Order cancelled: voided ${kind} ${current.DocNumber ?? current.Id} in QuickBooks`, data: { id: current.Id } });
  return write(ctx, cfg, kind, { Id: current.Id, SyncToken: current.SyncToken, sparse: true }, await requestIdFor(requestId, `void:${current.Id}`), "void");
}

/**
 * The Payments that settle a paid order's Invoice. One tender (or none recorded): one Payment of the open balance.
 * Split tender: one Payment per tender, in the order's tender order, each to the tender's mapped deposit account and
 * method; tenders already covered by what the invoice has received (total − balance) are skipped, so a re-sync after
 * a crash between two payments records only the missing ones.
 */
function paymentsDue(order: Order, total: number, balance: number): Array<{ amount: number; method?: string; key: string }> {
  const taken = tenders(order);
  const single = () => {
    const methods = [...new Set(taken.map((p) => p.method))];
    return [{ amount: balance, method: methods.length === 1 ? methods[0] : undefined, key: "" }];
  };
  if (taken.length <= 1) return single();
  const out: Array<{ amount: number; method?: string; key: string }> = [];
  let received = total - balance;
  let left = balance;
  for (const [i, t] of taken.entries()) {
    const covered = Math.min(received, t.amount);
    received -= covered;
    // The last tender settles what is still open, so the invoice closes at the source's total.
    const amount = i === taken.length - 1 ? left : Math.min(t.amount - covered, left);
    if (amount > 0) out.push({ amount, method: t.method, key: t.id });
    left -= amount;
  }
  return out;
}

/** A paid order whose document is an Invoice: Payments for the open balance, linked to the invoice. */
// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment#create-a-payment
async function payInvoice(ctx: ConnectorContext, cfg: QboConfig, order: Order, invoice: Rec, requestId: string, notes: SyncNote[]): Promise<Rec> {
  const inv = QboTxn.parse(invoice);
  const currency = inv.CurrencyRef?.value ?? cfg.homeCurrency;
  const balance = toMinor(inv.Balance ?? 0, currency);
  if (balance <= 0) return invoice;
  const total = toMinor(inv.TotalAmt ?? 0, currency);
  for (const due of paymentsDue(order, total, balance)) {
    const amount = minorToNumber(due.amount, currency);
    const methodId = due.method ? cfg.paymentMethodMap[due.method] : undefined;
    const account = (due.method ? cfg.depositAccountMap[due.method] : undefined) ?? cfg.depositAccountId;
    const body: Rec = {
      CustomerRef: inv.CustomerRef,
      TxnDate: order.updatedAt.slice(0, 10),
      TotalAmt: amount,
      PrivateNote: `${marker(order.connectionId, order.sourceOrderId)} payment for ${order.source} order ${order.orderNumber}${due.key ? ` (tender ${due.key}, ${due.method})` : ""}`,
      DepositToAccountRef: { value: account },
      ...(methodId ? { PaymentMethodRef: { value: methodId } } : {}),
      ...(currency !== cfg.homeCurrency ? { CurrencyRef: { value: currency } } : {}),
      Line: [{ Amount: amount, LinkedTxn: [{ TxnId: inv.Id, TxnType: "Invoice" }] }],
    };
    const payment = await write(ctx, cfg, "Payment", body, await requestIdFor(requestId, `payment:${inv.Id}:${inv.SyncToken}${due.key ? `:${due.key}` : ""}`));
    notes.push({ message: `Order paid: recorded QuickBooks payment ${String(payment.Id)} of ${amount} ${currency}${due.method ? ` (${due.method})` : ""} against invoice ${inv.DocNumber ?? inv.Id}`, data: { paymentId: payment.Id, account } });
  }
  return read(ctx, cfg, "Invoice", inv.Id);
}

export async function upsert(ctx: ConnectorContext, order: Order, existing: DocumentRef | null, requestId: string, hints: UpsertHints = {}): Promise<SyncResult> {
  const cfg = qboConfig(ctx);
  const notes: SyncNote[] = [];
  const ref = orderDocNumber(order, cfg);
  if (ref.truncated) {
    notes.push({ message: `Order number ${order.orderNumber} is longer than QuickBooks' 21-character DocNumber; posted as ${ref.value} (its last characters)`, data: { docNumber: ref.value } });
  }
  const owner = marker(order.connectionId, order.sourceOrderId);
  let target = existing;
  let targetRaw: Rec | null = null;
  if (!target && !hints.searched) {
    // A crash between QBO's answer and our link write must adopt, not duplicate (DESIGN principle 3). The mesh's
    // convergence has searched already (hints.searched); a direct caller has not.
    const found = await findByDocNumber(ctx, cfg, salesEntities(order), ref.value, owner);
    if (found) {
      target = toDocumentRef(found.kind, found.raw, cfg);
      targetRaw = found.raw;
      notes.push({ message: `Adopted existing QuickBooks ${found.kind} ${target.id} (DocNumber ${ref.value}) for this order`, data: { id: target.id } });
    }
  }
  // A cancelled order that was never refunded is voided; refunds already reverse a refunded one.
  const voiding = reversedWhole(order);
  if (voiding && target) {
    const kind = target.kind as TxnEntity;
    const rec = await voidDocument(ctx, cfg, kind, targetRaw ?? (await read(ctx, cfg, kind, target.id)), requestId, notes);
    return { doc: toDocumentRef(kind, rec, cfg), notes };
  }

  // An existing document keeps its kind: an invoice is settled by a Payment, a receipt stays a receipt.
  const kind: SalesKind = (target?.kind as SalesKind | undefined) ?? salesKind(order);
  let rec = await withFreshReferences(ctx, notes, async (attempt) => {
    const itemFor = await resolveItems(ctx, cfg, order.lines, requestId, notes);
    const customer = await resolveCustomer(ctx, cfg, order, requestId, notes);
    const draft = salesDocument({ order, cfg, docNumber: ref.value, privateNote: `${owner} ${order.source} order ${order.orderNumber}`, customer, itemFor, kind });
    const settled = settleParity(draft.doc, order.totals.total, order.currency, { item: { value: cfg.roundingItemId }, taxCode: cfg.exemptCodeId }, `Order ${order.orderNumber}`);
    notes.push(...settled.notes);
    if (target) return sparseUpdate(ctx, cfg, kind, target, settled.doc, attempt ? `${requestId}:${attempt}` : requestId, notes);
    try {
      return await write(ctx, cfg, kind, settled.doc, await requestIdFor(requestId, attempt));
    } catch (err) {
      // 6140: the number appeared since we looked (a concurrent sync); adopt it if it is ours, else the conflict stands.
      if (!isConflict(err, "6140")) throw err;
      const found = await findByDocNumber(ctx, cfg, [kind], ref.value, owner);
      if (!found) throw err;
      notes.push({ message: `Adopted QuickBooks ${kind} ${String(found.raw.Id)} created concurrently for this order` });
      return sparseUpdate(ctx, cfg, kind, toDocumentRef(kind, found.raw, cfg), settled.doc, `${requestId}:adopt`, notes);
    }
  });
  if (kind === "Invoice" && isPaid(order)) rec = await payInvoice(ctx, cfg, order, rec, requestId, notes);
  if (voiding) rec = await voidDocument(ctx, cfg, kind, rec, requestId, notes);
  return { doc: toDocumentRef(kind, rec, cfg), notes };
}
