// Webhook ingest: cap the body, find the connection, verify raw bytes, store in the OrderActor, then answer.
import { Hono } from "hono";
import { NormalizeError } from "../../shared/connector/errors";
import type { CanonicalEvent } from "../../shared/model/order";
import { sha256Hex } from "../../shared/webhooks/signature";
import { destinationsOf, loadConnection } from "../connections";
import { sourceConnector } from "../connectors/registry";
import { orderKeyOf } from "../order-actor/messages";
import { bumpCounter, quarantineEvent } from "./quarantine";
import { applyStock } from "./stock";

export const MAX_BODY_BYTES = 1_048_576;

export const ingest = new Hono<{ Bindings: Env }>();

ingest.post("/webhooks/:source/:connectionId", async (c) => {
  const { source, connectionId } = c.req.param();
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return c.json({ error: "payload too large" }, 413);
  const connector = sourceConnector(source);
  const conn = connector?.webhook ? await loadConnection(c.env, connectionId) : null;
  if (!connector?.webhook || !conn || conn.slug !== source || conn.role !== "source" || !conn.enabled) {
    return c.json({ error: "unknown connection" }, 404);
  }
  const raw = await readCapped(c.req.raw);
  if (raw === null) return c.json({ error: "payload too large" }, 413);
  const hook = connector.webhook;
  // Square signs the notification URL as registered; a connection behind a proxy states it as config.notificationUrl.
  const url = typeof conn.config.notificationUrl === "string" && conn.config.notificationUrl ? conn.config.notificationUrl : c.req.url;
  const input = { raw, headers: c.req.raw.headers, url, now: new Date() };
  const secret = conn.credentials[hook.secretKey] ?? "";
  const verdict = secret ? await hook.verify(input, secret) : { ok: false as const, reason: "no webhook secret configured" };
  if (!verdict.ok) return c.json({ error: "invalid signature" }, 401);

  const text = new TextDecoder().decode(raw);
  const receivedAt = input.now.toISOString();
  let payload: unknown;
  let identity;
  try {
    payload = hook.parse(input);
    identity = hook.identify(input, payload);
  } catch (err) {
    await quarantineEvent(c.env, { connectionId, source, topic: null, eventId: null, reason: `unreadable payload: ${(err as Error).message}`, raw: text });
    return c.json({ status: "quarantined" }, 202);
  }
  const contentHash = await sha256Hex(raw);
  const destinations = () => destinationsOf(c.env, connectionId);
  const many = hook.identifyAll?.(input, payload);
  if (many && many.length > 1) {
    // A batch of pointers: each object is stored in its own OrderActor as a thin event to fetch.
    let stored = 0;
    for (const id of many) {
      const act = connector.topics[id.topic];
      if (act?.kind !== "fetch" || !id.sourceOrderId) {
        await bumpCounter(c.env, connectionId, `ignored_topic:${id.topic}`);
        continue;
      }
      const orderKey = orderKeyOf(connectionId, id.sourceOrderId);
      await c.env.ORDER_ACTOR.getByName(orderKey).ingest({
        orderKey, source, connectionId, sourceOrderId: id.sourceOrderId, eventId: id.eventId, topic: id.topic,
        contentHash: `${contentHash}:${id.sourceOrderId}`, raw: text, receivedAt, events: [], fetch: true, destinations: await destinations(),
      });
      stored++;
    }
    return c.json({ status: "fetch", objects: stored }, 200);
  }
  if (many?.length === 1) identity = many[0]!;
  const action = connector.topics[identity.topic];
  if (!action || action.kind === "ignore") {
    if (action?.note) await quarantineEvent(c.env, { connectionId, source, topic: identity.topic, eventId: identity.eventId, reason: action.note, raw: text });
    await bumpCounter(c.env, connectionId, `ignored_topic:${identity.topic}`);
    return c.json({ status: "ignored", topic: identity.topic }, 200);
  }
  // A payload the vendor sends incomplete (fetchInstead) travels the thin-notification path: fetched, then ingested.
  const thin = action.kind === "fetch" || (connector.fetchOrder !== undefined && hook.fetchInstead?.(identity, payload) === true);
  let events: CanonicalEvent[] = [];
  if (!thin) {
    try {
      events = connector.normalize({ topic: identity.topic, payload, connectionId, receivedAt, config: conn.config });
    } catch (err) {
      const reason = err instanceof NormalizeError ? err.message : `normalization failed: ${(err as Error).message}`;
      await quarantineEvent(c.env, { connectionId, source, topic: identity.topic, eventId: identity.eventId, reason, raw: text });
      return c.json({ status: "quarantined", reason }, 202);
    }
  }
  const stock = events.filter((e) => e.kind === "stock");
  if (stock.length > 0) await applyStock(c.env, connectionId, stock.map((e) => e.stock));
  const orderEvents = events.filter((e) => e.kind !== "stock");
  if (orderEvents.length === 0 && !thin) return c.json({ status: stock.length ? "stock" : "ignored" }, 200);
  const sourceOrderId = identity.sourceOrderId;
  if (!sourceOrderId) {
    await quarantineEvent(c.env, { connectionId, source, topic: identity.topic, eventId: identity.eventId, reason: "event names no order", raw: text });
    return c.json({ status: "quarantined" }, 202);
  }
  const orderKey = orderKeyOf(connectionId, sourceOrderId);
  const result = await c.env.ORDER_ACTOR.getByName(orderKey).ingest({
    orderKey, source, connectionId, sourceOrderId, eventId: identity.eventId, topic: identity.topic, contentHash,
    raw: text, receivedAt, events: orderEvents, fetch: thin, destinations: await destinations(),
  });
  return c.json({ status: result.outcome, revision: result.revision, orderStatus: result.status }, 200);
});

/**
 * Reads the body up to the cap; null when it is larger. A body with a declared length (checked against the cap before
 * this is called; the runtime holds the body to it) is read in one native call; only a chunked body, which has no
 * length to check first, is read chunk by chunk so an oversized one is cut off at the cap.
 */
async function readCapped(req: Request): Promise<Uint8Array | null> {
  if (!req.body) return new Uint8Array();
  if (req.headers.get("content-length") !== null) {
    const body = new Uint8Array(await req.arrayBuffer());
    return body.byteLength > MAX_BODY_BYTES ? null : body;
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.byteLength;
  }
  return out;
}
