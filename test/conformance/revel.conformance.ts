// Revel passes the source conformance suite on its vendor-format fixtures, and polls and fetches its simulator.
import { describe, expect, it } from "vitest";
import { floatToMinor, formatMinor, sum } from "../../shared/model/money";
import { revel } from "../../workers/connectors/sources/revel";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { describeSourceConformance, type SourceFixture } from "./source-suite";

type Json = Record<string, unknown>;
type Order = { orderInfo: Json; items: Json[]; payments: Json[] };
const files = import.meta.glob("../fixtures/revel/*.json", { eager: true, import: "default" }) as Record<string, Order>;

function order(file: string): Order {
  const key = Object.keys(files).find((k) => k.endsWith(`/${file}`));
  if (!key) throw new Error(`no Revel fixture ${file}`);
  return structuredClone(files[key]!);
}

/** What the customer handed over: final_total plus the tips on its (positive) payments. */
function vendorTotal(o: Order): { amount: string; currency: string } {
  const tips = sum(o.payments.filter((p) => Number(p.amount) > 0).map((p) => floatToMinor(Number(p.tip ?? 0), "USD")));
  return { amount: formatMinor(floatToMinor(Number(o.orderInfo.final_total), "USD") + tips, "USD"), currency: "USD" };
}

const FILES = ["order-dine-in.json", "order-web-delivery.json", "order-partial-refund.json", "order-voided.json", "order-weighed-float-noise.json"];
const fixtures: SourceFixture[] = FILES.map((file) => ({ name: file, topic: "OrderAllInOne", body: JSON.stringify(order(file)), vendorTotal: vendorTotal(order(file)) }));

describeSourceConformance({
  connector: revel,
  secret: "",
  fixtures,
  config: { subdomain: "conformance", currency: "USD", timeZone: "UTC" },
});

// This file's own establishment in the shared sandbox: its orders, its faults.
const ESTABLISHMENT = "9101";
const config = { subdomain: "conformance", currency: "USD", timeZone: "UTC", establishmentId: ESTABLISHMENT };
const ctx = (extra: Json = {}) => connectorContext(revel, { config: { ...config, ...extra }, credentials: { apiKey: "demo-revel-key", apiSecret: "demo-revel-secret" } });

/** Seeds a fixture as a new ticket of this establishment, updated now (no id, no updated_date). */
async function seedOrder(file: string): Promise<Order> {
  const o = order(file);
  const { id: _id, updated_date: _u, resource_uri: _r, ...info } = o.orderInfo;
  return sandbox<Order>("/_seed/revel/orders", {
    orderInfo: { ...info, establishment: `/enterprise/Establishment/${ESTABLISHMENT}/` },
    items: o.items.map(({ id: _i, ...i }) => i),
    payments: o.payments.map(({ id: _p, ...p }) => p),
  });
}

async function drain(cursor: string | null, pageSize?: number) {
  const c = ctx(pageSize ? { pollPageSize: pageSize } : {});
  const events = [];
  let pages = 0;
  for (;;) {
    const page = await revel.poll!(c, cursor);
    pages++;
    events.push(...page.events);
    cursor = page.cursor;
    if (!page.hasMore) return { events, cursor, pages };
  }
}

describe("Revel against its simulator", () => {
  it("finds a ticket closed just now on the very first sweep (no cursor yet), to the cent", async () => {
    const seeded = await seedOrder("order-dine-in.json");
    const { events } = await drain(null);
    const found = events.find((e) => e.kind === "order" && e.order.sourceOrderId === String(seeded.orderInfo.id));
    expect(found?.kind === "order" && found.order.totals.total).toBe(floatToMinor(Number(vendorTotal(seeded).amount), "USD"));
  });

  it("pages through with limit/offset keyset-style and misses nothing, even when an order changes mid-sweep", async () => {
    const seeded = [await seedOrder("order-partial-refund.json"), await seedOrder("order-web-delivery.json"), await seedOrder("order-weighed-float-noise.json")];
    const c = ctx({ pollPageSize: 1 });
    const first = await revel.poll!(c, null);
    expect(first.hasMore).toBe(true);
    // The first order is refunded between pages: it moves to the end of the updated_date order.
    await sandbox(`/revel/_sim/orders/${seeded[0]!.orderInfo.id}/refund`, { amount: 1 });
    const { events } = await drain(first.cursor, 1);
    const ids = new Set([...first.events, ...events].flatMap((e) => (e.kind === "order" ? [e.order.sourceOrderId] : [])));
    for (const s of seeded) expect(ids).toContain(String(s.orderInfo.id));
  });

  it("sees a refund rung up on the POS as a refund of the order", async () => {
    const seeded = await seedOrder("order-dine-in.json");
    await sandbox(`/revel/_sim/orders/${seeded.orderInfo.id}/refund`, { amount: 5.5 });
    const [event] = await revel.fetchOrder!(ctx(), String(seeded.orderInfo.id));
    expect(event?.kind).toBe("order");
    if (event?.kind === "order") {
      expect(event.order.refunds.map((r) => r.total)).toEqual([550]);
      expect(event.order.financialStatus).toBe("partially_refunded");
    }
  });

  it("skips an open, unpaid ticket and reports it once it is closed", async () => {
    const o = order("order-dine-in.json");
    const open = await sandbox<Order>("/_seed/revel/orders", {
      orderInfo: { ...o.orderInfo, id: undefined, updated_date: undefined, closed: false, remaining_due: o.orderInfo.final_total, establishment: `/enterprise/Establishment/${ESTABLISHMENT}/` },
      items: o.items.map(({ id: _i, ...i }) => i),
      payments: [],
    });
    expect(await revel.fetchOrder!(ctx(), String(open.orderInfo.id))).toEqual([]);
    await sandbox(`/revel/_sim/orders/${open.orderInfo.id}/close`, {});
    const [event] = await revel.fetchOrder!(ctx(), String(open.orderInfo.id));
    expect(event?.kind === "order" && event.order.status).toBe("completed");
  });

  it("reports bad credentials as auth and a 429 as rate_limited with its Retry-After", async () => {
    const bad = connectorContext(revel, { config, credentials: { apiKey: "demo-revel-key", apiSecret: "wrong" } });
    await expect(revel.poll!(bad, null)).rejects.toMatchObject({ kind: "auth", status: 401 });
    await sandbox("/_faults/revel", { match: `establishment=${ESTABLISHMENT}`, rateLimited: 1, retryAfterSeconds: 9 });
    await expect(revel.poll!(ctx(), null)).rejects.toMatchObject({ kind: "rate_limited", retryAfterSeconds: 9 });
  });
});
