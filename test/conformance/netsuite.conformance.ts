// Oracle NetSuite against its simulator: the destination conformance suite plus TBA signatures, upsert, status, concurrency.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import { HttpClient } from "../../shared/connector/http";
import { formatMinor } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { netsuite } from "../../workers/connectors/destinations/netsuite";
import { authorizationHeader } from "../../workers/connectors/destinations/netsuite/auth";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { refundOf, stackedDiscounts, unpaidWebOrder, weighedSpice, withIdentity } from "../helpers/orders";
import { netsuiteFixture, netsuiteSpec } from "../helpers/specs-netsuite";
import { rejection as failure } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const SLUG = "netsuite";
const runId = `n${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const accountId = "1234567_SB1";
const credentials = { consumerKey: "demo-ns-consumer-key", consumerSecret: "demo-ns-consumer-secret", tokenId: "demo-ns-token-id", tokenSecret: "demo-ns-token-secret" };

function context(opts: { fetch?: typeof fetch; config?: Record<string, unknown>; credentials?: Record<string, string>; now?: () => Date } = {}): ConnectorContext {
  const config = { accountId, ...opts.config };
  const creds = opts.credentials ?? credentials;
  const baseUrl = `${SANDBOX}/${SLUG}`;
  const http = new HttpClient({
    baseUrl,
    allowedHosts: [...netsuite.hosts, new URL(baseUrl).host],
    classify: (res) => netsuite.classify(res),
    authorize: (req) => netsuite.authorize!(req, { credentials: creds, config, now: opts.now?.() ?? new Date() }),
    fetch: opts.fetch,
  });
  const log = { info() {}, warn() {}, error() {} };
  return { http, clock: { now: () => new Date() }, log, connection: { id: `conn-${runId}`, slug: SLUG, config, credentials: creds } };
}

async function inspect(): Promise<InspectDocument[]> {
  return (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents;
}

async function lastLoginFailure(): Promise<string> {
  return (await sandbox<{ lastFailure: string }>(`/${SLUG}/_sim/login-audit`)).lastFailure;
}

const fresh = (order: Order, tag: string): Order => withIdentity(order, `${runId}${tag}`);

describeDestinationConformance({
  connector: netsuite,
  runId,
  context: async ({ fetch: f }) => context({ fetch: f }),
  // A revoked token: the simulator no longer knows the token secret the connection signs with.
  expireAuth: async () => {
    await sandbox(`/_config/${SLUG}`, { tokenSecret: `revoked-${runId}` });
  },
  restoreAuth: async () => {
    await sandbox(`/_config/${SLUG}`, { tokenSecret: credentials.tokenSecret });
  },
  sendInvalidPayload: (ctx) =>
    ctx.http.send({ method: "PUT", url: `/services/rest/record/v1/salesOrder/eid:${runId}-invalid`, headers: { "content-type": "application/json" }, body: JSON.stringify({ entity: { id: "1" }, subsidiary: { id: "1" }, tranDate: "01/05/2026", item: { items: [{ item: { id: "1" }, quantity: 1, amount: 1 }] } }) }),
  orderKinds: ["cashSale", "salesOrder", "invoice"],
  refundKinds: ["cashRefund", "creditMemo"],
});

describe("NetSuite specifics", () => {
  afterAll(async () => {
    await sandbox(`/_config/${SLUG}`, { tokenSecret: credentials.tokenSecret, concurrency: 5, latencyMs: 0 });
  });

  it("rejects a wrong signature, a stale timestamp and a reused nonce with NetSuite's 401 INVALID_LOGIN body, and recovers", async () => {
    const expected = netsuiteSpec.invalidLogin;
    const url = `${SANDBOX}/${SLUG}/services/rest/record/v1/customer/1`;
    const signed = async (secret: string, at: Date, nonce: string) =>
      fetch(url, { headers: { authorization: await authorizationHeader("GET", new URL(url), { realm: accountId, consumerKey: credentials.consumerKey, tokenId: credentials.tokenId, nonce, timestamp: String(Math.floor(at.getTime() / 1000)) }, credentials.consumerSecret, secret) } });

    const wrong = await signed("not-the-token-secret", new Date(), `w${runId}`);
    expect(wrong.status).toBe(401);
    const body = (await wrong.json()) as { "o:errorDetails": Array<{ "o:errorCode": string; detail: string }> };
    expect(body["o:errorDetails"][0]!["o:errorCode"]).toBe(expected.code);
    expect(body["o:errorDetails"][0]!.detail).toBe(expected.detail);
    expect(await lastLoginFailure()).toMatch(/invalid signature/);

    const stale = await signed(credentials.tokenSecret, new Date(Date.now() - 15 * 60_000), `s${runId}`);
    expect(stale.status).toBe(401);
    expect(await lastLoginFailure()).toMatch(/timestamp/);

    const first = await signed(credentials.tokenSecret, new Date(), `r${runId}`);
    expect(first.status).toBe(200);
    const replayed = await signed(credentials.tokenSecret, new Date(), `r${runId}`);
    expect(replayed.status).toBe(401);
    expect(await lastLoginFailure()).toMatch(/already used/);

    // The connector signs every request with a fresh nonce and the current time: it is let in.
    const err = await failure(netsuite.upsert(context({ now: () => new Date(Date.now() - 15 * 60_000) }), fresh(weighedSpice(), "stale"), null, "rq"));
    expect(err.kind).toBe("auth");
    expect(err.vendorCode).toBe("INVALID_LOGIN");
    const ok = await netsuite.upsert(context(), fresh(weighedSpice(), "stale"), null, "rq");
    expect(ok.doc.kind).toBe("cashSale");
  });

  it("upserts by external id: the same order twice is one record, addressable as eid:<external id>", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "eid");
    const a = await netsuite.upsert(ctx, order, null, "rq-1");
    const b = await netsuite.upsert(ctx, order, null, "rq-2");
    expect(b.doc.id).toBe(a.doc.id);
    const res = await ctx.http.send({ method: "GET", url: `/services/rest/record/v1/cashSale/eid:${netsuite.orderRef(order)}` });
    const rec = res.json<{ id: string; externalId: string; otherRefNum: string }>();
    expect(rec.id).toBe(a.doc.id);
    expect(rec.otherRefNum).toBe(order.orderNumber);
    expect((await inspect()).filter((d) => d.externalRef === order.orderNumber)).toHaveLength(1);
  });

  it("posts subsidiary, location, department and class from the posting profile, and locks the source's tax", async () => {
    const ctx = context({ config: { locations: { "till-7": { subsidiary: "2", location: "3", department: "4", class: "5" } } } });
    const order = { ...fresh(weighedSpice(), "dims"), locationId: "till-7" };
    const { doc } = await netsuite.upsert(ctx, order, null, "rq");
    const held = (await inspect()).find((d) => d.id === doc.id && d.kind === doc.kind)!;
    const raw = held.raw as Record<string, { id: string }> & { taxTotal: number; taxDetails: { items: Array<{ taxAmount: number }> } };
    expect([raw.subsidiary!.id, raw.location!.id, raw.department!.id, raw.class!.id]).toEqual(["2", "3", "4", "5"]);
    const sourceTax = order.lines.reduce((a, l) => a + l.taxes.reduce((b, t) => b + t.amount, 0), 0);
    expect(String(raw.taxTotal)).toBe(formatMinor(sourceTax, order.currency));
  });

  it("ships a sales order through an item fulfillment and closes a cancelled one", async () => {
    const ctx = context();
    const order = fresh(unpaidWebOrder(), "so");
    const created = await netsuite.upsert(ctx, order, null, "rq");
    expect(created.doc.kind).toBe("salesOrder");
    expect(created.doc.state).toBe("open");
    const shipped: Order = { ...order, status: "shipped", fulfillmentStatus: "shipped", fulfillments: [{ id: "F1", status: "shipped", carrier: "UPS", trackingNumber: "1Z999", lines: [] }] };
    const after = await netsuite.upsert(ctx, shipped, created.doc, "rq-ship");
    expect(after.doc.state).toBe("shipped");
    expect(after.notes.some((n) => /item fulfillment/.test(n.message))).toBe(true);
    // Delivered again (a redelivered webhook): no second fulfillment.
    const again = await netsuite.upsert(ctx, { ...shipped, status: "delivered" }, after.doc, "rq-ship-2");
    expect(again.notes.some((n) => /item fulfillment/.test(n.message))).toBe(false);

    const other = fresh(unpaidWebOrder(), "cx");
    const open = await netsuite.upsert(ctx, other, null, "rq");
    const cancelled = await netsuite.upsert(ctx, { ...other, status: "cancelled", financialStatus: "voided" }, open.doc, "rq-cx");
    expect(cancelled.doc.state).toBe("closed");
    const raw = (await inspect()).find((d) => d.id === open.doc.id)!.raw as { item: { items: Array<{ isClosed?: boolean }> } };
    expect(raw.item.items.every((l) => l.isClosed === true)).toBe(true);
  });

  it("refunds a cash sale with a cash refund created from it, and an order with a credit memo when it was invoiced", async () => {
    const ctx = context();
    const order = fresh(stackedDiscounts(), "cr");
    const parent = await netsuite.upsert(ctx, { ...order, channel: "store" }, null, "rq");
    expect(parent.doc.kind).toBe("cashSale");
    const refund = refundOf(order, `${runId}-R9`);
    const credit = await netsuite.refund(ctx, order, refund, parent.doc, "rq");
    expect(credit.doc.kind).toBe("cashRefund");
    const raw = (await inspect()).find((d) => d.id === credit.doc.id)!.raw as { createdFrom?: { id: string } };
    expect(raw.createdFrom?.id).toBe(parent.doc.id);
    const memo = await netsuite.refund(ctx, order, { ...refund, id: `${runId}-R10` }, { ...parent.doc, kind: "invoice" }, "rq");
    expect(memo.doc.kind).toBe("creditMemo");
  });

  it("answers 429 CONCURRENCY_LIMIT_EXCEEDED past the account's concurrency and declares the connection's share", async () => {
    expect(netsuite.rateLimitFor!({ accountId, concurrency: 12 }).concurrency).toBe(12);
    expect(netsuite.rateLimitFor!({ accountId }).concurrency).toBe(5);
    await sandbox(`/_config/${SLUG}`, { concurrency: 2, latencyMs: 150 });
    const ctx = context();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => ctx.http.send({ method: "GET", url: "/services/rest/record/v1/customer/1" })));
    await sandbox(`/_config/${SLUG}`, { concurrency: 5, latencyMs: 0 });
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as ConnectorError);
    expect(refused.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === "fulfilled").length).toBeGreaterThan(0);
    for (const e of refused) {
      expect(e.kind).toBe("rate_limited");
      expect(e.vendorCode).toBe("CONCURRENCY_LIMIT_EXCEEDED");
    }
  });

  it("accepts Oracle's own customer upsert body and upserts customers in that shape", async () => {
    const example = netsuiteFixture<Record<string, unknown>>("rest_create_customer_with_externalId.request.json");
    const ctx = context();
    const externalId = `${runId}CID001`;
    const res = await ctx.http.send({ method: "PUT", url: `/services/rest/record/v1/customer/eid:${externalId}`, headers: { "content-type": "application/json" }, body: JSON.stringify({ ...example, externalId }) });
    expect(res.status).toBe(204);
    expect(res.headers.get("location")).toMatch(/\/customer\/\d+$/);
    // The connector's own customer body for a web order carries the example's fields.
    const sent: Array<Record<string, unknown>> = [];
    const spy = ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (init?.method === "PUT" && url.includes("/customer/")) sent.push(JSON.parse(String(init.body)) as Record<string, unknown>);
      return fetch(input, init);
    }) as typeof fetch;
    await netsuite.upsert(context({ fetch: spy }), fresh(stackedDiscounts(), "cust"), null, "rq");
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0]!).sort()).toEqual(expect.arrayContaining(Object.keys(example).sort()));
  });

  it("answers errors in the shape of Oracle's own example body", async () => {
    const example = netsuiteFixture<Record<string, unknown>>("rest_idempotency_conflict.response.json");
    const res = await fetch(`${SANDBOX}/${SLUG}/services/rest/record/v1/customer/1`);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(Object.keys(example).sort());
    const detail = (body["o:errorDetails"] as Array<Record<string, unknown>>)[0]!;
    expect(Object.keys(detail)).toEqual(expect.arrayContaining(Object.keys((example["o:errorDetails"] as Array<Record<string, unknown>>)[0]!)));
  });

  it("refuses unknown record types and bad values with NetSuite's error body", async () => {
    const ctx = context();
    const err = await failure(ctx.http.send({ method: "PUT", url: `/services/rest/record/v1/salesOrder/eid:${runId}-bad`, headers: { "content-type": "application/json" }, body: JSON.stringify({ entity: { id: "1" }, subsidiary: { id: "1" }, item: { items: [{ item: { id: "999" }, quantity: 1, amount: 1 }] } }) }));
    expect(err.kind).toBe("permanent");
    expect(err.vendorCode).toBe("USER_ERROR");
    expect(JSON.parse(err.body!)["o:errorDetails"][0]["o:errorPath"]).toBe("item.items[0].item");
  });
});

beforeAll(async () => {
  await sandbox(`/_config/${SLUG}`, { accountId, ...credentials });
});
