// Square passes the source conformance suite on Square's own event examples and SDK vectors, and fetches and sweeps its simulator.
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../shared/connector/errors";
import { formatMinor } from "../../shared/model/money";
import { square } from "../../workers/connectors/sources/square";
import { signSquareWebhook } from "../../workers/sandbox/simulators/square/webhooks";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { squareExample, squareSignatureVectors, type Json } from "../helpers/specs-square";
import { describeSourceConformance, type SourceFixture } from "./source-suite";

const SECRET = "conformance-square-signature-key";
const URL_ = "https://mesh.example/webhooks/square/c1";

/** Square's own event examples (components.schemas.<Event>.example in api.json) for every topic OrderMesh maps. */
const EVENTS: Array<[string, string]> = [
  ["OrderCreatedEvent", "order.created"],
  ["OrderUpdatedEvent", "order.updated"],
  ["PaymentUpdatedEvent", "payment.updated"],
  ["RefundUpdatedEvent", "refund.updated"],
  ["InventoryCountUpdatedEvent", "inventory.count.updated"],
];

const fixtures: SourceFixture[] = EVENTS.map(([name, topic]) => {
  const event = squareExample(name);
  if (event.type !== topic) throw new Error(`${name} is a ${String(event.type)} event, not ${topic}`);
  return { name: `${name}.json`, topic, body: JSON.stringify(event) };
});

describeSourceConformance({
  connector: square,
  secret: SECRET,
  sign: (body, { now }) => signSquareWebhook({ url: URL_, signatureKey: SECRET, body, at: now }),
  fixtures,
  vectors: squareSignatureVectors().map((v, i) => ({
    name: `Square SDK WebhooksHelper vector ${i + 1}`,
    secret: v.signature_key,
    url: v.notification_url,
    headers: { "x-square-hmacsha256-signature": v.expected_x_square_hmacsha256_signature },
    body: v.raw_body,
  })),
});

