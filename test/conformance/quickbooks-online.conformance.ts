// QuickBooks Online against its simulator: the destination conformance suite plus QBO's own behaviours.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import type { HttpRequest, HttpResponse } from "../../shared/connector/http";
import { LookupMemo } from "../../shared/connector/memo";
import { formatMinor } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { quickbooksOnline as qbo } from "../../workers/connectors/destinations/quickbooks-online";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { buildOrder, refundOf, truncatingScale, unpaidWebOrder, weighedSpice, withIdentity } from "../helpers/orders";
import { qboFixture } from "../helpers/specs-quickbooks-online";
import { expireTokens, rejection, simulatorContext } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const SLUG = "quickbooks-online";
const runId = `q${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const realmId = `9130${runId}`;
const client = { clientId: `client-${runId}`, clientSecret: `secret-${runId}`, refreshToken: `rt0-${runId}` };
const auth = { accessToken: "", refreshToken: client.refreshToken };

function context(opts: { fetch?: typeof fetch; connectionId?: string; config?: Record<string, unknown>; credentials?: Record<string, string> } = {}): ConnectorContext {
  const config = { realmId, ...opts.config };
  const credentials = opts.credentials ?? { clientId: client.clientId, clientSecret: client.clientSecret, refreshToken: auth.refreshToken };
  const connection = { id: opts.connectionId ?? `conn-${runId}`, slug: SLUG, config, credentials };
  return simulatorContext(qbo, connection, { token: () => auth.accessToken, fetch: opts.fetch });
}

/** Exchanges the current refresh token and keeps the rotated one (as the ConnectionActor does). */
async function refresh(): Promise<void> {
  const tokens = await qbo.refreshAccessToken!(context());
  auth.accessToken = tokens.accessToken;
  auth.refreshToken = tokens.refreshToken!;
}

async function inspect(): Promise<InspectDocument[]> {
  return (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents;
}

async function rawPost(ctx: ConnectorContext, entity: string, body: unknown, requestid?: string): Promise<HttpResponse> {
  return ctx.http.raw({
    method: "POST",
    url: `/v3/company/${realmId}/${entity}`,
    query: { minorversion: "75", requestid },
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const fresh = (order: Order, tag: string, number?: string): Order => withIdentity(order, `${runId}${tag}`, number ?? `${runId}${tag}`);

beforeAll(async () => {
  await sandbox(`/${SLUG}/_sim/clients`, client);
  await refresh();
});

describeDestinationConformance({
  connector: qbo,
  runId,
  context: async ({ fetch: f }) => context({ fetch: f }),
  expireAuth: expireTokens(SLUG),
  restoreAuth: refresh,
  sendInvalidPayload: (ctx) =>
    ctx.http.send({
      method: "POST",
      url: `/v3/company/${realmId}/salesreceipt`,
      query: { minorversion: "75" },
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Line: [{ DetailType: "SalesItemLineDetail", Amount: 1, SalesItemLineDetail: { ItemRef: { value: "1" } } }], Frobnicate: true }),
    }),
  orderKinds: ["SalesReceipt", "Invoice"],
  refundKinds: ["RefundReceipt", "CreditMemo"],
});

describe("quickbooks-online specifics", () => {
  it("treats a Fault in an HTTP 200 answer as an error (Intuit's fault template, and live from the simulator)", async () => {
    const template = qboFixture<{ Fault: { Error: { code: string; Message: string; Detail: string }[]; type: string } }>("fault.response.template.json");
    template.Fault.Error[0]!.code = "6000";
    const text = JSON.stringify(template);
    const res: HttpResponse = { status: 200, headers: new Headers(), text, url: "https://quickbooks.api.intuit.com/v3/company/1/salesreceipt", json: <T>() => JSON.parse(text) as T };
    const detail = qbo.classify(res);
    expect(detail?.kind).toBe("permanent");
    expect(detail?.vendorCode).toBe("6000");
    expect(detail?.body).toBe(text);

    await sandbox(`/${SLUG}/_sim/fault-200`, { count: 1 });
    const err = await rejection(qbo.upsert(context(), fresh(weighedSpice(), "f200"), null, `${runId}-f200`));
    expect(err.status).toBe(200);
    expect(err.kind).toBe("permanent");
    expect(err.vendorCode).toBe("6000");
  });

  it("answers a stale SyncToken with 5010 → conflict, and upsert converges by re-reading", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "stale");
    const created = await qbo.upsert(ctx, order, null, `${runId}-stale-1`);
    expect(created.doc.version).toBe("0");
    // Someone edits the receipt in QuickBooks: SyncToken moves to 1.
    const edited = await rawPost(ctx, "salesreceipt", { Id: created.doc.id, SyncToken: "0", sparse: true, TrackingNum: "edited-by-hand" });
    expect(edited.status).toBe(200);
    const stale = await rawPost(ctx, "salesreceipt", { Id: created.doc.id, SyncToken: "0", sparse: true, TrackingNum: "late" });
    const detail = qbo.classify(stale);
    expect(detail?.kind).toBe("conflict");
    expect(detail?.vendorCode).toBe("5010");

    const changed: Order = { ...order, note: "changed", sourceVersion: 2 };
    const converged = await qbo.upsert(ctx, changed, created.doc, `${runId}-stale-2`);
    expect(converged.doc.id).toBe(created.doc.id);
    expect(Number(converged.doc.version)).toBeGreaterThan(1);
    expect(converged.doc.total).toBe(order.totals.total);
    expect(converged.notes.some((n) => /SyncToken/.test(n.message))).toBe(true);
  });

  it("rotates refresh tokens: after two refreshes the first refresh token is rejected", async () => {
    const rot = { clientId: `rot-${runId}`, clientSecret: "rot-secret", refreshToken: `rot-rt0-${runId}` };
    await sandbox(`/${SLUG}/_sim/clients`, rot);
    const ctxWith = (refreshToken: string, clientSecret = rot.clientSecret) => context({ credentials: { ...rot, clientSecret, refreshToken } });
    const first = await qbo.refreshAccessToken!(ctxWith(rot.refreshToken));
    const second = await qbo.refreshAccessToken!(ctxWith(first.refreshToken!));
    expect(first.refreshToken).not.toBe(rot.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(first.expiresAt).toBeGreaterThan(Date.now());
    for (const old of [rot.refreshToken, first.refreshToken!]) {
      const err = await rejection(qbo.refreshAccessToken!(ctxWith(old)));
      expect(err.kind).toBe("auth");
      expect(err.vendorCode).toBe("invalid_grant");
    }
    const badClient = await rejection(qbo.refreshAccessToken!(ctxWith(second.refreshToken!, "wrong")));
    expect(badClient.vendorCode).toBe("invalid_client");
    // The simulator answers with the fields of Intuit's own SDK fixture.
    const fixture = qboFixture<Record<string, unknown>>("success_refreshtoken_response.json");
    const raw = await fetch(`${SANDBOX}/${SLUG}/oauth2/v1/tokens/bearer`, {
      method: "POST",
      headers: { authorization: `Basic ${btoa(`${rot.clientId}:${rot.clientSecret}`)}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: second.refreshToken! }),
    });
    const body = (await raw.json()) as Record<string, unknown>;
    for (const key of Object.keys(fixture).filter((k) => k !== "id_token")) expect(typeof body[key]).toBe(typeof fixture[key]);
  });

  it("keeps DocNumber within 21 characters (the end of a long number) and the simulator enforces it", async () => {
    const ctx = context();
    const long = `WEB-${runId}-2026-05-01-000123456789`;
    const order = fresh(weighedSpice(), "long", long);
    const result = await qbo.upsert(ctx, order, null, `${runId}-long`);
    expect(result.doc.externalRef.length).toBeLessThanOrEqual(21);
    expect(long.endsWith(result.doc.externalRef)).toBe(true);
    expect(result.notes.some((n) => n.message.includes(long))).toBe(true);
    const held = (await inspect()).find((d) => d.id === result.doc.id)!;
    expect((held.raw as { DocNumber: string }).DocNumber).toBe(result.doc.externalRef);
    const tooLong = await rawPost(ctx, "salesreceipt", {
      DocNumber: "X".repeat(22),
      Line: [{ DetailType: "SalesItemLineDetail", Amount: 1, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 1, UnitPrice: 1 } }],
    });
    const detail = qbo.classify(tooLong);
    expect(detail?.kind).toBe("permanent");
    expect(detail?.vendorCode).toBe("2050");
  });

  it("trims non-Latin item names to 100 characters on a character boundary", async () => {
    const ctx = context();
    const names = [
      "हल्दी पाउडर शुद्ध और प्राकृतिक ".repeat(5),
      "ብርብሬ ቅመም ከኢትዮጵያ የመጣ ".repeat(6),
      "𠮷野家の牛丼のたれ𩸽の干物".repeat(9),
      "زعتر بلدي فلسطيني أصلي ".repeat(6),
    ];
    const order = fresh(
      buildOrder({
        id: "names",
        currency: "USD",
        taxesIncluded: false,
        lines: names.map((name, i) => ({ name, sku: `${runId}-NAME-${i}`, quantity: "1", unitPrice: 100 + i })),
        tax: 0,
      }),
      "names",
    );
    const result = await qbo.upsert(ctx, order, null, `${runId}-names`);
    const held = (await inspect()).find((d) => d.id === result.doc.id)!;
    const itemIds = (held.raw as { Line: { DetailType: string; SalesItemLineDetail?: { ItemRef: { value: string } } }[] }).Line.filter((l) => l.DetailType === "SalesItemLineDetail").map((l) => l.SalesItemLineDetail!.ItemRef.value);
    const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
    for (const [i, id] of itemIds.entries()) {
      const res = await ctx.http.send({ method: "GET", url: `/v3/company/${realmId}/item/${id}`, query: { minorversion: "75" } });
      const name = res.json<{ Item: { Name: string } }>().Item.Name;
      const original = names[i]!.trim();
      expect(name.length).toBeLessThanOrEqual(100);
      expect(name.length).toBeGreaterThan(80);
      expect(name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      // Whole graphemes: the name's graphemes are exactly the original's first ones.
      const got = [...segmenter.segment(name)].map((s) => s.segment);
      const want = [...segmenter.segment(original)].map((s) => s.segment).slice(0, got.length);
      expect(got.join("").trimEnd()).toBe(want.join("").trimEnd());
    }
  });

  it("adds a rounding line where QBO rounds quantity × price differently from the source", async () => {
    const ctx = context();
    const order = fresh(truncatingScale(), "round");
    const result = await qbo.upsert(ctx, order, null, `${runId}-round`);
    expect(result.doc.total).toBe(order.totals.total);
    expect(result.notes.some((n) => /rounding adjustment/.test(n.message))).toBe(true);
    const held = (await inspect()).find((d) => d.id === result.doc.id)!;
    expect(held.total).toBe(formatMinor(order.totals.total, "USD"));
    const lines = (held.raw as { Line: { Amount: number; SalesItemLineDetail?: { ItemRef: { value: string } } }[] }).Line;
    // The source says 0.49 for 0.333 × 1.50 (0.4995); QBO makes it 0.50, so a −0.01 adjustment brings 9.49 back to 9.48.
    const rounding = lines.filter((l) => l.SalesItemLineDetail?.ItemRef.value === "2");
    expect(rounding.map((l) => l.Amount)).toEqual([-0.01]);
  });

  it("remembers items and customers per connection, and looks them up again when QuickBooks refuses a remembered one", async () => {
    const realm = `${realmId}-m`;
    const ctx: ConnectorContext = { ...context({ config: { realmId: realm } }), memo: new LookupMemo() };
    const customer = { name: `Memo ${runId}`, email: `memo-${runId}@example.com` };
    const skus = [`${runId}-M1`, `${runId}-M2`];
    const make = (tag: string) =>
      fresh(buildOrder({ id: tag, currency: "USD", taxesIncluded: false, customer, lines: skus.map((sku, i) => ({ name: `Spice ${sku}`, sku, quantity: "1", unitPrice: 250 + i })), tax: 0 }), tag);
    const requests = async () => (await sandbox<Record<string, number>>(`/_stats/${SLUG}`))[`requests:${realm}`] ?? 0;
    const refs = async (id: string) => {
      const raw = (await inspect()).find((d) => d.id === id)!.raw as { CustomerRef: { value: string }; Line: Array<{ SalesItemLineDetail?: { ItemRef: { value: string } } }> };
      return { customer: raw.CustomerRef.value, items: raw.Line.flatMap((l) => (l.SalesItemLineDetail ? [l.SalesItemLineDetail.ItemRef.value] : [])) };
    };
    const first = await qbo.upsert(ctx, make("memo-a"), null, `${runId}-memo-a`, { searched: true });
    const before = await requests();
    const second = await qbo.upsert(ctx, make("memo-b"), null, `${runId}-memo-b`, { searched: true });
    // The second order with the same customer and SKUs is one request: its SalesReceipt.
    expect((await requests()) - before).toBe(1);
    const a = await refs(first.doc.id);
    expect(await refs(second.doc.id)).toEqual(a);
    expect(a.items).toHaveLength(2);

    // The retailer retires the first SKU's item and makes a new one with that SKU: the remembered id is now refused.
    const old = await ctx.http.send({ method: "GET", url: `/v3/company/${realm}/item/${a.items[0]}`, query: { minorversion: "75" } });
    const oldItem = old.json<{ Item: { Id: string; SyncToken: string } }>().Item;
    await ctx.http.send({ method: "POST", url: `/v3/company/${realm}/item`, query: { minorversion: "75" }, headers: { "content-type": "application/json" }, body: JSON.stringify({ Id: oldItem.Id, SyncToken: oldItem.SyncToken, sparse: true, Active: false, Name: `retired ${runId}` }) });
    const replacement = await ctx.http.send({ method: "POST", url: `/v3/company/${realm}/item`, query: { minorversion: "75" }, headers: { "content-type": "application/json" }, body: JSON.stringify({ Name: `New spice ${runId}`, Sku: skus[0], Type: "NonInventory", IncomeAccountRef: { value: "1" } }) });
    const newId = replacement.json<{ Item: { Id: string } }>().Item.Id;
    const third = await qbo.upsert(ctx, make("memo-c"), null, `${runId}-memo-c`, { searched: true });
    expect((await refs(third.doc.id)).items).toEqual([newId, a.items[1]]);
    expect(third.notes.map((n) => n.message).join("\n")).toMatch(/refused a remembered reference \(2500\)/);
    expect(third.doc.total).toBe(make("memo-c").totals.total);
  });

  it("posts an unpaid order as an Invoice and settles it with a Payment once paid", async () => {
    const ctx = context();
    const order = fresh(unpaidWebOrder(), "inv");
    const invoice = await qbo.upsert(ctx, order, null, `${runId}-inv-1`);
    expect(invoice.doc.kind).toBe("Invoice");
    expect(invoice.doc.state).toBe("open");
    const paid: Order = { ...order, financialStatus: "paid", status: "paid", payments: [{ id: "p1", method: "card", amount: order.totals.total, kind: "sale", status: "success" }], sourceVersion: 2 };
    const settled = await qbo.upsert(ctx, paid, invoice.doc, `${runId}-inv-2`);
    expect(settled.doc.id).toBe(invoice.doc.id);
    expect(settled.doc.state).toBe("paid");
    const payments = (await inspect()).filter((d) => d.kind === "Payment" && JSON.stringify(d.raw).includes(`"TxnId":"${invoice.doc.id}"`));
    expect(payments.map((p) => p.total)).toEqual([formatMinor(order.totals.total, "USD")]);
    // A refund against an invoice is a CreditMemo that names the invoice.
    const r = refundOf(paid, `${order.sourceOrderId}-R1`);
    const credit = await qbo.refund(ctx, paid, r, settled.doc, `${runId}-inv-refund`);
    expect(credit.doc.kind).toBe("CreditMemo");
    expect(credit.doc.total).toBe(r.total);
    const memo = (await inspect()).find((d) => d.id === credit.doc.id)!;
    expect((memo.raw as { InvoiceRef?: { value: string } }).InvoiceRef?.value).toBe(invoice.doc.id);
  });

  it("writes ship date, tracking number and carrier once the order has shipped", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "ship");
    const created = await qbo.upsert(ctx, order, null, `${runId}-ship-1`);
    const shipped: Order = {
      ...order,
      status: "shipped",
      fulfillmentStatus: "shipped",
      fulfillments: [{ id: "f1", status: "shipped", carrier: "UPS", trackingNumber: "1Z999AA10123456784", lines: [], updatedAt: "2026-05-02T15:00:00Z" }],
      sourceVersion: 2,
    };
    await qbo.upsert(ctx, shipped, created.doc, `${runId}-ship-2`);
    const raw = (await inspect()).find((d) => d.id === created.doc.id)!.raw as { ShipDate?: string; TrackingNum?: string; ShipMethodRef?: { value: string } };
    expect(raw).toMatchObject({ ShipDate: "2026-05-02", TrackingNum: "1Z999AA10123456784", ShipMethodRef: { value: "UPS" } });
  });

  it("voids the document of a cancelled order", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "void");
    const created = await qbo.upsert(ctx, order, null, `${runId}-void-1`);
    const cancelled: Order = { ...order, status: "cancelled", cancelledAt: "2026-05-02T00:00:00Z", sourceVersion: 2 };
    const voided = await qbo.upsert(ctx, cancelled, created.doc, `${runId}-void-2`);
    expect(voided.doc.id).toBe(created.doc.id);
    expect(voided.doc.state).toBe("voided");
    expect(voided.doc.total).toBe(0);
  });

  it("replays a write with the same requestid instead of running it twice", async () => {
    const ctx = context();
    const body = { DocNumber: `${runId}rq`.slice(-21), CustomerRef: { value: "1" }, Line: [{ DetailType: "SalesItemLineDetail", Amount: 2.5, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 2, UnitPrice: 1.25 } }] };
    const a = await rawPost(ctx, "salesreceipt", body, `${runId}-same`);
    const b = await rawPost(ctx, "salesreceipt", body, `${runId}-same`);
    expect(a.status).toBe(200);
    expect(b.json<{ SalesReceipt: { Id: string } }>().SalesReceipt.Id).toBe(a.json<{ SalesReceipt: { Id: string } }>().SalesReceipt.Id);
    expect((await inspect()).filter((d) => d.externalRef === body.DocNumber)).toHaveLength(1);
    const wrongAmount = await rawPost(ctx, "salesreceipt", { ...body, DocNumber: undefined, Line: [{ ...body.Line[0], Amount: 2.51 }] });
    expect(qbo.classify(wrongAmount)?.vendorCode).toBe("6070");
  });

  it("refuses to adopt a document whose number belongs to another order", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "taken");
    const squat = await rawPost(ctx, "salesreceipt", {
      DocNumber: order.orderNumber.slice(-21),
      PrivateNote: "om:someone-else:42",
      Line: [{ DetailType: "SalesItemLineDetail", Amount: 1, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 1, UnitPrice: 1 } }],
    });
    expect(squat.status).toBe(200);
    const err = await rejection(qbo.find(ctx, qbo.orderRef(order), "order", order));
    expect(err.kind).toBe("conflict");
    expect(err.message).toMatch(/another|not this order/);
  });

  it("lists the documents OrderMesh wrote in this company since an instant", async () => {
    const ctx = context();
    const since = new Date(Date.now() - 60_000);
    const docs = [];
    let cursor: string | null = null;
    do {
      const page = await qbo.list!(ctx, since, cursor);
      docs.push(...page.docs);
      cursor = page.cursor;
    } while (cursor);
    const held = (await inspect()).filter((d) => (d.raw as { realmId?: string }).realmId === realmId && ["SalesReceipt", "Invoice", "RefundReceipt", "CreditMemo"].includes(d.kind) && /\bom:\S*/.test(String((d.raw as { PrivateNote?: string }).PrivateNote ?? "")) && String((d.raw as { PrivateNote?: string }).PrivateNote).includes(runId));
    // Every document this run wrote is listed, and nothing without OrderMesh's marker is.
    const listed = new Set(docs.map((d) => d.id));
    for (const h of held) expect(listed.has(h.id), `document ${h.id} missing from list()`).toBe(true);
    const markers = new Map((await inspect()).map((d) => [d.id, String((d.raw as { PrivateNote?: string }).PrivateNote ?? "")]));
    for (const d of docs) expect(markers.get(d.id)).toMatch(/\bom:/);
    expect(docs.length).toBeGreaterThan(5);
  });

  it("throttles past the per-realm budget with ThrottleExceeded and Retry-After", async () => {
    const throttledRealm = `${realmId}-t`;
    const ctx = context({ config: { realmId: throttledRealm } });
    const before = await sandbox<Record<string, number>>(`/_stats/${SLUG}`);
    // Only this company's limit is tightened: other test files share the simulator.
    await sandbox(`/${SLUG}/_sim/realms/${throttledRealm}/limits`, { requestsPerMinute: 2 });
    const get = () => ctx.http.raw({ method: "GET", url: `/v3/company/${throttledRealm}/query`, query: { query: "select * from Item", minorversion: "75" } });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const third = await get();
    expect(third.status).toBe(429);
    const detail = qbo.classify(third);
    expect(detail?.kind).toBe("rate_limited");
    expect(detail?.vendorCode).toBe("3001");
    expect(detail?.retryAfterSeconds).toBeGreaterThan(0);
    const after = await sandbox<Record<string, number>>(`/_stats/${SLUG}`);
    expect((after.throttled ?? 0) - (before.throttled ?? 0)).toBeGreaterThanOrEqual(1);
    expect(after[`throttled:${throttledRealm}`]).toBe(1);
  });
});

