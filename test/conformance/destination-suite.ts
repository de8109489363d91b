// The conformance suite every destination passes: totals to the cent, one document under replay, refunds, error kinds, hosts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ConnectorContext, DestinationConnector, DocumentRef } from "../../shared/connector/contract";
import { ConnectorError, type ErrorKind } from "../../shared/connector/errors";
import { HttpClient, hostAllowed } from "../../shared/connector/http";
import { formatMinor } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import type { Faults, InspectDocument } from "../../workers/sandbox/kit";
import { sandbox } from "../helpers/connector-context";
import { handWrittenOrders, orderArb, refundOf, stackedDiscounts, weighedSpice, withIdentity } from "../helpers/orders";

export interface DestinationConformanceOptions {
  connector: DestinationConnector;
  /**
   * A context for one connection against the simulator. `fetch` (when given) must be the one its HttpClient uses, so
   * the suite can see every request; the suite never shares a connection id between checks that must not interfere.
   */
  context(opts: { fetch: typeof fetch }): Promise<ConnectorContext>;
  /** Makes the simulator answer the next API call as the vendor does for an expired or revoked credential. */
  expireAuth(): Promise<void>;
  /** Restores working credentials after expireAuth (a refresh, a new session). */
  restoreAuth(): Promise<void>;
  /** Sends a payload the vendor must reject as invalid through this context's HttpClient (the call should throw). */
  sendInvalidPayload(ctx: ConnectorContext): Promise<unknown>;
  /** Document kinds the destination uses for an order's main document and for a refund's credit document. */
  orderKinds: readonly string[];
  refundKinds: readonly string[];
  /** Unique per test run, so orders from earlier runs against the same simulator never collide. */
  runId: string;
  /** Orders mapped with totals to the cent (default: the hand-written corpus). */
  corpus?: Order[];
  propertyRuns?: number;
  /**
   * Orders the destination cannot hold to the cent (Xero keeps two decimals, so a KWD total with odd fils): the suite
   * expects a permanent refusal and no document for them instead of a posted total. Default: none.
   */
  unrepresentable?(order: Order): boolean;
  /** Values for the default base URL's placeholders when its host is checked (default "x"; Zoho's `{dataCenter}` needs "com"). */
  baseUrlValues?: Record<string, string>;
}

