// Finance & Operations against its simulator: the destination conformance suite plus entity validation, service protection, states.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import { formatMinor } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import { dynamics365Finance as fo } from "../../workers/connectors/destinations/dynamics-365-finance";
import { classifyEntra } from "../../workers/connectors/destinations/shared-entra/entra";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { weighedSpice, withIdentity } from "../helpers/orders";
import { foAttributes } from "../helpers/specs-dynamics";
import { expectOneDocumentUnderRace, expireTokens, rejection, simulatorContext } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const SLUG = "dynamics-365-finance";
const runId = `f${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
/** A legal entity of its own (ids are up to 4 characters), so faults and queries stay within this file. */
const dataAreaId = `c${runId.slice(-3)}`;
const config = { environment: "conformance", tenantId: `tenant-${runId}`, dataAreaId };
const credentials = { clientId: `app-${runId}`, clientSecret: `secret-${runId}` };
let accessToken = "";

function context(opts: { fetch?: typeof fetch; credentials?: Record<string, string>; config?: Record<string, unknown> } = {}): ConnectorContext {
  const connection = { id: `conn-${runId}`, slug: SLUG, config: { ...config, ...opts.config }, credentials: opts.credentials ?? credentials };
  return simulatorContext(fo, connection, { token: () => accessToken, fetch: opts.fetch });
}

async function refresh(): Promise<void> {
  accessToken = (await fo.refreshAccessToken!(context())).accessToken;
}

async function inspect(): Promise<InspectDocument[]> {
  return (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents.filter((d) => (d.raw as { dataAreaId?: string }).dataAreaId === dataAreaId);
}

const post = (ctx: ConnectorContext, set: string, body: unknown) =>
  ctx.http.send({ method: "POST", url: `/data/${set}`, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const fresh = (order: Order, tag: string): Order => withIdentity(order, `${runId}${tag}`);

beforeAll(async () => {
  await sandbox(`/${SLUG}/_sim/clients`, credentials);
  await refresh();
});

describeDestinationConformance({
  connector: fo,
  runId,
  context: async ({ fetch: f }) => context({ fetch: f }),
  expireAuth: expireTokens(SLUG),
  restoreAuth: refresh,
  sendInvalidPayload: (ctx) => post(ctx, "SalesOrderHeadersV2", { dataAreaId, OrderingCustomerAccountNumber: "US-001", CurrencyCode: "USD", OrderTotal: 1 }),
  orderKinds: ["SalesOrder"],
  refundKinds: ["CreditNote"],
});

describe("Finance & Operations specifics", () => {
  it("keeps one document when two syncs race past \"not found\" (no idempotency key to lean on)", async () => {
    await expectOneDocumentUnderRace(fo, context(), fresh(weighedSpice(), "race"), () => inspect(), { order: "SalesOrder", refund: "CreditNote" });
  });
  it("accepts every header attribute Microsoft's entity defines by name and refuses the computed ones", async () => {
    const ctx = context();
    const attrs = foAttributes().SalesOrderHeaderV2Entity.attributes;
    expect(attrs).toContain("CustomersOrderReference");
    const unknown = await rejection(post(ctx, "SalesOrderHeadersV2", { dataAreaId, OrderingCustomerAccountNumber: "US-001", CustomerOrderReference: "x" }));
    expect(unknown.kind).toBe("permanent");
    expect(unknown.vendorCode).toBe("ODataException");
    const computed = await rejection(post(ctx, "SalesOrderHeadersV2", { dataAreaId, OrderingCustomerAccountNumber: "US-001", SalesOrderStatus: "Invoiced" }));
    expect(computed.status).toBe(400);
    expect(attrs).toContain("SalesOrderStatus");
  });

  it("adopts a header whose lines were never written (crash between the two calls) and completes it", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "crash");
    const ref = fo.orderRef(order);
    await post(ctx, "SalesOrderHeadersV2", { dataAreaId, OrderingCustomerAccountNumber: "US-001", CurrencyCode: "USD", CustomersOrderReference: ref });
    const found = await fo.find(ctx, ref, "order", order);
    expect(found).not.toBeNull();
    const done = await fo.upsert(ctx, order, found, "rq");
    expect(done.doc.id).toBe(found!.id);
    const held = (await inspect()).filter((d) => d.externalRef === ref);
    expect(held).toHaveLength(1);
    expect(held[0]!.total).toBe(formatMinor(order.totals.total, "USD"));
  });

  it("answers service protection with 429 + Retry-After, classified rate_limited", async () => {
    const ctx = context();
    try {
      await sandbox(`/_faults/${SLUG}`, { rateLimited: 1, retryAfterSeconds: 11, match: dataAreaId });
      const err = await rejection(fo.find(ctx, "nothing", "order", weighedSpice()));
      expect(err.kind).toBe("rate_limited");
      expect(err.retryAfterSeconds).toBe(11);
    } finally {
      await sandbox(`/_faults/${SLUG}`, {});
    }
  });

  it("stops a cancelled order and confirms the ship date of a shipped one", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "state");
    const open = await fo.upsert(ctx, order, null, "rq");
    expect(open.doc.state).toBe("backorder");
    const shipped = await fo.upsert(ctx, { ...order, status: "shipped", fulfillmentStatus: "shipped", sourceVersion: 2 }, open.doc, "rq2");
    expect(shipped.doc.state).toBe("shipment confirmed");
    const cancelled = await fo.upsert(ctx, { ...order, status: "cancelled", sourceVersion: 3 }, open.doc, "rq3");
    expect(cancelled.doc.state).toBe("stopped");
    const raw = (await inspect()).find((d) => d.id === open.doc.id)!.raw as { IsSalesProcessingStopped: string; SalesOrderLines: Array<{ InventoryLotId: string }> };
    expect(raw.IsSalesProcessingStopped).toBe("Yes");
    // A stopped order refuses line changes, as F&O does.
    const line = raw.SalesOrderLines[0]!;
    const refused = await rejection(ctx.http.send({ method: "PATCH", url: `/data/SalesOrderLines(dataAreaId='${dataAreaId}',InventoryLotId='${line.InventoryLotId}')`, headers: { "content-type": "application/json" }, body: JSON.stringify({ OrderedSalesQuantity: 9 }) }));
    expect(refused.vendorCode).toBe("AxODataWriteException");
  });

  it("posts a released product under its own item number and anything else to the fallback item", async () => {
    const ctx = context();
    await sandbox(`/${SLUG}/_sim/products`, { dataAreaId, itemNumber: "SPICE-TUR", name: "Turmeric" });
    const order = fresh(weighedSpice(), "items");
    const doc = await fo.upsert(ctx, order, null, "rq");
    const lines = ((await inspect()).find((d) => d.id === doc.doc.id)!.raw as { SalesOrderLines: Array<{ ItemNumber: string; LineDescription: string }> }).SalesOrderLines;
    expect(lines.find((l) => l.LineDescription === order.lines[0]!.name)?.ItemNumber).toBe("SPICE-TUR");
    expect(lines.find((l) => l.LineDescription === order.lines[1]!.name)?.ItemNumber).toBe("OM-MISC");
  });

  it("refuses a token for a resource that is not an F&O environment, with Entra's error", async () => {
    const res = await fetch(`${SANDBOX}/${SLUG}/${config.tenantId}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "client_credentials", client_id: credentials.clientId, client_secret: credentials.clientSecret, scope: "https://api.businesscentral.dynamics.com/.default" }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; error_codes: number[] };
    expect(body.error).toBe("invalid_resource");
    const err = classifyEntra({ status: res.status, headers: res.headers, text: JSON.stringify(body), url: res.url, json: () => body as never });
    expect(err?.kind).toBe("auth");
    expect(err?.vendorCode).toBe(`AADSTS${body.error_codes[0]}`);
  });
});
