// The Lightspeed Retail X-Series (ex-Vend) source connector: declaration, topics, verify, normalize and the version sweep.
import { z } from "zod";
import type { SourceConnector, TopicAction } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { CurrencyCode } from "../../../../shared/model/money";
import { API_VERSION, authorize, classify } from "./http";
import { normalizeRegisterSale } from "./normalize";
import { MAX_PAGE, poll } from "./poll";
import { identify, parse, REQUIRED_HEADERS, verify, type VendWebhook } from "./webhook";

export const LightspeedXSeriesConfig = z.object({
  /** The store's domain prefix: https://<domainPrefix>.retail.lightspeed.app. */
  domainPrefix: z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, "the store's domain prefix, e.g. mystore"),
  /** The retailer's currency: sales carry amounts but no currency code. */
  currency: CurrencyCode,
  /** Sales per sweep page (1–1000). */
  pollPageSize: z.number().int().min(1).max(MAX_PAGE).optional(),
});

/** https://x-series-api.lightspeedhq.com/docs/webhooks — sale.update fires for new and changed sales (returns included). */
export const TOPICS: Record<string, TopicAction> = {
  "sale.update": { kind: "event", type: "order.updated" },
};

export const lightspeedXSeries: SourceConnector = {
  kind: "source",
  slug: "lightspeed-x-series",
  displayName: "Lightspeed Retail X-Series (Vend)",
  docsUrl: "https://x-series-api.lightspeedhq.com/reference/listsales",
  apiVersion: API_VERSION,
  auth: { type: "api-key", header: "Authorization" },
  hosts: ["*.retail.lightspeed.app", "*.vendhq.com"],
  defaultBaseUrl: "https://{domainPrefix}.retail.lightspeed.app",
  // 300 × registers + 50 requests per 5 minutes per retailer and app (https://x-series-api.lightspeedhq.com/docs/rate_limiting):
  // 350 / 5 min for a one-register store, about 70 a minute.
  rateLimit: { perMinute: 70 },
  configSchema: LightspeedXSeriesConfig,
  credentialKeys: ["clientSecret", "accessToken"],
  classify,
  authorize,
  capabilities: ["webhooks", "poll", "refunds"],
  webhook: {
    requiredHeaders: REQUIRED_HEADERS,
    // Webhooks to OAuth apps are signed with the app's client secret.
    secretKey: "clientSecret",
    // X-Series signs no timestamp and retries for 48 h; there is no freshness window to check.
    freshnessSeconds: undefined,
    verify,
    identify,
    parse,
  },
  topics: TOPICS,
  normalize({ topic, payload, connectionId, config }) {
    const action = TOPICS[topic];
    if (!action || action.kind !== "event") throw new NormalizeError(`X-Series topic "${topic}" is not one OrderMesh maps`);
    const { currency } = LightspeedXSeriesConfig.pick({ currency: true }).parse(config);
    return [normalizeRegisterSale((payload as VendWebhook).payload, action.type, connectionId, currency)];
  },
  poll(ctx, cursor) {
    const config = LightspeedXSeriesConfig.pick({ currency: true, pollPageSize: true }).parse(ctx.connection.config);
    return poll(ctx, cursor, config.currency, config.pollPageSize);
  },
};
