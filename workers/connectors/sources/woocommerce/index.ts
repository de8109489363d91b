// The WooCommerce source connector: declaration, topics, and the functions that verify, normalize, fetch and poll.
import { z } from "zod";
import type { SourceConnector, TopicAction } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { API_VERSION, authorize, classify } from "./http";
import { normalizeOrder } from "./normalize";
import { fetchOrder, MAX_PAGE, poll } from "./poll";
import { identify, parse, REQUIRED_HEADERS, verify } from "./webhook";

export const WooCommerceConfig = z.object({
  /** The shop's host name ("shop.example.com"); the REST API lives at https://<siteHost>/wp-json/wc/v3. */
  siteHost: z.string().regex(/^[a-z0-9][a-z0-9.-]*(:\d+)?$/i, "a host name such as shop.example.com"),
  /** Orders per page when sweeping (WooCommerce allows 1–100). */
  pollPageSize: z.number().int().min(1).max(MAX_PAGE).optional(),
});

/**
 * Topics of the webhooks to create (Settings → Advanced → Webhooks, API version v3). order.deleted and
 * order.restored carry only `{"id": …}`: the order is read back (a trashed order reads as status "trash").
 * https://woocommerce.github.io/woocommerce-rest-api-docs/#topics
 */
export const TOPICS: Record<string, TopicAction> = {
  "order.created": { kind: "event", type: "order.created" },
  "order.updated": { kind: "event", type: "order.updated" },
  "order.deleted": { kind: "fetch" },
  "order.restored": { kind: "fetch" },
};

export const woocommerce: SourceConnector = {
  kind: "source",
  slug: "woocommerce",
  displayName: "WooCommerce",
  docsUrl: "https://woocommerce.github.io/woocommerce-rest-api-docs/#orders",
  apiVersion: API_VERSION,
  auth: { type: "basic" },
  // Every shop is its own WordPress site: the host comes from the connection (see README: connection hosts).
  hosts: ["{siteHost}"],
  defaultBaseUrl: "https://{siteHost}",
  // Core WooCommerce has no REST rate limit; hosts and WAFs add their own. One sweep page at a time is the budget.
  rateLimit: { concurrency: 1 },
  configSchema: WooCommerceConfig,
  credentialKeys: ["webhookSecret", "consumerKey", "consumerSecret"],
  classify,
  authorize,
  capabilities: ["webhooks", "poll", "fetchOrder", "refunds"],
  webhook: {
    requiredHeaders: REQUIRED_HEADERS,
    secretKey: "webhookSecret",
    // WooCommerce signs no timestamp (and never retries), so there is no freshness window to check.
    freshnessSeconds: undefined,
    verify,
    identify,
    parse,
  },
  topics: TOPICS,
  normalize({ topic, payload, connectionId }) {
    const action = TOPICS[topic];
    if (!action || action.kind !== "event") throw new NormalizeError(`WooCommerce topic "${topic}" is not one OrderMesh maps`);
    return [normalizeOrder(payload, action.type, connectionId)];
  },
  fetchOrder,
  poll(ctx, cursor) {
    const config = WooCommerceConfig.partial().parse(ctx.connection.config);
    return poll(ctx, cursor, config.pollPageSize);
  },
};