describe("Square notifications name the order to fetch", () => {
  const input = (event: Json) => ({ raw: new TextEncoder().encode(JSON.stringify(event)), headers: new Headers(), url: URL_, now: new Date() });
  const hook = square.webhook!;

  it("order.* by data.id and the summary's order_id; payment.updated and refund.updated by the object's order_id", () => {
    for (const [name, topic] of EVENTS.slice(0, 4)) {
      const event = squareExample<Json & { data: { id: string; object: Record<string, { order_id: string }> } }>(name);
      const expected = topic.startsWith("order.") ? event.data.id : Object.values(event.data.object)[0]!.order_id;
      const id = hook.identify(input(event), event);
      expect(id.sourceOrderId, name).toBe(expected);
      expect(id.eventId).toBe(event.event_id);
      expect(square.topics[topic]?.kind).toBe("fetch");
    }
  });

  it("routes an inventory count by item variation and location", () => {
    const event = squareExample<{ data: { object: { inventory_counts: Array<{ catalog_object_id: string; location_id: string }> } } }>("InventoryCountUpdatedEvent");
    const count = event.data.object.inventory_counts[0]!;
    expect(hook.identify(input(event as unknown as Json), event).objectKey).toBe(`${count.catalog_object_id}@${count.location_id}`);
  });

  it("leaves Square events OrderMesh does not subscribe to unmapped (answered 2xx and counted by the mesh)", () => {
    for (const name of ["PaymentCreatedEvent", "RefundCreatedEvent", "OrderFulfillmentUpdatedEvent"]) {
      const event = squareExample(name);
      const id = hook.identify(input(event), event);
      expect(square.topics[id.topic], name).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------- against the simulator

const TOKEN = "demo-square-token";

function ctx(accessToken = TOKEN, config: Record<string, unknown> = {}) {
  return connectorContext(square, { config: { apiHost: "connect.squareup.com", ...config }, credentials: { accessToken, signatureKey: "demo-square-secret" } });
}

const run = crypto.randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase();

/** Square's RetrieveOrder example, re-keyed so this run's records never collide with other files' seeds. */
function seedRecord(suffix: string, location: string, updatedAt: string): Json {
  const { order } = squareExample<{ order: Json }>("RetrieveOrderResponse");
  return { ...order, id: `CONF${run}${suffix}`, location_id: location, reference_id: `conf-${run}-${suffix}`, updated_at: updatedAt };
}

describe("Square fetchOrder and the SearchOrders sweep against the simulator", () => {
  const t0 = Date.UTC(2032, 0, 1) + Math.floor(Math.random() * 1e6) * 3_600_000;
  // Twelve locations: a sweep must split them into blocks of at most ten.
  const locations = Array.from({ length: 12 }, (_, i) => `L${run}${String(i).padStart(2, "0")}`);

  it("fetches one order as the canonical snapshot, its total Square's total_money to the cent", async () => {
    const record = seedRecord("F1", locations[0]!, new Date(t0).toISOString());
    await sandbox("/_seed/square/orders", record);
    const events = await square.fetchOrder!(ctx(), String(record.id));
    expect(events).toHaveLength(1);
    const [event] = events;
    if (event?.kind !== "order") throw new Error("expected an order event");
    const total = record.total_money as { amount: number; currency: string };
    expect(event.order.totals.total).toBe(total.amount);
    expect(formatMinor(event.order.totals.total, event.order.currency)).toBe(formatMinor(total.amount, total.currency));
    expect(event.order.orderNumber).toBe(record.reference_id);
  });

  it("sweeps every block of ≤ 10 locations page by page, each order exactly once, and resumes with overlap", async () => {
    // Orders at locations 0, 5, 10 and 11: the last two are only reachable in the second block.
    const seeded = [0, 5, 10, 11, 11].map((loc, k) => seedRecord(`P${k}`, locations[loc]!, new Date(t0 + 60_000 + k * 60_000).toISOString()));
    for (const s of seeded) await sandbox("/_seed/square/orders", s);
    const c = ctx(TOKEN, { pollPageSize: 2 });
    const until = new Date(t0 + 3_600_000).toISOString();
    let cursor: string | null = JSON.stringify({ since: new Date(t0 + 30_000).toISOString(), until, locations });
    const seen: string[] = [];
    let pages = 0;
    for (;;) {
      const r = await square.poll!(c, cursor);
      pages++;
      seen.push(...r.events.map((e) => (e.kind === "order" ? e.order.sourceOrderId : "")));
      cursor = r.cursor;
      if (!r.hasMore) break;
      expect(pages).toBeLessThan(30);
    }
    for (const s of seeded) expect(seen.filter((id) => id === s.id), String(s.id)).toHaveLength(1);
    expect(pages).toBeGreaterThan(2);
    const next = JSON.parse(cursor!) as { since: string; until?: string };
    expect(Date.parse(next.since)).toBe(Date.parse(until) - 5 * 60_000);
    expect(next.until).toBeUndefined();
  });

  it("refuses a sweep over more than ten locations in one query, as Square does", async () => {
    const res = await fetch("http://localhost:8788/square/v2/orders/search", {
      method: "POST",
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ location_ids: locations, query: { sort: { sort_field: "UPDATED_AT" } } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ field?: string }> };
    expect(body.errors[0]?.field).toBe("location_ids");
  });

  it("turns a wrong token into ConnectorError kind auth with Square's error code, and an unknown order into permanent", async () => {
    const err = await square.fetchOrder!(ctx("wrong-token"), "NOPE").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe("auth");
    expect((err as ConnectorError).vendorCode).toBe("UNAUTHORIZED");
    const missing = await square.fetchOrder!(ctx(), `MISSING${run}`).catch((e: unknown) => e);
    expect((missing as ConnectorError).kind).toBe("permanent");
    expect((missing as ConnectorError).vendorCode).toBe("NOT_FOUND");
  });
});
