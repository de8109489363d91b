// SAP Business One against its simulator: the destination conformance suite plus sessions, NumAtCard lookup, Close/Cancel.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import type { Order } from "../../shared/model/order";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { sapBusinessOne as b1 } from "../../workers/connectors/destinations/sap-business-one";
import { sandbox } from "../helpers/connector-context";
import { refundOf, stackedDiscounts, unpaidWebOrder, weighedSpice, withIdentity } from "../helpers/orders";
import { b1PostmanRequest, b1Sample } from "../helpers/specs-sap";
import { expireTokens, rejection as failure, simulatorContext } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const SLUG = "sap-business-one";
const runId = `b${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const credentials = { userName: "manager", password: "demo-b1-password" };
const session = { accessToken: "" };

function context(opts: { fetch?: typeof fetch; config?: Record<string, unknown>; accessToken?: string; connectionId?: string } = {}): ConnectorContext {
  const config = { companyDB: "SBODEMOUS", ...opts.config };
  const connection = { id: opts.connectionId ?? `conn-${runId}`, slug: SLUG, config, credentials };
  return simulatorContext(b1, connection, { token: () => opts.accessToken ?? session.accessToken, fetch: opts.fetch });
}

/** Logs in as the ConnectionActor would and keeps the session for the next contexts. */
async function login(): Promise<void> {
  session.accessToken = (await b1.refreshAccessToken!(context())).accessToken;
}

async function inspect(): Promise<InspectDocument[]> {
  return (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents;
}

const fresh = (order: Order, tag: string): Order => withIdentity(order, `${runId}${tag}`);

beforeAll(login);

describeDestinationConformance({
  connector: b1,
  runId,
  context: async ({ fetch: f }) => context({ fetch: f }),
  expireAuth: expireTokens(SLUG),
  restoreAuth: login,
  sendInvalidPayload: (ctx) => ctx.http.send({ method: "POST", url: "/b1s/v1/Orders", headers: { "content-type": "application/json" }, body: JSON.stringify({ CardCode: "C20000", DocDueDate: "2026-05-01", ShopifyOrderId: "1", DocumentLines: [{ ItemCode: "A00001", Quantity: "1" }] }) }),
  orderKinds: ["Orders", "Invoices"],
  refundKinds: ["CreditNotes"],
});

describe("SAP Business One specifics", () => {
  it("logs in with SAP's own Login body and gets B1SESSION + ROUTEID cookies", async () => {
    const sample = b1Sample<Record<string, string>>("sample_Login_POST_request.json");
    const bodies: Array<Record<string, unknown>> = [];
    const spy = ((input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith("/Login")) bodies.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
      return fetch(input, init);
    }) as typeof fetch;
    const tokens = await b1.refreshAccessToken!(context({ fetch: spy }));
    expect(Object.keys(bodies[0]!).sort()).toEqual(Object.keys(sample).sort());
    const cookies = JSON.parse(tokens.accessToken) as Record<string, string>;
    expect(cookies.B1SESSION).toMatch(/^[0-9a-f-]{36}$/);
    expect(cookies.ROUTEID).toBeTruthy();
    expect(tokens.expiresAt - Date.now()).toBeGreaterThan(28 * 60_000);
    // SAP's sample credentials are not this company's: Login failed, an auth error.
    const wrong = await failure(b1.refreshAccessToken!({ ...context(), connection: { ...context().connection, credentials: { userName: sample.UserName!, password: sample.Password! } } }));
    expect(wrong.kind).toBe("auth");
    expect(wrong.vendorCode).toBe("100000027");
  });

  it("accepts SAP's own Create Sales Order request and derives the line from its quantity and price", async () => {
    const req = b1PostmanRequest("Create Sales Order");
    const res = await context().http.send({ method: req.method as "POST", url: req.path, headers: { "content-type": "application/json" }, body: JSON.stringify(req.body) });
    expect(res.status).toBe(201);
    const doc = res.json<{ CardCode: string; DocumentLines: Array<{ ItemCode: string; Quantity: number; LineTotal: number; TaxCode: string }> }>();
    const line = (req.body.DocumentLines as Array<Record<string, string>>)[0]!;
    expect(doc.CardCode).toBe(req.body.CardCode);
    expect(doc.DocumentLines[0]!.ItemCode).toBe(line.ItemCode);
    expect(doc.DocumentLines[0]!.LineTotal).toBe(Number(line.Quantity) * Number(line.UnitPrice));
    expect(doc.DocumentLines[0]!.TaxCode).toBe(line.TaxCode);
  });

  it("sends documents in the shape of SAP's sample (CardCode, DocDueDate, DocumentLines with ItemCode, Quantity, TaxCode, UnitPrice)", async () => {
    const sample = b1Sample<{ DocumentLines: Array<Record<string, unknown>> } & Record<string, unknown>>("sample_Orders_POST_request.json");
    const sent: Array<Record<string, unknown>> = [];
    const spy = ((input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.method === "POST" && /\/(Orders|Invoices)$/.test(String(input))) sent.push(JSON.parse(String(init.body)) as Record<string, unknown>);
      return fetch(input, init);
    }) as typeof fetch;
    await b1.upsert(context({ fetch: spy }), fresh(unpaidWebOrder(), "shape"), null, "rq");
    expect(Object.keys(sent[0]!)).toEqual(expect.arrayContaining(Object.keys(sample)));
    const line = (sent[0]!.DocumentLines as Array<Record<string, unknown>>)[0]!;
    expect(Object.keys(line)).toEqual(expect.arrayContaining(Object.keys(sample.DocumentLines[0]!)));
    expect(typeof line.Quantity).toBe(typeof sample.DocumentLines[0]!.Quantity);
  });

  it("an expired session answers 401 code 301 'Invalid session'; logging in again recovers", async () => {
    await sandbox(`/_faults/${SLUG}`, { expireTokens: true });
    const err = await failure(b1.upsert(context(), fresh(weighedSpice(), "sess"), null, "rq"));
    expect(err.kind).toBe("auth");
    expect(err.status).toBe(401);
    expect(err.vendorCode).toBe("301");
    expect(JSON.parse(err.body!)).toEqual({ error: { code: 301, message: { lang: "en-us", value: "Invalid session or session already timeout." } } });
    await login();
    const ok = await b1.upsert(context(), fresh(weighedSpice(), "sess"), null, "rq");
    expect(ok.doc.kind).toBe("Invoices");
    // Only B1SESSION without the load balancer's ROUTEID reaches a node that does not know the session.
    const { B1SESSION } = JSON.parse(session.accessToken) as { B1SESSION: string };
    const noRoute = await failure(b1.find(context({ accessToken: JSON.stringify({ B1SESSION }) }), "x", "order", fresh(weighedSpice(), "route")));
    expect(noRoute.vendorCode).toBe("301");
  });

  it("looks NumAtCard up before creating: adopts its own document, refuses another's", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "find");
    const created = await b1.upsert(ctx, order, null, "rq");
    expect(created.doc.externalRef).toBe(order.orderNumber);
    // Someone keyed a document with the same reference in B1 by hand.
    const other = fresh(weighedSpice(), "taken");
    await ctx.http.send({ method: "POST", url: "/b1s/v1/Invoices", headers: { "content-type": "application/json" }, body: JSON.stringify({ CardCode: "C20000", NumAtCard: other.orderNumber, DocumentLines: [{ ItemCode: "A00001", Quantity: "1", LineTotal: 1 }] }) });
    const conflict = await failure(b1.upsert(ctx, other, null, "rq"));
    expect(conflict.kind).toBe("conflict");
    expect(conflict.vendorCode).toBe("num_at_card_taken");
    const prefixed = await b1.upsert(context({ config: { docNumberPrefix: "WEB-" } }), other, null, "rq");
    expect(prefixed.doc.externalRef).toBe(`WEB-${other.orderNumber}`);
  });

  it("closes a shipped sales order and cancels a cancelled one (each once)", async () => {
    const ctx = context();
    const order = fresh(unpaidWebOrder(), "close");
    const created = await b1.upsert(ctx, order, null, "rq");
    expect(created.doc.kind).toBe("Orders");
    const shipped: Order = { ...order, status: "shipped", fulfillmentStatus: "shipped", fulfillments: [{ id: "F1", status: "shipped", trackingNumber: "1Z1", carrier: "UPS", lines: [] }] };
    const closed = await b1.upsert(ctx, shipped, created.doc, "rq");
    expect(closed.doc.state).toBe("closed");
    const again = await b1.upsert(ctx, { ...shipped, status: "delivered" }, closed.doc, "rq");
    expect(again.doc.state).toBe("closed");
    const other = fresh(unpaidWebOrder(), "cancel");
    const open = await b1.upsert(ctx, other, null, "rq");
    const cancelled = await b1.upsert(ctx, { ...other, status: "cancelled", financialStatus: "voided" }, open.doc, "rq");
    expect(cancelled.doc.state).toBe("cancelled");
    const raw = (await inspect()).find((d) => d.kind === "Orders" && d.id === open.doc.id)!.raw as { Cancelled: string };
    expect(raw.Cancelled).toBe("tYES");
  });

  it("creates items it does not know with SAP's Create Item body and posts credit notes to the parent's customer", async () => {
    const ctx = context();
    const order = fresh(stackedDiscounts(), "items");
    const sku = `${runId}-SKU`.slice(0, 50);
    const withSku = { ...order, lines: order.lines.map((l) => ({ ...l, sku })) };
    const parent = await b1.upsert(ctx, withSku, null, "rq");
    const item = (await ctx.http.send({ method: "GET", url: `/b1s/v1/Items('${sku}')` })).json<Record<string, unknown>>();
    const createItem = b1PostmanRequest("Create Item").body;
    expect(Object.keys(item)).toEqual(expect.arrayContaining(Object.keys(createItem)));
    expect(item.ItemType).toBe(createItem.ItemType);
    const refund = refundOf(withSku, `${runId}-R1`);
    const credit = await b1.refund(ctx, withSku, refund, parent.doc, "rq");
    const held = (await inspect()).filter((d) => d.kind === "CreditNotes" && d.id === credit.doc.id);
    expect(held).toHaveLength(1);
    const parentRaw = (await inspect()).find((d) => d.kind === parent.doc.kind && d.id === parent.doc.id)!.raw as { CardCode: string };
    expect((held[0]!.raw as { CardCode: string }).CardCode).toBe(parentRaw.CardCode);
  });
});