async function inspect(slug: string): Promise<InspectDocument[]> {
  return (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${slug}`)).documents;
}

async function setFaults(slug: string, f: Faults): Promise<void> {
  await sandbox(`/_faults/${slug}`, f);
}

async function expectKind(p: Promise<unknown>, kind: ErrorKind): Promise<ConnectorError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, `expected a ${kind} ConnectorError`).toBeInstanceOf(ConnectorError);
  expect((err as ConnectorError).kind).toBe(kind);
  return err as ConnectorError;
}

/** A fetch that records the host of every request before passing it on. */
function recordingFetch(): { fetch: typeof fetch; hosts: string[] } {
  const hosts: string[] = [];
  return {
    hosts,
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
      hosts.push(new URL(input instanceof Request ? input.url : String(input)).host);
      return fetch(input, init);
    }) as typeof fetch,
  };
}

export function describeDestinationConformance(opts: DestinationConformanceOptions): void {
  const { connector } = opts;
  const slug = connector.slug;
  let seq = 0;
  const fresh = (order: Order, tag: string): Order => {
    const id = `${opts.runId}${tag}${++seq}`;
    return withIdentity(order, id, id);
  };

  async function docFor(doc: DocumentRef): Promise<InspectDocument> {
    const found = (await inspect(slug)).find((d) => d.kind === doc.kind && d.id === doc.id);
    expect(found, `${doc.kind} ${doc.id} is held by the simulator`).toBeDefined();
    return found!;
  }

  describe(`${slug} destination conformance`, () => {
    it("declares capabilities that match the functions it has", () => {
      expect(connector.kind).toBe("destination");
      expect(connector.capabilities.includes("list")).toBe(typeof connector.list === "function");
      expect(connector.capabilities).toContain("upsert");
      expect(connector.capabilities).toContain("refund");
      expect(connector.hosts.length).toBeGreaterThan(0);
      // Tenant hosts ("https://{environment}.operations.dynamics.com") are declared as wildcards ("*.operations.dynamics.com");
      // a self-hosted system's host ("{serviceLayerHost}") is filled from the connection's config like the base URL.
      const fill = (text: string) => text.replace(/\{([^}]+)\}/g, (_, k: string) => opts.baseUrlValues?.[k] ?? "x");
      expect(hostAllowed(new URL(fill(connector.defaultBaseUrl)).host, connector.hosts.map(fill)), "the default base URL's host is declared").toBe(true);
    });

    it("maps the hand-written corpus with document totals equal to the source to the cent", async () => {
      const rec = recordingFetch();
      const ctx = await opts.context({ fetch: rec.fetch });
      for (const base of opts.corpus ?? handWrittenOrders()) {
        const order = fresh(base, "c");
        const result = await connector.upsert(ctx, order, null, `${order.sourceOrderId}-rq`);
        expect(result.doc.total, `${base.sourceOrderId}: connector's total`).toBe(order.totals.total);
        const held = await docFor(result.doc);
        expect(held.total, `${base.sourceOrderId}: simulator's total`).toBe(formatMinor(order.totals.total, order.currency));
        expect(held.currency).toBe(order.currency);
        expect(opts.orderKinds).toContain(held.kind);
      }
      const base = new URL(ctx.http.baseUrl).host;
      for (const host of rec.hosts) expect([base, ...connector.hosts]).toContain(host);
    });

    it("maps generated orders (fast-check) with totals equal to the cent", async () => {
      const ctx = await opts.context({ fetch });
      await fc.assert(
        fc.asyncProperty(orderArb, async (generated) => {
          const order = fresh(generated, "p");
          if (opts.unrepresentable?.(order)) {
            await expectKind(connector.upsert(ctx, order, null, `${order.sourceOrderId}-rq`), "permanent");
            expect(await connector.find(ctx, connector.orderRef(order), "order", order)).toBeNull();
            return;
          }
          const result = await connector.upsert(ctx, order, null, `${order.sourceOrderId}-rq`);
          const held = await docFor(result.doc);
          expect(result.doc.total).toBe(order.totals.total);
          expect(held.total).toBe(formatMinor(order.totals.total, order.currency));
        }),
        { numRuns: opts.propertyRuns ?? 8, seed: 20260501 },
      );
    });

    it("creates exactly one document under replay and after a lost link", async () => {
      const ctx = await opts.context({ fetch });
      const order = fresh(weighedSpice(), "r");
      const first = await connector.upsert(ctx, order, null, `${order.sourceOrderId}-rq`);
      const again = await connector.upsert(ctx, order, null, `${order.sourceOrderId}-rq`);
      expect(again.doc.id).toBe(first.doc.id);
      // The link was lost: find must adopt the document, and converging it must not create another.
      const found = await connector.find(ctx, connector.orderRef(order), "order", order);
      expect(found?.id).toBe(first.doc.id);
      const converged = await connector.upsert(ctx, order, found, `${order.sourceOrderId}-rq2`);
      expect(converged.doc.id).toBe(first.doc.id);
      const held = (await inspect(slug)).filter((d) => opts.orderKinds.includes(d.kind) && d.externalRef === first.doc.externalRef);
      expect(held).toHaveLength(1);
      expect(held[0]!.total).toBe(formatMinor(order.totals.total, order.currency));
    });

    it("creates one credit document per refund, with the refund total", async () => {
      const ctx = await opts.context({ fetch });
      const order = fresh(stackedDiscounts(), "f");
      const parent = await connector.upsert(ctx, order, null, `${order.sourceOrderId}-rq`);
      const refund = refundOf(order, `${order.sourceOrderId}-R1`);
      const credit = await connector.refund(ctx, order, refund, parent.doc, `${refund.id}-rq`);
      expect(opts.refundKinds).toContain(credit.doc.kind);
      expect(credit.doc.total).toBe(refund.total);
      const held = await docFor(credit.doc);
      expect(held.total).toBe(formatMinor(refund.total, order.currency));
      const replay = await connector.refund(ctx, order, refund, parent.doc, `${refund.id}-rq-again`);
      expect(replay.doc.id).toBe(credit.doc.id);
      const credits = (await inspect(slug)).filter((d) => opts.refundKinds.includes(d.kind) && d.externalRef === credit.doc.externalRef);
      expect(credits).toHaveLength(1);
    });

    it("classifies 401, 429, 5xx and validation errors", async () => {
      const ctx = await opts.context({ fetch });
      try {
        await opts.expireAuth();
        await expectKind(connector.upsert(ctx, fresh(weighedSpice(), "e"), null, `${opts.runId}-auth`), "auth");
      } finally {
        await opts.restoreAuth();
      }
      const authed = await opts.context({ fetch });
      try {
        await setFaults(slug, { rateLimited: 1, retryAfterSeconds: 7 });
        const limited = await expectKind(connector.upsert(authed, fresh(weighedSpice(), "e"), null, `${opts.runId}-429`), "rate_limited");
        expect(limited.retryAfterSeconds).toBe(7);
        await setFaults(slug, { serverErrors: 1 });
        await expectKind(connector.upsert(authed, fresh(weighedSpice(), "e"), null, `${opts.runId}-5xx`), "retryable");
      } finally {
        await setFaults(slug, {});
      }
      await expectKind(opts.sendInvalidPayload(authed), "permanent");
    });

    it("writes only to declared hosts: an undeclared host throws before any request", async () => {
      const ctx = await opts.context({ fetch });
      const calls: string[] = [];
      const http = new HttpClient({
        baseUrl: "https://api.undeclared.example",
        allowedHosts: connector.hosts,
        classify: (res) => connector.classify(res),
        fetch: ((input: RequestInfo | URL) => {
          calls.push(String(input));
          return Promise.reject(new Error("must not be called"));
        }) as typeof fetch,
      });
      const err = await expectKind(connector.upsert({ ...ctx, http }, fresh(weighedSpice(), "h"), null, `${opts.runId}-host`), "permanent");
      expect(err.vendorCode).toBe("undeclared_host");
      expect(calls).toHaveLength(0);
    });
  });
}
