// Shopify inventory levels in the simulated shop: which (item, location) pairs are stocked, what orders commit and restock
// there, counts and receipts, and the inventory_levels/update webhook each change sends.
// https://shopify.dev/docs/api/admin-rest/2024-04/resources/inventorylevel
import { z } from "zod";
import type { SimContext } from "../../kit";
import { emit } from "./emit";
import { SimError } from "./lifecycle";
import { nextUpdatedAt, type ShopifyOrder } from "./records";

export const LEVELS = "inventory_levels";

/** https://shopify.dev/docs/api/admin-rest/2024-04/resources/inventorylevel#resource-object */
export interface InventoryLevel {
  inventory_item_id: number;
  location_id: number;
  available: number;
  updated_at: string;
  admin_graphql_api_id: string;
}

/**
 * Each variant of the simulated catalogue tracks one inventory item (REST line items name the variant, the variant its
 * inventory item); the item id is the variant id moved into a range of its own.
 */
export function inventoryItemOf(variantId: number): number {
  return variantId + 10_076_000;
}

const levelId = (item: number, location: number) => `${item}@${location}`;

function loadLevel(sim: SimContext, item: number, location: number): InventoryLevel | null {
  return sim.store.get<InventoryLevel>(LEVELS, levelId(item, location));
}

