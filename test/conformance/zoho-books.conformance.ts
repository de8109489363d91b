// Zoho Books against its simulator: the destination conformance suite plus Zoho's own behaviours (DCs, errors, adjustment).
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import { HttpClient, type HttpResponse } from "../../shared/connector/http";
import { formatMinor } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { zohoBooks } from "../../workers/connectors/destinations/zoho-books";
import { tokenEndpoint } from "../../workers/connectors/destinations/zoho-books/auth";
import { DATA_CENTERS } from "../../workers/connectors/destinations/zoho-books/config";
import { taxRates } from "../../workers/connectors/destinations/zoho-books/mapping";
import { ZohoConfig } from "../../workers/connectors/destinations/zoho-books/config";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { buildOrder, refundOf, stackedDiscounts, unpaidWebOrder, weighedSpice, withIdentity } from "../helpers/orders";
import { expireTokens, heldDocument, rejection, simulatorContext } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const fixtures = import.meta.glob("../../../shared/specs/zoho-books/*.json", { eager: true, import: "default" }) as Record<string, unknown>;
function zohoFixture(name: string): Record<string, unknown> {
  const k = Object.keys(fixtures).find((f) => f.endsWith(`/${name}`));
  if (!k) throw new Error(`no Zoho fixture ${name}`);
  return structuredClone(fixtures[k]) as Record<string, unknown>;
}

