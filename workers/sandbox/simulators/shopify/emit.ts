// Emits a webhook for a topic the way the simulated shop would: one event id, signed body, queued in the outbox.
import type { SimContext } from "../../kit";
import { settings } from "./records";
import { signShopifyWebhook } from "./webhooks";

export async function emit(sim: SimContext, topic: string, payload: unknown): Promise<void> {
  const s = settings(sim);
  const delivery = await signShopifyWebhook({
    url: s.webhookUrl,
    secret: s.webhookSecret,
    topic,
    shopDomain: s.shopDomain,
    body: JSON.stringify(payload),
    triggeredAt: sim.now(),
  });
  sim.emitWebhook(delivery);
  sim.bump(`webhooks_${topic.replace("/", "_")}`);
}
