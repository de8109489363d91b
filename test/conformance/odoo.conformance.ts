// Odoo against its simulator: the destination suite over XML-RPC (Odoo 18) and JSON-2 (Odoo 19), plus Odoo's own behaviours.
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorContext } from "../../shared/connector/contract";
import { formatMinor } from "../../shared/model/money";
import type { Order } from "../../shared/model/order";
import { odoo } from "../../workers/connectors/destinations/odoo";
import { encodeMethodCall } from "../../workers/connectors/destinations/odoo/xmlrpc";
import type { InspectDocument } from "../../workers/sandbox/kit";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { buildOrder, kwdThreeDecimals, weighedSpice, withIdentity } from "../helpers/orders";
import { odooFixture } from "../helpers/specs-odoo";
import { expectOneDocumentUnderRace, rejection, simulatorContext } from "./conformance-kit";
import { describeDestinationConformance } from "./destination-suite";

const SLUG = "odoo";
const runId = `o${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const KEY = `key-${runId}`;
/** A retailer selling KWD and weighed goods raises Decimal Accuracy to 3; the defaults (2 / 2) get their own database. */
const dbs = {
  v19: { name: `c19-${runId}`, version: 19, login: "api@example.com", apiKey: KEY, priceDigits: 3, quantityDigits: 3 },
  v18: { name: `c18-${runId}`, version: 18, login: "api@example.com", apiKey: KEY, priceDigits: 3, quantityDigits: 3 },
  plain: { name: `cp-${runId}`, version: 19, login: "api@example.com", apiKey: KEY, priceDigits: 2, quantityDigits: 2 },
};
type DbSpec = (typeof dbs)[keyof typeof dbs];

function context(db: DbSpec, opts: { fetch?: typeof fetch; apiKey?: string } = {}): ConnectorContext {
  const config = { database: db.name, login: db.login, version: db.version };
  return simulatorContext(odoo, { id: `conn-${runId}`, slug: SLUG, config, credentials: { apiKey: opts.apiKey ?? KEY } }, { fetch: opts.fetch });
}

async function inspect(db: DbSpec): Promise<InspectDocument[]> {
  return (await sandbox<{ documents: InspectDocument[] }>(`/_inspect/${SLUG}`)).documents.filter((d) => (d.raw as { database?: string }).database === db.name);
}

const fresh = (order: Order, tag: string): Order => withIdentity(order, `${runId}${tag}`);

beforeAll(async () => {
  for (const db of Object.values(dbs)) await sandbox(`/${SLUG}/_sim/databases`, db);
});

for (const db of [dbs.v18, dbs.v19]) {
  const protocol = db.version >= 19 ? "JSON-2" : "XML-RPC";
  describe(`Odoo ${db.version} (${protocol})`, () => {
    describeDestinationConformance({
      connector: odoo,
      runId: `${runId}v${db.version}`,
      context: async ({ fetch: f }) => context(db, { fetch: f }),
      expireAuth: async () => {
        await sandbox(`/${SLUG}/_sim/databases`, { name: db.name, apiKey: "revoked" });
      },
      restoreAuth: async () => {
        await sandbox(`/${SLUG}/_sim/databases`, { name: db.name, apiKey: KEY });
      },
      // A sale.order.line field of the other version: Odoo answers ValueError "Invalid field …".
      sendInvalidPayload: (ctx) => {
        const wrongField = db.version >= 19 ? "tax_id" : "tax_ids";
        const vals = { partner_id: 7, order_line: [[0, 0, { product_id: 1, name: "x", [wrongField]: [[6, 0, []]] }]] };
        return db.version >= 19
          ? ctx.http.send({ method: "POST", url: "/json/2/sale.order/create", headers: { "content-type": "application/json", "x-odoo-database": db.name }, body: JSON.stringify({ vals_list: [vals] }) })
          : ctx.http.send({ method: "POST", url: "/xmlrpc/2/object", headers: { "content-type": "text/xml" }, body: encodeMethodCall("execute_kw", [db.name, 2, KEY, "sale.order", "create", [[vals]], {}]) });
      },
      orderKinds: ["sale.order"],
      refundKinds: ["account.move"],
      propertyRuns: 5,
    });
  });
}

describe("Odoo specifics", () => {
  it("keeps one document when two syncs race past \"not found\" (no idempotency key to lean on)", async () => {
    await expectOneDocumentUnderRace(odoo, context(dbs.v19), fresh(weighedSpice(), "race"), () => inspect(dbs.v19), { order: "sale.order", refund: "account.move" });
  });
  it("answers the documentation's JSON-2 search_read example with the documented response", async () => {
    const res = await fetch(`${SANDBOX}/${SLUG}/json/2/res.partner/search_read`, {
      method: "POST",
      headers: { authorization: `bearer ${KEY}`, "x-odoo-database": dbs.v19.name, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(odooFixture("json2_search_read.request.json")),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(odooFixture("json2_search_read.response.200.json"));
  });

  it("refuses a bad API key with the documented 401 body, classified auth", async () => {
    const err = await rejection(odoo.find(context(dbs.v19, { apiKey: "nope" }), "x", "order", weighedSpice()));
    expect(err.kind).toBe("auth");
    expect(err.status).toBe(401);
    const fixture = odooFixture<Record<string, unknown>>("json2_error.response.401.json");
    const body = JSON.parse(err.body!) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(Object.keys(fixture).sort());
    expect([body.name, body.message, body.arguments]).toEqual([fixture.name, fixture.message, fixture.arguments]);
    const xml = await rejection(odoo.find(context(dbs.v18, { apiKey: "nope" }), "x", "order", weighedSpice()));
    expect(xml.kind).toBe("auth");
  });

  it("rejects fields of the other version as Odoo would, on both protocols", async () => {
    const vals = (field: string) => ({ partner_id: 7, order_line: [[0, 0, { product_id: 1, name: "x", [field]: [[6, 0, []]] }]] });
    const res = await fetch(`${SANDBOX}/${SLUG}/json/2/sale.order/create`, {
      method: "POST",
      headers: { authorization: `bearer ${KEY}`, "x-odoo-database": dbs.v19.name, "content-type": "application/json" },
      body: JSON.stringify({ vals_list: [vals("tax_id")] }),
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { name: string; message: string };
    expect(body.message).toContain("Invalid field 'tax_id'");
    const classified = odoo.classify({ status: res.status, headers: res.headers, text: JSON.stringify(body), url: res.url, json: () => body as never });
    expect(classified?.kind).toBe("permanent");
  });

  it("confirms a paid order, validates its delivery when it ships, and cancels a cancelled one", async () => {
    for (const db of [dbs.v18, dbs.v19]) {
      const ctx = context(db);
      const order = fresh(weighedSpice(), `flow${db.version}`);
      const paid = await odoo.upsert(ctx, order, null, "rq");
      expect(paid.doc.state).toBe("sale");
      const shipped = await odoo.upsert(ctx, { ...order, status: "shipped", fulfillmentStatus: "shipped", sourceVersion: 2 }, paid.doc, "rq2");
      expect(shipped.doc.state).toBe("delivered");
      const raw = (await inspect(db)).find((d) => d.id === paid.doc.id)!.raw as { pickings: Array<{ state: string }> };
      expect(raw.pickings.map((p) => p.state)).toEqual(["done"]);
      const pending = fresh(weighedSpice(), `cancel${db.version}`);
      const quote = await odoo.upsert(ctx, { ...pending, financialStatus: "pending", status: "pending", payments: [] }, null, "rq3");
      expect(quote.doc.state).toBe("draft");
      const cancelled = await odoo.upsert(ctx, { ...pending, status: "cancelled", financialStatus: "voided", sourceVersion: 2 }, quote.doc, "rq4");
      expect(cancelled.doc.state).toBe("cancel");
    }
  });

  it("sets a removed line's quantity to 0 on a confirmed order instead of deleting it", async () => {
    const ctx = context(dbs.v19);
    const order = fresh(weighedSpice(), "shrink");
    const first = await odoo.upsert(ctx, order, null, "rq");
    const one = buildOrder({ id: "x", currency: "USD", taxesIncluded: false, channel: "store", lines: [{ name: "Turmeric, loose", sku: "SPICE-TUR", quantity: "0.375", unit: "kg", unitPrice: 1299, tax: { amount: 43, rate: "0.08875", jurisdiction: "NY" } }], tax: 43 });
    const smaller = { ...withIdentity(one, order.sourceOrderId), sourceVersion: 2 };
    const after = await odoo.upsert(ctx, smaller, first.doc, "rq2");
    expect(after.doc.id).toBe(first.doc.id);
    expect(after.doc.total).toBe(smaller.totals.total);
    const lines = ((await inspect(dbs.v19)).find((d) => d.id === first.doc.id)!.raw as { order_line: Array<{ name: string; product_uom_qty: number }> }).order_line;
    expect(lines.find((l) => l.name === "Basmati rice 1 kg")?.product_uom_qty).toBe(0);
  });

  it("with Odoo's default Decimal Accuracy (2): weighed quantities post as one unit of their amount, fils prices are refused", async () => {
    const ctx = context(dbs.plain);
    const spice = fresh(weighedSpice(), "acc");
    const posted = await odoo.upsert(ctx, spice, null, "rq");
    expect(posted.doc.total).toBe(spice.totals.total);
    const held = (await inspect(dbs.plain)).find((d) => d.id === posted.doc.id)!;
    expect(held.total).toBe(formatMinor(spice.totals.total, "USD"));
    const kwd = fresh(kwdThreeDecimals(), "fils");
    // One bag at 1.255 KWD: neither the unit price nor the line amount fits two decimals.
    const fils: Order = { ...kwd, lines: kwd.lines.map((l) => ({ ...l, quantity: "1", unitPrice: 1255, grossAmount: 1255 })), totals: { ...kwd.totals, subtotal: 1255, total: 2005 } };
    const err = await rejection(odoo.upsert(ctx, fils, null, "rq2"));
    expect(err.kind).toBe("permanent");
    expect(err.vendorCode).toBe("decimal_precision");
    expect((await inspect(dbs.plain)).some((d) => d.externalRef === odoo.orderRef(fils))).toBe(false);
  });

  it("throttling of a database answers 429 + Retry-After, classified rate_limited", async () => {
    const ctx = context(dbs.v19);
    await sandbox(`/${SLUG}/_sim/faults`, { database: dbs.v19.name, rateLimited: 1, retryAfterSeconds: 9 });
    const err = await rejection(odoo.find(ctx, "nothing", "order", weighedSpice()));
    expect(err.kind).toBe("rate_limited");
    expect(err.retryAfterSeconds).toBe(9);
  });
});
