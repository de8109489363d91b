// The order lifecycle as a pure table: (current status, canonical event) → next status. Nothing here has effects.
import type { EventType, OrderStatus } from "../../shared/model/order";

/** What an event does to a status: move to a new one, keep the current one (event noted, no change). */
export type Transition = OrderStatus | "keep";

type Row = Record<EventType, Transition>;

const k = "keep" as const;

/**
 * Rows are the current status, columns the event. Statuses only move forward: a late `order.paid` after
 * `order.shipped` keeps `shipped`; a cancelled order can still be refunded but never un-cancelled; a refund
 * moves an order to `refunded` only when the snapshot says it is fully refunded (the actor passes
 * `order.returned`/`refund.created` and reads the financial status to choose).
 */
export const TRANSITIONS: Record<OrderStatus | "new", Row> = {
  new: {
    "order.created": "pending", "order.updated": "pending", "order.paid": "paid", "order.packing": "packing",
    "order.shipped": "shipped", "order.delivered": "delivered", "order.completed": "completed",
    "order.cancelled": "cancelled", "order.returned": "returned", "order.deleted": "cancelled",
    "refund.created": k, "stock.changed": k,
  },
  pending: {
    "order.created": k, "order.updated": k, "order.paid": "paid", "order.packing": "packing",
    "order.shipped": "shipped", "order.delivered": "delivered", "order.completed": "completed",
    "order.cancelled": "cancelled", "order.returned": "returned", "order.deleted": "cancelled",
    "refund.created": k, "stock.changed": k,
  },
  paid: {
    "order.created": k, "order.updated": k, "order.paid": k, "order.packing": "packing",
    "order.shipped": "shipped", "order.delivered": "delivered", "order.completed": "completed",
    "order.cancelled": "cancelled", "order.returned": "returned", "order.deleted": "cancelled",
    "refund.created": k, "stock.changed": k,
  },
  packing: {
    "order.created": k, "order.updated": k, "order.paid": k, "order.packing": k,
    "order.shipped": "shipped", "order.delivered": "delivered", "order.completed": "completed",
    "order.cancelled": "cancelled", "order.returned": "returned", "order.deleted": "cancelled",
    "refund.created": k, "stock.changed": k,
  },
  shipped: {
    "order.created": k, "order.updated": k, "order.paid": k, "order.packing": k,
    "order.shipped": k, "order.delivered": "delivered", "order.completed": "completed",
    "order.cancelled": "cancelled", "order.returned": "returned", "order.deleted": k,
    "refund.created": k, "stock.changed": k,
  },
  delivered: {
    "order.created": k, "order.updated": k, "order.paid": k, "order.packing": k,
    "order.shipped": k, "order.delivered": k, "order.completed": "completed",
    "order.cancelled": k, "order.returned": "returned", "order.deleted": k,
    "refund.created": k, "stock.changed": k,
  },
  completed: {
    "order.created": k, "order.updated": k, "order.paid": k, "order.packing": k,
    "order.shipped": k, "order.delivered": k, "order.completed": k,
    "order.cancelled": k, "order.returned": "returned", "order.deleted": k,
    "refund.created": k, "stock.changed": k,
  },
  cancelled: {
    "order.created": k, "order.updated": k, "order.paid": k, "order.packing": k,
    "order.shipped": k, "order.delivered": k, "order.completed": k,
    "order.cancelled": k, "order.returned": k, "order.deleted": k,
    "refund.created": k, "stock.changed": k,
  },
  returned: {
    "order.created": k, "order.updated": k, "order.paid": k, "order.packing": k,
    "order.shipped": k, "order.delivered": k, "order.completed": k,
    "order.cancelled": k, "order.returned": k, "order.deleted": k,
    "refund.created": k, "stock.changed": k,
  },
  refunded: {
    "order.created": k, "order.updated": k, "order.paid": k, "order.packing": k,
    "order.shipped": k, "order.delivered": k, "order.completed": k,
    "order.cancelled": k, "order.returned": k, "order.deleted": k,
    "refund.created": k, "stock.changed": k,
  },
};

/** The event a snapshot's own status implies, used when a source sends a generic "updated" topic. */
export const STATUS_EVENT: Record<OrderStatus, EventType> = {
  pending: "order.updated",
  paid: "order.paid",
  packing: "order.packing",
  shipped: "order.shipped",
  delivered: "order.delivered",
  completed: "order.completed",
  cancelled: "order.cancelled",
  returned: "order.returned",
  refunded: "order.returned",
};

/** Applies one event. `fullyRefunded` lets a refund settle a cancelled/returned/paid order as `refunded`. */
export function nextStatus(
  current: OrderStatus | "new",
  event: EventType,
  fullyRefunded = false,
): OrderStatus | "new" {
  const t = TRANSITIONS[current][event];
  const moved = t === "keep" ? current : t;
  if (fullyRefunded && moved !== "new") return "refunded";
  return moved;
}
