// A retailer's notification gateway (e-mail / SMS / chat relay) as NOTIFY_WEBHOOK_URL sees it: it takes the JSON the
// notify consumer posts, refuses what lacks the fields a message needs, and keeps every message for /_inspect.
// Not a vendor API: the gateway is whatever the retailer runs, so the body shape is OrderMesh's own (README "Notifications").
import type { Hono } from "hono";
import { z } from "zod";
import type { InspectDocument, SimContext, Simulator } from "../kit";

const Notification = z.object({
  orderKey: z.string().min(1),
  orderNumber: z.string().min(1),
  status: z.string().min(1),
  previous: z.string().min(1),
  customerEmail: z.string().optional(),
  text: z.string().min(1),
});
type Notification = z.infer<typeof Notification>;

const COLLECTION = "messages";

export const notifyGatewaySimulator: Simulator = {
  slug: "notify-gateway",
  routes(app: Hono, sim: SimContext) {
    app.post("/messages", async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: "body is not JSON" }, 400);
      }
      const parsed = Notification.safeParse(body);
      if (!parsed.success) return c.json({ error: "invalid notification", issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) }, 422);
      const id = String(sim.store.next("message-id", 1));
      sim.store.put(COLLECTION, id, { id, receivedAt: new Date().toISOString(), ...parsed.data });
      return c.json({ id }, 202);
    });
  },
  // A fault's `match` is tested against the message too, so a test can fail the gateway for its own order only.
  faultScope: (c) => c.req.raw.clone().text(),
  inspect(sim: SimContext): InspectDocument[] {
    return sim.store.list<Notification & { id: string }>(COLLECTION).map((m) => ({
      kind: "Notification", id: m.id, externalRef: m.orderNumber, total: "0", currency: "", raw: m,
    }));
  },
};
