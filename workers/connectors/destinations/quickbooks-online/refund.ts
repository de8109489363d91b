// A refund's credit document: RefundReceipt against a SalesReceipt, CreditMemo against an Invoice; one per refund.
import type { ConnectorContext, DocumentRef, SyncNote, SyncResult } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import type { Order, Refund } from "../../../../shared/model/order";
import { requestIdFor, write, type Rec } from "./api";
import { qboConfig } from "./config";
import { findByDocNumber, toDocumentRef } from "./documents";
import { resolveCustomer, resolveItems, withFreshReferences } from "./lookups";
import { isPaid, refundDocument, type CreditKind } from "./mapping";
import { settleParity } from "./parity";
import { docNumber, marker, refundReference } from "./refs";
import { orderDocNumber, salesEntities } from "./upsert";

export const CREDIT_ENTITIES: CreditKind[] = ["RefundReceipt", "CreditMemo"];

/** The DocNumber of a refund's credit document for this connection. */
export function refundDocNumber(refund: Refund, prefix: string): string {
  try {
    return docNumber(refundReference(refund), prefix).value;
  } catch (err) {
    throw new ConnectorError({ kind: "permanent", vendorCode: "config", message: (err as Error).message });
  }
}

export async function refund(ctx: ConnectorContext, order: Order, r: Refund, parent: DocumentRef | null, requestId: string): Promise<SyncResult> {
  const cfg = qboConfig(ctx);
  const notes: SyncNote[] = [];
  const ref = refundDocNumber(r, cfg.docNumberPrefix);
  const owner = marker(order.connectionId, order.sourceOrderId, r.id);
  const existing = await findByDocNumber(ctx, cfg, CREDIT_ENTITIES, ref, owner);
  if (existing) {
    notes.push({ message: `Adopted existing QuickBooks ${existing.kind} ${String(existing.raw.Id)} (DocNumber ${ref}) for refund ${r.id}` });
    return { doc: toDocumentRef(existing.kind, existing.raw, cfg), notes };
  }
  let parentDoc = parent;
  if (!parentDoc) {
    const found = await findByDocNumber(ctx, cfg, salesEntities(order), orderDocNumber(order, cfg).value, marker(order.connectionId, order.sourceOrderId));
    parentDoc = found ? toDocumentRef(found.kind, found.raw, cfg) : null;
  }
  const kind: CreditKind = parentDoc ? (parentDoc.kind === "Invoice" ? "CreditMemo" : "RefundReceipt") : isPaid(order) ? "RefundReceipt" : "CreditMemo";
  const refundedLines = order.lines.filter((l) => r.lines.some((x) => x.lineId === l.id));
  const rec: Rec = await withFreshReferences(ctx, notes, async (attempt) => {
    const itemFor = await resolveItems(ctx, cfg, refundedLines, requestId, notes);
    const customer = await resolveCustomer(ctx, cfg, order, requestId, notes);
    const doc = refundDocument({
      order,
      refund: r,
      cfg,
      kind,
      docNumber: ref,
      privateNote: `${owner} refund ${r.id} of ${order.source} order ${order.orderNumber}`,
      customer,
      itemFor,
      invoiceId: kind === "CreditMemo" && parentDoc?.kind === "Invoice" ? parentDoc.id : undefined,
    });
    const settled = settleParity(doc, r.total, order.currency, { item: { value: cfg.roundingItemId }, taxCode: cfg.exemptCodeId }, `Refund ${r.id}`);
    notes.push(...settled.notes);
    // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/refundreceipt#create-a-refundreceipt
    return write(ctx, cfg, kind, settled.doc, await requestIdFor(requestId, attempt));
  });
  return { doc: toDocumentRef(kind, rec, cfg), notes };
}