const SLUG = "zoho-books";
const runId = `z${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const orgId = `7${Date.now()}`;
const client = { clientId: `1000.${runId}`, clientSecret: `secret-${runId}`, refreshToken: `1000.rt-${runId}`, orgs: [orgId] };
const RATES = ["0.05", "0.08", "0.2", "0.08875", "0.1", "0.0825", "0.0785"];
const taxConfig = { codes: RATES.map((rate, i) => ({ rate, code: `${orgId}0${i}` })) };
let accessToken = "";

interface Seen {
  method: string;
  url: string;
  headers: Headers;
}

function context(opts: { fetch?: typeof fetch; config?: Record<string, unknown>; credentials?: Record<string, string>; seen?: Seen[] } = {}): ConnectorContext {
  const config = { organizationId: orgId, taxes: taxConfig, ...opts.config };
  const credentials = opts.credentials ?? { clientId: client.clientId, clientSecret: client.clientSecret, refreshToken: client.refreshToken };
  const inner = opts.fetch ?? fetch;
  const seeing = ((input: RequestInfo | URL, init?: RequestInit) => {
    opts.seen?.push({ method: init?.method ?? "GET", url: String(input), headers: new Headers(init?.headers) });
    return inner(input, init);
  }) as typeof fetch;
  return simulatorContext(zohoBooks, { id: `conn-${runId}`, slug: SLUG, config, credentials }, { token: () => accessToken, fetch: seeing });
}

async function refresh(): Promise<void> {
  accessToken = (await zohoBooks.refreshAccessToken!(context())).accessToken;
}

const held = (id: string): Promise<InspectDocument> => heldDocument(SLUG, id);

function response(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  const text = JSON.stringify(body);
  return { status, headers: new Headers(headers), text, url: "https://www.zohoapis.com/books/v3/invoices", json: <T>() => JSON.parse(text) as T };
}

const fresh = (order: Order, tag: string): Order => withIdentity(order, `${runId}${tag}`, `${runId}${tag}`);

beforeAll(async () => {
  await sandbox(`/${SLUG}/_sim/clients`, client);
  const cfg = ZohoConfig.parse({ organizationId: orgId, taxes: taxConfig });
  await sandbox(`/${SLUG}/_sim/orgs/${orgId}`, {
    taxes: Object.entries(taxRates(cfg)).map(([tax_id, pct]) => ({ tax_id, tax_name: `Tax ${pct}%`, tax_percentage: pct })),
    limits: { perMinute: 100_000 },
  });
  await refresh();
});

describeDestinationConformance({
  connector: zohoBooks,
  runId,
  context: async ({ fetch: f }) => context({ fetch: f }),
  expireAuth: expireTokens(SLUG),
  restoreAuth: refresh,
  sendInvalidPayload: (ctx) =>
    ctx.http.send({ method: "POST", url: "/invoices", query: { organization_id: orgId }, headers: { "content-type": "application/json" }, body: JSON.stringify({ customer_id: "460000000000100", line_items: [] }) }),
  orderKinds: ["Invoice", "SalesOrder"],
  refundKinds: ["CreditNote"],
  baseUrlValues: { dataCenter: "com" },
});

describe("zoho-books specifics", () => {
  it("names the organization and sends Zoho-oauthtoken on every call", async () => {
    const seen: Seen[] = [];
    const ctx = context({ seen });
    const order = fresh(weighedSpice(), "hdr");
    const r = await zohoBooks.upsert(ctx, order, null, `${runId}-hdr`);
    expect(seen.length).toBeGreaterThan(2);
    for (const s of seen) {
      expect(new URL(s.url).searchParams.get("organization_id")).toBe(orgId);
      expect(s.headers.get("authorization")).toMatch(/^Zoho-oauthtoken \S+$/);
    }
    const raw = (await held(r.doc.id)).raw as { reference_number: string; invoice_number: string; status: string; payments: unknown[] };
    expect(raw.reference_number).toBe(order.orderNumber);
    expect(raw.invoice_number).toBe(order.orderNumber);
    // Paid at the till: the invoice was sent and a customer payment settled it.
    expect(raw.status).toBe("paid");
    expect(raw.payments).toHaveLength(1);
  });

  it("declares every data centre's API and accounts host, and derives both from the connection", () => {
    for (const dc of DATA_CENTERS) expect(zohoBooks.hosts).toContain(`www.zohoapis.${dc}`);
    for (const host of ["accounts.zoho.com", "accounts.zoho.eu", "accounts.zoho.in", "accounts.zoho.com.au", "accounts.zoho.jp", "accounts.zohocloud.ca", "accounts.zoho.sa"]) expect(zohoBooks.hosts).toContain(host);
    const at = (dataCenter: string) => {
      const base = zohoBooks.defaultBaseUrl.replace("{dataCenter}", dataCenter);
      const ctx = { ...context({ config: { dataCenter } }), http: new HttpClient({ baseUrl: base, allowedHosts: zohoBooks.hosts, classify: zohoBooks.classify }) };
      return { base, token: tokenEndpoint(ctx) };
    };
    expect(at("eu")).toEqual({ base: "https://www.zohoapis.eu/books/v3", token: "https://accounts.zoho.eu/oauth/v2/token" });
    expect(at("ca")).toEqual({ base: "https://www.zohoapis.ca/books/v3", token: "https://accounts.zohocloud.ca/oauth/v2/token" });
    expect(at("com.au").token).toBe("https://accounts.zoho.com.au/oauth/v2/token");
  });

  it("refresh tokens do not rotate; a bad one (HTTP 200 {error}) is auth", async () => {
    const a = await zohoBooks.refreshAccessToken!(context());
    const b = await zohoBooks.refreshAccessToken!(context());
    expect(a.refreshToken).toBeUndefined();
    expect(b.accessToken).not.toBe(a.accessToken);
    expect(a.expiresAt - Date.now()).toBeGreaterThan(59 * 60_000);
    const bad = await rejection(zohoBooks.refreshAccessToken!(context({ credentials: { ...client, refreshToken: "1000.nope" } as unknown as Record<string, string> })));
    expect(bad.kind).toBe("auth");
    expect(bad.vendorCode).toBe("invalid_code");
  });

  it("classifies Zoho's own {code, message} examples", () => {
    expect(zohoBooks.classify(response(201, zohoFixture("success.response.example.json")))).toBeNull();
    const missing = zohoFixture("error_1002.response.example.json");
    const notFound = zohoBooks.classify(response(404, missing))!;
    expect(notFound.kind).toBe("permanent");
    expect(notFound.vendorCode).toBe(String(missing.code));
    expect(notFound.message).toContain(String(missing.message));
    const internal = zohoFixture("error_1000.response.example.json");
    expect(zohoBooks.classify(response(500, internal))).toMatchObject({ kind: "retryable", vendorCode: String(internal.code) });
  });

  it("answers an expired token 401 {code 57}, a missing organization_id 400, a duplicate number 1001 → conflict", async () => {
    const ctx = context();
    const bare = await ctx.http.raw({ method: "GET", url: "/invoices" });
    expect(bare.status).toBe(400);
    expect(bare.json<{ code: number; message: string }>().message).toMatch(/organization_id/);
    const noAuth = await fetch(`${SANDBOX}/${SLUG}/invoices?organization_id=${orgId}`, { headers: { authorization: "Bearer x" } });
    const unauth: HttpResponse = { status: noAuth.status, headers: noAuth.headers, text: await noAuth.text(), url: "", json: () => ({}) as never };
    expect(unauth.status).toBe(401);
    expect(zohoBooks.classify(unauth)).toMatchObject({ kind: "auth", vendorCode: "57" });
    const order = fresh(unpaidWebOrder(), "dup");
    const body = JSON.stringify({ customer_id: "460000000000100", invoice_number: order.orderNumber, reference_number: "x", line_items: [{ name: "x", rate: 1, quantity: 1 }] });
    const post = () => ctx.http.raw({ method: "POST", url: "/invoices", query: { organization_id: orgId, ignore_auto_number_generation: "true" }, headers: { "content-type": "application/json" }, body });
    expect((await post()).status).toBe(201);
    const dup = await post();
    expect(zohoBooks.classify(dup)).toMatchObject({ kind: "conflict", vendorCode: "1001" });
    // The number was taken by a create whose answer got lost: upsert adopts it instead of making a second one.
    const adopted = await zohoBooks.upsert(ctx, order, null, `${runId}-dup`);
    expect(adopted.notes.some((n) => /adopted/.test(n.message))).toBe(true);
    const all = (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents.filter((d) => d.externalRef === order.orderNumber);
    expect(all).toHaveLength(1);
    // …and converged to the order's lines and total.
    expect(all[0]!.total).toBe(formatMinor(order.totals.total, "USD"));
  });

  it("honours 100 requests/min per organization: 429 with Retry-After → rate_limited", async () => {
    const tight = `8${Date.now()}`;
    await sandbox(`/${SLUG}/_sim/clients`, { ...client, orgs: [orgId, tight] });
    await sandbox(`/${SLUG}/_sim/orgs/${tight}`, { limits: { perMinute: 2 } });
    const ctx = context({ config: { organizationId: tight } });
    await ctx.http.send({ method: "GET", url: "/invoices", query: { organization_id: tight } });
    await ctx.http.send({ method: "GET", url: "/invoices", query: { organization_id: tight } });
    const res = await ctx.http.raw({ method: "GET", url: "/invoices", query: { organization_id: tight } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(zohoBooks.classify(res)?.kind).toBe("rate_limited");
    expect(zohoBooks.rateLimit.perMinute).toBe(100);
  });

  it("carries Zoho's per-tax rounding in an explicit adjustment, noted for the timeline", async () => {
    const order = fresh(
      buildOrder({
        id: "agg",
        currency: "USD",
        taxesIncluded: false,
        lines: [0, 1, 2].map((i) => ({ name: `Masala chai ${i}`, sku: `CHAI-${i}`, quantity: "1", unitPrice: 99, tax: { amount: 9, rate: "0.08875" } })),
        tax: 27,
      }),
      "agg",
    );
    const r = await zohoBooks.upsert(context(), order, null, `${runId}-agg`);
    expect(r.notes.some((n) => /adjustment of 0.01 USD/.test(n.message))).toBe(true);
    const raw = (await held(r.doc.id)).raw as { adjustment: number; adjustment_description: string; tax_total: number; total: number };
    expect(raw).toMatchObject({ adjustment: 0.01, tax_total: 0.26, total: Number(formatMinor(order.totals.total, "USD")) });
    expect(raw.adjustment_description).toMatch(/Rounding adjustment/);
  });

  it("refunds: applied to an unpaid invoice, refunded from a paid one", async () => {
    const ctx = context();
    const unpaid = fresh(unpaidWebOrder(), "apply");
    const inv = await zohoBooks.upsert(ctx, unpaid, null, `${runId}-apply`);
    expect(inv.doc.state).toBe("sent");
    const r1 = { ...refundOf(unpaid, `${unpaid.sourceOrderId}-R1`), payments: [] };
    const c1 = await zohoBooks.refund(ctx, unpaid, r1, inv.doc, `${runId}-apply-r`);
    expect(c1.doc.state).toBe("closed");
    const invoice = (await held(inv.doc.id)).raw as { balance: number; credits_applied: number; status: string };
    expect(invoice.credits_applied).toBe(Number(formatMinor(r1.total, "USD")));
    expect(invoice.status).toBe("partially_paid");
    const paid = fresh(stackedDiscounts(), "refund");
    const pinv = await zohoBooks.upsert(ctx, paid, null, `${runId}-refund`);
    expect(pinv.doc.state).toBe("paid");
    const r2 = refundOf(paid, `${paid.sourceOrderId}-R1`);
    const c2 = await zohoBooks.refund(ctx, paid, r2, pinv.doc, `${runId}-refund-r`);
    const cn = (await held(c2.doc.id)).raw as { refunds: { amount: number }[]; status: string; reference_number: string };
    expect(cn.refunds.map((x) => x.amount)).toEqual([Number(formatMinor(r2.total, "USD"))]);
    expect(cn.status).toBe("closed");
    expect(cn.reference_number).toBe(paid.orderNumber);
  });

  it("voids the invoice of a cancelled order; sales orders open and void too", async () => {
    const ctx = context();
    const order = fresh(unpaidWebOrder(), "void");
    const created = await zohoBooks.upsert(ctx, order, null, `${runId}-void-1`);
    const voided = await zohoBooks.upsert(ctx, { ...order, status: "cancelled", sourceVersion: 2 }, created.doc, `${runId}-void-2`);
    expect(voided.doc.state).toBe("void");
    const soCtx = context({ config: { documents: { paid: "sales_order", unpaid: "sales_order", byChannel: {} } } });
    const so = fresh(weighedSpice(), "so");
    const opened = await zohoBooks.upsert(soCtx, so, null, `${runId}-so-1`);
    expect(opened.doc).toMatchObject({ kind: "SalesOrder", state: "open", total: so.totals.total });
    const cancelled = await zohoBooks.upsert(soCtx, { ...so, status: "cancelled", sourceVersion: 2 }, opened.doc, `${runId}-so-2`);
    expect(cancelled.doc.state).toBe("void");
  });

  it("lists invoices changed since an instant, for reconciliation", async () => {
    const ctx = context();
    const since = new Date(Date.now() - 60_000);
    const order = fresh(weighedSpice(), "list");
    const created = await zohoBooks.upsert(ctx, order, null, `${runId}-list`);
    const { docs } = await zohoBooks.list!(ctx, since, null);
    expect(docs.find((d) => d.id === created.doc.id)).toMatchObject({ kind: "Invoice", externalRef: order.orderNumber, total: order.totals.total });
  });

  it("updates an existing invoice to the order's changed lines without creating another", async () => {
    const ctx = context();
    const order = fresh(unpaidWebOrder(), "edit");
    const created = await zohoBooks.upsert(ctx, order, null, `${runId}-edit-1`);
    const extra = buildOrder({ id: "e", currency: "USD", taxesIncluded: false, financialStatus: "pending", lines: [{ name: "Sichuan peppercorns", sku: "SICHUAN-100", quantity: "6", unitPrice: 425, tax: { amount: 204, rate: "0.08" } }], shipping: [{ title: "Standard", amount: 599 }], tax: 204 });
    const changed: Order = { ...order, lines: extra.lines.map((l, i) => ({ ...l, id: `${order.sourceOrderId}-L${i + 1}` })), totals: extra.totals, sourceVersion: 2 };
    const updated = await zohoBooks.upsert(ctx, changed, created.doc, `${runId}-edit-2`);
    expect(updated.doc.id).toBe(created.doc.id);
    expect(updated.doc.total).toBe(extra.totals.total);
    expect((await held(created.doc.id)).total).toBe(formatMinor(extra.totals.total, "USD"));
  });
});
