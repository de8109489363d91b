// Toast passes the source conformance suite on the example order in Toast's own Orders API spec, and sweeps its simulator.
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { floatToMinor } from "../../shared/model/money";
import { toast } from "../../workers/connectors/sources/toast";
import { normalizeOrder } from "../../workers/connectors/sources/toast/normalize";
import { signToastWebhook } from "../../workers/sandbox/simulators/toast/webhooks";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { toastExampleOrder, type Json } from "../helpers/specs-toast";
import { describeSourceConformance } from "./source-suite";

const SECRET = "conformance-toast-secret";
const RESTAURANT = "9e6a1c5e-3d1b-4b8e-a0c4-2f5d7e9a1b3c";
const example = toastExampleOrder() as Json & { checks: (Json & { totalAmount: number; payments: Json[]; selections: Json[] })[] };

/** The vendor's total for an order: its checks' totalAmount plus the tips paid on them. */
const vendorTotal = (o: typeof example) =>
  o.checks.reduce((n, c) => n + floatToMinor(c.totalAmount, "USD") + c.payments.reduce((t, p) => t + floatToMinor(Number(p.tipAmount ?? 0), "USD"), 0), 0);

describe("Toast spec example", () => {
  it("is the full response-side Order of POST /orders", () => {
    expect(example).toMatchObject({ guid: "89488287-f259-435b-a654-0bc391596af0", entityType: "Order" });
    expect(example.checks[0]!.selections[0]).toMatchObject({ displayName: "蟹餅  CRAB CAKES", price: 5 });
  });
});

describeSourceConformance({
  connector: toast,
  secret: SECRET,
  sign: (body, { topic, now, eventId }) =>
    signToastWebhook({ url: "https://mesh.example/webhooks/toast/c1", secret: SECRET, restaurantGuid: RESTAURANT, order: JSON.parse(body), eventGuid: eventId, timestamp: now.toISOString(), eventType: topic }),
  fixtures: [{ name: "toast-orders-api-v2.6.5.yaml POST /orders 200 example", topic: "order_updated", body: JSON.stringify(example), vendorTotal: { amount: vendorTotal(example) / 100, currency: "USD" } }],
  config: { restaurantGuid: RESTAURANT, currency: "USD" },
  topicsWithoutFixtures: { channel_order_updated: "the same Order payload as order_updated, sent to order-creating partners" },
});

const norm = (o: unknown) => {
  const e = normalizeOrder(o, "order.updated", "c1", { currency: "USD", restaurantGuid: RESTAURANT });
  if (e.kind !== "order") throw new Error("expected an order");
  return e.order;
};

describe("Toast specifics", () => {
  it("keeps the example's line, tax and payment as Toast states them", () => {
    const o = norm(example);
    const check = example.checks[0]!;
    expect(o.lines).toHaveLength(check.selections.length);
    expect(o.lines[0]).toMatchObject({ name: "蟹餅  CRAB CAKES", grossAmount: floatToMinor(Number(check.selections[0]!.preDiscountPrice), "USD") });
    expect(o.payments.map((p) => p.amount)).toEqual(check.payments.map((p) => floatToMinor(Number(p.amount), "USD")));
    expect(o.status).toBe("pending"); // the check is still OPEN
    expect(o.orderNumber).toBe(`${example.businessDate}-${check.displayNumber}`);
  });

  it("reads binary-float noise to the exact cent, leaves voided items out, and rejects a real fraction of a cent", () => {
    const o = structuredClone(example);
    const sel = o.checks[0]!.selections[0]!;
    Object.assign(sel, { quantity: 3, preDiscountPrice: 1.1 * 3, price: 1.1 * 3 });
    o.checks[0]!.selections.push({ ...structuredClone(sel), guid: "voided-line", voided: true, price: 4 });
    Object.assign(o.checks[0]!, { amount: 1.1 * 3, totalAmount: 1.1 * 3 });
    const n = norm(o);
    expect(1.1 * 3).not.toBe(3.3);
    expect(n.lines.map((l) => [l.grossAmount, l.unitPrice])).toEqual([[330, 110]]);
    expect(n.totals.total).toBe(330);
    Object.assign(o.checks[0]!, { totalAmount: 3.305 });
    expect(() => norm(o)).toThrow(/not a whole number of USD minor units/);
  });
});

// ---------------------------------------------------------------- against the simulator

