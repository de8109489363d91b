// Convergence against a destination that matches documents by number alone: a document another order's link holds
// is never adopted (two sources with the same order numbers routed to one company), while a lost link of the same
// order still is.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ConnectorContext, DestinationConnector, DocumentRef } from "../../shared/connector/contract";
import { ConnectorError } from "../../shared/connector/errors";
import { handleSyncBatch } from "../../workers/dispatch/consumer";
import { converge, loadLinks, writeLink } from "../../workers/dispatch/converge";
import type { OrderIndexRow } from "../../workers/order-actor/messages";
import { quickbooksOnline } from "../../workers/connectors/destinations/quickbooks-online";
import { weighedSpice, withIdentity } from "../helpers/orders";

/** A destination whose find answers by the order number only, recording what the mesh asked it to write. */
function byNumberOnly(held: DocumentRef) {
  const writes: string[] = [];
  const connector: DestinationConnector = {
    ...quickbooksOnline,
    find: async (_ctx, ref) => (ref === held.externalRef ? held : null),
    upsert: async (_ctx, order, existing) => {
      writes.push(`upsert ${order.sourceOrderId} onto ${existing?.id ?? "new"}`);
      return { doc: existing ?? { ...held, id: `new-${order.sourceOrderId}` }, notes: [] };
    },
    refund: async () => {
      throw new Error("no refunds here");
    },
  };
  return { connector, writes };
}

const ctx = {} as ConnectorContext;

describe("converge", () => {
  it("refuses to adopt a document found by number when another order's link holds it, and writes nothing", async () => {
    const held: DocumentRef = { kind: "Invoice", id: "INV-1007", externalRef: "1007", total: 1000, currency: "USD" };
    await writeLink(env, "woo:1007", "dest-bc", "order", held, 1);
    const { connector, writes } = byNumberOnly(held);
    const lightspeed = withIdentity(weighedSpice(), "ls-1007", "1007");
    const err = await converge(env, connector, ctx, "lightspeed:ls-1007", "dest-bc", lightspeed, 1).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe("conflict");
    expect((err as ConnectorError).message).toContain("woo:1007");
    expect(writes).toEqual([]);
    expect((await loadLinks(env, "lightspeed:ls-1007", "dest-bc")).size).toBe(0);
    expect((await loadLinks(env, "woo:1007", "dest-bc")).get("order")?.docId).toBe("INV-1007");
  });

  it("still adopts the order's own document when only its link was lost", async () => {
    const held: DocumentRef = { kind: "Invoice", id: "INV-2001", externalRef: "2001", total: 1000, currency: "USD" };
    const { connector, writes } = byNumberOnly(held);
    const order = withIdentity(weighedSpice(), "shop-2001", "2001");
    const report = await converge(env, connector, ctx, "shop:shop-2001", "dest-bc", order, 1);
    expect(report.written.map((w) => [w.docKey, w.doc.id, w.adopted])).toEqual([["order", "INV-2001", true]]);
    expect(writes).toEqual(["upsert shop-2001 onto INV-2001"]);
  });
});

