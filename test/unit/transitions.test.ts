// The status table, checked for every status × event pair against the lifecycle's rules.
import { describe, expect, it } from "vitest";
import { EventType, OrderStatus } from "../../shared/model/order";
import { nextStatus, STATUS_EVENT, TRANSITIONS } from "../../workers/order-actor/transitions";

const forward = ["pending", "paid", "packing", "shipped", "delivered", "completed"] as const;
const target: Partial<Record<EventType, OrderStatus>> = {
  "order.paid": "paid", "order.packing": "packing", "order.shipped": "shipped", "order.delivered": "delivered",
  "order.completed": "completed", "order.cancelled": "cancelled", "order.returned": "returned",
};

describe("transition table", () => {
  const statuses = ["new", ...OrderStatus.options] as const;
  for (const from of statuses) {
    for (const ev of EventType.options) {
      it(`${from} × ${ev}`, () => {
        const to = nextStatus(from, ev);
        // Never back to "new", never out of a terminal money state.
        if (from !== "new") expect(to).not.toBe("new");
        if (from === "cancelled" || from === "refunded" || from === "returned") expect(to).toBe(from);
        // Forward-only along the fulfilment path.
        const fi = forward.indexOf(from as (typeof forward)[number]);
        const ti = forward.indexOf(to as (typeof forward)[number]);
        if (fi >= 0 && ti >= 0) expect(ti).toBeGreaterThanOrEqual(fi);
        // An event that names a later state moves there from an earlier one.
        const goal = target[ev];
        if (goal && fi >= 0 && forward.includes(goal as (typeof forward)[number]) && forward.indexOf(goal as (typeof forward)[number]) > fi) {
          expect(to).toBe(goal);
        }
        // Stock and refund events alone never move the lifecycle.
        if (ev === "stock.changed" || ev === "refund.created") expect(to).toBe(from);
        // A refund that settles the whole order lands in "refunded" (except before the order exists).
        expect(nextStatus(from, ev, true)).toBe(from === "new" && TRANSITIONS.new[ev] === "keep" ? "new" : "refunded");
      });
    }
  }

  it("cancellation is possible until delivery, not after", () => {
    expect(nextStatus("shipped", "order.cancelled")).toBe("cancelled");
    expect(nextStatus("delivered", "order.cancelled")).toBe("delivered");
  });

  it("every status names the event that leads to it", () => {
    for (const s of OrderStatus.options) {
      if (s === "pending" || s === "refunded") continue;
      expect(nextStatus("new", STATUS_EVENT[s])).toBe(s);
    }
  });
});
