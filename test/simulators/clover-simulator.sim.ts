// The Clover simulator behaves like Clover: id-only notifications with X-Clover-Auth, expand, filters and paging rules,
// per-token limits, and register actions (pay with tip, refund by line) the connector reads back to the cent.
import { describe, expect, it } from "vitest";
import type { WebhookInput } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import { clover } from "../../workers/connectors/sources/clover";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { webhooks, type Delivery } from "../helpers/mesh";

type Json = Record<string, unknown>;
const MERCHANT = "DEMOCLOVERMID";
const TOKEN = "demo-clover-token";
const AUTH = "demo-clover-secret";
const API = `http://localhost:8788/clover/v3/merchants/${MERCHANT}`;
const ctx = () => connectorContext(clover, { config: { merchantId: MERCHANT, apiHost: "api.clover.com" }, credentials: { accessToken: TOKEN, authCode: AUTH } });

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const run = Array.from({ length: 8 }, () => ALPHABET[Math.floor(Math.random() * 32)]).join("");
const id = (tag: string) => `${tag}${run}`.padEnd(13, "0").slice(0, 13);

/** An open order as the register builds it: two lines, one taxed at 8.875 %; total per Clover's arithmetic. */
function openOrder(tag: string): Json & { id: string; total: number } {
  return {
    id: id(tag),
    currency: "USD",
    // 14.50 taxed at 8.875 % is 1.286875: Clover rounds the per-rate sum half up, 1.29.
    total: 1000 + 450 + 129,
    state: "open",
    createdTime: Date.now(),
    modifiedTime: Date.now(),
    lineItems: {
      elements: [
        { id: id(`${tag}A`), name: "Harissa 190 g", price: 1000, taxRates: { elements: [{ id: "TAXNYC0000001", name: "NYC Sales Tax", rate: 887500 }] } },
        { id: id(`${tag}B`), name: "Tamarind paste", price: 450, taxRates: { elements: [{ id: "TAXNYC0000001", name: "NYC Sales Tax", rate: 887500 }] } },
      ],
    },
  };
}

/**
 * Calls Clover as the mesh does: the simulator enforces Clover's 16 requests/s and 5 concurrent per token, and test
 * files share one token, so a rate_limited answer is retried after the delay it names.
 */
async function patiently<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof ConnectorError) || err.kind !== "rate_limited" || attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, (err.retryAfterSeconds ?? 1) * 1000));
    }
  }
}

/** A raw GET's status, waiting out Clover's per-token limit the same way. */
async function statusOf(url: string, token: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 429 || attempt >= 5) return res.status;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

const input = (d: Delivery): WebhookInput => ({ raw: new TextEncoder().encode(d.body), headers: new Headers(d.headers), url: d.url, now: new Date() });
const last = async () => (await webhooks("clover")).at(-1)?.seq ?? 0;

