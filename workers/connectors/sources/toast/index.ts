// The Toast POS source connector: declaration, topics, signed-webhook verification, normalization and the ordersBulk sweep.
import { z } from "zod";
import type { SourceConnector, TopicAction } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { CurrencyCode } from "../../../../shared/model/money";
import { API_VERSION, authorize, classify } from "./http";
import { normalizeOrder } from "./normalize";
import { MAX_PAGE, poll } from "./poll";
import type { Envelope } from "./schemas";
import { FRESHNESS_SECONDS, identify, parse, REQUIRED_HEADERS, verify } from "./webhook";

export const ToastConfig = z.object({
  /** The restaurant (location) GUID: every call sends it as Toast-Restaurant-External-ID. */
  restaurantGuid: z.string().min(1),
  /** The restaurant's currency (restaurants API `currencyCode`): orders carry amounts but no currency. */
  currency: CurrencyCode,
  /** ws-api.toasttab.com in production, ws-sandbox-api.eng.toasttab.com for Toast's sandbox. */
  apiHost: z.enum(["ws-api.toasttab.com", "ws-sandbox-api.eng.toasttab.com"]).default("ws-api.toasttab.com"),
  pollPageSize: z.number().int().min(1).max(MAX_PAGE).optional(),
});

/** https://doc.toasttab.com/doc/devguide/devOrdersWebhookRef.html — a new order is also `order_updated`. */
export const TOPICS: Record<string, TopicAction> = {
  order_updated: { kind: "event", type: "order.updated" },
  channel_order_updated: { kind: "event", type: "order.updated" },
};

export const toast: SourceConnector = {
  kind: "source",
  slug: "toast",
  displayName: "Toast POS",
  docsUrl: "https://doc.toasttab.com/openapi/orders/",
  apiVersion: API_VERSION,
  auth: { type: "oauth2", rotatingRefreshToken: false, accessTokenTtlSeconds: 86_400 },
  hosts: ["ws-api.toasttab.com", "ws-sandbox-api.eng.toasttab.com"],
  defaultBaseUrl: "https://{apiHost}",
  // GET /ordersBulk: 5 requests per second per location (https://doc.toasttab.com/doc/devguide/apiRateLimiting.html).
  rateLimit: { perSecond: 5 },
  configSchema: ToastConfig,
  credentialKeys: ["webhookSecret", "clientId", "clientSecret"],
  classify,
  authorize,
  capabilities: ["webhooks", "poll", "refunds"],
  webhook: {
    requiredHeaders: REQUIRED_HEADERS,
    secretKey: "webhookSecret",
    freshnessSeconds: FRESHNESS_SECONDS,
    verify,
    identify,
    parse,
  },
  topics: TOPICS,
  normalize({ topic, payload, connectionId, config }) {
    const action = TOPICS[topic];
    if (!action || action.kind !== "event") throw new NormalizeError(`Toast event type "${topic}" is not one OrderMesh maps`);
    const { currency, restaurantGuid } = ToastConfig.pick({ currency: true, restaurantGuid: true }).partial({ restaurantGuid: true }).parse(config);
    const e = payload as Envelope;
    return [normalizeOrder(e.details.order, action.type, connectionId, { currency, restaurantGuid: e.details.restaurantGuid ?? restaurantGuid })];
  },
  poll(ctx, cursor) {
    const config = ToastConfig.parse(ctx.connection.config);
    return poll(ctx, cursor, { currency: config.currency, restaurantGuid: config.restaurantGuid, pageSize: config.pollPageSize });
  },
};