/** Stores a new `available` (updated_at moves on, one-second resolution, strictly increasing) and sends the webhook. */
async function write(sim: SimContext, item: number, location: number, available: number, now: Date): Promise<InventoryLevel> {
  const prev = loadLevel(sim, item, location);
  const level: InventoryLevel = {
    inventory_item_id: item,
    location_id: location,
    available,
    updated_at: prev ? nextUpdatedAt(prev, now) : nextUpdatedAt({ updated_at: "" }, now),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${location}?inventory_item_id=${item}`,
  };
  sim.store.put(LEVELS, levelId(item, location), level);
  await emit(sim, "inventory_levels/update", level);
  return level;
}

/**
 * Units an order keeps out of stock, per inventory item, at the order's location: Shopify commits the ordered units
 * when the order is placed; a refund with restock_type "cancel" or "return" puts its units back; cancelling puts back
 * every unit not shipped (the admin's "Restock items", orderCancel restock: true), so a cancelled order keeps only
 * what it shipped and was not returned.
 */
export function committed(order: ShopifyOrder | null): Map<number, number> {
  const out = new Map<number, number>();
  if (!order || typeof order.location_id !== "number") return out;
  const restocked = (lineId: number, types: string[]) =>
    (order.refunds ?? []).flatMap((r) => r.refund_line_items).filter((x) => x.line_item_id === lineId && types.includes(String(x.restock_type))).reduce((n, x) => n + x.quantity, 0);
  const shipped = (lineId: number) =>
    (order.fulfillments ?? []).flatMap((f) => (f.line_items as { id: number; quantity: number }[] | undefined) ?? []).filter((x) => x.id === lineId).reduce((n, x) => n + x.quantity, 0);
  for (const l of order.line_items) {
    if (typeof l.variant_id !== "number") continue;
    const held = order.cancelled_at ? shipped(l.id) - restocked(l.id, ["return"]) : l.quantity - restocked(l.id, ["cancel", "return"]);
    const item = inventoryItemOf(l.variant_id);
    out.set(item, (out.get(item) ?? 0) + held);
  }
  return out;
}

/**
 * Moves stock for a change of an order: what it commits now against what it committed before, at its location. Only
 * items stocked there (a level exists) are tracked; an order elsewhere moves nothing and sends nothing.
 */
export async function moveStock(sim: SimContext, before: Map<number, number>, after: ShopifyOrder): Promise<void> {
  const location = after.location_id;
  if (typeof location !== "number") return;
  const now = committed(after);
  for (const item of new Set([...before.keys(), ...now.keys()])) {
    const delta = (now.get(item) ?? 0) - (before.get(item) ?? 0);
    const level = loadLevel(sim, item, location);
    if (delta !== 0 && level) await write(sim, item, location, level.available - delta, sim.now());
  }
}

// https://shopify.dev/docs/api/admin-rest/2024-04/resources/inventorylevel#post-inventory-levels-set (connects the
// item to the location when it is not stocked there yet)
export const SetBody = z.object({ location_id: z.number().int().positive(), inventory_item_id: z.number().int().positive(), available: z.number().int() });
// https://shopify.dev/docs/api/admin-rest/2024-04/resources/inventorylevel#post-inventory-levels-adjust
export const AdjustBody = z.object({ location_id: z.number().int().positive(), inventory_item_id: z.number().int().positive(), available_adjustment: z.number().int() });

/** A stock count: the level is set to what was counted. */
export function setLevel(sim: SimContext, body: z.infer<typeof SetBody>): Promise<InventoryLevel> {
  return write(sim, body.inventory_item_id, body.location_id, body.available, sim.now());
}

/** A receipt (positive) or a write-off (negative) at a location where the item is stocked. */
export function adjustLevel(sim: SimContext, body: z.infer<typeof AdjustBody>): Promise<InventoryLevel> {
  const level = loadLevel(sim, body.inventory_item_id, body.location_id);
  // UNVERIFIED exact message; Shopify refuses an adjustment where the item is not stocked with 422.
  if (!level) throw new SimError(422, { base: ["Inventory item is not stocked at the location"] });
  return write(sim, level.inventory_item_id, level.location_id, level.available + body.available_adjustment, sim.now());
}

/** A page of levels and the page_info of the next one, if any. */
export interface LevelPage {
  levels: InventoryLevel[];
  next?: string;
}

const PageInfo = z.object({ q: z.record(z.string(), z.string()), offset: z.number().int().nonnegative() });

/**
 * GET /inventory_levels.json: levels of the items and/or locations asked for (one of the two lists is required, up to
 * 50 ids each), optionally updated since updated_at_min, `limit` (≤ 250) a page in (location, item) order; a page_info
 * (https://shopify.dev/docs/api/admin-rest/usage/pagination) stands for the query it continues.
 * https://shopify.dev/docs/api/admin-rest/2024-04/resources/inventorylevel#get-inventory-levels?inventory-item-ids=808950810
 */
export function listLevels(sim: SimContext, params: URLSearchParams): LevelPage {
  const limit = Math.min(250, Math.max(1, Number(params.get("limit") ?? 50) || 50));
  const token = params.get("page_info");
  let query: Record<string, string> = Object.fromEntries([...params].filter(([k]) => k !== "limit"));
  let offset = 0;
  if (token !== null) {
    try {
      ({ q: query, offset } = PageInfo.parse(JSON.parse(atob(token.replace(/-/g, "+").replace(/_/g, "/")))));
    } catch {
      // UNVERIFIED exact body; Shopify answers a bad page_info with 400.
      throw new SimError(400, { page_info: "Invalid value." });
    }
  }
  const ids = (name: string) => {
    const raw = query[name];
    if (raw === undefined || raw === "") return null;
    const list = raw.split(",").map((s) => Number(s.trim()));
    if (list.length > 50 || list.some((n) => !Number.isInteger(n) || n <= 0)) throw new SimError(422, { [name]: ["must be at most 50 ids"] });
    return new Set(list);
  };
  const items = ids("inventory_item_ids");
  const locations = ids("location_ids");
  if (!items && !locations) throw new SimError(422, { base: ["inventory_item_ids or location_ids is required"] });
  const min = query.updated_at_min === undefined ? Number.NEGATIVE_INFINITY : Date.parse(query.updated_at_min);
  if (Number.isNaN(min)) throw new SimError(400, { updated_at_min: ["is not a timestamp"] });
  const all = sim.store
    .list<InventoryLevel>(LEVELS)
    .filter((l) => (!items || items.has(l.inventory_item_id)) && (!locations || locations.has(l.location_id)) && Date.parse(l.updated_at) >= min)
    .sort((a, b) => a.location_id - b.location_id || a.inventory_item_id - b.inventory_item_id);
  const levels = all.slice(offset, offset + limit);
  return offset + limit < all.length ? { levels, next: btoa(JSON.stringify({ q: query, offset: offset + limit })).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") } : { levels };
}

/** The POS location of the vendor's examples (location.test_1.GET.json), a shop's first location here. */
const DEFAULT_LOCATION = 655441491;

/**
 * GET /locations.json: the shop's locations — here the example's first one and every location that holds a level,
 * in the shape of location.test_1.GET.json. https://shopify.dev/docs/api/admin-rest/2024-04/resources/location#get-locations
 */
export function listLocations(sim: SimContext): Array<Record<string, unknown>> {
  const ids = new Set<number>([DEFAULT_LOCATION, ...sim.store.list<InventoryLevel>(LEVELS).map((l) => l.location_id)]);
  return [...ids].sort((a, b) => a - b).map((id) => ({
    id, name: `Location ${id}`, active: true, legacy: false, admin_graphql_api_id: `gid://shopify/Location/${id}`,
  }));
}
