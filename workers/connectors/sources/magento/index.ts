// The Adobe Commerce (Magento) source connector: declaration, the REST poll sweep over /V1/orders, order normalization.
import { z } from "zod";
import type { SourceConnector, TopicAction } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { API_VERSION, authorize, classify } from "./http";
import { normalizeOrder } from "./normalize";
import { fetchOrder, MAX_PAGE, poll, type PollSettings } from "./poll";

export const MagentoConfig = z.object({
  /** The store's host ("shop.example.com"); Adobe Commerce Cloud hosts end in .magentosite.cloud. */
  storeDomain: z.string().regex(/^[a-z0-9][a-z0-9.-]*(:\d+)?$/i, "a host name such as shop.example.com"),
  /** Store view code in /rest/<store_code>/V1/…: `all` reads every store view's orders. */
  storeCode: z.string().regex(/^[a-z0-9_]+$/).default("all"),
  pollPageSize: z.number().int().min(1).max(MAX_PAGE).optional(),
  pollLookbackDays: z.number().int().min(1).max(365).optional(),
});

/**
 * Open Source Magento has no order webhooks (Adobe I/O Events and Commerce Webhooks are Adobe Commerce add-ons,
 * sources.md §10): the sweep reads orders, the one record type mapped here.
 */
export const TOPICS: Record<string, TopicAction> = {
  orders: { kind: "event", type: "order.updated" },
};

function settings(config: Record<string, unknown>): PollSettings {
  const c = MagentoConfig.parse(config);
  return { storeCode: c.storeCode, pageSize: c.pollPageSize ?? MAX_PAGE, lookbackDays: c.pollLookbackDays ?? 30 };
}

export const magento: SourceConnector = {
  kind: "source",
  slug: "magento",
  displayName: "Adobe Commerce (Magento)",
  docsUrl: "https://developer.adobe.com/commerce/webapi/rest/tutorials/orders/",
  apiVersion: API_VERSION,
  auth: { type: "api-key", header: "Authorization" },
  // Self-hosted stores: the host comes from the connection (as WooCommerce's does); Adobe Commerce Cloud's own domain.
  hosts: ["{storeDomain}", "*.magentosite.cloud"],
  defaultBaseUrl: "https://{storeDomain}",
  // Core rate-limits only the payment-information and place-order endpoints (2.4.7+); hosting/Fastly limits vary.
  rateLimit: { concurrency: 1 },
  configSchema: MagentoConfig,
  credentialKeys: ["accessToken"],
  classify,
  authorize,
  capabilities: ["poll", "fetchOrder", "refunds", "fulfillments"],
  topics: TOPICS,
  /** One order as GET /V1/orders/{id} returns it (credit memos and shipments come with the poll sweep and fetchOrder). */
  normalize({ topic, payload, connectionId }) {
    const action = TOPICS[topic];
    if (!action || action.kind !== "event") throw new NormalizeError(`Magento resource "${topic}" is not one OrderMesh maps`);
    return [normalizeOrder(payload, connectionId, undefined, action.type)];
  },
  fetchOrder(ctx, sourceOrderId) {
    return fetchOrder(ctx, settings(ctx.connection.config), sourceOrderId);
  },
  poll(ctx, cursor) {
    return poll(ctx, cursor, settings(ctx.connection.config));
  },
};