describe("quickbooks-online batch endpoint", () => {
  const batchApi = qbo.batch!;
  const post = (entity: string, body: unknown, requestid: string, operation?: string): HttpRequest => ({
    method: "POST",
    url: `/v3/company/${realmId}/${entity}`,
    query: { minorversion: "75", requestid, operation },
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const select = (q: string, realm = realmId): HttpRequest => ({ method: "GET", url: `/v3/company/${realm}/query`, query: { query: q, minorversion: "75" } });
  const receipt = (docNumber: string, amount = 2.5) => ({
    DocNumber: docNumber,
    CustomerRef: { value: "1" },
    Line: [{ DetailType: "SalesItemLineDetail", Amount: amount, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 2, UnitPrice: amount / 2 } }],
  });
  const rawBatch = (ctx: ConnectorContext, body: unknown, requestid?: string, realm = realmId) =>
    ctx.http.raw({ method: "POST", url: `/v3/company/${realm}/batch`, query: { minorversion: "75", requestid }, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const stats = () => sandbox<Record<string, number>>(`/_stats/${SLUG}`);

  /** Sends requests as the coalescer would: one batch request, split back into one response per request. */
  async function viaBatch(ctx: ConnectorContext, reqs: HttpRequest[]): Promise<HttpResponse[]> {
    const items = reqs.map((req) => ({ req, url: ctx.http.resolve(req.url, req.query) }));
    const res = await ctx.http.raw(await batchApi.combine(items));
    expect(res.status).toBe(200);
    const parts = batchApi.split(res, items);
    expect(parts).not.toBeNull();
    return parts!.map((p) => p!);
  }

  it("declares the batch capability with its transport", () => {
    expect(qbo.capabilities.includes("batch")).toBe(qbo.batch !== undefined);
  });

  it("runs each item through the single endpoints' rules: a Fault per item, classified like the request alone", async () => {
    const ctx = context();
    const taken = `${runId}bt`.slice(-21);
    const existing = (await rawPost(ctx, "salesreceipt", receipt(taken), `${runId}-bt-0`)).json<{ SalesReceipt: { Id: string } }>().SalesReceipt;
    const edited = await rawPost(ctx, "salesreceipt", { Id: existing.Id, SyncToken: "0", sparse: true, PrivateNote: "edited" });
    expect(edited.status).toBe(200);
    const toVoid = (await rawPost(ctx, "salesreceipt", receipt(`${runId}bv`.slice(-21)), `${runId}-bt-v`)).json<{ SalesReceipt: { Id: string; SyncToken: string } }>().SalesReceipt;
    const fresh = `${runId}bn`.slice(-21);
    const failing: Record<string, HttpRequest> = {
      duplicateDocNumber: post("salesreceipt", receipt(taken), `${runId}-bt-1`),
      staleSyncToken: post("salesreceipt", { Id: existing.Id, SyncToken: "0", sparse: true, PrivateNote: "late" }, `${runId}-bt-2`),
      duplicateName: post("customer", { DisplayName: "Walk-in customer" }, `${runId}-bt-3`),
      invoiceWithoutCustomer: post("invoice", { Line: receipt("x").Line }, `${runId}-bt-4`),
    };
    const parts = await viaBatch(ctx, [
      ...Object.values(failing),
      post("salesreceipt", receipt(fresh), `${runId}-bt-5`),
      post("salesreceipt", { Id: toVoid.Id, SyncToken: toVoid.SyncToken, sparse: true }, `${runId}-bt-6`, "void"),
      select(`select * from SalesReceipt where DocNumber = '${taken}'`),
    ]);
    const names = Object.keys(failing);
    for (const [i, name] of names.entries()) {
      const alone = qbo.classify(await ctx.http.raw(failing[name]!));
      const batched = qbo.classify(parts[i]!);
      expect(alone, name).not.toBeNull();
      expect({ kind: batched?.kind, vendorCode: batched?.vendorCode, status: batched?.status }, name).toEqual({ kind: alone!.kind, vendorCode: alone!.vendorCode, status: alone!.status });
    }
    expect(qbo.classify(parts[0]!)).toMatchObject({ kind: "conflict", vendorCode: "6140" });
    expect(qbo.classify(parts[1]!)).toMatchObject({ kind: "conflict", vendorCode: "5010" });
    expect(qbo.classify(parts[2]!)).toMatchObject({ kind: "permanent", vendorCode: "6240" });
    expect(qbo.classify(parts[3]!)).toMatchObject({ kind: "permanent", vendorCode: "6000" });
    const [created, voided, found] = parts.slice(names.length);
    expect(qbo.classify(created!)).toBeNull();
    expect(created!.json<{ SalesReceipt: { DocNumber: string } }>().SalesReceipt.DocNumber).toBe(fresh);
    expect(voided!.json<{ SalesReceipt: { TotalAmt: number; PrivateNote: string } }>().SalesReceipt).toMatchObject({ TotalAmt: 0, PrivateNote: expect.stringMatching(/^Voided/) });
    expect(found!.json<{ QueryResponse: { SalesReceipt: { Id: string }[] } }>().QueryResponse.SalesReceipt.map((r) => r.Id)).toEqual([existing.Id]);
    expect((await inspect()).filter((d) => d.externalRef === taken || d.externalRef === fresh)).toHaveLength(2);
  });

  it("refuses a batch of more than 30 items, duplicate bIds, and a bId over 10 characters beside a requestid", async () => {
    const ctx = context();
    const queries = (n: number, bId = (i: number) => `q${i}`) => ({ BatchItemRequest: Array.from({ length: n }, (_, i) => ({ bId: bId(i), Query: "select * from TaxCode" })) });
    const max = batchApi.maxOperations;
    const ok = await rawBatch(ctx, queries(max));
    expect(ok.status).toBe(200);
    expect(ok.json<{ BatchItemResponse: unknown[] }>().BatchItemResponse).toHaveLength(max);
    for (const refused of [await rawBatch(ctx, queries(max + 1)), await rawBatch(ctx, queries(2, () => "same")), await rawBatch(ctx, queries(2, (i) => `eleven-chr${i}`), `${runId}-long-bid`)]) {
      expect(refused.status).toBe(400);
      expect(qbo.classify(refused)).toMatchObject({ kind: "permanent" });
      expect(refused.json<{ Fault: { type: string } }>().Fault.type).toBe("ValidationFault");
    }
    // Without a requestid the same long bIds are fine.
    expect((await rawBatch(ctx, queries(2, (i) => `eleven-chr${i}`))).status).toBe(200);
  });

  it("validates the envelope against IntuitRestServiceDef.xsd: OperationEnum, one payload per item", async () => {
    const ctx = context();
    const badOperation = await rawBatch(ctx, { BatchItemRequest: [{ bId: "1", operation: "frobnicate", Customer: { DisplayName: `${runId} op` } }] });
    expect(badOperation.status).toBe(400);
    expect(qbo.classify(badOperation)?.vendorCode).toBe("2170");
    const twoPayloads = await rawBatch(ctx, { BatchItemRequest: [{ bId: "1", Query: "select * from Item", Customer: { DisplayName: `${runId} two` } }] });
    expect(twoPayloads.status).toBe(400);
    expect(qbo.classify(twoPayloads)?.vendorCode).toBe("2010");
    const empty = await rawBatch(ctx, { BatchItemRequest: [] });
    expect(qbo.classify(empty)?.vendorCode).toBe("2020");
  });

  it("counts a batch as one request of the realm's budget (its items as operations) and allows 40 batches a minute", async () => {
    const realm = `${realmId}-b`;
    const ctx = context({ config: { realmId: realm } });
    const items = Array.from({ length: 12 }, (_, i) => select(`select * from Item where Name = 'n${i}'`, realm));
    const before = await stats();
    await viaBatch(ctx, items);
    const after = await stats();
    const delta = (key: string) => (after[`${key}:${realm}`] ?? 0) - (before[`${key}:${realm}`] ?? 0);
    expect(delta("requests")).toBe(1);
    expect(delta("batches")).toBe(1);
    expect(delta("operations")).toBe(items.length);
    // The company allows one batch a minute: the next batch is throttled like any request over the limit.
    await sandbox(`/${SLUG}/_sim/realms/${realm}/limits`, { batchesPerMinute: 1 });
    const combined = await batchApi.combine(items.map((req) => ({ req, url: ctx.http.resolve(req.url, req.query) })));
    const throttled = await ctx.http.raw(combined);
    expect(throttled.status).toBe(429);
    expect(batchApi.split(throttled, items.map((req) => ({ req, url: ctx.http.resolve(req.url, req.query) })))).toBeNull();
    expect(qbo.classify(throttled)).toMatchObject({ kind: "rate_limited", vendorCode: "3001" });
  });

  it("replays a batch with the same requestid instead of running its writes twice", async () => {
    const ctx = context();
    const number = `${runId}br`.slice(-21);
    const body = { BatchItemRequest: [{ bId: "1", operation: "create", SalesReceipt: receipt(number) }, { bId: "2", Query: "select * from TaxCode" }] };
    const first = await rawBatch(ctx, body, `${runId}-batch-replay`);
    const second = await rawBatch(ctx, body, `${runId}-batch-replay`);
    const idOf = (r: HttpResponse) => r.json<{ BatchItemResponse: Array<{ bId: string; SalesReceipt?: { Id: string } }> }>().BatchItemResponse.find((i) => i.bId === "1")!.SalesReceipt!.Id;
    expect(idOf(second)).toBe(idOf(first));
    expect((await inspect()).filter((d) => d.externalRef === number)).toHaveLength(1);
  });
});
