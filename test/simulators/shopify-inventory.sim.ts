// The Shopify simulator's inventory: orders commit stock at their location, restocking refunds and cancels put it back,
// counts and receipts move it, each change sends an inventory_levels/update the connector verifies and normalizes.
import { describe, expect, it } from "vitest";
import { shopify } from "../../workers/connectors/sources/shopify";
import type { WebhookDelivery } from "../../workers/sandbox/kit";
import { CATALOGUE_VARIANT_IDS } from "../../workers/sandbox/simulators/shopify/generate";
import { inventoryItemOf } from "../../workers/sandbox/simulators/shopify/inventory";
import type { ShopifyOrder } from "../../workers/sandbox/simulators/shopify/records";
import { SANDBOX, sandbox } from "../helpers/connector-context";
import { webhookInput } from "../helpers/shopify-webhooks";
import { shopifyInventoryLevels } from "../helpers/specs-shopify";

const API = `${SANDBOX}/shopify/admin/api/2024-04`;
const run = Date.now() % 1_000_000;
/** Locations of this file only: nothing else stocks items there. */
const STORE = 90_000_000 + run * 2;
const ELSEWHERE = STORE + 1;
const START = 40;

async function control<T>(path: string, body: unknown = {}): Promise<{ status: number; json: T }> {
  const res = await fetch(`${SANDBOX}/shopify${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  return { status: res.status, json: (await res.json()) as T };
}

async function lastSeq(): Promise<number> {
  const { deliveries } = await sandbox<{ deliveries: WebhookDelivery[] }>("/_webhooks/shopify");
  return deliveries.reduce((max, d) => Math.max(max, d.seq), 0);
}

/** inventory_levels/update deliveries after `after` at `location`, verified and normalized by the connector. */
async function stockEvents(after: number, location: number): Promise<Array<{ sku: string; available: string; updatedAt: string }>> {
  const secret = ((await (await fetch(`${SANDBOX}/shopify/_sim/config`)).json()) as { webhookSecret: string }).webhookSecret;
  const { deliveries } = await sandbox<{ deliveries: WebhookDelivery[] }>(`/_webhooks/shopify?after=${after}`);
  const out = [];
  for (const d of deliveries.filter((x) => x.headers["X-Shopify-Topic"] === "inventory_levels/update" && (JSON.parse(x.body) as { location_id: number }).location_id === location)) {
    const input = webhookInput(d);
    expect(await shopify.webhook!.verify(input, secret)).toEqual({ ok: true });
    for (const e of shopify.normalize({ topic: "inventory_levels/update", payload: shopify.webhook!.parse(input), connectionId: "sim", receivedAt: "", config: {} })) {
      if (e.kind === "stock") out.push({ sku: e.stock.sku, available: e.stock.available, updatedAt: e.stock.updatedAt });
    }
  }
  return out;
}

async function levels(location: number): Promise<Map<string, number>> {
  const res = await fetch(`${API}/inventory_levels.json?location_ids=${location}&limit=250`, { headers: { "x-shopify-access-token": "demo-shopify-token" } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { inventory_levels: Array<{ inventory_item_id: number; available: number }> };
  return new Map(body.inventory_levels.map((l) => [String(l.inventory_item_id), l.available]));
}

describe("Shopify inventory levels", () => {
  it("a count stocks every item at a location; GET inventory_levels answers in the fixtures' shape and pages", async () => {
    const items = CATALOGUE_VARIANT_IDS.map(inventoryItemOf);
    const after = await lastSeq();
    for (const item of items) {
      const r = await control<{ inventory_level: Record<string, unknown> }>("/_sim/inventory_levels/set", { location_id: STORE, inventory_item_id: item, available: START });
      expect(r.status).toBe(200);
      expect(Object.keys(r.json.inventory_level).sort()).toEqual(Object.keys(shopifyInventoryLevels()[0]!.level).sort());
    }
    const events = await stockEvents(after, STORE);
    expect(events.map((e) => e.sku)).toEqual(items.map(String));
    expect(events.every((e) => e.available === String(START))).toBe(true);
    expect([...(await levels(STORE)).values()]).toEqual(items.map(() => START));
    // Two to a page: the Link header's page_info walks the rest of the same query.
    const pages: number[] = [];
    let url: string | null = `${API}/inventory_levels.json?location_ids=${STORE}&limit=2`;
    while (url) {
      const res: Response = await fetch(url, { headers: { "x-shopify-access-token": "demo-shopify-token" } });
      pages.push(((await res.json()) as { inventory_levels: unknown[] }).inventory_levels.length);
      url = /<([^>]+)>; rel="next"/.exec(res.headers.get("link") ?? "")?.[1] ?? null;
    }
    expect(pages.reduce((a, b) => a + b, 0)).toBe(items.length);
    expect(Math.max(...pages)).toBe(2);
    expect((await fetch(`${API}/inventory_levels.json`, { headers: { "x-shopify-access-token": "demo-shopify-token" } })).status).toBe(422);
  });

  it("an order commits its units at its location; a restocking refund and the cancel put them back; elsewhere nothing moves", async () => {
    const start = await lastSeq();
    const placed = await control<ShopifyOrder>("/_sim/orders", { seed: run, lines: 3, financialStatus: "paid", locationId: STORE });
    expect(placed.status).toBe(201);
    const order = placed.json;
    const units = new Map<string, number>();
    for (const l of order.line_items) units.set(String(inventoryItemOf(l.variant_id as number)), (units.get(String(inventoryItemOf(l.variant_id as number))) ?? 0) + l.quantity);
    const stock = await levels(STORE);
    for (const [item, n] of units) expect(stock.get(item)).toBe(START - n);

    // One unit of the first line back by a restocking refund.
    const first = order.line_items[0]!;
    const firstItem = String(inventoryItemOf(first.variant_id as number));
    let after = await lastSeq();
    expect((await control(`/_sim/orders/${order.id}/refund`, { lines: [{ id: first.id, quantity: 1 }] })).status).toBe(200);
    expect((await stockEvents(after, STORE)).map((e) => [e.sku, e.available])).toEqual([[firstItem, String(START - units.get(firstItem)! + 1)]]);

    // Cancelling the unshipped order restocks every unit still committed: the location is back where it started.
    after = await lastSeq();
    expect((await control(`/_sim/orders/${order.id}/cancel`)).status).toBe(200);
    const back = await stockEvents(after, STORE);
    const stillCommitted = [...units].filter(([item, n]) => n - (item === firstItem ? 1 : 0) > 0).map(([item]) => item);
    expect(new Set(back.map((e) => e.sku))).toEqual(new Set(stillCommitted));
    expect([...(await levels(STORE)).values()].every((n) => n === START)).toBe(true);

    // A receipt adds to the level, its updated_at after every earlier change of the level (one-second resolution).
    const received = await control<{ inventory_level: { available: number; updated_at: string } }>("/_sim/inventory_levels/adjust", { location_id: STORE, inventory_item_id: Number(firstItem), available_adjustment: 12 });
    expect(received.json.inventory_level.available).toBe(START + 12);
    const times = (await stockEvents(start, STORE)).filter((e) => e.sku === firstItem).map((e) => Date.parse(e.updatedAt));
    expect(times.length).toBeGreaterThanOrEqual(3);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);

    // An order at a location where nothing is stocked moves nothing and sends nothing; nothing there can be adjusted.
    after = await lastSeq();
    await control<ShopifyOrder>("/_sim/orders", { seed: run + 1, lines: 2, financialStatus: "paid", locationId: ELSEWHERE });
    expect(await stockEvents(after, ELSEWHERE)).toEqual([]);
    expect((await control("/_sim/inventory_levels/adjust", { location_id: ELSEWHERE, inventory_item_id: Number(firstItem), available_adjustment: 1 })).status).toBe(422);
  });
});
