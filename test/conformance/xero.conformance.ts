// Xero against its simulator: the destination conformance suite plus Xero's own behaviours (tenant, rotation, limits).
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import type { HttpResponse } from "../../shared/connector/http";
import { formatMinor } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { xero } from "../../workers/connectors/destinations/xero";
import { toCents } from "../../workers/connectors/destinations/xero/amounts";
import * as api from "../../workers/connectors/destinations/xero/api";
import { xeroConfig } from "../../workers/connectors/destinations/xero/config";
import { buildInvoice } from "../../workers/connectors/destinations/xero/mapping";
import type { InvoicePayload } from "../../workers/connectors/destinations/xero/schemas";
import { Coalescer } from "../../workers/connection-actor/batcher";
import { sandbox } from "../helpers/connector-context";
import { buildOrder, kwdThreeDecimals, refundOf, stackedDiscounts, unpaidWebOrder, weighedSpice, withIdentity } from "../helpers/orders";
import { xero400Example } from "../helpers/specs-xero";
import { expireTokens, heldDocument, rejection, simulatorContext } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const SLUG = "xero";
const runId = `x${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const tenantId = crypto.randomUUID();
const client = { clientId: `client-${runId}`, clientSecret: `secret-${runId}`, refreshToken: `rt0-${runId}`, tenants: [tenantId] };
const auth = { accessToken: "", refreshToken: client.refreshToken };

interface Seen {
  method: string;
  url: string;
  headers: Headers;
}

function context(opts: { fetch?: typeof fetch; config?: Record<string, unknown>; credentials?: Record<string, string>; seen?: Seen[] } = {}): ConnectorContext {
  const config = { tenantId, ...opts.config };
  const credentials = opts.credentials ?? { clientId: client.clientId, clientSecret: client.clientSecret, refreshToken: auth.refreshToken };
  const inner = opts.fetch ?? fetch;
  const seeing = ((input: RequestInfo | URL, init?: RequestInit) => {
    opts.seen?.push({ method: init?.method ?? "GET", url: String(input), headers: new Headers(init?.headers) });
    return inner(input, init);
  }) as typeof fetch;
  return simulatorContext(xero, { id: `conn-${runId}`, slug: SLUG, config, credentials }, { token: () => auth.accessToken, fetch: seeing });
}

async function refresh(): Promise<void> {
  const tokens = await xero.refreshAccessToken!(context());
  auth.accessToken = tokens.accessToken;
  auth.refreshToken = tokens.refreshToken!;
}

async function inspect(): Promise<InspectDocument[]> {
  return (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents;
}

const held = (id: string): Promise<InspectDocument> => heldDocument(SLUG, id);

const fresh = (order: Order, tag: string): Order => withIdentity(order, `${runId}${tag}`, `${runId}${tag}`);

beforeAll(async () => {
  await sandbox(`/${SLUG}/_sim/clients`, client);
  // The suite makes far more calls a minute than a real tenant may; the minute budget is checked on its own tenant below.
  await sandbox(`/${SLUG}/_sim/orgs/${tenantId}`, { limits: { perMinute: 100_000, perDay: 100_000 } });
  await refresh();
});

describeDestinationConformance({
  connector: xero,
  runId,
  context: async ({ fetch: f }) => context({ fetch: f }),
  expireAuth: expireTokens(SLUG),
  restoreAuth: refresh,
  sendInvalidPayload: (ctx) =>
    ctx.http.send({
      method: "PUT",
      url: "/Invoices",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Invoices: [{ Type: "ACCREC", Contact: { Name: "X" }, LineAmountTypes: "Sometimes", LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 1 }] }] }),
    }),
  orderKinds: ["Invoice"],
  refundKinds: ["CreditNote"],
  // "All monetary calculations in Xero are to two decimals places": a KWD total with odd fils cannot be held.
  unrepresentable: (order) => !toCents(order.totals.total, order.currency).exact,
});

describe("xero specifics", () => {
  it("sends xero-tenant-id and an Idempotency-Key (≤128) on every write; the same key creates one invoice", async () => {
    const seen: Seen[] = [];
    const ctx = context({ seen });
    const order = fresh(weighedSpice(), "idem");
    const a = await xero.upsert(ctx, order, null, `${runId}-idem`);
    const b = await xero.upsert(ctx, order, null, `${runId}-idem`);
    expect(b.doc.id).toBe(a.doc.id);
    const writes = seen.filter((s) => s.method !== "GET");
    expect(writes.length).toBeGreaterThan(0);
    for (const w of seen) expect(w.headers.get("xero-tenant-id")).toBe(tenantId);
    for (const w of writes) {
      const key = w.headers.get("idempotency-key");
      expect(key, `${w.method} ${w.url}`).toBeTruthy();
      expect(key!.length).toBeLessThanOrEqual(128);
    }
    expect((await inspect()).filter((d) => d.kind === "Invoice" && d.externalRef === order.orderNumber)).toHaveLength(1);
    const raw = (await held(a.doc.id)).raw as { Reference: string; Status: string; Payments: unknown[] };
    expect(raw.Reference).toBe(order.orderNumber);
    // A paid order: the invoice carries its payment and is PAID.
    expect(raw.Status).toBe("PAID");
    expect(raw.Payments).toHaveLength(1);
  });

  it("rejects a missing tenant header with 403 (auth) and an unknown tenant the same way", async () => {
    const noTenant = context({ config: { tenantId: "" } });
    const res = await noTenant.http.raw({ method: "GET", url: "/Invoices" });
    expect(res.status).toBe(403);
    expect(xero.classify(res)?.kind).toBe("auth");
    const other = context({ config: { tenantId: crypto.randomUUID() } });
    const err = await rejection(other.http.send({ method: "GET", url: "/Invoices" }));
    expect(err.kind).toBe("auth");
    expect(err.status).toBe(403);
  });

  it("single-use refresh tokens: each refresh rotates, a used refresh token is rejected (invalid_grant → auth)", async () => {
    const rot = { clientId: `rot-${runId}`, clientSecret: "rot-secret", refreshToken: `rot-rt0-${runId}`, tenants: [tenantId] };
    await sandbox(`/${SLUG}/_sim/clients`, rot);
    const ctxWith = (refreshToken: string) => context({ credentials: { clientId: rot.clientId, clientSecret: rot.clientSecret, refreshToken } });
    const first = await xero.refreshAccessToken!(ctxWith(rot.refreshToken));
    expect(first.refreshToken).not.toBe(rot.refreshToken);
    // 30-minute access tokens.
    expect(first.expiresAt - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(first.expiresAt - Date.now()).toBeLessThanOrEqual(30 * 60_000);
    const reused = await rejection(xero.refreshAccessToken!(ctxWith(rot.refreshToken)));
    expect(reused.kind).toBe("auth");
    expect(reused.vendorCode).toBe("invalid_grant");
    const second = await xero.refreshAccessToken!(ctxWith(first.refreshToken!));
    expect(second.refreshToken).not.toBe(first.refreshToken);
  });

  it("classifies Xero's own ValidationException examples: a rule → permanent, a uniqueness clash → conflict", () => {
    const classifyExample = (operationId: string) => {
      const example = xero400Example(operationId);
      const text = JSON.stringify(example);
      const res: HttpResponse = { status: 400, headers: new Headers(), text, url: "https://api.xero.com/api.xro/2.0/x", json: <T>() => JSON.parse(text) as T };
      const messages = (example.Elements as { ValidationErrors: { Message: string }[] }[]).flatMap((e) => e.ValidationErrors.map((v) => v.Message));
      const detail = xero.classify(res)!;
      expect(detail.vendorCode).toBe(example.Type);
      for (const m of messages) expect(detail.message).toContain(m);
      return { detail, messages };
    };
    const account = classifyExample("createAccount");
    expect(account.messages.join(" ")).not.toMatch(/must be unique/);
    expect(account.detail.kind).toBe("permanent");
    const contact = classifyExample("createContacts");
    expect(contact.messages.join(" ")).toMatch(/must be unique/);
    expect(contact.detail.kind).toBe("conflict");
  });

  it("validates requests against the OpenAPI schema: enums, types and required fields, answered as ValidationException", async () => {
    const ctx = context();
    const send = (body: unknown, url = "/Invoices", method: "PUT" | "POST" = "PUT") => ctx.http.raw({ method, url, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const cases: Array<[unknown, string, RegExp]> = [
      [{ Invoices: [{ Type: "ACCREC", Contact: { Name: "A" }, LineAmountTypes: "Sometimes", LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 1 }] }] }, "/Invoices", /LineAmountTypes.*Sometimes/],
      [{ Invoices: [{ Type: "ACCREC", Contact: { Name: "A" }, LineItems: [{ Description: "x", Quantity: "two", UnitAmount: 1 }] }] }, "/Invoices", /Quantity.*decimal/],
      [{ Invoices: [{ Type: "ACCREC", LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 1 }] }] }, "/Invoices", /Contact must be specified/],
      [{ Allocations: [{ Amount: 1 }] }, `/CreditNotes/${crypto.randomUUID()}/Allocations`, /Invoice is required/],
    ];
    for (const [body, url, message] of cases) {
      const res = await send(body, url);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const parsed = res.json<{ ErrorNumber: number; Type: string; Elements: { ValidationErrors: { Message: string }[] }[] }>();
      expect(parsed.Type).toBe("ValidationException");
      expect(parsed.ErrorNumber).toBe(10);
      expect(parsed.Elements[0]!.ValidationErrors.map((v) => v.Message).join(" ")).toMatch(message);
      expect(xero.classify(res)?.kind).toBe("permanent");
    }
  });

  it("honours the per-tenant minute budget: 429 with Retry-After and X-Rate-Limit-Problem → rate_limited", async () => {
    const tight = crypto.randomUUID();
    await sandbox(`/${SLUG}/_sim/clients`, { ...client, clientId: `tight-${runId}`, refreshToken: `tight-rt-${runId}`, tenants: [tight] });
    await sandbox(`/${SLUG}/_sim/orgs/${tight}`, { limits: { perMinute: 2 } });
    const t = await xero.refreshAccessToken!(context({ credentials: { clientId: `tight-${runId}`, clientSecret: client.clientSecret, refreshToken: `tight-rt-${runId}` } }));
    const ctx = context({ config: { tenantId: tight } });
    const prev = auth.accessToken;
    auth.accessToken = t.accessToken;
    try {
      const before = await sandbox<Record<string, number>>(`/_stats/${SLUG}`);
      await ctx.http.send({ method: "GET", url: "/Invoices" });
      await ctx.http.send({ method: "GET", url: "/Invoices" });
      const res = await ctx.http.raw({ method: "GET", url: "/Invoices" });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(res.headers.get("x-rate-limit-problem")).toBe("minute");
      const detail = xero.classify(res)!;
      expect(detail.kind).toBe("rate_limited");
      expect(detail.vendorCode).toBe("rate-limit:minute");
      const after = await sandbox<Record<string, number>>(`/_stats/${SLUG}`);
      expect((after.throttled ?? 0) - (before.throttled ?? 0)).toBeGreaterThanOrEqual(1);
    } finally {
      auth.accessToken = prev;
    }
  });

  it("summarizeErrors=false: one HTTP 200 with a StatusAttributeString per element, counted as one call for N elements", async () => {
    const ctx = context();
    const good = buildInvoice(fresh(weighedSpice(), "multi-a"), xeroConfig(ctx)).payload;
    const bad = { ...buildInvoice(fresh(weighedSpice(), "multi-b"), xeroConfig(ctx)).payload, Status: "PAID" };
    const before = await sandbox<Record<string, number>>(`/_stats/${SLUG}`);
    const res = await ctx.http.raw({ method: "PUT", url: "/Invoices", query: { summarizeErrors: "false", unitdp: 4 }, headers: { "content-type": "application/json", "idempotency-key": `${runId}-multi` }, body: JSON.stringify({ Invoices: [good, bad] }) });
    const after = await sandbox<Record<string, number>>(`/_stats/${SLUG}`);
    expect(res.status).toBe(200);
    const els = res.json<{ Invoices: Array<{ InvoiceNumber: string; StatusAttributeString: string; ValidationErrors?: Array<{ Message: string }> }> }>().Invoices;
    expect(els.map((e) => e.StatusAttributeString)).toEqual(["OK", "ERROR"]);
    expect(els[0]!.InvoiceNumber).toBe(good.InvoiceNumber);
    expect(els[1]!.ValidationErrors!.length).toBeGreaterThan(0);
    expect((after[`requests:${tenantId}`] ?? 0) - (before[`requests:${tenantId}`] ?? 0)).toBe(1);
    expect((after[`elements:${tenantId}`] ?? 0) - (before[`elements:${tenantId}`] ?? 0)).toBe(2);
    expect((await inspect()).filter((d) => d.kind === "Invoice" && (d.externalRef === good.InvoiceNumber || d.externalRef === bad.InvoiceNumber)).map((d) => d.externalRef)).toEqual([good.InvoiceNumber]);
  });

  it("the batch transport against the simulator: each rejected element fails its caller as the same request alone would", async () => {
    const ctx = context();
    const cfg = xeroConfig(ctx);
    const payload = (tag: string): InvoicePayload => buildInvoice(fresh(weighedSpice(), tag), cfg).payload;
    const taken = payload("batch-taken");
    await api.createInvoice(ctx, taken, `${runId}-batch-taken`);
    const invalid = { ...payload("batch-invalid"), Status: "PAID" } as unknown as InvoicePayload;
    const noAccount = { ...payload("batch-account"), LineItems: payload("batch-account").LineItems.map((l) => ({ ...l, AccountCode: "999999" })) };
    // Alone (no backlog): the answers the connector gets today.
    const alone = await Promise.all([taken, invalid, noAccount].map((p, i) => rejection(api.createInvoice(ctx, p, `${runId}-alone-${i}`))));
    // Under a backlog: one multi-element PUT carrying all of them plus good ones.
    const batched: ConnectorContext = { ...ctx, http: new Coalescer(xero.batch!, { backlog: () => true, lingerMs: 5, maxHoldMs: 5 }).wrap(ctx.http) };
    const goods = [payload("batch-g1"), payload("batch-g2"), payload("batch-g3")];
    const before = await sandbox<Record<string, number>>(`/_stats/${SLUG}`);
    const results = await Promise.all(
      [goods[0]!, taken, goods[1]!, invalid, noAccount, goods[2]!].map((p, i) =>
        api.createInvoice(batched, p, `${runId}-batched-${i}`).then(
          (inv) => inv,
          (e: unknown) => e as ConnectorError,
        ),
      ),
    );
    const after = await sandbox<Record<string, number>>(`/_stats/${SLUG}`);
    expect((after[`requests:${tenantId}`] ?? 0) - (before[`requests:${tenantId}`] ?? 0)).toBe(1);
    expect((after[`elements:${tenantId}`] ?? 0) - (before[`elements:${tenantId}`] ?? 0)).toBe(6);
    const errors = [results[1], results[3], results[4]] as ConnectorError[];
    errors.forEach((e, i) => {
      expect(e).toBeInstanceOf(ConnectorError);
      expect({ kind: e.kind, status: e.status, vendorCode: e.vendorCode, message: e.message }).toEqual({ kind: alone[i]!.kind, status: alone[i]!.status, vendorCode: alone[i]!.vendorCode, message: alone[i]!.message });
    });
    expect(errors[0]!.kind).toBe("conflict");
    for (const [i, g] of [[0, goods[0]!], [2, goods[1]!], [5, goods[2]!]] as const) expect((results[i] as { InvoiceNumber: string }).InvoiceNumber).toBe(g.InvoiceNumber);
  });

  it("lists invoices changed since an instant, for reconciliation", async () => {
    const ctx = context();
    const since = new Date(Date.now() - 60_000);
    const order = fresh(weighedSpice(), "list");
    const created = await xero.upsert(ctx, order, null, `${runId}-list`);
    const { docs } = await xero.list!(ctx, since, null);
    expect(docs.find((d) => d.id === created.doc.id)).toMatchObject({ kind: "Invoice", externalRef: order.orderNumber, total: order.totals.total });
    expect((await xero.list!(ctx, new Date(Date.now() + 60_000), null)).docs.find((d) => d.id === created.doc.id)).toBeUndefined();
  });

  it("declares Xero's published budget", () => {
    expect(xero.rateLimit).toEqual({ perMinute: 60, concurrency: 5, perDay: 5000 });
  });

  it("refund of an unpaid invoice: the credit note is allocated to it", async () => {
    const ctx = context();
    const order = fresh(unpaidWebOrder(), "alloc");
    const inv = await xero.upsert(ctx, order, null, `${runId}-alloc`);
    expect(inv.doc.state).toBe("AUTHORISED");
    const r = { ...refundOf(order, `${order.sourceOrderId}-R1`), payments: [] };
    const credit = await xero.refund(ctx, order, r, inv.doc, `${runId}-alloc-r`);
    expect(credit.doc.total).toBe(r.total);
    const invoice = (await held(inv.doc.id)).raw as { AmountDue: number; AmountCredited: number };
    expect(toCents(order.totals.total - r.total, "USD").cents).toBe(BigInt(Math.round(invoice.AmountDue * 100)));
    expect(invoice.AmountCredited).toBe(Number(formatMinor(r.total, "USD")));
    const cn = (await held(credit.doc.id)).raw as { Status: string; RemainingCredit: number; Allocations: unknown[] };
    expect(cn.Allocations).toHaveLength(1);
    expect(cn.RemainingCredit).toBe(0);
    expect(cn.Status).toBe("PAID");
  });

  it("refund of a paid invoice: the credit note is paid out as a cash refund", async () => {
    const ctx = context();
    const order = fresh(stackedDiscounts(), "cash");
    const inv = await xero.upsert(ctx, order, null, `${runId}-cash`);
    expect(inv.doc.state).toBe("PAID");
    const r = refundOf(order, `${order.sourceOrderId}-R1`);
    const credit = await xero.refund(ctx, order, r, inv.doc, `${runId}-cash-r`);
    const cn = (await held(credit.doc.id)).raw as { Status: string; Payments: { Amount: number }[]; Type: string; Reference: string };
    expect(cn.Type).toBe("ACCRECCREDIT");
    expect(cn.Reference).toBe(order.orderNumber);
    expect(cn.Payments.map((p) => p.Amount)).toEqual([Number(formatMinor(r.total, "USD"))]);
    expect(cn.Status).toBe("PAID");
  });

  it("voids the invoice of an order cancelled before payment; a paid one after deleting the mesh's payments; keeps a refunded one", async () => {
    const ctx = context();
    const unpaid = fresh(unpaidWebOrder(), "void");
    const created = await xero.upsert(ctx, unpaid, null, `${runId}-void-1`);
    const voided = await xero.upsert(ctx, { ...unpaid, status: "cancelled", financialStatus: "voided", sourceVersion: 2 }, created.doc, `${runId}-void-2`);
    expect(voided.doc.state).toBe("VOIDED");
    expect(((await held(created.doc.id)).raw as { Status: string }).Status).toBe("VOIDED");

    // Paid, then cancelled without a refund: Xero voids no invoice with payments, so the mesh's payment goes first.
    // Under a backlog (the batch transport wrapping the client) the delete and the void still travel alone: each is a
    // single-element write to one document's own URL, which no multi-element request carries.
    const paid = fresh(weighedSpice(), "paidvoid");
    const p = await xero.upsert(ctx, paid, null, `${runId}-paidvoid-1`);
    expect(p.doc.state).toBe("PAID");
    const deleteReq = { method: "POST" as const, url: "/Payments/x", headers: { "content-type": "application/json", "idempotency-key": "k" }, body: JSON.stringify({ Status: "DELETED" }) };
    expect(xero.batch!.lane({ req: deleteReq, url: new URL(`https://api.xero.com/api.xro/2.0/Payments/${crypto.randomUUID()}`) })).toBeNull();
    const batched: ConnectorContext = { ...ctx, http: new Coalescer(xero.batch!, { backlog: () => true, lingerMs: 5, maxHoldMs: 5 }).wrap(ctx.http) };
    const cancelled = await xero.upsert(batched, { ...paid, status: "cancelled", sourceVersion: 2 }, p.doc, `${runId}-paidvoid-2`);
    expect(cancelled.doc.state).toBe("VOIDED");
    expect((await held(p.doc.id)).raw).toMatchObject({ Status: "VOIDED", AmountPaid: 0, Payments: [] });
    const payments = (await inspect()).filter((d) => d.kind === "Payment" && (d.raw as { Invoice?: { InvoiceID: string } }).Invoice?.InvoiceID === p.doc.id);
    expect(payments.map((d) => (d.raw as { Status: string; Reference: string }).Status)).toEqual(paid.payments.map(() => "DELETED"));
    // Converging again (a redelivery) reads it VOIDED and writes nothing.
    const again = await xero.upsert(ctx, { ...paid, status: "cancelled", sourceVersion: 2 }, cancelled.doc, `${runId}-paidvoid-3`);
    expect(again.doc.state).toBe("VOIDED");
    expect(again.notes.filter((n) => /voided|deleted/.test(n.message))).toEqual([]);

    // Refunded, then cancelled: the refund's credit note already reversed it, the invoice stays.
    const refunded = fresh(weighedSpice(), "keep");
    const k = await xero.upsert(ctx, refunded, null, `${runId}-keep-1`);
    const r = refundOf(refunded, `${refunded.sourceOrderId}-R1`);
    await xero.refund(ctx, refunded, r, k.doc, `${runId}-keep-r`);
    const kept = await xero.upsert(ctx, { ...refunded, refunds: [r], status: "cancelled", sourceVersion: 2 }, k.doc, `${runId}-keep-2`);
    expect(kept.doc.state).toBe("PAID");
    expect(kept.notes.some((n) => /kept/.test(n.message))).toBe(true);
  });

  it("a paid invoice with a payment OrderMesh did not record is a conflict, and nothing is deleted", async () => {
    const ctx = context();
    const order = fresh(unpaidWebOrder(), "foreign");
    const created = await xero.upsert(ctx, order, null, `${runId}-foreign-1`);
    const total = (await held(created.doc.id)).raw as { Total: number };
    // Someone records the customer's payment in Xero itself.
    await api.createPayment(ctx, { target: { Invoice: { InvoiceID: created.doc.id } }, accountCode: "090", date: "2026-05-01", amount: total.Total, reference: "paid at the counter" }, `${runId}-foreign-pay`);
    const err = await rejection(xero.upsert(ctx, { ...order, status: "cancelled", sourceVersion: 2 }, created.doc, `${runId}-foreign-2`));
    expect(err.kind).toBe("conflict");
    expect(err.vendorCode).toBe("foreign-payments");
    expect((await held(created.doc.id)).raw).toMatchObject({ Status: "PAID" });
  });

  it("tracking from the location mapping, currency and CurrencyRate for a foreign-currency order", async () => {
    const ctx = context({ config: { homeCurrency: "USD", locations: { "loc-7": { trackingCategory: "Store", trackingOption: "Downtown" } } } });
    const base = fresh(weighedSpice(), "fx");
    const order: Order = { ...base, currency: "EUR", exchangeRate: "0.92", locationId: "loc-7" };
    const r = await xero.upsert(ctx, order, null, `${runId}-fx`);
    const raw = (await held(r.doc.id)).raw as { CurrencyCode: string; CurrencyRate: number; LineItems: { Tracking: { Name: string; Option: string }[] }[] };
    expect(raw.CurrencyCode).toBe("EUR");
    expect(raw.CurrencyRate).toBe(0.92);
    for (const l of raw.LineItems) expect(l.Tracking).toEqual([{ Name: "Store", Option: "Downtown" }]);
  });

  it("locks each line's tax and adds an explicit rounding line where a three-decimal currency cannot be held line by line", async () => {
    const ctx = context();
    const order = fresh(
      buildOrder({
        id: "kwd-round",
        currency: "KWD",
        taxesIncluded: false,
        lines: [
          { name: "Saffron 1g", sku: "SAF-1", quantity: "1", unitPrice: 1235, tax: { amount: 62, rate: "0.05" } },
          { name: "Saffron 1g (gift)", sku: "SAF-1G", quantity: "1", unitPrice: 1235, tax: { amount: 62, rate: "0.05" } },
        ],
        tax: 124,
      }),
      "kwd",
    );
    // 1.235 + 1.235 + 0.124 = 2.594 → not two-decimal: refused. Make the total representable with a 6-fils tip.
    const tipped: Order = { ...order, totals: { ...order.totals, tip: 6, total: order.totals.total + 6 } };
    await rejection(xero.upsert(ctx, order, null, `${runId}-kwd-refused`)).then((e) => expect(e.vendorCode).toBe("currency_precision"));
    const r = await xero.upsert(ctx, tipped, null, `${runId}-kwd`);
    expect(r.doc.total).toBe(tipped.totals.total);
    expect(r.notes.some((n) => /rounding line/.test(n.message))).toBe(true);
    const raw = (await held(r.doc.id)).raw as { LineItems: { Description: string; TaxAmount: number; LineAmount: number }[]; TotalTax: number };
    expect(raw.LineItems.some((l) => /Rounding/.test(l.Description))).toBe(true);
    expect(raw.TotalTax).toBe(0.12);
    expect((await held(r.doc.id)).total).toBe(formatMinor(tipped.totals.total, "KWD"));
    const kwd = fresh(kwdThreeDecimals(), "kwd-whole");
    expect((await xero.upsert(ctx, kwd, null, `${runId}-kwd-whole`)).doc.total).toBe(kwd.totals.total);
  });
});
