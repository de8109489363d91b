// What the Adobe Commerce simulator stores: orders (GET /V1/orders/{id} shape), invoices, shipments, credit memos;
// seeding validated against the Swagger definition sales-data-order-interface.
import type { SimContext } from "../../kit";
import type { Rec } from "./search";
import { validate } from "./swagger";

export const ORDERS = "orders";
export const INVOICES = "invoices";
export const SHIPMENTS = "shipments";
export const CREDITMEMOS = "creditmemos";

/** Simulator settings with their defaults (POST /_config/magento overrides any of them). */
export function settings(sim: SimContext) {
  const c = sim.config();
  return { accessToken: typeof c.accessToken === "string" && c.accessToken !== "" ? c.accessToken : "demo-magento-token" };
}

/** Magento's timestamps: UTC, no zone marker ("2017-08-21 22:22:19"). */
export function magentoTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace("T", " ");
}

/** The next updated_at of a changed record: second resolution, strictly increasing so each change is a version. */
export function nextUpdatedAt(previous: unknown, now: Date): string {
  const prev = typeof previous === "string" ? Date.parse(`${previous.replace(" ", "T")}Z`) : Number.NaN;
  const at = Math.max(Math.floor(now.getTime() / 1000) * 1000, Number.isNaN(prev) ? 0 : Math.floor(prev / 1000) * 1000 + 1000);
  return magentoTime(new Date(at));
}

export function itemsOf(order: Rec): Rec[] {
  return (order.items as Rec[] | undefined) ?? [];
}

/**
 * Stores one order as GET /V1/orders/{id} returns it. Ids and timestamps it lacks are assigned (entity_id,
 * increment_id, item ids); anything the Swagger definition does not allow is refused.
 */
export function seedOrder(sim: SimContext, record: unknown): { ok: true; order: Rec } | { ok: false; problems: string[] } {
  const problems = validate(record, "sales-data-order-interface");
  if (problems.length > 0) return { ok: false, problems };
  const body = record as Rec;
  const now = magentoTime(sim.now());
  const entityId = typeof body.entity_id === "number" ? body.entity_id : sim.store.next("magento_order", 1001);
  const items = itemsOf(body).map((i) => ({ ...i, item_id: typeof i.item_id === "number" ? i.item_id : sim.store.next("magento_order_item", 9001), order_id: entityId }));
  const order: Rec = {
    ...body,
    entity_id: entityId,
    increment_id: typeof body.increment_id === "string" ? body.increment_id : String(entityId).padStart(9, "0"),
    created_at: body.created_at ?? now,
    updated_at: body.updated_at ?? now,
    items,
  };
  sim.store.put(ORDERS, String(entityId), order);
  return { ok: true, order };
}
