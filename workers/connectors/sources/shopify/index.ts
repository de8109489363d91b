// The Shopify source connector: declaration, topics, and the functions that verify, normalize, fetch and poll.
import { z } from "zod";
import type { SourceConnector, TopicAction } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { API_VERSION, authorize, classify } from "./http";
import { isSplitTender, normalizeOrder, normalizeRefundEvent, normalizeStock } from "./normalize";
import { fetchOrder, poll, weighedSkus } from "./poll";
import { pollStock } from "./stock";
import { Order } from "./schemas";
import { REQUIRED_HEADERS, identify, parse, verify } from "./webhook";

/** The one field fetchInstead reads (the Order schema's own definition of it). */
const Gateways = Order.pick({ payment_gateway_names: true });

export const ShopifyConfig = z.object({
  /** The shop's permanent domain ("demo-shop.myshopify.com"), host only. */
  shopDomain: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/i, "a host name such as my-shop.myshopify.com"),
  /** Orders per page when sweeping (Shopify allows 1–250). */
  pollPageSize: z.number().int().min(1).max(250).optional(),
  /**
   * SKUs sold loose by weight: a variant of a fixed weight (line item `grams`, "25 g") bought in a count of units.
   * Their lines are stated in kilograms (0.375 kg at the price per kg) instead of the count.
   */
  weighedSkus: z.array(z.string().min(1)).optional(),
});

/** Webhook topics OrderMesh subscribes to; any other topic is absent (answered 2xx and counted by the mesh). */
export const TOPICS: Record<string, TopicAction> = {
  "orders/create": { kind: "event", type: "order.created" },
  "orders/updated": { kind: "event", type: "order.updated" },
  "orders/paid": { kind: "event", type: "order.paid" },
  "orders/fulfilled": { kind: "event", type: "order.shipped" },
  "orders/cancelled": { kind: "event", type: "order.cancelled" },
  "refunds/create": { kind: "event", type: "refund.created" },
  "inventory_levels/update": { kind: "event", type: "stock.changed" },
};

export const shopify: SourceConnector = {
  kind: "source",
  slug: "shopify",
  displayName: "Shopify",
  docsUrl: "https://shopify.dev/docs/api/admin-rest/2024-04/resources/order",
  apiVersion: API_VERSION,
  auth: { type: "api-key", header: "X-Shopify-Access-Token" },
  hosts: ["*.myshopify.com"],
  defaultBaseUrl: "https://{shopDomain}",
  // Leaky bucket: leaks 2 requests/s, holds 40 (Standard plan; https://shopify.dev/docs/api/admin-rest/usage/rate-limits).
  // RateLimit has no bucket-size field; 40 is the burst the sandbox simulates.
  rateLimit: { perSecond: 2 },
  configSchema: ShopifyConfig,
  credentialKeys: ["webhookSecret", "accessToken"],
  classify,
  authorize,
  capabilities: ["webhooks", "poll", "fetchOrder", "refunds", "fulfillments", "stock"],
  webhook: {
    requiredHeaders: REQUIRED_HEADERS,
    secretKey: "webhookSecret",
    // Shopify signs no timestamp; X-Shopify-Triggered-At is informational and not covered by the HMAC.
    freshnessSeconds: undefined,
    verify,
    identify,
    parse,
    // Order webhooks name the gateways but carry no transactions; with several the split is fetched, never guessed.
    fetchInstead(identity, payload) {
      if (!identity.topic.startsWith("orders/")) return false;
      // Only the gateway names are read here; normalize parses the whole order once.
      const order = Gateways.safeParse(payload);
      return order.success && isSplitTender(order.data);
    },
  },
  topics: TOPICS,
  normalize({ topic, payload, connectionId, config }) {
    const action = TOPICS[topic];
    if (!action || action.kind !== "event") throw new NormalizeError(`Shopify topic "${topic}" is not one OrderMesh maps`);
    if (action.type === "refund.created") return [normalizeRefundEvent(payload, weighedSkus(config))];
    if (action.type === "stock.changed") return normalizeStock(payload);
    return [normalizeOrder(payload, action.type, connectionId, { weighedSkus: weighedSkus(config) })];
  },
  fetchOrder,
  poll(ctx, cursor) {
    const pageSize = ShopifyConfig.shape.pollPageSize.safeParse(ctx.connection.config.pollPageSize);
    return poll(ctx, cursor, pageSize.success ? pageSize.data : undefined);
  },
  pollStock,
};
