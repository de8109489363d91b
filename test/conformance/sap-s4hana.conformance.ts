// SAP S/4HANA against its simulator: the destination conformance suite plus CSRF, EDMX validation, ETags and rejections.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import type { Order } from "../../shared/model/order";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { sapS4hana as s4 } from "../../workers/connectors/destinations/sap-s4hana";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { refundOf, stackedDiscounts, unpaidWebOrder, weighedSpice, withIdentity } from "../helpers/orders";
import { salesOrderEdmx } from "../helpers/specs-sap";
import { expireTokens, rejection as failure, simulatorContext } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const SLUG = "sap-s4hana";
const SERVICE = "/sap/opu/odata/sap/API_SALES_ORDER_SRV";
const runId = `s${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const credentials = { user: "demo-s4-user", password: "demo-s4-password" };
const csrf = { accessToken: "" };

function context(opts: { fetch?: typeof fetch; config?: Record<string, unknown>; accessToken?: string } = {}): ConnectorContext {
  const config = { ...opts.config };
  return simulatorContext(s4, { id: `conn-${runId}`, slug: SLUG, config, credentials }, { token: () => opts.accessToken ?? csrf.accessToken, fetch: opts.fetch });
}

/** The CSRF handshake as the ConnectionActor runs it. */
async function fetchToken(): Promise<void> {
  csrf.accessToken = (await s4.refreshAccessToken!(context())).accessToken;
}

async function inspect(): Promise<InspectDocument[]> {
  return (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents;
}

/** Property facets read straight from SAP's EDMX text (independently of the simulator's parser). */
function edmxProperty(entityType: string, name: string): { type: string; maxLength?: number; creatable: boolean } | null {
  const type = new RegExp(`<EntityType Name="${entityType}"[\\s\\S]*?</EntityType>`).exec(salesOrderEdmx())?.[0] ?? "";
  const prop = new RegExp(`<Property Name="${name}" ([^>]*)/>`).exec(type)?.[1];
  if (!prop) return null;
  return { type: /Type="([^"]+)"/.exec(prop)![1]!, maxLength: /MaxLength="(\d+)"/.test(prop) ? Number(/MaxLength="(\d+)"/.exec(prop)![1]) : undefined, creatable: !/sap:creatable="false"/.test(prop) };
}

function edmxNavigation(entityType: string): string[] {
  const type = new RegExp(`<EntityType Name="${entityType}"[\\s\\S]*?</EntityType>`).exec(salesOrderEdmx())?.[0] ?? "";
  return [...type.matchAll(/<NavigationProperty Name="([^"]+)"/g)].map((m) => m[1]!);
}

const fresh = (order: Order, tag: string, number?: string): Order => withIdentity(order, `${runId}${tag}`, number ?? `${runId}${tag}`);

async function post(body: unknown): Promise<Response> {
  const { token, cookie } = JSON.parse(csrf.accessToken) as { token: string; cookie: string };
  return fetch(`${SANDBOX}/${SLUG}${SERVICE}/A_SalesOrder`, {
    method: "POST",
    headers: { authorization: `Basic ${btoa(`${credentials.user}:${credentials.password}`)}`, "x-csrf-token": token, cookie, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
}

const minimal = () => ({ SalesOrderType: "OR", SalesOrganization: "1710", DistributionChannel: "10", OrganizationDivision: "00", SoldToParty: "17100001", to_Item: [{ Material: "TG11", RequestedQuantity: "1", to_PricingElement: [{ ConditionType: "PPR0", ConditionRateValue: "10" }] }] });

beforeAll(fetchToken);

describeDestinationConformance({
  connector: s4,
  runId,
  context: async ({ fetch: f }) => context({ fetch: f }),
  expireAuth: expireTokens(SLUG),
  restoreAuth: fetchToken,
  sendInvalidPayload: (ctx) => ctx.http.send({ method: "POST", url: `${SERVICE}/A_SalesOrder`, headers: { "content-type": "application/json" }, body: JSON.stringify({ ...minimal(), ShopifyOrderId: "1" }) }),
  orderKinds: ["A_SalesOrder"],
  refundKinds: ["A_CreditMemoRequest"],
});

describe("SAP S/4HANA specifics", () => {
  it("refuses a write without a valid CSRF token with 403 'CSRF token validation failed', and a fetched token recovers", async () => {
    const url = `${SANDBOX}/${SLUG}${SERVICE}/A_SalesOrder`;
    const basic = `Basic ${btoa(`${credentials.user}:${credentials.password}`)}`;
    const bare = await fetch(url, { method: "POST", headers: { authorization: basic, "content-type": "application/json" }, body: JSON.stringify(minimal()) });
    expect(bare.status).toBe(403);
    expect(bare.headers.get("x-csrf-token")).toBe("Required");
    expect(await bare.text()).toBe("CSRF token validation failed");
    // A token is bound to its session cookie: the token alone is not enough.
    const { token } = JSON.parse(csrf.accessToken) as { token: string };
    const tokenOnly = await fetch(url, { method: "POST", headers: { authorization: basic, "x-csrf-token": token, "content-type": "application/json" }, body: JSON.stringify(minimal()) });
    expect(tokenOnly.status).toBe(403);
    // The connector without a token: an auth error the ConnectionActor answers by fetching one.
    const err = await failure(s4.upsert(context({ accessToken: "" }), fresh(weighedSpice(), "csrf"), null, "rq"));
    expect(err.kind).toBe("auth");
    expect(err.vendorCode).toBe("csrf");
    const ok = await s4.upsert(context(), fresh(weighedSpice(), "csrf"), null, "rq");
    expect(ok.doc.kind).toBe("A_SalesOrder");
    // Basic credentials are checked before anything else.
    expect((await fetch(url, { headers: { authorization: `Basic ${btoa("demo-s4-user:wrong")}` } })).status).toBe(401);
  });

  it("validates bodies against the EDMX: unknown property, too-long string, wrong type, read-only property", async () => {
    const poMax = edmxProperty("A_SalesOrderType", "PurchaseOrderByCustomer")!.maxLength!;
    expect(edmxProperty("A_SalesOrderType", "ShopifyOrderId")).toBeNull();
    expect(edmxProperty("A_SalesOrderItemType", "RequestedQuantity")!.type).toBe("Edm.Decimal");
    expect(edmxProperty("A_SalesOrderType", "TotalNetAmount")!.creatable).toBe(false);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...minimal(), ShopifyOrderId: "1" }, "ShopifyOrderId"],
      [{ ...minimal(), PurchaseOrderByCustomer: "X".repeat(poMax + 1) }, "PurchaseOrderByCustomer"],
      [{ ...minimal(), to_Item: [{ Material: "TG11", RequestedQuantity: 1 }] }, "RequestedQuantity"],
      [{ ...minimal(), TotalNetAmount: "10.00" }, "TotalNetAmount"],
    ];
    for (const [body, property] of cases) {
      const res = await post(body);
      expect(res.status, property).toBe(400);
      const err = (await res.json()) as { error: { code: string; message: { lang: string; value: string }; innererror: { errordetails: Array<{ target: string }> } } };
      expect(err.error.message.value).toContain(property);
      expect(err.error.innererror.errordetails[0]!.target).toContain(property);
    }
    // Exactly PurchaseOrderByCustomer's MaxLength is accepted.
    expect((await post({ ...minimal(), PurchaseOrderByCustomer: "Y".repeat(poMax) })).status).toBe(201);
  });

  it("sends only properties and navigation the EDMX declares, with amounts and quantities as OData V2 decimal strings", async () => {
    const sent: Array<Record<string, unknown>> = [];
    const spy = ((input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.method === "POST" && String(input).endsWith("/A_SalesOrder")) sent.push(JSON.parse(String(init.body)) as Record<string, unknown>);
      return fetch(input, init);
    }) as typeof fetch;
    await s4.upsert(context({ fetch: spy }), fresh(stackedDiscounts(), "shape"), null, "rq");
    const body = sent[0]!;
    for (const [k, v] of Object.entries(body)) {
      if (k === "to_Item") continue;
      const prop = edmxProperty("A_SalesOrderType", k);
      expect(prop, k).not.toBeNull();
      if (prop!.maxLength) expect(String(v).length).toBeLessThanOrEqual(prop!.maxLength);
    }
    expect(edmxNavigation("A_SalesOrderType")).toContain("to_Item");
    for (const item of body.to_Item as Array<Record<string, unknown>>) {
      for (const k of Object.keys(item)) if (k !== "to_PricingElement") expect(edmxProperty("A_SalesOrderItemType", k), k).not.toBeNull();
      expect(edmxNavigation("A_SalesOrderItemType")).toContain("to_PricingElement");
      expect(typeof item.RequestedQuantity).toBe("string");
      for (const e of item.to_PricingElement as Array<Record<string, unknown>>) {
        for (const k of Object.keys(e)) expect(edmxProperty("A_SalesOrderItemPrElementType", k), k).not.toBeNull();
        expect(e.ConditionRateValue).toMatch(/^-?\d+(\.\d+)?$/);
      }
    }
  });

  it("keeps a long order number within PurchaseOrderByCustomer's 35 characters and still finds the order", async () => {
    const long = fresh(weighedSpice(), "long", `${runId}-MARKETPLACE-ORDER-0000000000000042`);
    const ctx = context();
    const { doc, notes } = await s4.upsert(ctx, long, null, "rq");
    expect(doc.externalRef.length).toBeLessThanOrEqual(edmxProperty("A_SalesOrderType", "PurchaseOrderByCustomer")!.maxLength!);
    expect(long.orderNumber.endsWith(doc.externalRef)).toBe(true);
    expect(notes.some((n) => /35-character/.test(n.message))).toBe(true);
    expect((await s4.find(ctx, s4.orderRef(long), "order", long))?.id).toBe(doc.id);
  });

  it("updates with If-Match: a stale ETag gets 412, the connector re-reads and applies the change once", async () => {
    const ctx = context();
    const order = fresh(unpaidWebOrder(), "etag");
    const created = await s4.upsert(ctx, order, null, "rq");
    expect(created.doc.state).toBe("blocked");
    expect(created.doc.version).toMatch(/^W\/"datetimeoffset'/);
    // Someone edits the order in S/4: the ETag we hold is stale now.
    await sandbox(`/${SLUG}/_sim/touch/A_SalesOrder/${created.doc.id}`, {});
    const path = `${SERVICE}/A_SalesOrder('${created.doc.id}')`;
    const stale = await failure(ctx.http.send({ method: "PATCH", url: path, headers: { "content-type": "application/json", "if-match": created.doc.version! }, body: JSON.stringify({ HeaderBillingBlockReason: "" }) }));
    expect(stale.status).toBe(412);
    expect(stale.kind).toBe("conflict");
    const missing = await failure(ctx.http.send({ method: "PATCH", url: path, headers: { "content-type": "application/json" }, body: JSON.stringify({ HeaderBillingBlockReason: "" }) }));
    expect(missing.status).toBe(428);
    const paid: Order = { ...order, financialStatus: "paid", status: "paid" };
    const released = await s4.upsert(ctx, paid, created.doc, "rq");
    expect(released.doc.state).toBe("open");
    expect(released.doc.version).not.toBe(created.doc.version);
    expect(released.notes.some((n) => /changed in S\/4/.test(n.message))).toBe(true);
    expect(released.notes.some((n) => /released the billing block/.test(n.message))).toBe(true);
  });

  it("cancels by blocking delivery and rejecting every item; the sales area comes from the posting profile", async () => {
    const ctx = context({ config: { salesAreaByChannel: { web: { distributionChannel: "20" } } } });
    const order = fresh(unpaidWebOrder(), "cx");
    const open = await s4.upsert(ctx, order, null, "rq");
    const cancelled = await s4.upsert(ctx, { ...order, status: "cancelled", financialStatus: "voided" }, open.doc, "rq");
    expect(cancelled.doc.state).toBe("cancelled");
    const raw = (await inspect()).find((d) => d.kind === "A_SalesOrder" && d.id === open.doc.id)!.raw as Record<string, unknown> & { to_Item: Array<{ SalesDocumentRjcnReason: string }> };
    expect(raw.DistributionChannel).toBe("20");
    expect(raw.OverallSDDocumentRejectionSts).toBe("C");
    expect(raw.DeliveryBlockReason).toBeTruthy();
    expect(raw.to_Item.every((i) => !!i.SalesDocumentRjcnReason)).toBe(true);
  });

  it("refunds with a credit memo request (order reason, reference to the sales order) totalling the refund", async () => {
    const ctx = context();
    const order = fresh(stackedDiscounts(), "cmr");
    const parent = await s4.upsert(ctx, order, null, "rq");
    const refund = refundOf(order, `${runId}-R1`);
    const credit = await s4.refund(ctx, order, refund, parent.doc, "rq");
    expect(credit.doc.kind).toBe("A_CreditMemoRequest");
    expect(credit.doc.total).toBe(refund.total);
    const raw = (await inspect()).find((d) => d.kind === "A_CreditMemoRequest" && d.id === credit.doc.id)!.raw as Record<string, unknown>;
    expect(raw.SDDocumentReason).toBeTruthy();
    expect(raw.ReferenceSDDocument).toBe(parent.doc.id);
    expect(typeof raw.TotalNetAmount).toBe("string");
  });
});
