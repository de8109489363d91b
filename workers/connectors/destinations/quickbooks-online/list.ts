// Reconciliation listing: OrderMesh's documents changed since an instant, entity by entity, page by page.
import type { ConnectorContext, DocumentRef } from "../../../../shared/connector/contract";
import { query, quote, type TxnEntity } from "./api";
import { qboConfig } from "./config";
import { toDocumentRef } from "./documents";
import { markerOf } from "./refs";
import { QboTxn } from "./schemas";

const LISTED: TxnEntity[] = ["SalesReceipt", "Invoice", "RefundReceipt", "CreditMemo"];
const PAGE = 200;

interface Cursor {
  entity: number;
  start: number;
}

// https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries (STARTPOSITION / MAXRESULTS)
export async function list(ctx: ConnectorContext, since: Date, cursor: string | null): Promise<{ docs: DocumentRef[]; cursor: string | null }> {
  const cfg = qboConfig(ctx);
  const at: Cursor = cursor ? (JSON.parse(cursor) as Cursor) : { entity: 0, start: 1 };
  const kind = LISTED[at.entity];
  if (!kind) return { docs: [], cursor: null };
  const rows = await query(ctx, cfg, kind, `MetaData.LastUpdatedTime >= ${quote(since.toISOString())}`, { start: at.start, max: PAGE });
  // Documents OrderMesh wrote carry the om:<source connection>:<source order> marker; others are the retailer's own.
  const docs = rows.filter((r) => markerOf(QboTxn.parse(r).PrivateNote)?.startsWith("om:")).map((r) => toDocumentRef(kind, r, cfg));
  const next: Cursor | null = rows.length === PAGE ? { entity: at.entity, start: at.start + PAGE } : at.entity + 1 < LISTED.length ? { entity: at.entity + 1, start: 1 } : null;
  return { docs, cursor: next ? JSON.stringify(next) : null };
}
