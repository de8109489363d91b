// The Clover source connector: declaration, topics, and the functions that authenticate, identify, fetch and sweep.
import { z } from "zod";
import type { SourceConnector, TopicAction } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { API_VERSION, authorize, classify } from "./http";
import { fetchOrder, poll } from "./poll";
import { REQUIRED_HEADERS, VERIFICATION_TOPIC, identify, identifyAll, parse, verify } from "./webhook";

export const CloverConfig = z.object({
  /** The merchant (one Clover merchant = one store) this connection reads. */
  merchantId: z.string().regex(/^[A-Za-z0-9]+$/, "a Clover merchant id such as ABC123DEF4567"),
  /** Regional API host, or the developer sandbox (https://docs.clover.com/docs/clover-environments). */
  apiHost: z.enum(["api.clover.com", "api.eu.clover.com", "api.la.clover.com", "apisandbox.dev.clover.com"]).default("api.clover.com"),
  /** Orders per page when sweeping (Clover allows 1–1000). */
  pollPageSize: z.number().int().min(1).max(1000).optional(),
});

/**
 * Order notifications name the order only ("O:<id>"), so every change is fetched. Other object types (payments,
 * inventory, customers) are not subscribed: a payment also updates its order, which is what is synced.
 */
export const TOPICS: Record<string, TopicAction> = {
  "O:CREATE": { kind: "fetch" },
  "O:UPDATE": { kind: "fetch" },
  "O:DELETE": { kind: "fetch" },
  // The URL-verification POST: kept in quarantine (admin page) so the retailer can read the code Clover asks for.
  [VERIFICATION_TOPIC]: { kind: "ignore", note: "Clover webhook verification code: paste the verificationCode below into your Clover app's webhook settings" },
};

function merchantOf(config: Record<string, unknown>): string {
  return CloverConfig.pick({ merchantId: true }).parse(config).merchantId;
}

export const clover: SourceConnector = {
  kind: "source",
  slug: "clover",
  displayName: "Clover",
  docsUrl: "https://docs.clover.com/dev/reference/ordergetorder",
  apiVersion: API_VERSION,
  auth: { type: "api-key", header: "Authorization" },
  hosts: ["api.clover.com", "api.eu.clover.com", "api.la.clover.com", "apisandbox.dev.clover.com"],
  defaultBaseUrl: "https://{apiHost}",
  // 16 requests/s and 5 concurrent per token (https://docs.clover.com/docs/api-usage-rate-limits).
  rateLimit: { perSecond: 16, concurrency: 5 },
  configSchema: CloverConfig,
  credentialKeys: ["authCode", "accessToken"],
  classify,
  authorize,
  capabilities: ["webhooks", "poll", "fetchOrder", "refunds"],
  webhook: {
    requiredHeaders: REQUIRED_HEADERS,
    secretKey: "authCode",
    // Notifications carry a ts but nothing is signed, so there is no freshness window to enforce.
    freshnessSeconds: undefined,
    verify,
    identify,
    identifyAll,
    parse,
  },
  topics: TOPICS,
  normalize({ topic }) {
    throw new NormalizeError(`Clover notifications carry only object ids; "${topic}" is resolved by fetching the order`);
  },
  fetchOrder(ctx, sourceOrderId) {
    return fetchOrder(ctx, sourceOrderId, merchantOf(ctx.connection.config));
  },
  poll(ctx, cursor) {
    const config = CloverConfig.partial().parse(ctx.connection.config);
    return poll(ctx, cursor, { merchantId: merchantOf(ctx.connection.config), pageSize: config.pollPageSize });
  },
};
