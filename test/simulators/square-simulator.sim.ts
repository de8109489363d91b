// The Square simulator behaves like Square: signed notifications the connector verifies, SearchOrders rules, and a
// lifecycle (payment, fulfillment, return order + refund) the connector reads back to the cent.
import { describe, expect, it } from "vitest";
import type { WebhookInput } from "../../shared/connector/contract";
import { square } from "../../workers/connectors/sources/square";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { webhooks, type Delivery } from "../helpers/mesh";
import { squareExample, type Json } from "../helpers/specs-square";

const TOKEN = "demo-square-token";
const KEY = "demo-square-secret";
const run = crypto.randomUUID().replace(/-/g, "").slice(0, 12);
const ctx = () => connectorContext(square, { config: { apiHost: "connect.squareup.com" }, credentials: { accessToken: TOKEN, signatureKey: KEY } });

type Money = { amount: number; currency: string };

function record(suffix: string, extra: Json = {}): Json & { id: string; total_money: Money; line_items: Json[] } {
  const { order } = squareExample<{ order: Json & { total_money: Money; line_items: Json[] } }>("RetrieveOrderResponse");
  return { ...order, id: `SIM${run}${suffix}`, reference_id: `sim-${run}-${suffix}`, ...extra };
}

const input = (d: Delivery): WebhookInput => ({ raw: new TextEncoder().encode(d.body), headers: new Headers(d.headers), url: d.url, now: new Date() });

/** Notifications queued since `after` whose body mentions `id`, as (type, delivery). */
async function noticesFor(id: string, after: number): Promise<Array<{ type: string; body: Json; delivery: Delivery }>> {
  return (await webhooks("square", after)).filter((d) => d.body.includes(id)).map((d) => ({ type: String((JSON.parse(d.body) as Json).type), body: JSON.parse(d.body) as Json, delivery: d }));
}

async function lastSeq(): Promise<number> {
  return (await webhooks("square")).at(-1)?.seq ?? 0;
}

async function fetched(id: string) {
  return square.fetchOrder!(ctx(), id);
}

