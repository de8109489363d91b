// Queue consumer for "sync": one ack/retry per message, never a whole-batch failure; poison messages are recorded.
import { ConnectorError, NormalizeError, type ErrorDetail } from "../../shared/connector/errors";
import { CanonicalEvent } from "../../shared/model/order";
import { backoff, type SyncOutcome } from "../connection-actor/connection-actor";
import { connectorContext, destinationsOf, loadConnection } from "../connections";
import { sourceConnector } from "../connectors/registry";
import { quarantineEvent } from "../ingest/quarantine";
import { orderKeyOf, SyncMessage, type NotifyMessage, type OrderIndexRow } from "../order-actor/messages";
import { sha256Hex } from "../../shared/webhooks/signature";
import { withDeadline } from "./deadline";
import { writeIndexRows } from "./index-rows";
import { recordFailure } from "./failures";

/**
 * Longest one message holds its consumer batch. A sync is a few vendor calls plus at most 2 s waiting for the budget;
 * one that takes longer (a slow vendor, a batch forming under a backlog) goes on in the ConnectionActor while the batch
 * moves on, and its redelivery converges after it. A batch waits for its slowest message, and batches of one queue
 * are handed out one at a time under a backlog (miniflare; Cloudflare scales consumers out), so at 30 s one slow
 * vendor held every destination's next 100 messages: a 2,000-order drain ran at a quarter of QuickBooks' limit.
 */
const SYNC_DEADLINE_MS = 5_000;

export async function handleSyncBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const index: Array<{ message: Message<unknown>; row: OrderIndexRow }> = [];
  const notify: Array<{ message: Message<unknown>; body: NotifyMessage }> = [];
  const work: Array<Promise<void>> = [];
  // Syncs are level-triggered: the batch's messages for one (order, destination) — an order's burst of events,
  // redeliveries — are one convergence, whose outcome answers them all.
  const syncs = new Map<string, { messages: Array<Message<unknown>>; msg: Extract<SyncMessage, { type: "sync" }> }>();
  for (const m of batch.messages) {
    const parsed = SyncMessage.safeParse(m.body);
    if (!parsed.success) work.push(poison(m, parsed.error.issues.map((i) => i.message).join("; "), env));
    else if (parsed.data.type === "index") index.push({ message: m, row: parsed.data.row });
    else if (parsed.data.type === "notify") notify.push({ message: m, body: parsed.data.message });
    else if (parsed.data.type === "fetch") work.push(handleOne([m], parsed.data, env));
    else {
      const key = `${parsed.data.orderKey}\u0000${parsed.data.destinationId}`;
      const group = syncs.get(key);
      if (group) group.messages.push(m);
      else syncs.set(key, { messages: [m], msg: parsed.data });
    }
  }
  for (const g of syncs.values()) work.push(handleOne(g.messages, g.msg, env));
  await Promise.all([indexAll(index, env), forwardNotifications(notify, env), ...work]);
}

/** The batch's status notifications go on to the notify queue in one send; if that fails they all come back later. */
function forwardNotifications(items: Array<{ message: Message<unknown>; body: NotifyMessage }>, env: Env): Promise<void> {
  return allOrNone(items, "notify", "notifications not forwarded", () => env.NOTIFY_QUEUE.sendBatch(items.map((i) => ({ body: i.body, contentType: "json" as const }))));
}

/** Runs one write for a group of messages: all are acked when it succeeds, all come back later with backoff if not. */
async function allOrNone(items: Array<{ message: Message<unknown> }>, scope: string, failure: string, write: () => Promise<unknown>): Promise<void> {
  if (items.length === 0) return;
  try {
    await write();
    for (const i of items) i.message.ack();
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", scope, msg: `${failure}, retried: ${String((err as Error)?.message ?? err)}`, count: items.length }));
    for (const i of items) i.message.retry({ delaySeconds: backoff(i.message.attempts) });
  }
}

/** A message that does not parse can never succeed: record it and ack, so it neither blocks nor loops. */
async function poison(message: Message<unknown>, issues: string, env: Env): Promise<void> {
  await recordFailure(env, `poison:${message.id}`, "-", {
    kind: "permanent",
    message: `unreadable queue message: ${issues}`,
    body: JSON.stringify(message.body)?.slice(0, 2000),
  }, message.attempts);
  message.ack();
}

/** The batch's index rows in one D1 batch; if D1 fails they all come back later. */
function indexAll(items: Array<{ message: Message<unknown>; row: OrderIndexRow }>, env: Env): Promise<void> {
  return allOrNone(items, "index", "order index not written", () => writeIndexRows(env, items.map((i) => i.row)));
}