describe("order index rows on the sync queue", () => {
  const row = (orderKey: string, revision: number, status: string): OrderIndexRow => ({
    orderKey, connectionId: "idx-src", source: "shopify", sourceOrderId: orderKey.split(":")[1]!, orderNumber: `#${orderKey}`, status,
    total: 1000 + revision, currency: "CAD", sourceVersion: revision, revision, refunds: revision > 2 ? 1 : 0, sourceUpdatedAt: `2026-11-2${revision}T00:00:00Z`,
  });
  function batchOf(bodies: unknown[]) {
    const calls: string[] = [];
    const messages = bodies.map((body, i) => ({ id: `idx-${crypto.randomUUID()}`, timestamp: new Date(), body, attempts: 1, ack: () => calls.push(`ack ${i}`), retry: () => calls.push(`retry ${i}`) }));
    return { batch: { queue: "ordermesh-sync", messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>, calls };
  }
  const stored = async (key: string) => env.DB.prepare(`SELECT status, revision, total, refunds FROM orders WHERE order_key = ?`).bind(key).first<{ status: string; revision: number; total: number; refunds: number }>();

  it("writes a batch's rows at once, each order at its newest revision, never back to an older one", async () => {
    const [a, b] = [`idx-src:${crypto.randomUUID()}`, `idx-src:${crypto.randomUUID()}`];
    const first = batchOf([{ type: "index", row: row(a, 2, "paid") }, { type: "index", row: row(a, 1, "pending") }, { type: "index", row: row(b, 1, "pending") }]);
    await handleSyncBatch(first.batch, env);
    expect(first.calls).toEqual(["ack 0", "ack 1", "ack 2"]);
    expect(await stored(a)).toEqual({ status: "paid", revision: 2, total: 1002, refunds: 0 });
    expect(await stored(b)).toEqual({ status: "pending", revision: 1, total: 1001, refunds: 0 });
    // A late message of an older revision changes nothing; a newer one moves the row on.
    const later = batchOf([{ type: "index", row: row(a, 1, "pending") }, { type: "index", row: row(b, 3, "refunded") }]);
    await handleSyncBatch(later.batch, env);
    expect(await stored(a)).toEqual({ status: "paid", revision: 2, total: 1002, refunds: 0 });
    expect(await stored(b)).toEqual({ status: "refunded", revision: 3, total: 1003, refunds: 1 });
  });

  it("records an unreadable message as a failure and acks it beside the batch's index rows", async () => {
    const key = `idx-src:${crypto.randomUUID()}`;
    const mixed = batchOf([{ type: "index", row: { ...row(key, 1, "paid"), total: "ten" } }, { type: "index", row: row(key, 1, "paid") }]);
    await handleSyncBatch(mixed.batch, env);
    expect(mixed.calls.sort()).toEqual(["ack 0", "ack 1"]);
    expect(await stored(key)).toMatchObject({ revision: 1, status: "paid" });
    const poison = await env.DB.prepare(`SELECT message FROM failures WHERE order_key = ?`).bind(`poison:${(mixed.batch.messages[0] as { id: string }).id}`).first<{ message: string }>();
    expect(poison?.message).toMatch(/unreadable queue message/);
  });

  it("forwards a batch's status notifications to the notify queue in one send, and retries them all when it fails", async () => {
    const note = (orderKey: string, to: string) => ({ type: "notify", message: { orderKey, orderNumber: `#${orderKey}`, from: "paid", to, at: "2026-11-27T12:00:00Z" } });
    const sent: unknown[][] = [];
    const queue = (fail: boolean) => ({ ...env, NOTIFY_QUEUE: { sendBatch: async (msgs: Array<{ body: unknown }>) => { if (fail) throw new Error("queue down"); sent.push(msgs.map((m) => m.body)); } } }) as unknown as Env;
    const ok = batchOf([note("n:1", "shipped"), note("n:2", "refunded")]);
    await handleSyncBatch(ok.batch, queue(false));
    expect(sent).toEqual([[note("n:1", "shipped").message, note("n:2", "refunded").message]]);
    expect(ok.calls.sort()).toEqual(["ack 0", "ack 1"]);
    const down = batchOf([note("n:3", "shipped"), note("n:4", "shipped")]);
    await handleSyncBatch(down.batch, queue(true));
    expect(down.calls.sort()).toEqual(["retry 0", "retry 1"]);
    expect(sent).toHaveLength(1);
  });

  it("answers a batch's messages for one order and destination with one sync: its outcome acks or retries them all", async () => {
    const sync = (orderKey: string, destinationId: string) => ({ type: "sync", orderKey, destinationId, revision: 1 });
    const calls: string[] = [];
    const actors = (outcome: (orderKey: string) => unknown) => ({
      ...env,
      CONNECTION_ACTOR: { getByName: (dest: string) => ({ sync: async (orderKey: string, _d: string, attempt: number) => { calls.push(`${orderKey}@${dest}#${attempt}`); return outcome(orderKey); } }) },
    }) as unknown as Env;
    const burst = batchOf([sync("g:1", "qbo"), sync("g:1", "qbo"), sync("g:1", "xero"), sync("g:2", "qbo"), sync("g:1", "qbo")]);
    (burst.batch.messages[1] as { attempts: number }).attempts = 3;
    await handleSyncBatch(burst.batch, actors((k) => (k === "g:2" ? { result: "retry", delaySeconds: 7, error: { kind: "retryable", message: "busy" } } : { result: "ok", documents: 1, upToDate: false })));
    // Three messages for g:1 → qbo are one call, made with the most retried message's attempt count.
    expect(calls.sort()).toEqual(["g:1@qbo#3", "g:1@xero#1", "g:2@qbo#1"]);
    expect(burst.calls.sort()).toEqual(["ack 0", "ack 1", "ack 2", "ack 4", "retry 3"]);
  });
});
