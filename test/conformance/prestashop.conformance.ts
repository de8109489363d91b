// PrestaShop passes the source conformance suite on orders written into its own blank schema, and polls its
// simulator in both output formats (JSON and XML), with credit slips, payments and carriers.
import { describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import type { CanonicalEvent } from "../../shared/model/order";
import { prestashop } from "../../workers/connectors/sources/prestashop";
import { xmlOne } from "../../workers/connectors/sources/prestashop/xml";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { FIXTURE_CURRENCIES, orderXml, PRESTASHOP_ORDERS } from "../helpers/specs-prestashop";
import { describeSourceConformance, type SourceFixture } from "./source-suite";

type Json = Record<string, unknown>;

const fixtures: SourceFixture[] = PRESTASHOP_ORDERS.map((o) => ({
  name: o.name,
  topic: "orders",
  body: orderXml(o.fields, o.rows),
  vendorTotal: { amount: o.fields.total_paid_tax_incl!, currency: FIXTURE_CURRENCIES[o.fields.id_currency as keyof typeof FIXTURE_CURRENCIES] },
}));

describeSourceConformance({
  connector: prestashop,
  secret: "",
  fixtures,
  // GET /api/orders/{id} in the XML output format, as the webservice returns it by default.
  parse: (body) => xmlOne(body, "order"),
  config: { shopDomain: "conformance.example", currencies: FIXTURE_CURRENCIES },
});

const KEY = "DEMOPRESTASHOPWEBSERVICEKEY00001";
const ctx = (outputFormat: "JSON" | "XML") => connectorContext(prestashop, { config: { shopDomain: "demo-prestashop.example", outputFormat }, credentials: { webserviceKey: KEY } });

/** Seeds a fixture as a new order updated now: the JSON output of one order, without id, reference or dates. */
async function seed(index: number): Promise<Json> {
  const f = PRESTASHOP_ORDERS[index]!;
  const order = xmlOne(orderXml(f.fields, f.rows), "order") as Json;
  const { id: _id, reference: _ref, date_add: _a, date_upd: _u, ...rest } = order;
  const rows = (rest.associations as { order_rows: Json[] }).order_rows.map(({ id: _r, ...r }) => r);
  // The sandbox shop's currencies are 1 USD and 2 EUR: the JPY fixture is not seeded.
  const body = { ...rest, associations: { order_rows: rows } };
  return ((await sandbox<{ order: Json }>("/_seed/prestashop/orders", { order: body })).order) as Json;
}

async function sweep(outputFormat: "JSON" | "XML"): Promise<CanonicalEvent[]> {
  const events: CanonicalEvent[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await prestashop.poll!(ctx(outputFormat), cursor);
    events.push(...page.events);
    cursor = page.cursor;
    if (!page.hasMore) return events;
  }
}

function orderOf(events: CanonicalEvent[], id: unknown) {
  const e = events.find((x) => x.kind === "order" && x.order.sourceOrderId === String(id));
  return e?.kind === "order" ? e.order : undefined;
}

describe("PrestaShop against its simulator", () => {
  it("rejects a seeded order with a field the blank schema does not have", async () => {
    const f = PRESTASHOP_ORDERS[0]!;
    const order = xmlOne(orderXml(f.fields, f.rows), "order") as Json;
    const res = await fetch("http://localhost:8788/_seed/prestashop/orders", { method: "POST", body: JSON.stringify({ order: { ...order, id: undefined, loyalty_points: "12" } }) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("loyalty_points");
  });

  for (const format of ["JSON", "XML"] as const) {
    it(`finds orders placed just now on the first sweep, reading the ${format} output, to the cent`, async () => {
      const seeded = [await seed(0), await seed(1)];
      const events = await sweep(format);
      for (const s of seeded) {
        const order = orderOf(events, s.id);
        expect(order, `order ${String(s.id)}`).toBeDefined();
        const currency = String(s.id_currency) === "2" ? "EUR" : "USD";
        expect(order!.currency).toBe(currency);
        expect(order!.totals.total).toBe(toMinor(String(s.total_paid_tax_incl), currency));
        expect(order!.orderNumber).toBe(s.reference);
      }
      // The shop's own state ids are read from /api/order_states: state 2 is "Payment accepted", 4 "Shipped".
      expect(orderOf(events, seeded[0]!.id)!.status).toBe("paid");
      expect(orderOf(events, seeded[1]!.id)!.status).toBe("shipped");
    });
  }

  it("follows an order through the back office: payment, shipping with tracking, a credit slip", async () => {
    const s = await seed(0);
    await sandbox(`/prestashop/_sim/orders/${s.id}/state`, { state: "Shipped", trackingNumber: "JD014600006281443389" });
    const rows = (s.associations as { order_rows: Json[] }).order_rows;
    const slip = (await sandbox<{ order_slip: Json }>(`/prestashop/_sim/orders/${s.id}/refund`, { rows: [{ id: rows[0]!.id, quantity: 1 }], shipping: true })).order_slip;
    const [event] = await prestashop.fetchOrder!(ctx("XML"), String(s.id));
    expect(event?.kind).toBe("order");
    if (event?.kind !== "order") return;
    expect(event.order.fulfillments[0]).toMatchObject({ status: "shipped", trackingNumber: "JD014600006281443389" });
    expect(event.order.payments.map((p) => p.amount)).toEqual([toMinor(String(s.total_paid_tax_incl), "EUR")]);
    expect(event.order.refunds).toHaveLength(1);
    const expected = toMinor(String(slip.total_products_tax_incl), "EUR") + toMinor(String(slip.total_shipping_tax_incl), "EUR");
    expect(event.order.refunds[0]!.total).toBe(expected);
    expect(event.order.financialStatus).toBe("partially_refunded");
  });

  it("reports a wrong webservice key as auth, with PrestaShop's error code", async () => {
    const bad = connectorContext(prestashop, { config: { shopDomain: "demo-prestashop.example" }, credentials: { webserviceKey: "WRONGKEY" } });
    await expect(prestashop.poll!(bad, null)).rejects.toMatchObject({ kind: "auth", status: 401, vendorCode: "18" });
  });
});
