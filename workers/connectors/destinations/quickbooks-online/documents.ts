// QBO transactions as DocumentRefs, and finding the one that belongs to an order (DocNumber + PrivateNote marker).
import type { ConnectorContext, DocumentRef } from "../../../../shared/connector/contract";
import { ConnectorError } from "../../../../shared/connector/errors";
import { toMinor } from "../../../../shared/model/money";
import { query, quote, type Rec, type TxnEntity } from "./api";
import type { QboConfig } from "./config";
import { markerOf } from "./refs";
import { QboTxn } from "./schemas";

export function isVoided(rec: QboTxn): boolean {
  return (rec.PrivateNote ?? "").startsWith("Voided") && (rec.TotalAmt ?? 0) === 0;
}

function stateOf(kind: TxnEntity, rec: QboTxn): string {
  if (isVoided(rec)) return "voided";
  switch (kind) {
    case "Invoice":
      return (rec.Balance ?? 0) === 0 && (rec.TotalAmt ?? 0) !== 0 ? "paid" : "open";
    case "CreditMemo":
      return (rec.RemainingCredit ?? rec.Balance ?? 0) === 0 ? "applied" : "open";
    case "RefundReceipt":
      return "refunded";
    default:
      return "paid";
  }
}

export function toDocumentRef(kind: TxnEntity, raw: Rec, cfg: QboConfig): DocumentRef {
  const rec = QboTxn.parse(raw);
  const currency = rec.CurrencyRef?.value ?? cfg.homeCurrency;
  return {
    kind,
    id: rec.Id,
    externalRef: rec.DocNumber ?? "",
    total: toMinor(rec.TotalAmt ?? 0, currency),
    currency,
    version: rec.SyncToken,
    state: stateOf(kind, rec),
  };
}

/**
 * Looks a DocNumber up in each entity and adopts a document only when its PrivateNote marker is `owner` (or, for
 * `prefixOnly`, starts with it). The number on someone else's document is a conflict a person must resolve.
 */
// https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
export async function findByDocNumber(ctx: ConnectorContext, cfg: QboConfig, entities: readonly TxnEntity[], docNumber: string, owner: string, prefixOnly = false): Promise<{ kind: TxnEntity; raw: Rec } | null> {
  const foreign: string[] = [];
  for (const kind of entities) {
    for (const raw of await query(ctx, cfg, kind, `DocNumber = ${quote(docNumber)}`, { start: 1, max: 10 })) {
      const rec = QboTxn.parse(raw);
      const mark = markerOf(rec.PrivateNote);
      if (mark && (prefixOnly ? mark.startsWith(owner) : mark === owner)) return { kind, raw };
      foreign.push(`${kind} ${rec.Id}${mark ? ` (${mark})` : " (no OrderMesh marker)"}`);
    }
  }
  if (foreign.length > 0) {
    throw new ConnectorError({
      kind: "conflict",
      vendorCode: "doc_number_taken",
      message: `QuickBooks document number ${docNumber} is already used by ${foreign.join(", ")}, which is not this order's; set a docNumberPrefix for this connection or renumber that document`,
    });
  }
  return null;
}
