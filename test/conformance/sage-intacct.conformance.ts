// Sage Intacct against its simulator: the destination conformance suite plus the XML gateway's own behaviours.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import type { HttpResponse } from "../../shared/connector/http";
import { formatMinor } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import { XMLParser } from "fast-xml-parser";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { sageIntacct } from "../../workers/connectors/destinations/sage-intacct";
import { GATEWAY_PATH } from "../../workers/connectors/destinations/sage-intacct/api";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { refundOf, stackedDiscounts, vatInclusive, weighedSpice, withIdentity } from "../helpers/orders";
import { intacctExample } from "../helpers/specs-intacct";
import { expireTokens, heldDocument, rejection, simulatorContext } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const SLUG = "sage-intacct";
const runId = `i${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const companyId = `co-${runId}`;
const creds = { senderId: `sender-${runId}`, senderPassword: "sender-pw", userId: "api-user", userPassword: "user-pw" };
let session = "";

function context(opts: { fetch?: typeof fetch; config?: Record<string, unknown>; credentials?: Record<string, string>; seen?: string[] } = {}): ConnectorContext {
  const config = { companyId, ...opts.config };
  const credentials = opts.credentials ?? creds;
  const inner = opts.fetch ?? fetch;
  const seeing = ((input: RequestInfo | URL, init?: RequestInit) => {
    opts.seen?.push(String(init?.body ?? ""));
    return inner(input, init);
  }) as typeof fetch;
  return simulatorContext(sageIntacct, { id: `conn-${runId}`, slug: SLUG, config, credentials }, { token: () => session, fetch: seeing });
}

async function login(): Promise<void> {
  session = (await sageIntacct.refreshAccessToken!(context())).accessToken;
}

const held = (id: string): Promise<InspectDocument> => heldDocument(SLUG, id);

const fresh = (order: Order, tag: string): Order => withIdentity(order, `${runId}${tag}`, `${runId}${tag}`);

async function post(body: string): Promise<HttpResponse> {
  const res = await fetch(`${SANDBOX}/${SLUG}${GATEWAY_PATH}`, { method: "POST", headers: { "content-type": "application/xml" }, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, url: res.url, json: () => ({}) as never };
}

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, parseTagValue: false }).parse(xml) as Record<string, Record<string, unknown>>;

beforeAll(async () => {
  await sandbox(`/${SLUG}/_sim/senders`, { senderId: creds.senderId, senderPassword: creds.senderPassword });
  await sandbox(`/${SLUG}/_sim/companies/${companyId}`, { users: { [creds.userId]: creds.userPassword }, concurrency: 2 });
  await login();
});

describeDestinationConformance({
  connector: sageIntacct,
  runId,
  context: async ({ fetch: f }) => context({ fetch: f }),
  expireAuth: expireTokens(SLUG),
  restoreAuth: login,
  sendInvalidPayload: (ctx) =>
    ctx.http.send({ method: "POST", url: GATEWAY_PATH, body: `<?xml version="1.0"?><request><control><senderid>${creds.senderId}</senderid><password>${creds.senderPassword}</password><controlid>x</controlid></control><operation><authentication/><content><function controlid="bad"><create_sotransaction><transactiontype>Sales Order</transactiontype></create_sotransaction></function></content></operation></request>` }),
  orderKinds: ["Sales Order"],
  refundKinds: ["Sales Return"],
});

describe("sage-intacct specifics", () => {
  it("answers malformed XML like Intacct's own example (control failure XL03000003) → permanent", async () => {
    const example = parse(intacctExample("xml_parse_error.response.xml"));
    const res = await post(`<?xml version="1.0"?><request><control><senderid>${creds.senderId}</senderid><controlid>1662064558</controlid></control><operation><content><function controlid="f"><delete></function></content></operation></request>`);
    const got = parse(res.text);
    expect(res.status).toBe(200);
    expect(Object.keys(got.response!)).toEqual(Object.keys(example.response!));
    const err = (got.response!.errormessage as { error: Record<string, string> }).error;
    const want = (example.response!.errormessage as { error: Record<string, string> }).error;
    expect(Object.keys(err)).toEqual(Object.keys(want));
    expect(err.errorno).toBe(want.errorno);
    expect(err.description2).toMatch(/^XML Parse schema error/);
    expect((got.response!.control as Record<string, string>).status).toBe("failure");
    expect(sageIntacct.classify(res)).toMatchObject({ kind: "permanent", vendorCode: want.errorno });
  });

  it("validates requests against api.v3.0.xsd: order, required children and attributes", async () => {
    const ctx = context();
    const call = (fn: string) => ctx.http.raw({ method: "POST", url: GATEWAY_PATH, body: `<?xml version="1.0"?><request><control><senderid>${creds.senderId}</senderid><password>${creds.senderPassword}</password><controlid>v</controlid><uniqueid>true</uniqueid><dtdversion>3.0</dtdversion></control><operation><authentication/><content>${fn}</content></operation></request>` });
    const cases: Array<[string, RegExp]> = [
      ['<function controlid="a"><create_sotransaction><datecreated><year>2026</year><month>5</month><day>1</day></datecreated><transactiontype>Sales Order</transactiontype><customerid>WALKIN</customerid><sotransitems><sotransitem><itemid>MERCH</itemid><quantity>1</quantity></sotransitem></sotransitems></create_sotransaction></function>', /Element 'datecreated': This element is not expected\. Expected is \( transactiontype \)/],
      ['<function controlid="b"><create_sotransaction><transactiontype>Sales Order</transactiontype><datecreated><year>2026</year><month>5</month><day>1</day></datecreated><customerid>WALKIN</customerid><sotransitems><sotransitem><quantity>1</quantity></sotransitem></sotransitems></create_sotransaction></function>', /Element 'quantity': This element is not expected\. Expected is \( bundlenumber, itemid \)/],
      ["<function><getAPISession/></function>", /attribute 'controlid' is required/],
      ['<function controlid="d"><create_sotransaction><transactiontype>Sales Order</transactiontype></create_sotransaction></function>', /Element 'create_sotransaction': Missing child element\(s\)\. Expected is \( datecreated \)/],
      ['<function controlid="c"><update_sotransaction key="x" externalkey="maybe"/></function>', /'maybe' is not an element of the set/],
    ];
    for (const [fn, message] of cases) {
      const res = await call(fn);
      const detail = sageIntacct.classify(res)!;
      expect(detail.kind, fn).toBe("permanent");
      expect(detail.vendorCode).toBe("XL03000003");
      expect(detail.message).toMatch(message);
    }
  });

  it("signs in with sender credentials and a company login, then uses the session; an expired session re-logs in", async () => {
    const bodies: string[] = [];
    const ctx = context({ seen: bodies });
    await sageIntacct.upsert(ctx, fresh(weighedSpice(), "sess"), null, `${runId}-sess`);
    for (const b of bodies) {
      expect(b).toContain(`<senderid>${creds.senderId}</senderid>`);
      expect(b).toMatch(/<authentication><sessionid>[^<]+<\/sessionid><\/authentication>/);
      expect(b).not.toContain("<login>");
    }
    await sandbox(`/_faults/${SLUG}`, { expireTokens: true });
    const expired = await rejection(sageIntacct.upsert(context(), fresh(weighedSpice(), "sess2"), null, `${runId}-sess2`));
    expect(expired).toMatchObject({ kind: "auth", vendorCode: "XL03000006" });
    await login();
    const again = await sageIntacct.upsert(context(), fresh(weighedSpice(), "sess2"), null, `${runId}-sess2`);
    expect(again.doc.total).toBe(weighedSpice().totals.total);
    const wrongSender = await rejection(sageIntacct.refreshAccessToken!(context({ credentials: { ...creds, senderPassword: "nope" } })));
    expect(wrongSender.kind).toBe("auth");
    const wrongUser = await rejection(sageIntacct.refreshAccessToken!(context({ credentials: { ...creds, userPassword: "nope" } })));
    expect(wrongUser).toMatchObject({ kind: "auth", vendorCode: "XL03000006" });
  });

  it("dedups by function controlid with uniqueid=true: the same request id creates one transaction", async () => {
    const ctx = context();
    const order = fresh(stackedDiscounts(), "ctl");
    const before = await sandbox<Record<string, number>>(`/_stats/${SLUG}`);
    const a = await sageIntacct.upsert(ctx, order, null, `${runId}-ctl`);
    const b = await sageIntacct.upsert(ctx, order, null, `${runId}-ctl`);
    expect(b.doc.id).toBe(a.doc.id);
    const after = await sandbox<Record<string, number>>(`/_stats/${SLUG}`);
    expect((after.replayed ?? 0) - (before.replayed ?? 0)).toBeGreaterThanOrEqual(1);
    const docs = (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents.filter((d) => d.externalRef === order.orderNumber);
    expect(docs).toHaveLength(1);
  });

  it("locks the tax in the Tax subtotal; inclusive prices are posted net of their tax with the same total", async () => {
    const ctx = context();
    const excl = fresh(stackedDiscounts(), "tax");
    const r1 = await sageIntacct.upsert(ctx, excl, null, `${runId}-tax`);
    const raw1 = (await held(r1.doc.id)).raw as { SUBTOTALS: { DESCRIPTION: string; TOTAL: string }[] };
    expect(raw1.SUBTOTALS).toEqual([{ DESCRIPTION: "Tax", TOTAL: formatMinor(excl.totals.tax, "USD") }]);
    const incl = fresh(vatInclusive(), "vat");
    const r2 = await sageIntacct.upsert(ctx, incl, null, `${runId}-vat`);
    const raw2 = (await held(r2.doc.id)).raw as { SUBTOTAL: string; SUBTOTALS: { TOTAL: string }[]; TRX_TOTAL: string };
    expect(raw2.SUBTOTALS[0]!.TOTAL).toBe(formatMinor(incl.totals.tax, "GBP"));
    expect(raw2.SUBTOTAL).toBe(formatMinor(incl.totals.total - incl.totals.tax, "GBP"));
    expect(raw2.TRX_TOTAL).toBe(formatMinor(incl.totals.total, "GBP"));
    expect(r2.notes.some((n) => /net of/.test(n.message))).toBe(true);
  });

  it("returns use the configured return transaction definition", async () => {
    await sandbox(`/${SLUG}/_sim/companies/${companyId}`, {
      definitions: { "Sales Order": { prefix: "SO", subtotals: ["Tax"] }, "Sales Return": { prefix: "SR", subtotals: ["Tax"] }, "Customer Credit": { prefix: "CC", subtotals: ["Tax"] } },
    });
    const ctx = context({ config: { returnTransactionDefinition: "Customer Credit" } });
    const order = fresh(weighedSpice(), "ret");
    const parent = await sageIntacct.upsert(ctx, order, null, `${runId}-ret`);
    const r = refundOf(order, `${order.sourceOrderId}-R1`);
    const credit = await sageIntacct.refund(ctx, order, r, parent.doc, `${runId}-ret-r`);
    expect(credit.doc).toMatchObject({ kind: "Customer Credit", total: r.total });
    expect(credit.doc.id).toMatch(/^Customer Credit-CC/);
    const found = await sageIntacct.find(ctx, sageIntacct.refundRef(order, r), "refund", order);
    expect(found?.id).toBe(credit.doc.id);
  });

  it("marks a shipped order with its tracking number and date, and closes a cancelled one", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "ship");
    const created = await sageIntacct.upsert(ctx, order, null, `${runId}-ship-1`);
    const shipped: Order = { ...order, status: "shipped", fulfillmentStatus: "shipped", fulfillments: [{ id: "f1", status: "shipped", carrier: "UPS", trackingNumber: "1Z999AA10123456784", lines: [], updatedAt: "2026-05-02T15:00:00Z" }], sourceVersion: 2 };
    const s = await sageIntacct.upsert(ctx, shipped, created.doc, `${runId}-ship-2`);
    expect(s.doc.id).toBe(created.doc.id);
    expect((await held(created.doc.id)).raw).toMatchObject({ TRACKINGNUMBER: "1Z999AA10123456784", SHIPPEDDATE: "05/02/2026", STATE: "Pending" });
    const closed = await sageIntacct.upsert(ctx, { ...shipped, status: "cancelled", sourceVersion: 3 }, s.doc, `${runId}-ship-3`);
    expect(closed.doc.state).toBe("Closed");
  });

  it("lists sales transactions changed since an instant, for reconciliation", async () => {
    const ctx = context();
    const since = new Date(Date.now() - 60_000);
    const order = fresh(weighedSpice(), "list");
    const created = await sageIntacct.upsert(ctx, order, null, `${runId}-list`);
    const { docs } = await sageIntacct.list!(ctx, since, null);
    expect(docs.find((d) => d.id === created.doc.id)).toMatchObject({ kind: "Sales Order", externalRef: order.orderNumber, total: order.totals.total });
    expect((await sageIntacct.list!(ctx, new Date(Date.now() + 120_000), null)).docs.find((d) => d.id === created.doc.id)).toBeUndefined();
  });

  it("a 429 from the gateway (GW-0010) is rate_limited; faults scope to the company even behind a session", async () => {
    try {
      await sandbox(`/_faults/${SLUG}`, { rateLimited: 1, retryAfterSeconds: 3, match: `company:${companyId}` });
      const err = await rejection(sageIntacct.upsert(context(), fresh(weighedSpice(), "429"), null, `${runId}-429`));
      expect(err).toMatchObject({ kind: "rate_limited", vendorCode: "GW-0010", retryAfterSeconds: 3 });
    } finally {
      await sandbox(`/_faults/${SLUG}`, {});
    }
    expect(sageIntacct.rateLimit).toEqual({ concurrency: 2 });
  });
});
