// What the destination conformance files share around the suite: a context against the simulator that reads the live
// token at each request, a refusal caught as its ConnectorError, the expired-token fault, a held document by id, and
// the race of two syncs past "not found" for destinations without an idempotency key.
import { expect } from "vitest";
import type { ConnectionView, Connector, ConnectorContext, DestinationConnector } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import { HttpClient } from "../../shared/connector/http";
import { formatMinor } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { refundOf } from "../helpers/orders";

/**
 * A context for `connection` against the connector's simulator; `token` is read at each request (so a refresh made
 * after the context was built is used) and `fetch`, when given, is the one its HttpClient uses.
 */
export function simulatorContext(connector: Connector, connection: ConnectionView, opts: { token?: () => string | undefined; fetch?: typeof fetch } = {}): ConnectorContext {
  const baseUrl = `${SANDBOX}/${connector.slug}`;
  const { config, credentials } = connection;
  const http = new HttpClient({
    baseUrl,
    allowedHosts: [...connector.hosts, new URL(baseUrl).host],
    classify: (res) => connector.classify(res),
    authorize: (req) => connector.authorize!(req, { credentials, config, accessToken: opts.token?.(), now: new Date() }),
    fetch: opts.fetch,
  });
  return { http, clock: { now: () => new Date() }, log: { info() {}, warn() {}, error() {} }, connection };
}

/** The ConnectorError `p` is refused with (it must be refused with one). */
export async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

/** The suite's `expireAuth`: the simulator answers the next call as for an expired token. */
export function expireTokens(slug: string): () => Promise<void> {
  return async () => {
    await sandbox(`/_faults/${slug}`, { expireTokens: true });
  };
}

/** The simulator's document `id` (it must be held). */
export async function heldDocument(slug: string, id: string): Promise<InspectDocument> {
  const d = (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${slug}`)).documents.find((x) => x.id === id);
  expect(d, `document ${id} is held`).toBeDefined();
  return d!;
}

/**
 * Two syncs of `order` racing past "not found", then two of its refund: each pair ends on one document, and the
 * simulator (`held`) holds one of each kind with the order's total.
 */
export async function expectOneDocumentUnderRace(
  connector: DestinationConnector,
  ctx: ConnectorContext,
  order: Order,
  held: () => Promise<InspectDocument[]>,
  kinds: { order: string; refund: string },
): Promise<void> {
  const [a, b] = await Promise.all([connector.upsert(ctx, order, null, "rq"), connector.upsert(ctx, order, null, "rq")]);
  expect(a.doc.id).toBe(b.doc.id);
  const refund = refundOf(order, `${order.sourceOrderId}-R1`);
  const [x, y] = await Promise.all([connector.refund(ctx, order, refund, a.doc, "rr"), connector.refund(ctx, order, refund, a.doc, "rr")]);
  expect(x.doc.id).toBe(y.doc.id);
  const docs = await held();
  expect(docs.filter((d) => d.kind === kinds.order && d.externalRef === a.doc.externalRef)).toHaveLength(1);
  expect(docs.filter((d) => d.kind === kinds.refund && d.externalRef === x.doc.externalRef)).toHaveLength(1);
  expect(docs.find((d) => d.id === a.doc.id)!.total).toBe(formatMinor(order.totals.total, order.currency));
}
