// The Square source connector: declaration, topics, and the functions that verify, normalize, fetch and sweep.
import { z } from "zod";
import type { SourceConnector, TopicAction } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { API_VERSION, authorize, classify } from "./http";
import { normalizeStock } from "./normalize";
import { fetchOrder, poll } from "./poll";
import { REQUIRED_HEADERS, identify, parse, verify } from "./webhook";

export const SquareConfig = z.object({
  /** Production or the Square sandbox (https://developer.squareup.com/docs/devtools/sandbox/overview). */
  apiHost: z.enum(["connect.squareup.com", "connect.squareupsandbox.com"]).default("connect.squareup.com"),
  /** Locations to sweep; every ACTIVE location of the seller when omitted. */
  locationIds: z.array(z.string().min(1)).min(1).optional(),
  /** The notification URL exactly as registered in the webhook subscription, when it differs from the URL the Worker sees. */
  notificationUrl: z.string().url().optional(),
  /** Orders per SearchOrders page (Square allows 1–1000). */
  pollPageSize: z.number().int().min(1).max(1000).optional(),
});

/**
 * Subscribed events (https://developer.squareup.com/docs/webhooks/v2webhook-events-tech-ref). Order events are
 * summaries and payments/refunds name their order, so each is resolved by fetching the order. Register sales raise
 * no order.created (only CreateOrder does); they arrive as payment.updated.
 */
export const TOPICS: Record<string, TopicAction> = {
  "order.created": { kind: "fetch" },
  "order.updated": { kind: "fetch" },
  "payment.updated": { kind: "fetch" },
  "refund.updated": { kind: "fetch" },
  "inventory.count.updated": { kind: "event", type: "stock.changed" },
};

export const square: SourceConnector = {
  kind: "source",
  slug: "square",
  displayName: "Square",
  docsUrl: "https://developer.squareup.com/reference/square/orders-api",
  apiVersion: API_VERSION,
  auth: { type: "api-key", header: "Authorization" },
  hosts: ["connect.squareup.com", "connect.squareupsandbox.com"],
  defaultBaseUrl: "https://{apiHost}",
  // Square publishes no numeric limit (429 RATE_LIMITED when exceeded); 10/s is a conservative budget [UNVERIFIED].
  rateLimit: { perSecond: 10 },
  configSchema: SquareConfig,
  credentialKeys: ["signatureKey", "accessToken"],
  classify,
  authorize,
  capabilities: ["webhooks", "poll", "fetchOrder", "refunds", "fulfillments", "stock"],
  webhook: {
    requiredHeaders: REQUIRED_HEADERS,
    secretKey: "signatureKey",
    // Square signs no timestamp (square-initial-delivery-timestamp is outside the HMAC); dedup is by event_id.
    freshnessSeconds: undefined,
    verify,
    identify,
    parse,
  },
  topics: TOPICS,
  normalize({ topic, payload }) {
    const action = TOPICS[topic];
    if (action?.kind !== "event") throw new NormalizeError(`Square topic "${topic}" is resolved by fetching the order, not from the notification`);
    return normalizeStock(payload);
  },
  fetchOrder,
  poll(ctx, cursor) {
    const config = SquareConfig.partial().parse(ctx.connection.config);
    return poll(ctx, cursor, { locationIds: config.locationIds, pageSize: config.pollPageSize });
  },
};