const CREDS = { webhookSecret: "demo-toast-secret", clientId: "demo-toast-client", clientSecret: "demo-toast-client-secret" };
const ctx = (restaurantGuid: string, credentials = CREDS, pollPageSize?: number) =>
  connectorContext(toast, { config: { restaurantGuid, currency: "USD", apiHost: "ws-api.toasttab.com", ...(pollPageSize ? { pollPageSize } : {}) }, credentials });

describe("Toast sweep against the simulator", () => {
  const restaurant = crypto.randomUUID();
  const t0 = Date.UTC(2033, 0, 1) + Math.floor(Math.random() * 1e6) * 3_600_000;
  const seed = (k: number, extra: Json = {}) => {
    const o = { ...structuredClone(example), guid: `${restaurant.slice(0, 8)}-0000-4000-8000-00000000000${k}`, modifiedDate: new Date(t0 + k * 60_000).toISOString(), displayNumber: `${k}`, ...extra };
    return sandbox(`/_seed/toast/orders?restaurant=${restaurant}`, o).then(() => o);
  };

  it("pages through ordersBulk by modification date, each order once, then resumes with the overlap", async () => {
    const seeded = await Promise.all([0, 1, 2].map((k) => seed(k)));
    let cursor: string | null = JSON.stringify({ start: new Date(t0).toISOString(), end: new Date(t0 + 3_600_000).toISOString(), page: 1 });
    const seen: string[] = [];
    for (let page = 0; page < 10; page++) {
      const r = await toast.poll!(ctx(restaurant, CREDS, 2), cursor);
      seen.push(...r.events.map((e) => (e.kind === "order" ? e.order.sourceOrderId : "")));
      cursor = r.cursor;
      if (!r.hasMore) break;
    }
    expect(seen.sort()).toEqual(seeded.map((o) => o.guid).sort());
    expect(Date.parse(JSON.parse(cursor!).start)).toBe(t0 + 3_600_000 - 5 * 60_000);
  });

  it("sees split tenders and a refund on a payment, keeping the order total", async () => {
    const o = await seed(5);
    await sandbox(`/toast/_sim/orders/${o.guid}/update`, { checks: o.checks.map((c) => ({ ...c, payments: [], paymentStatus: "OPEN" })) });
    await sandbox(`/toast/_sim/orders/${o.guid}/pay`, { type: "CASH", amount: 2 });
    await sandbox(`/toast/_sim/orders/${o.guid}/pay`, { type: "CREDIT", tipAmount: 1 });
    const after = await sandbox<Json & { modifiedDate: string }>(`/toast/_sim/orders/${o.guid}/refund`, { selections: [String(o.checks[0]!.selections[0]!.guid)] });
    const end = new Date(Date.parse(after.modifiedDate) + 1000).toISOString();
    const r = await toast.poll!(ctx(restaurant), JSON.stringify({ start: after.modifiedDate, end, page: 1 }));
    const event = r.events.find((e) => e.kind === "order" && e.order.sourceOrderId === o.guid);
    if (event?.kind !== "order") throw new Error("order not swept");
    expect(event.order.payments.map((p) => [p.method, p.amount])).toEqual([["CASH", 200], ["CREDIT VISA", 300 + 100]]);
    expect(event.order.totals).toMatchObject({ total: 500 + 100, tip: 100 });
    expect(event.order.status).toBe("completed");
    // One refund transaction over both tenders: 2.00 back in cash, 3.00 to the card (the tip stays with the server).
    expect(event.order.refunds).toEqual([
      expect.objectContaining({ total: 500, lines: [expect.objectContaining({ amount: 500, tax: 0 })], payments: [expect.objectContaining({ amount: 200 }), expect.objectContaining({ amount: 300 })] }),
    ]);
    expect(event.order.financialStatus).toBe("partially_refunded");
  });

  it("enforces 5 ordersBulk requests per second per location with 429 and a reset time", async () => {
    const other = crypto.randomUUID();
    const c = ctx(other);
    const cursor = JSON.stringify({ start: new Date(t0).toISOString(), end: new Date(t0 + 1000).toISOString(), page: 1 });
    const results = await Promise.all(Array.from({ length: 7 }, () => toast.poll!(c, cursor).then(() => null, (e: unknown) => e)));
    const limited = results.filter((e) => e instanceof ConnectorError && e.kind === "rate_limited") as ConnectorError[];
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it("refuses bad client credentials at login as ConnectorError kind auth", async () => {
    const err = await toast.poll!(ctx(restaurant, { ...CREDS, clientId: "someone-else" }), null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe("auth");
  });
});