describe("Square simulator lifecycle, read back through the connector", () => {
  it("a register sale publishes payment.created and payment.updated (no order.created), signed over URL + body", async () => {
    const after = await lastSeq();
    const r = record("sale");
    r.tenders = [{ type: "CASH", amount_money: r.total_money }];
    r.state = "COMPLETED";
    await sandbox("/_seed/square/orders", r);
    const notices = await noticesFor(r.id, after);
    expect(notices.map((n) => n.type)).toEqual(["payment.created", "payment.updated"]);
    for (const n of notices) {
      expect(await square.webhook!.verify(input(n.delivery), KEY)).toEqual({ ok: true });
      expect((await square.webhook!.verify({ ...input(n.delivery), url: `${n.delivery.url}?x=1` }, KEY)).ok).toBe(false);
      const id = square.webhook!.identify(input(n.delivery), n.body);
      expect(id.sourceOrderId).toBe(r.id);
    }
    const payment = (notices[1]!.body.data as { object: { payment: Json } }).object.payment;
    expect(payment).toMatchObject({ status: "COMPLETED", order_id: r.id, total_money: r.total_money });
    const [event] = await fetched(r.id);
    expect(event?.kind === "order" && [event.order.status, event.order.financialStatus, event.order.payments.length]).toEqual(["completed", "paid", 1]);
  });

  it("an API order publishes order.created with a summary, then pay → payment.updated + order.updated", async () => {
    let after = await lastSeq();
    const r = record("api", { version: 1 });
    await sandbox("/_seed/square/orders", r);
    const created = await noticesFor(r.id, after);
    expect(created.map((n) => n.type)).toEqual(["order.created"]);
    expect((created[0]!.body.data as { object: Json }).object).toEqual({ order_created: expect.objectContaining({ order_id: r.id, state: "OPEN", version: 1 }) });
    let [event] = await fetched(r.id);
    expect(event?.kind === "order" && event.order.financialStatus).toBe("pending");
    after = await lastSeq();
    await sandbox(`/square/_sim/orders/${r.id}/pay`, { type: "CARD" });
    expect((await noticesFor(r.id, after)).map((n) => n.type)).toEqual(["payment.created", "payment.updated", "order.updated"]);
    [event] = await fetched(r.id);
    if (event?.kind !== "order") throw new Error("expected the order");
    expect(event.order.financialStatus).toBe("paid");
    expect(event.order.payments[0]).toMatchObject({ method: "card", amount: r.total_money.amount });
  });

  it("moves a shipment through RESERVED and COMPLETED; the connector reads packing, then shipped with tracking", async () => {
    const r = record("ship", { fulfillments: [{ uid: `F${run}`, type: "SHIPMENT", state: "PROPOSED" }] });
    r.tenders = [{ type: "CARD", amount_money: r.total_money }];
    await sandbox("/_seed/square/orders", r);
    await sandbox(`/square/_sim/orders/${r.id}/fulfill`, { state: "RESERVED" });
    let [event] = await fetched(r.id);
    expect(event?.kind === "order" && event.order.status).toBe("packing");
    const after = await lastSeq();
    await sandbox(`/square/_sim/orders/${r.id}/fulfill`, { state: "COMPLETED", carrier: "USPS", tracking_number: `9400${run}` });
    expect((await noticesFor(r.id, after)).map((n) => n.type)).toEqual(["order.updated", "order.fulfillment.updated"]);
    [event] = await fetched(r.id);
    if (event?.kind !== "order") throw new Error("expected the order");
    expect(event.order.status).toBe("shipped");
    expect(event.order.fulfillments[0]).toMatchObject({ carrier: "USPS", trackingNumber: `9400${run}` });
  });

  it("a refund creates a return order: refund.updated names it, and fetching it yields a refund of the sale", async () => {
    const r = record("ret");
    r.tenders = [{ type: "CARD", amount_money: r.total_money }];
    r.state = "COMPLETED";
    await sandbox("/_seed/square/orders", r);
    const after = await lastSeq();
    const line = r.line_items[1] as { uid: string };
    const res = await sandbox<{ return_order: Json & { id: string; returns: Array<{ return_amounts: { total_money: Money } }> } }>(`/square/_sim/orders/${r.id}/refund`, { lines: [{ uid: line.uid, quantity: "1" }] });
    const ret = res.return_order;
    const notices = (await webhooks("square", after)).map((d) => JSON.parse(d.body) as Json & { data: { object: { refund: Json } } });
    const updated = notices.find((n) => n.type === "refund.updated" && n.data.object.refund.order_id === ret.id)!;
    expect(updated.data.object.refund).toMatchObject({ status: "COMPLETED", order_id: ret.id });
    const identity = square.webhook!.identify(input({ seq: 0, url: "", method: "POST", headers: {}, body: JSON.stringify(updated), status: "pending" }), updated);
    expect(identity.sourceOrderId).toBe(ret.id);
    const events = await fetched(ret.id);
    expect(events).toHaveLength(1);
    const [e] = events;
    if (e?.kind !== "refund") throw new Error("expected a refund");
    expect(e.sourceOrderId).toBe(r.id);
    expect(e.refund.total).toBe(ret.returns[0]!.return_amounts.total_money.amount);
    // Item 2: two units for 600 less a 300 discount; one unit returned is 300 less 150.
    expect(e.refund.lines).toEqual([expect.objectContaining({ lineId: line.uid, quantity: "1", amount: 150 })]);
    const refundId = String(updated.data.object.refund.id);
    const stored = await fetch(`http://localhost:8788/square/v2/refunds/${refundId}`, { headers: { Authorization: `Bearer ${TOKEN}` } }).then((x) => x.json() as Promise<{ refund: Json }>);
    expect(Object.keys(stored.refund)).not.toContain("sale_order_id");
    // What is left to return cannot be exceeded.
    const over = await fetch(`http://localhost:8788/square/_sim/orders/${r.id}/refund`, { method: "POST", body: JSON.stringify({ lines: [{ uid: line.uid, quantity: "2" }] }) });
    expect(over.status).toBe(400);
  });

  it("publishes inventory.count.updated that verifies and normalizes to a stock level", async () => {
    const after = await lastSeq();
    await sandbox("/square/_sim/inventory", { catalog_object_id: `VAR${run}`, location_id: "LDEMOMAIN0001", quantity: "12.5" });
    const [n] = await noticesFor(`VAR${run}`, after);
    expect(await square.webhook!.verify(input(n!.delivery), KEY)).toEqual({ ok: true });
    const out = square.normalize({ topic: n!.type, payload: n!.body, connectionId: "c1", receivedAt: "", config: {} });
    expect(out).toEqual([expect.objectContaining({ kind: "stock", stock: expect.objectContaining({ sku: `VAR${run}`, available: "12.5" }) })]);
  });
});

describe("SearchOrders rules", () => {
  const search = (body: Json) =>
    fetch("http://localhost:8788/square/v2/orders/search", { method: "POST", headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const window = { filter: { date_time_filter: { updated_at: { start_at: "2020-01-01T00:00:00Z" } } } };

  it("refuses a date filter whose field the sort does not match, a limit over 1000, and no location", async () => {
    expect((await search({ location_ids: ["L1"], query: { ...window, sort: { sort_field: "CREATED_AT" } } })).status).toBe(400);
    expect((await search({ location_ids: ["L1"], limit: 1001, query: { ...window, sort: { sort_field: "UPDATED_AT" } } })).status).toBe(400);
    expect((await search({ query: { ...window, sort: { sort_field: "UPDATED_AT" } } })).status).toBe(400);
  });

  it("binds a cursor to its original query", async () => {
    const location = `LSEARCH${run}`;
    for (const k of [1, 2]) await sandbox("/_seed/square/orders", record(`s${k}`, { location_id: location }));
    const query = { ...window, sort: { sort_field: "UPDATED_AT", sort_order: "ASC" } };
    const first = (await (await search({ location_ids: [location], limit: 1, query })).json()) as { orders: Json[]; cursor: string };
    expect(first.orders).toHaveLength(1);
    expect((await search({ location_ids: [location], limit: 1, query, cursor: first.cursor })).status).toBe(200);
    expect((await search({ location_ids: [location, "OTHER"], limit: 1, query, cursor: first.cursor })).status).toBe(400);
  });
});