/** One fetch, or one sync answering every message of its group (the most retried message's count is the attempt). */
async function handleOne(messages: Array<Message<unknown>>, msg: Extract<SyncMessage, { type: "sync" | "fetch" }>, env: Env): Promise<void> {
  const attempts = Math.max(...messages.map((m) => m.attempts));
  const message = { attempts, ack: () => messages.forEach((m) => m.ack()), retry: (o: { delaySeconds: number }) => messages.forEach((m) => m.retry(o)) };
  try {
    if (msg.type === "fetch") {
      await fetchAndIngest(env, msg);
      message.ack();
      return;
    }
    const sync: Promise<SyncOutcome> = env.CONNECTION_ACTOR.getByName(msg.destinationId).sync(msg.orderKey, msg.destinationId, attempts);
    const outcome = await withDeadline(sync, SYNC_DEADLINE_MS);
    if (outcome === "late") {
      // The batch's other messages must not wait on one slow vendor call. The sync goes on in the ConnectionActor,
      // which runs one order's syncs one after another, so the redelivery converges after it (a no-op if it landed).
      console.warn(JSON.stringify({ level: "warn", scope: "dispatch", orderKey: msg.orderKey, destinationId: msg.destinationId, msg: `sync still running after ${SYNC_DEADLINE_MS / 1000} s; redelivered later` }));
      message.retry({ delaySeconds: backoff(message.attempts) });
      return;
    }
    if (outcome.result === "retry") message.retry({ delaySeconds: outcome.delaySeconds });
    else message.ack();
  } catch (err) {
    // The actor itself failed (overload, deploy): retry with backoff; after max_retries it lands in the DLQ.
    const detail: ErrorDetail = err instanceof ConnectorError ? err.toJSON() : { kind: "retryable", message: String((err as Error)?.message ?? err) };
    if (detail.kind === "permanent") {
      await recordFailure(env, msg.type === "sync" ? msg.orderKey : `${msg.connectionId}:${msg.sourceOrderId}`, msg.type === "sync" ? msg.destinationId : msg.connectionId, detail, message.attempts);
      message.ack();
      return;
    }
    message.retry({ delaySeconds: backoff(message.attempts, detail.retryAfterSeconds) });
  }
}

/** Thin notifications (Square, Clover): fetch the full order from the source and ingest it like a webhook. */
async function fetchAndIngest(env: Env, msg: Extract<SyncMessage, { type: "fetch" }>): Promise<void> {
  const conn = await loadConnection(env, msg.connectionId);
  const connector = conn ? sourceConnector(conn.slug) : undefined;
  if (!conn || !connector?.fetchOrder) {
    throw new ConnectorError({ kind: "permanent", message: `connection ${msg.connectionId} cannot fetch orders` });
  }
  const ctx = connectorContext(env, connector, conn);
  let events: CanonicalEvent[];
  try {
    events = (await connector.fetchOrder(ctx, msg.sourceOrderId)).map((e) => CanonicalEvent.parse(e));
  } catch (err) {
    if (err instanceof NormalizeError) {
      await quarantineEvent(env, { connectionId: conn.id, source: conn.slug, topic: "fetch", eventId: msg.eventId, reason: err.message, raw: msg.sourceOrderId });
      return;
    }
    throw err;
  }
  // Each event goes to the order it belongs to: a fetched Square return order yields a refund of its sale order.
  const byOrder = new Map<string, CanonicalEvent[]>([[msg.sourceOrderId, []]]);
  for (const e of events) {
    const id = e.kind === "order" ? e.order.sourceOrderId : e.kind === "refund" ? e.sourceOrderId : msg.sourceOrderId;
    byOrder.set(id, [...(byOrder.get(id) ?? []), e]);
  }
  for (const [id, evs] of byOrder) {
    if (id !== msg.sourceOrderId && evs.length === 0) continue;
    await ingestFetched(env, conn.id, conn.slug, id, evs, `fetch:${msg.eventId}`);
  }
}

/** Stores events obtained by fetching or polling in the order's actor (dedup by content makes re-polls no-ops). */
export async function ingestFetched(env: Env, connectionId: string, source: string, sourceOrderId: string, events: CanonicalEvent[], eventId: string): Promise<string> {
  const raw = JSON.stringify(events);
  const orderKey = orderKeyOf(connectionId, sourceOrderId);
  const res = await env.ORDER_ACTOR.getByName(orderKey).ingest({
    orderKey, source, connectionId, sourceOrderId, eventId, topic: "poll", contentHash: await sha256Hex(raw), raw,
    receivedAt: new Date().toISOString(), events, destinations: await destinationsOf(env, connectionId),
  });
  return res.outcome;
}

/** Dead letters: messages that exhausted their retries are kept as open failures for the admin page. */
export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const m of batch.messages) {
    const parsed = SyncMessage.safeParse(m.body);
    const d = parsed.success ? parsed.data : null;
    const orderKey = !d ? `poison:${m.id}` : d.type === "sync" ? d.orderKey : d.type === "index" ? d.row.orderKey : d.type === "notify" ? d.message.orderKey : `${d.connectionId}:${d.sourceOrderId}`;
    const dest = d?.type === "sync" ? d.destinationId : "-";
    await recordFailure(env, orderKey, dest, { kind: "retryable", message: "gave up after the queue's retries (dead-lettered)", body: JSON.stringify(m.body).slice(0, 2000) }, m.attempts);
    m.ack();
  }
}
