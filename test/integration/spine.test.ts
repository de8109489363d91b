// The spine end to end: a Shopify order created in the simulator reaches QuickBooks Online once, with its
// shipment and refund, through webhook → OrderActor → queue → ConnectionActor → QuickBooks simulator; the cron's
// reconciliation repairs a refund whose credit document or its link was lost.
import { env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { toMinor } from "../../shared/model/money";
import { quickbooksOnline } from "../../workers/connectors/destinations/quickbooks-online";
import { DEMO_CONNECTIONS } from "../../workers/demo";
import { converge, loadLinks } from "../../workers/dispatch/converge";
import type { OrderActor } from "../../workers/order-actor/order-actor";
import { findDiscrepancies, reconcile } from "../../workers/reconcile/reconcile";
import { connectorContext } from "../helpers/connector-context";
import { adminFetch, connect, eventually, inspect, newDeliveries, sandbox } from "../helpers/mesh";
import { shopifyOrder } from "../helpers/shopify-fixtures";

let deliverNew: () => Promise<void>;

beforeAll(async () => {
  await connect(["shopify"], ["quickbooks-online"]);
  deliverNew = await newDeliveries("shopify");
});

const docsFor = async (ref: string) => (await inspect("quickbooks-online")).filter((d) => d.externalRef === ref);
const QBO = "demo-quickbooks-online";
const refundLink = (key: string) => env.DB.prepare("SELECT doc_key, doc_id FROM links WHERE order_key = ? AND destination_connection_id = ? AND doc_key LIKE 'refund:%'").bind(key, QBO).first<{ doc_key: string; doc_id: string }>();
const findingsFor = async (key: string) => (await findDiscrepancies(env)).findings.filter((f) => f.orderKey === key);

describe("Shopify → QuickBooks Online", () => {
  const id = 930001;
  const ref = `#${id}`;

  it("a paid order becomes one SalesReceipt with the order's total", async () => {
    const order = shopifyOrder(id, { updated_at: new Date().toISOString() });
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    const docs = await eventually(async () => {
      const d = await docsFor(ref);
      return d.length > 0 ? d : undefined;
    }, 20_000, "the QuickBooks document");
    expect(docs).toHaveLength(1);
    expect(docs[0]!.kind).toBe("SalesReceipt");
    expect(toMinor(docs[0]!.total, docs[0]!.currency)).toBe(toMinor(String(order.total_price), String(order.currency)));
    const link = await env.DB.prepare(`SELECT * FROM links WHERE order_key = ? AND doc_key = 'order'`).bind(`demo-shopify:${id}`).first<{ doc_id: string }>();
    expect(link?.doc_id).toBe(docs[0]!.id);
  });

  it("its shipment reaches the document and its refund becomes a RefundReceipt", async () => {
    await sandbox(`/shopify/_sim/orders/${id}/fulfill`, { trackingNumber: "1Z999AA10123456784", trackingCompany: "UPS" });
    await deliverNew();
    await eventually(async () => {
      const d = (await docsFor(ref))[0];
      return d && JSON.stringify(d.raw).includes("1Z999AA10123456784");
    }, 20_000, "the tracking number on the SalesReceipt");
    const refunded = await sandbox<Record<string, unknown>>(`/shopify/_sim/orders/${id}/refund`, {});
    await deliverNew();
    const refunds = ((refunded.order ?? refunded) as { refunds: Array<{ transactions: Array<{ amount: string }> }> }).refunds;
    const refundTotal = refunds.at(-1)!.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    const credit = await eventually(async () => {
      const all = await inspect("quickbooks-online");
      const c = all.filter((d) => (d.kind === "RefundReceipt" || d.kind === "CreditMemo") && JSON.stringify(d.raw).includes(`:${id}`));
      return c.length > 0 ? c : undefined;
    }, 20_000, "the refund document");
    expect(credit).toHaveLength(1);
    expect(toMinor(credit[0]!.total, credit[0]!.currency)).toBe(refundTotal);
    expect(await docsFor(ref)).toHaveLength(1);
  });

  it("a refund whose credit link was lost after QuickBooks' 2xx is adopted by one reconcile() run, and a second sends nothing", async () => {
    const key = `demo-shopify:${id}`;
    const credits = async () => (await inspect("quickbooks-online")).filter((d) => (d.kind === "RefundReceipt" || d.kind === "CreditMemo") && JSON.stringify(d.raw).includes(`:${id}`));
    const [credit] = await credits();
    const linked = (await refundLink(key))!;
    expect(linked.doc_id).toBe(credit!.id);
    expect(await findingsFor(key)).toEqual([]);
    // The main document's link is in step, so only the order's refund count shows the lost link.
    await env.DB.prepare("DELETE FROM links WHERE order_key = ? AND doc_key = ?").bind(key, linked.doc_key).run();
    expect(await findingsFor(key)).toEqual([expect.objectContaining({ destinationId: QBO, problem: "refund_missing" })]);
    await reconcile(env);
    await eventually(async () => (await refundLink(key))?.doc_id === credit!.id, 20_000, "the credit document adopted");
    expect(await findingsFor(key)).toEqual([]);
    await reconcile(env);
    expect(await env.ORDER_ACTOR.getByName(key).pendingOutbox()).toBe(0);
    expect((await credits()).map((d) => d.id)).toEqual([credit!.id]);
  });

  it("a refund whose credit sync was lost after the main document was written is created by one reconcile() run, once", async () => {
    const oid = id + 1;
    const key = `demo-shopify:${oid}`;
    const order = shopifyOrder(oid, { updated_at: new Date().toISOString() });
    await sandbox("/_seed/shopify/orders", order);
    await deliverNew();
    await eventually(async () => (await docsFor(`#${oid}`)).length > 0, 20_000, "the order's SalesReceipt");
    const credits = async () => (await inspect("quickbooks-online")).filter((d) => (d.kind === "RefundReceipt" || d.kind === "CreditMemo") && JSON.stringify(d.raw).includes(`:${oid}`));
    // The refund's sync message is lost (dead-lettered): the order's queue drops its sync messages (anything else it
    // sends, the order index row, goes through).
    const actor = env.ORDER_ACTOR.getByName(key);
    await runInDurableObject(actor, (instance: OrderActor) => {
      const holder = instance as unknown as { env: Env };
      const queue = holder.env.SYNC_QUEUE;
      const kept = (body: unknown) => (body as { type?: string }).type !== "sync";
      const lossy = {
        send: async (body: unknown, opts?: QueueSendOptions) => (kept(body) ? queue.send(body, opts) : undefined),
        sendBatch: async (messages: Iterable<MessageSendRequest>, opts?: QueueSendBatchOptions) => {
          const rest = [...messages].filter((m) => kept(m.body));
          if (rest.length > 0) await queue.sendBatch(rest, opts);
        },
      };
      holder.env = { ...holder.env, SYNC_QUEUE: lossy as unknown as Queue };
    });
    const refunded = await sandbox<Record<string, unknown>>(`/shopify/_sim/orders/${oid}/refund`, {});
    await deliverNew();
    // The outbox is sent (and the sync message dropped) before the queue is given back.
    await actor.flush();
    expect(await actor.pendingOutbox()).toBe(0);
    await runInDurableObject(actor, (instance: OrderActor) => {
      (instance as unknown as { env: Env }).env = env;
    });
    const refundTotal = ((refunded.order ?? refunded) as { refunds: Array<{ transactions: Array<{ amount: string }> }> }).refunds.at(-1)!.transactions.reduce((n, t) => n + toMinor(t.amount, "USD"), 0);
    // Its first attempt had written the main document and died before the credit: converge the main document alone.
    const snap = (await actor.snapshot())!;
    expect(snap.order!.refunds).toHaveLength(1);
    await eventually(async () => (await env.DB.prepare("SELECT refunds FROM orders WHERE order_key = ?").bind(key).first<{ refunds: number }>())?.refunds === 1, 10_000, "the order index with its refund");
    const view = { config: { ...DEMO_CONNECTIONS["quickbooks-online"]!.config }, credentials: { ...DEMO_CONNECTIONS["quickbooks-online"]!.credentials, refreshToken: `test-seed-${crypto.randomUUID()}` } };
    const token = await quickbooksOnline.refreshAccessToken!(connectorContext(quickbooksOnline, view));
    const mainOnly = { ...quickbooksOnline, capabilities: quickbooksOnline.capabilities.filter((c) => c !== "refund") };
    await converge(env, mainOnly, connectorContext(quickbooksOnline, view, { accessToken: token.accessToken }), key, QBO, snap.order!, snap.revision);
    expect((await loadLinks(env, key, QBO)).get("order")?.syncedVersion).toBe(snap.revision);
    expect(await refundLink(key)).toBeNull();
    expect(await credits()).toEqual([]);

    expect(await findingsFor(key)).toEqual([expect.objectContaining({ destinationId: QBO, problem: "refund_missing" })]);
    await reconcile(env);
    const created = await eventually(async () => ((await credits()).length > 0 ? credits() : undefined), 20_000, "the credit document");
    expect(created).toHaveLength(1);
    expect(toMinor(created[0]!.total, created[0]!.currency)).toBe(refundTotal);
    await eventually(async () => (await refundLink(key))?.doc_id === created[0]!.id, 10_000, "the credit document's link");
    expect(await findingsFor(key)).toEqual([]);
    await reconcile(env);
    expect(await actor.pendingOutbox()).toBe(0);
    expect((await credits()).map((d) => d.id)).toEqual([created[0]!.id]);
    expect(await docsFor(`#${oid}`)).toHaveLength(1);
  });

  it("the admin page shows the order with its timeline and its QuickBooks document", async () => {
    const res = await adminFetch(`/admin/orders/${encodeURIComponent(`demo-shopify:${id}`)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(ref);
    expect(html).toContain("SalesReceipt");
    expect(html).toContain("demo-quickbooks-online");
    expect(html).toMatch(/orders\/create → applied/);
  });

  it("the admin page refuses requests without credentials", async () => {
    const { SELF } = await import("cloudflare:test");
    expect((await SELF.fetch("http://localhost:8787/admin/api/orders")).status).toBe(401);
    expect((await SELF.fetch("http://localhost:8787/admin/api/orders", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const page = await SELF.fetch("http://localhost:8787/admin/orders", { redirect: "manual" });
    expect(page.status).toBe(302);
  });
});
