// Signs and queues WooCommerce webhooks exactly as WC_Webhook::deliver() does, and the form-encoded activation ping.
// woocommerce/woocommerce plugins/woocommerce/includes/class-wc-webhook.php @00e1bc4d (deliver, generate_signature, deliver_ping)
import { hmac, toBase64, utf8 } from "../../../../shared/webhooks/signature";
import type { SimContext } from "../../kit";
import { settings } from "./records";

export interface WooDelivery {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

export interface WooWebhookInit {
  url: string;
  secret: string;
  /** "order.updated" */
  topic: string;
  body: string;
  /** The webhook's post id (X-WC-Webhook-ID). */
  webhookId: number;
  /** wp_hash(webhook_id . time()) per attempt; any unique string here. */
  deliveryId: string;
  source: string;
}

/** Webhook ids of the simulated shop's subscriptions, one per topic, as the admin screen would have created them. */
export const WEBHOOK_IDS: Record<string, number> = { "order.created": 11, "order.updated": 12, "order.deleted": 13, "order.restored": 14 };

/** X-WC-Webhook-Signature = base64(HMAC-SHA256(secret, body)) over the exact JSON bytes sent. */
export async function wooSignature(secret: string, body: string): Promise<string> {
  return toBase64(await hmac(secret, utf8(body)));
}

export async function signWooWebhook(w: WooWebhookInit): Promise<WooDelivery> {
  const [resource, event] = w.topic.split(".") as [string, string];
  return {
    url: w.url,
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "User-Agent": "WooCommerce/9.8.0 Hookshot (WordPress/6.8)",
      "X-WC-Webhook-Source": w.source,
      "X-WC-Webhook-Topic": w.topic,
      "X-WC-Webhook-Resource": resource,
      "X-WC-Webhook-Event": event,
      "X-WC-Webhook-Signature": await wooSignature(w.secret, w.body),
      "X-WC-Webhook-ID": String(w.webhookId),
      "X-WC-Webhook-Delivery-ID": w.deliveryId,
    },
    body: w.body,
  };
}

/** Queues `payload` under `topic`; bodies are `trim(wp_json_encode(payload))`, i.e. compact JSON. */
export async function emit(sim: SimContext, topic: string, payload: unknown): Promise<void> {
  const s = settings(sim);
  const webhookId = WEBHOOK_IDS[topic] ?? 10;
  const delivery = await signWooWebhook({
    url: s.webhookUrl,
    secret: s.webhookSecret,
    topic,
    body: JSON.stringify(payload),
    webhookId,
    deliveryId: crypto.randomUUID().replace(/-/g, ""),
    source: s.siteUrl,
  });
  sim.emitWebhook(delivery);
  sim.bump(`webhooks_${topic.replace(".", "_")}`);
}

/** deliver_ping(): `webhook_id=<id>` as a form body, unsigned, sent when a webhook is created or activated. */
export function emitPing(sim: SimContext, webhookId: number): void {
  sim.emitWebhook({
    url: settings(sim).webhookUrl,
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "WooCommerce/9.8.0 Hookshot (WordPress/6.8)" },
    body: `webhook_id=${webhookId}`,
  });
  sim.bump("webhooks_ping");
}
