// Salesforce against its simulator: the destination suite plus composite graph rules, External ID upsert, price books, statuses.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import type { Order } from "../../shared/model/order";
import { salesforce as sf } from "../../workers/connectors/destinations/salesforce";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { buildOrder, stackedDiscounts, weighedSpice, withIdentity } from "../helpers/orders";
import { postmanCompositeBody, salesforceFixture } from "../helpers/specs-salesforce";
import { expectOneDocumentUnderRace, expireTokens, rejection, simulatorContext } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const SLUG = "salesforce";
const V = "v62.0";
const runId = `s${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const config = { myDomain: "conformance" };
const credentials = { clientId: `app-${runId}`, clientSecret: `secret-${runId}` };
let accessToken = "";

function context(opts: { fetch?: typeof fetch; credentials?: Record<string, string> } = {}): ConnectorContext {
  const connection = { id: `conn-${runId}`, slug: SLUG, config, credentials: opts.credentials ?? credentials };
  return simulatorContext(sf, connection, { token: () => accessToken, fetch: opts.fetch });
}

async function refresh(): Promise<void> {
  accessToken = (await sf.refreshAccessToken!(context())).accessToken;
}

async function inspect(): Promise<InspectDocument[]> {
  return (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents.filter((d) => d.externalRef.includes(runId));
}

async function raw(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${SANDBOX}/${SLUG}/services/data/${V}/${path}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: res.status === 204 ? null : await res.json() };
}

const fresh = (order: Order, tag: string): Order => withIdentity(order, `${runId}${tag}`);
type ErrorArray = Array<{ message: string; errorCode: string }>;

beforeAll(async () => {
  await sandbox(`/${SLUG}/_sim/clients`, { ...credentials, refreshToken: `rt-${runId}` });
  await refresh();
});

describeDestinationConformance({
  connector: sf,
  runId,
  context: async ({ fetch: f }) => context({ fetch: f }),
  expireAuth: expireTokens(SLUG),
  restoreAuth: refresh,
  // Status must be a value of the restricted picklist: INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST.
  sendInvalidPayload: (ctx) =>
    ctx.http.send({ method: "POST", url: `/services/data/${V}/sobjects/Order`, headers: { "content-type": "application/json" }, body: JSON.stringify({ AccountId: "001000000000001AAA", EffectiveDate: "2026-05-01", Status: "Pending" }) }),
  orderKinds: ["Order"],
  refundKinds: ["CreditOrder"],
});

describe("Salesforce specifics", () => {
  it("keeps one document when two syncs race past \"not found\" (no idempotency key to lean on)", async () => {
    await expectOneDocumentUnderRace(sf, context(), fresh(weighedSpice(), "race"), () => inspect(), { order: "Order", refund: "CreditOrder" });
  });
  it("upserts the REST guide's Account example by External ID: 201 created, then 200 updated", async () => {
    const body = salesforceFixture<Record<string, unknown>>("upsert_account.request.json");
    const created = await raw("PATCH", `sobjects/Account/customExtIdField__c/${runId}-11999`, body);
    expect(created.status).toBe(201);
    const sample = salesforceFixture<Record<string, unknown>>("upsert_created.response.json");
    expect(Object.keys(created.json as object)).toEqual(expect.arrayContaining(Object.keys(sample)));
    expect(created.json).toMatchObject({ success: sample.success, errors: sample.errors });
    const updated = await raw("PATCH", `sobjects/Account/customExtIdField__c/${runId}-11999`, body);
    expect(updated.status).toBe(200);
    expect((updated.json as { id: string }).id).toBe((created.json as { id: string }).id);
  });

  it("validates the graph request shape: the Postman collection's composite subrequests are not graph nodes as they stand", async () => {
    const nodes = postmanCompositeBody().compositeRequest;
    // Its first subrequest is a SOQL query: a graph takes sObject resources only.
    const query = await raw("POST", "composite/graph", { graphs: [{ graphId: "g1", compositeRequest: [nodes[0]] }] });
    expect(query.status).toBe(400);
    // Its second subrequest is empty: no method.
    const empty = await raw("POST", "composite/graph", { graphs: [{ graphId: "g1", compositeRequest: [nodes[1]] }] });
    expect(empty.status).toBe(400);
    expect((empty.json as ErrorArray)[0]).toMatchObject({ errorCode: expect.any(String), message: expect.any(String) });
    const forward = await raw("POST", "composite/graph", {
      graphs: [{ graphId: "g1", compositeRequest: [{ method: "PATCH", url: `/services/data/${V}/sobjects/Order/@{later.id}`, referenceId: "first", body: {} }, { method: "GET", url: `/services/data/${V}/sobjects/Account/001000000000001AAA`, referenceId: "later" }] }],
    });
    expect(forward.status).toBe(400);
  });

  it("rolls a whole graph back when one node fails: no Order, PROCESSING_HALTED for the rest, classified by the cause", async () => {
    const ref = `${runId}-atomic`;
    const res = await context().http.raw({
      method: "POST",
      url: `/services/data/${V}/composite/graph`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        graphs: [{
          graphId: "atomic",
          compositeRequest: [
            { method: "PATCH", url: `/services/data/${V}/sobjects/Order/External_Order_Id__c/${ref}`, referenceId: "order", body: { AccountId: "001000000000001AAA", EffectiveDate: "2026-05-01", Status: "Draft" } },
            { method: "PATCH", url: `/services/data/${V}/sobjects/Order/@{order.id}`, referenceId: "bad", body: { Status: "Pending" } },
          ],
        }],
      }),
    });
    expect(res.status).toBe(200);
    const graph = (res.json() as { graphs: Array<{ isSuccessful: boolean; graphResponse: { compositeResponse: Array<{ body: ErrorArray }> } }> }).graphs[0]!;
    expect(graph.isSuccessful).toBe(false);
    expect(graph.graphResponse.compositeResponse[0]!.body[0]!.errorCode).toBe("PROCESSING_HALTED");
    const detail = sf.classify(res);
    expect(detail?.kind).toBe("permanent");
    expect(detail?.vendorCode).toBe("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
    expect((await inspect()).some((d) => d.externalRef === ref)).toBe(false);
  });

  it("moves Status Draft → Activated → Shipped, and re-prices an activated order in one graph", async () => {
    const ctx = context();
    const order = fresh(stackedDiscounts(), "status");
    const unpaid = await sf.upsert(ctx, { ...order, financialStatus: "pending", status: "pending", payments: [] }, null, "rq");
    expect(unpaid.doc.state).toBe("Draft");
    const paid = await sf.upsert(ctx, { ...order, sourceVersion: 2 }, unpaid.doc, "rq2");
    expect(paid.doc.state).toBe("Activated");
    // The source edits the activated order: items change, so the graph deactivates, edits and activates again.
    const edited = buildOrder({ id: "x", currency: "USD", taxesIncluded: false, customer: { email: "amina@example.com" }, lines: [{ name: "Berbere spice blend", sku: "BERBERE-200", quantity: "4", unitPrice: 1999, tax: { amount: 660, rate: "0.0825" } }], tax: 660 });
    const again = await sf.upsert(ctx, { ...withIdentity(edited, order.sourceOrderId), sourceVersion: 3 }, paid.doc, "rq3");
    expect(again.doc.state).toBe("Activated");
    expect(again.doc.total).toBe(edited.totals.total);
    const shipped = await sf.upsert(ctx, { ...withIdentity(edited, order.sourceOrderId), status: "shipped", fulfillmentStatus: "shipped", sourceVersion: 4 }, again.doc, "rq4");
    expect(shipped.doc.state).toBe("Shipped");
    const held = (await inspect()).find((d) => d.id === unpaid.doc.id)!.raw as { StatusCode: string };
    expect(held.StatusCode).toBe("Activated");
  });

  it("cancels an order by moving it to the Draft-category Cancelled status", async () => {
    const ctx = context();
    const order = fresh(weighedSpice(), "cancel");
    const first = await sf.upsert(ctx, order, null, "rq");
    const cancelled = await sf.upsert(ctx, { ...order, status: "cancelled", financialStatus: "voided", sourceVersion: 2 }, first.doc, "rq2");
    expect(cancelled.doc.state).toBe("Cancelled");
    expect(((await inspect()).find((d) => d.id === first.doc.id)!.raw as { StatusCode: string }).StatusCode).toBe("Draft");
  });

  it("creates a product and its price book entry once per product code and currency", async () => {
    const ctx = context();
    const sku = `SKU-${runId}`;
    const one = buildOrder({ id: "x", currency: "EUR", taxesIncluded: true, lines: [{ name: "Paneer 200g", sku, quantity: "2", unitPrice: 350 }], tax: 0 });
    await sf.upsert(ctx, withIdentity(one, `${runId}pb1`), null, "rq");
    await sf.upsert(ctx, withIdentity(one, `${runId}pb2`), null, "rq");
    const entries = await raw("GET", `query?q=${encodeURIComponent(`SELECT Id FROM PricebookEntry WHERE Product2.ProductCode = '${sku}' AND CurrencyIsoCode = 'EUR'`)}`);
    expect((entries.json as { totalSize: number }).totalSize).toBe(1);
  });

  it("refreshes with a refresh token, and answers a wrong client secret with invalid_client", async () => {
    const viaRefresh = await sf.refreshAccessToken!(context({ credentials: { ...credentials, refreshToken: `rt-${runId}` } }));
    expect(viaRefresh.accessToken).not.toBe("");
    const err = await rejection(sf.refreshAccessToken!(context({ credentials: { ...credentials, clientSecret: "wrong" } })));
    expect(err.kind).toBe("auth");
    expect(err.vendorCode).toBe("invalid_client");
  });
});
