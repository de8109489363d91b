// Business Central against its simulator: the destination conformance suite plus BC's ETags, Entra errors, posting and deletes.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import { formatMinor } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import { dynamics365BusinessCentral as bc } from "../../workers/connectors/destinations/dynamics-365-business-central";
import { bcConfig } from "../../workers/connectors/destinations/dynamics-365-business-central/config";
import { itemResolver } from "../../workers/connectors/destinations/dynamics-365-business-central/lookups";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { sandbox } from "../helpers/connector-context";
import { buildOrder, refundOf, stackedDiscounts, weighedSpice, withIdentity } from "../helpers/orders";
import { bcCreateExample, bcRepresentation } from "../helpers/specs-dynamics";
import { expectOneDocumentUnderRace, expireTokens, rejection, simulatorContext } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const SLUG = "dynamics-365-business-central";
const runId = `b${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const hex = Array.from(runId, (ch) => ch.charCodeAt(0).toString(16)).join("").padEnd(12, "0").slice(-12);
const config = { tenantId: `tenant-${runId}`, environment: "production", companyId: `0b1c2d3e-4f50-4a6b-8c7d-${hex}` };
const credentials = { clientId: `app-${runId}`, clientSecret: `secret-${runId}` };
let accessToken = "";

function context(opts: { fetch?: typeof fetch; credentials?: Record<string, string>; token?: string } = {}): ConnectorContext {
  const connection = { id: `conn-${runId}`, slug: SLUG, config, credentials: opts.credentials ?? credentials };
  return simulatorContext(bc, connection, { token: () => opts.token ?? accessToken, fetch: opts.fetch });
}

async function refresh(): Promise<void> {
  accessToken = (await bc.refreshAccessToken!(context())).accessToken;
}

const api = (rest: string) => `/v2.0/${config.tenantId}/${config.environment}/api/v2.0/companies(${config.companyId})/${rest}`;

async function inspect(): Promise<InspectDocument[]> {
  return (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents.filter((d) => (d.raw as { companyId?: string }).companyId === config.companyId);
}

const fresh = (order: Order, tag: string): Order => withIdentity(order, `${runId}${tag}`);

beforeAll(async () => {
  await sandbox(`/${SLUG}/_sim/clients`, credentials);
  await refresh();
});

describeDestinationConformance({
  connector: bc,
  runId,
  context: async ({ fetch: f }) => context({ fetch: f }),
  expireAuth: expireTokens(SLUG),
  restoreAuth: refresh,
  sendInvalidPayload: (ctx) =>
    ctx.http.send({ method: "POST", url: api("salesOrders"), headers: { "content-type": "application/json" }, body: JSON.stringify({ ...bcCreateExample(), customerNumber: "10000", notAField: 1 }) }),
  orderKinds: ["salesOrder", "salesInvoice"],
  refundKinds: ["salesCreditMemo"],
});

describe("Business Central specifics", () => {
  it("keeps one document when two syncs race past \"not found\" (no idempotency key to lean on)", async () => {
    await expectOneDocumentUnderRace(bc, context(), fresh(weighedSpice(), "race"), () => inspect(), { order: "salesOrder", refund: "salesCreditMemo" });
  });
  it("two syncs creating the same new SKU: the one that loses BC's key race uses the other's item", async () => {
    const number = `R${runId}`.toUpperCase().slice(0, 20);
    let listed!: () => void;
    const aListed = new Promise<void>((r) => (listed = r));
    let bDone: Promise<string> = new Promise(() => {});
    // Sync A looks the SKU up (nothing), then sync B looks it up and creates it, then A's create arrives.
    const raceFetch: typeof fetch = async (input, init) => {
      const req = new Request(input as RequestInfo, init);
      const isItems = new URL(req.url).pathname.endsWith("/items");
      if (isItems && req.method === "POST") await bDone;
      const res = await fetch(req);
      if (isItems && req.method === "GET") listed();
      return res;
    };
    const a = itemResolver(context({ fetch: raceFetch }), bcConfig(context()));
    const b = itemResolver(context(), bcConfig(context()));
    const first = a(number, "Race spice");
    await aListed;
    bDone = b(number, "Race spice");
    expect(await Promise.all([first, bDone])).toEqual([number, number]);
    const held = await context().http.send({ method: "GET", url: api("items"), query: { $filter: `number eq '${number}'` } });
    expect(held.json<{ value: unknown[] }>().value).toHaveLength(1);
  });

  it("validates sales order bodies against the vendor representation (unknown property, wrong type)", async () => {
    const ctx = context();
    const example: Record<string, unknown> = { ...bcCreateExample(), customerNumber: "10000" };
    const dateField = Object.entries(bcRepresentation()).find(([k, t]) => t === "date" && k in example)![0];
    const badType = await rejection(ctx.http.send({ method: "POST", url: api("salesOrders"), headers: { "content-type": "application/json" }, body: JSON.stringify({ ...example, [dateField]: "01/09/2023", paymentTermsId: undefined }) }));
    expect(badType.kind).toBe("permanent");
    expect(badType.status).toBe(400);
    const unknown = await rejection(ctx.http.send({ method: "POST", url: api("salesOrders"), headers: { "content-type": "application/json" }, body: JSON.stringify({ ...example, orderTotal: 1 }) }));
    expect(unknown.vendorCode).toBe("BadRequest");
    // The Microsoft example itself (with a customer this company has, and no payment terms it lacks) is accepted.
    const { paymentTermsId: _terms, ...accepted } = example;
    const res = await ctx.http.send({ method: "POST", url: api("salesOrders"), headers: { "content-type": "application/json" }, body: JSON.stringify(accepted) });
    expect(res.status).toBe(201);
  });

  it("refuses a PATCH without If-Match and with a stale @odata.etag, and the connector converges anyway", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "etag");
    const created = await bc.upsert(ctx, order, null, "rq");
    const path = api(`salesOrders(${created.doc.id})`);
    const missing = await rejection(ctx.http.send({ method: "PATCH", url: path, headers: { "content-type": "application/json" }, body: JSON.stringify({ phoneNumber: "555" }) }));
    expect(missing.vendorCode).toBe("BadRequest_InvalidToken");
    // Someone edits the order in BC: the token the link holds is now stale.
    await ctx.http.send({ method: "PATCH", url: path, headers: { "content-type": "application/json", "if-match": created.doc.version! }, body: JSON.stringify({ phoneNumber: "555-0100" }) });
    const stale = await rejection(ctx.http.send({ method: "PATCH", url: path, headers: { "content-type": "application/json", "if-match": created.doc.version! }, body: JSON.stringify({ phoneNumber: "555-0199" }) }));
    expect(stale.kind).toBe("conflict");
    expect(stale.vendorCode).toBe("Request_EntityChanged");
    // The source changes the order (one line, half a kilo): the connector re-reads the order instead of trusting the old token.
    const one = buildOrder({ id: "x", currency: "USD", taxesIncluded: false, channel: "store", lines: [{ name: "Turmeric, loose", sku: "SPICE-TUR", quantity: "0.5", unit: "kg", unitPrice: 1299, tax: { amount: 58, rate: "0.08875", jurisdiction: "NY" } }], tax: 58 });
    const changed: Order = { ...withIdentity(one, order.sourceOrderId), sourceVersion: 2 };
    const converged = await bc.upsert(ctx, changed, created.doc, "rq2");
    expect(converged.doc.id).toBe(created.doc.id);
    expect(converged.doc.total).toBe(changed.totals.total);
    const held = (await inspect()).find((d) => d.id === created.doc.id)!;
    expect(held.total).toBe(formatMinor(changed.totals.total, "USD"));
  });

  it("ships and invoices a shipped order: the sales order becomes a posted invoice with a shipment", async () => {
    const ctx = context();
    const order = fresh(stackedDiscounts(), "ship");
    const open = await bc.upsert(ctx, order, null, "rq");
    expect(open.doc.kind).toBe("salesOrder");
    const shipped: Order = { ...order, status: "shipped", fulfillmentStatus: "shipped", sourceVersion: 2 };
    const posted = await bc.upsert(ctx, shipped, open.doc, "rq2");
    expect(posted.doc.kind).toBe("salesInvoice");
    expect(posted.doc.total).toBe(order.totals.total);
    const docs = (await inspect()).filter((d) => d.externalRef === open.doc.externalRef);
    expect(docs.map((d) => d.kind).sort()).toEqual(["salesInvoice", "salesShipment"]);
    // Converging again (a later event) adopts the posted invoice and changes nothing.
    const again = await bc.upsert(ctx, shipped, null, "rq3");
    expect(again.doc.id).toBe(posted.doc.id);
    const refund = await bc.refund(ctx, shipped, refundOf(shipped, `${runId}-shipR`), posted.doc, "rq4");
    const memo = (await inspect()).find((d) => d.id === refund.doc.id)!;
    expect((memo.raw as { invoiceId?: string }).invoiceId).toBe(posted.doc.id);
  });

  it("deletes the unposted sales order of a cancelled order", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "cancel");
    const open = await bc.upsert(ctx, order, null, "rq");
    const cancelled = await bc.upsert(ctx, { ...order, status: "cancelled", financialStatus: "voided", sourceVersion: 2 }, open.doc, "rq2");
    expect(cancelled.doc.state).toBe("deleted");
    expect((await inspect()).some((d) => d.id === open.doc.id)).toBe(false);
  });

  it("surfaces Entra's own error for a wrong client secret as an auth failure", async () => {
    const err = await rejection(bc.refreshAccessToken!(context({ credentials: { ...credentials, clientSecret: "wrong" } })));
    expect(err.kind).toBe("auth");
    expect(err.vendorCode).toBe("AADSTS7000215");
  });
});
