// Signs bodies exactly as the Shopify simulator does, and turns a delivery into the connector's WebhookInput.
import type { WebhookInput } from "../../shared/connector/contract";
import type { ShopifyDelivery } from "../../workers/sandbox/simulators/shopify/webhooks";

export { shopifyHmac, signShopifyWebhook, type ShopifyDelivery, type ShopifyWebhookInit } from "../../workers/sandbox/simulators/shopify/webhooks";

export function webhookInput(d: ShopifyDelivery, now = new Date()): WebhookInput {
  return { raw: new TextEncoder().encode(d.body), headers: new Headers(d.headers), url: d.url, now };
}
