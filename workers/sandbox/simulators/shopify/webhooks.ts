// Signs a body exactly as Shopify does and builds the delivery headers; used by the simulator, tests and the bench.
// https://shopify.dev/docs/apps/build/webhooks/delivery-structure (headers); HMAC per shopify-api-js lib/webhooks/validate.ts
import { hmac, toBase64, utf8 } from "../../../../shared/webhooks/signature";

export const SHOPIFY_API_VERSION = "2024-04";

export interface ShopifyWebhookInit {
  url: string;
  secret: string;
  topic: string;
  shopDomain: string;
  /** The exact bytes to deliver (and sign). */
  body: string;
  /** Same for every delivery of one event; a new uuid when omitted. */
  eventId?: string;
  /** Per delivery; a new uuid when omitted. */
  webhookId?: string;
  triggeredAt?: Date;
  apiVersion?: string;
}

export interface ShopifyDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** base64(HMAC-SHA256(secret, body bytes)), the value of X-Shopify-Hmac-Sha256. */
export async function shopifyHmac(secret: string, body: string): Promise<string> {
  return toBase64(await hmac(secret, utf8(body)));
}

export async function signShopifyWebhook(init: ShopifyWebhookInit): Promise<ShopifyDelivery> {
  return {
    url: init.url,
    body: init.body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Topic": init.topic,
      "X-Shopify-Hmac-Sha256": await shopifyHmac(init.secret, init.body),
      "X-Shopify-Shop-Domain": init.shopDomain,
      "X-Shopify-API-Version": init.apiVersion ?? SHOPIFY_API_VERSION,
      "X-Shopify-Webhook-Id": init.webhookId ?? crypto.randomUUID(),
      "X-Shopify-Event-Id": init.eventId ?? crypto.randomUUID(),
      "X-Shopify-Triggered-At": (init.triggeredAt ?? new Date()).toISOString(),
    },
  };
}