describe("Clover simulator", () => {
  it("notifies a seeded order by id only, with the app's X-Clover-Auth code, and serves it with its collections expanded", async () => {
    const after = await last();
    const order = openOrder("S1");
    await sandbox("/_seed/clover/orders", order);
    const d = (await webhooks("clover", after)).find((x) => x.body.includes(order.id))!;
    expect(JSON.parse(d.body)).toEqual({ appId: expect.any(String), merchants: { [MERCHANT]: [{ objectId: `O:${order.id}`, type: "CREATE", ts: expect.any(Number) }] } });
    expect(await clover.webhook!.verify(input(d), AUTH)).toEqual({ ok: true });
    const read = (url: string) => patiently(async () => {
      const res = await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
      if (res.status === 429) throw new ConnectorError({ kind: "rate_limited", message: "429", retryAfterSeconds: 1 });
      return (await res.json()) as Json;
    });
    const bare = await read(`${API}/orders/${order.id}`);
    expect(bare.lineItems).toBeUndefined();
    const expanded = await read(`${API}/orders/${order.id}?expand=lineItems`);
    expect((expanded.lineItems as { elements: unknown[] }).elements).toHaveLength(2);
    const [event] = await patiently(() => clover.fetchOrder!(ctx(), order.id));
    expect(event?.kind === "order" && [event.order.totals.total, event.order.totals.tax, event.order.status]).toEqual([order.total, 129, "pending"]);
  });

  it("pay with a tip: an order UPDATE and a payment CREATE; the connector reads paid, the tax Clover recorded, and the tip", async () => {
    const order = openOrder("S2");
    await sandbox("/_seed/clover/orders", order);
    const after = await last();
    const paid = await sandbox<{ payments: { elements: Array<{ amount: number; taxAmount: number; tipAmount: number }> } }>(`/clover/_sim/orders/${order.id}/pay`, { tender: "cash", tip: 200 });
    const d = (await webhooks("clover", after)).find((x) => x.body.includes(order.id))!;
    const objects = Object.values((JSON.parse(d.body) as { merchants: Record<string, Array<{ objectId: string; type: string }>> }).merchants).flat();
    expect(objects.map((o) => `${o.objectId.split(":")[0]}:${o.type}`)).toEqual(["O:UPDATE", "P:CREATE"]);
    expect(clover.webhook!.identifyAll!(input(d), JSON.parse(d.body)).filter((i) => i.sourceOrderId === order.id)).toHaveLength(1);
    const payment = paid.payments.elements[0]!;
    expect(payment).toMatchObject({ amount: order.total, taxAmount: 129, tipAmount: 200 });
    const [event] = await patiently(() => clover.fetchOrder!(ctx(), order.id));
    if (event?.kind !== "order") throw new Error("expected the order");
    expect([event.order.financialStatus, event.order.status, event.order.totals.tip, event.order.totals.total]).toEqual(["paid", "completed", 200, order.total + 200]);
    expect(event.order.payments[0]).toMatchObject({ method: "cash", amount: order.total + 200 });
  });

  it("refunds one line with its share of the tax; the connector reads a refund of that line", async () => {
    const order = openOrder("S3");
    await sandbox("/_seed/clover/orders", order);
    await sandbox(`/clover/_sim/orders/${order.id}/pay`, {});
    const lineId = id("S3B");
    const after = await sandbox<{ refunds: { elements: Array<{ amount: number; taxAmount: number }> }; paymentState: string }>(`/clover/_sim/orders/${order.id}/refund`, { lineItemIds: [lineId] });
    expect(after.paymentState).toBe("PARTIALLY_REFUNDED");
    const r = after.refunds.elements[0]!;
    const [event] = await patiently(() => clover.fetchOrder!(ctx(), order.id));
    if (event?.kind !== "order") throw new Error("expected the order");
    expect(event.order.refunds).toEqual([expect.objectContaining({ total: r.amount, tax: r.taxAmount })]);
    expect(event.order.refunds[0]!.lines).toEqual([expect.objectContaining({ lineId, amount: 450 })]);
    expect(event.order.financialStatus).toBe("partially_refunded");
    const again = await fetch(`http://localhost:8788/clover/_sim/orders/${order.id}/refund`, { method: "POST", body: JSON.stringify({ lineItemIds: [lineId] }) });
    expect(again.status).toBe(400);
  });

  it("batches several orders in one notification, which identifyAll splits into one fetch each", async () => {
    const a = openOrder("S4");
    const b = openOrder("S5");
    for (const o of [a, b]) await sandbox("/_seed/clover/orders", o);
    const after = await last();
    await sandbox("/clover/_sim/notify", { orderIds: [a.id, b.id] });
    const d = (await webhooks("clover", after)).find((x) => x.body.includes(a.id))!;
    const ids = clover.webhook!.identifyAll!(input(d), JSON.parse(d.body));
    expect(ids.map((i) => i.sourceOrderId)).toEqual([a.id, b.id]);
    expect(new Set(ids.map((i) => i.eventId)).size).toBe(2);
  });

  it("refuses a wrong token, another merchant, limit over 1000, an unknown filter field and a bad orderBy", async () => {
    const get = (path: string, token = TOKEN) => statusOf(path, token);
    expect(await get(`${API}/orders`, "nope")).toBe(401);
    expect(await get(`http://localhost:8788/clover/v3/merchants/OTHERMERCHANT/orders`)).toBe(401);
    expect(await get(`${API}/orders?limit=1001`)).toBe(400);
    expect(await get(`${API}/orders?filter=${encodeURIComponent("colour=red")}`)).toBe(400);
    expect(await get(`${API}/orders?orderBy=${encodeURIComponent("modifiedTime SIDEWAYS")}`)).toBe(400);
    expect(await get(`${API}/orders?limit=1000`)).toBe(200);
  });
});
