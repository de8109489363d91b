// Adobe Commerce passes the source conformance suite on the REST tutorial's order, folds configurable products into
// one line, and follows the tutorial's invoice, shipment and refund through its simulator.
import { describe, expect, it } from "vitest";
import { NormalizeError } from "../../shared/connector/errors";
import { floatToMinor } from "../../shared/model/money";
import type { CanonicalEvent } from "../../shared/model/order";
import { magento } from "../../workers/connectors/sources/magento";
import { connectorContext, sandbox } from "../helpers/connector-context";
import { elidedTutorialOrder, tutorialExample, tutorialOrder } from "../helpers/specs-magento";
import { describeSourceConformance } from "./source-suite";

type Json = Record<string, unknown>;
const order = tutorialOrder();

describeSourceConformance({
  connector: magento,
  secret: "",
  fixtures: [
    {
      name: "order-create-order.2.response.json (items restored from order-create-invoice.2.response.json)",
      topic: "orders",
      body: JSON.stringify(order),
      vendorTotal: { amount: Number(order.grand_total), currency: String(order.order_currency_code) },
    },
  ],
  config: { storeDomain: "conformance.example" },
});

const normalize = (payload: unknown) => magento.normalize({ topic: "orders", payload, connectionId: "c1", receivedAt: new Date().toISOString(), config: {} });

describe("Magento normalization of the tutorial order", () => {
  it("folds the configurable parent and its child into one line: the parent's price, the child's SKU and name", () => {
    const [event] = normalize(order);
    expect(event?.kind).toBe("order");
    if (event?.kind !== "order") return;
    const items = order.items as Json[];
    const parent = items.find((i) => i.product_type === "configurable")!;
    const child = items.find((i) => i.parent_item_id === parent.item_id)!;
    const hoodie = event.order.lines.filter((l) => l.sku === child.sku);
    expect(hoodie).toHaveLength(1);
    expect(hoodie[0]).toMatchObject({ id: String(parent.item_id), name: child.name, unitPrice: floatToMinor(Number(parent.price), "USD"), quantity: String(parent.qty_ordered) });
    // One line per top-level item: simple, downloadable, bundle (priced on its parent), configurable.
    expect(event.order.lines.map((l) => l.id)).toEqual(items.filter((i) => i.parent_item_id === undefined).map((i) => String(i.item_id)));
    expect(event.order.totals.subtotal).toBe(floatToMinor(Number(order.subtotal), "USD"));
  });

  it("rejects the order as published (items elided to one) instead of inventing the missing amounts", () => {
    expect(() => normalize(elidedTutorialOrder())).toThrow(NormalizeError);
  });
});

const ctx = (extra: Json = {}) => connectorContext(magento, { config: { storeDomain: "demo-magento.example", ...extra }, credentials: { accessToken: "demo-magento-token" } });

/** Seeds the tutorial order as a new order placed now: no entity_id, increment_id or timestamps. */
async function seed(): Promise<Json> {
  const { entity_id: _e, increment_id: _i, created_at: _c, updated_at: _u, ...rest } = tutorialOrder();
  return sandbox<Json>("/_seed/magento/orders", rest);
}

async function sweep(pageSize?: number): Promise<{ events: CanonicalEvent[]; pages: number }> {
  const c = ctx(pageSize ? { pollPageSize: pageSize } : {});
  const events: CanonicalEvent[] = [];
  let cursor: string | null = null;
  let pages = 0;
  for (;;) {
    const page = await magento.poll!(c, cursor);
    pages++;
    events.push(...page.events);
    cursor = page.cursor;
    if (!page.hasMore) return { events, pages };
  }
}

describe("Magento against its simulator", () => {
  it("refuses to seed an order the Swagger definition does not allow", async () => {
    const res = await fetch("http://localhost:8788/_seed/magento/orders", { method: "POST", body: JSON.stringify({ ...tutorialOrder(), entity_id: undefined, grand_total: "165" }) });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("grand_total: must be number");
  });

  it("finds orders placed just now on the first sweep, page by page (keyset over updated_at, entity_id)", async () => {
    const seeded = [await seed(), await seed(), await seed()];
    const { events, pages } = await sweep(1);
    expect(pages).toBeGreaterThanOrEqual(3);
    for (const s of seeded) {
      const e = events.find((x) => x.kind === "order" && x.order.sourceOrderId === String(s.entity_id));
      expect(e?.kind === "order" && e.order.totals.total).toBe(floatToMinor(Number(s.grand_total), "USD"));
    }
  });

  it("follows the tutorial: invoice, shipment with tracking, refund of one item back to stock", async () => {
    const s = await seed();
    const id = String(s.entity_id);
    await sandbox(`/magento/_sim/orders/${id}/invoice`, tutorialExample("order-create-invoice.1.payload.json"));
    const shipment = tutorialExample<{ tracks: Json[] }>("order-create-shipment.1.payload.json");
    await sandbox(`/magento/_sim/orders/${id}/ship`, shipment);
    const refund = tutorialExample<{ items: { order_item_id: number; qty: number }[] }>("order-issue-refund.1.payload.json");
    await sandbox(`/magento/_sim/orders/${id}/refund`, refund);
    const [event] = await magento.fetchOrder!(ctx(), id);
    expect(event?.kind).toBe("order");
    if (event?.kind !== "order") return;
    expect(event.order.payments.map((p) => p.amount)).toEqual([floatToMinor(Number(s.grand_total), "USD")]);
    expect(event.order.fulfillments).toHaveLength(1);
    expect(event.order.fulfillments[0]).toMatchObject({ status: "shipped", trackingNumber: shipment.tracks[0]!.track_number, carrier: shipment.tracks[0]!.title });
    const refunded = (s.items as Json[]).find((i) => i.item_id === refund.items[0]!.order_item_id)!;
    expect(event.order.refunds).toHaveLength(1);
    expect(event.order.refunds[0]!.lines).toEqual([expect.objectContaining({ lineId: String(refunded.item_id), quantity: "1", restock: true })]);
    expect(event.order.refunds[0]!.total).toBe(floatToMinor(Number(refunded.price), "USD"));
    expect(event.order.financialStatus).toBe("partially_refunded");
    expect(event.order.status).toBe("completed");
  });

  it("reports a bad token as auth with Magento's message", async () => {
    const bad = connectorContext(magento, { config: { storeDomain: "demo-magento.example" }, credentials: { accessToken: "expired" } });
    await expect(magento.poll!(bad, null)).rejects.toMatchObject({ kind: "auth", status: 401, message: expect.stringContaining("Magento_Sales::actions_view") });
  });
});
