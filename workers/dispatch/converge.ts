// Level-triggered convergence of one destination with one order's current snapshot, link by link.
import { and, eq } from "drizzle-orm";
import type { ConnectorContext, DestinationConnector, DocumentRef, SyncNote } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import { db } from "../../shared/db/client";
import { links } from "../../shared/db/schema";
import type { Order } from "../../shared/model/order";
import { sha256Hex } from "../../shared/webhooks/signature";

export type LinkRow = typeof links.$inferSelect;

export interface ConvergeReport {
  /** Documents written or adopted in this pass. */
  written: Array<{ docKey: string; doc: DocumentRef; adopted: boolean; notes: SyncNote[] }>;
  /** Nothing to do: every link already holds this revision. */
  upToDate: boolean;
}

export async function loadLinks(env: Env, orderKey: string, destinationId: string): Promise<Map<string, LinkRow>> {
  const rows = await db(env.DB).select().from(links).where(and(eq(links.orderKey, orderKey), eq(links.destinationConnectionId, destinationId))).all();
  return new Map(rows.map((r) => [r.docKey, r]));
}

/** Deterministic vendor idempotency key for one write of one document at one revision (≤ 36 chars for QuickBooks batch). */
export async function requestIdFor(orderKey: string, destinationId: string, docKey: string, revision: number): Promise<string> {
  const h = await sha256Hex(`${orderKey}|${destinationId}|${docKey}|${revision}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * Brings the destination to the snapshot: the main document first (found by external reference before any create,
 * so a lost link adopts the existing document), then one credit document per refund. Each link is written right
 * after its document, so a crash in between is repaired by the next pass adopting what the vendor holds.
 */
export async function converge(
  env: Env,
  connector: DestinationConnector,
  ctx: ConnectorContext,
  orderKey: string,
  destinationId: string,
  order: Order,
  revision: number,
): Promise<ConvergeReport> {
  const existing = await loadLinks(env, orderKey, destinationId);
  const report: ConvergeReport = { written: [], upToDate: true };
  const main = existing.get("order");
  let parent: DocumentRef | null = main ? fromLink(main) : null;
  if (!main || main.syncedVersion < revision) {
    report.upToDate = false;
    let adopted = false;
    let current = parent;
    if (!current) {
      current = await connector.find(ctx, connector.orderRef(order), "order", order);
      if (current) await refuseForeignAdoption(env, orderKey, destinationId, current);
      adopted = current !== null;
    }
    const result = await connector.upsert(ctx, order, current, await requestIdFor(orderKey, destinationId, "order", revision), { searched: !parent });
    await writeLink(env, orderKey, destinationId, "order", result.doc, revision);
    parent = result.doc;
    report.written.push({ docKey: "order", doc: result.doc, adopted, notes: result.notes });
  }
  if (connector.capabilities.includes("refund")) {
    for (const refund of order.refunds) {
      const docKey = `refund:${refund.id}`;
      if (existing.has(docKey)) continue;
      report.upToDate = false;
      let doc = await connector.find(ctx, connector.refundRef(order, refund), "refund", order);
      if (doc) await refuseForeignAdoption(env, orderKey, destinationId, doc);
      let notes: SyncNote[] = [];
      const adopted = doc !== null;
      if (!doc) {
        const result = await connector.refund(ctx, order, refund, parent, await requestIdFor(orderKey, destinationId, docKey, 0));
        doc = result.doc;
        notes = result.notes;
      }
      await writeLink(env, orderKey, destinationId, docKey, doc, revision);
      report.written.push({ docKey, doc, adopted, notes });
    }
  }
  return report;
}

/**
 * A document found by reference that another order's link already holds is that order's, not this one's: two sources
 * with the same order numbers routed to one company (vendors without an ownership marker match on the number alone).
 * Adopting it would overwrite the other order's document, so the sync stops with a conflict a person resolves.
 */
async function refuseForeignAdoption(env: Env, orderKey: string, destinationId: string, doc: DocumentRef): Promise<void> {
  const owner = await db(env.DB)
    .select({ orderKey: links.orderKey })
    .from(links)
    .where(and(eq(links.destinationConnectionId, destinationId), eq(links.docId, doc.id), eq(links.docKind, doc.kind)))
    .get();
  if (owner && owner.orderKey !== orderKey) {
    throw new ConnectorError({
      kind: "conflict",
      vendorCode: "reference_taken",
      message: `${doc.kind} ${doc.id} (${doc.externalRef}) found by this order's reference belongs to order ${owner.orderKey}; give each source routed to this destination its own docNumberPrefix`,
    });
  }
}

function fromLink(l: LinkRow): DocumentRef {
  return {
    kind: l.docKind, id: l.docId, externalRef: l.externalRef, total: l.total, currency: l.currency,
    version: l.docVersion ?? undefined, state: l.state ?? undefined,
  };
}

export async function writeLink(env: Env, orderKey: string, destinationId: string, docKey: string, doc: DocumentRef, revision: number): Promise<void> {
  const row = {
    orderKey, destinationConnectionId: destinationId, docKey, docKind: doc.kind, docId: doc.id, externalRef: doc.externalRef,
    syncedVersion: revision, total: doc.total, currency: doc.currency, docVersion: doc.version ?? null, state: doc.state ?? null,
    updatedAt: new Date().toISOString(),
  };
  await db(env.DB).insert(links).values(row).onConflictDoUpdate({ target: [links.orderKey, links.destinationConnectionId, links.docKey], set: row });
}
