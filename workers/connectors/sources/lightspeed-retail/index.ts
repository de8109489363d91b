// The Lightspeed Retail (R-Series) source connector: declaration, the poll sweep over Sales, and Sale normalization.
import { z } from "zod";
import type { SourceConnector, TopicAction } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { CurrencyCode } from "../../../../shared/model/money";
import { API_VERSION, authorize, classify, refreshAccessToken } from "./http";
import { normalizeSale } from "./normalize";
import { fetchSale, MAX_PAGE, poll, type PollSettings } from "./poll";

export const LightspeedConfig = z.object({
  /** The R-Series account number (in every API path: /API/V3/Account/{accountID}/…). */
  accountId: z.string().regex(/^\d+$/, "the numeric Lightspeed account ID"),
  /** The account's currency; Sale records carry bare amounts. */
  currency: CurrencyCode.default("USD"),
  /** Sales per page when sweeping (Lightspeed allows 1–100). */
  pollPageSize: z.number().int().min(1).max(MAX_PAGE).optional(),
  /** How far back a connection's first sweep reaches. */
  pollLookbackDays: z.number().int().min(1).max(365).optional(),
  /** OAuth token endpoint override (the sandbox); defaults to Lightspeed's authorization server. */
  tokenUrl: z.string().url().optional(),
});

/**
 * No sale webhooks exist for R-Series: "topics" name the records the poll sweep and fetchOrder read. A Sale is one
 * record type whose own fields (completed, voided, negative return lines) say what happened to it.
 */
export const TOPICS: Record<string, TopicAction> = {
  Sale: { kind: "event", type: "order.updated" },
};

function settings(config: Record<string, unknown>): PollSettings {
  const c = LightspeedConfig.parse(config);
  return { accountId: c.accountId, currency: c.currency, pageSize: c.pollPageSize ?? MAX_PAGE, lookbackDays: c.pollLookbackDays ?? 30 };
}

export const lightspeedRetail: SourceConnector = {
  kind: "source",
  slug: "lightspeed-retail",
  displayName: "Lightspeed Retail (R-Series)",
  docsUrl: "https://developers.lightspeedhq.com/retail/endpoints/Sale/",
  apiVersion: API_VERSION,
  // Access tokens are short-lived and refresh tokens rotate on every refresh (UNVERIFIED lifetime: 1 h).
  auth: { type: "oauth2", rotatingRefreshToken: true, accessTokenTtlSeconds: 3600 },
  hosts: ["api.lightspeedapp.com", "cloud.lightspeedapp.com"],
  defaultBaseUrl: "https://api.lightspeedapp.com",
  // Leaky bucket per account and client: drips 1/s (+0.5/s per extra register), holds 90 (+10 per extra register),
  // GET costs 1 drip; plus a burst limiter per 1-second window
  // (https://developers.lightspeedhq.com/retail/introduction/ratelimits/). RateLimit has no bucket-size field.
  rateLimit: { perSecond: 1 },
  configSchema: LightspeedConfig,
  credentialKeys: ["accessToken"],
  classify,
  authorize,
  refreshAccessToken,
  capabilities: ["poll", "fetchOrder", "refunds"],
  topics: TOPICS,
  normalize({ topic, payload, connectionId, config }) {
    const action = TOPICS[topic];
    if (!action || action.kind !== "event") throw new NormalizeError(`Lightspeed record type "${topic}" is not one OrderMesh maps`);
    const { currency } = LightspeedConfig.pick({ currency: true }).parse(config);
    const event = normalizeSale(payload, { connectionId, currency }, action.type);
    return event ? [event] : [];
  },
  fetchOrder(ctx, sourceOrderId) {
    return fetchSale(ctx, settings(ctx.connection.config), sourceOrderId);
  },
  poll(ctx, cursor) {
    return poll(ctx, cursor, settings(ctx.connection.config));
  },
};
