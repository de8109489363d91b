// The Revel Systems source connector: declaration, the poll sweep over OrderAllInOne, and order normalization.
import { z } from "zod";
import type { SourceConnector, TopicAction } from "../../../../shared/connector/contract";
import { NormalizeError } from "../../../../shared/connector/errors";
import { CurrencyCode } from "../../../../shared/model/money";
import { API_VERSION, AUTH_HEADER, authorize, classify } from "./http";
import { normalizeOrder } from "./normalize";
import { fetchOrder, MAX_PAGE, poll, type PollSettings } from "./poll";

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const RevelConfig = z.object({
  /** The client subdomain: https://<subdomain>.revelup.com. */
  subdomain: z.string().regex(/^[a-z0-9][a-z0-9-]*$/i, "the Revel subdomain (the part before .revelup.com)"),
  /** The establishment's currency: Revel amounts are bare JSON numbers. */
  currency: CurrencyCode.default("USD"),
  /** The establishment's IANA time zone: Revel timestamps carry no offset. */
  timeZone: z.string().refine(validTimeZone, "an IANA time zone such as America/New_York").default("UTC"),
  /** Only this establishment's orders (its numeric id); all establishments when absent. */
  establishmentId: z.string().regex(/^\d+$/).optional(),
  pollPageSize: z.number().int().min(1).max(MAX_PAGE).optional(),
  pollLookbackDays: z.number().int().min(1).max(365).optional(),
});

/**
 * The mesh polls Revel (its order webhook, order.finalized, is sent only for reward-card orders and its signature
 * scheme is disputed: sources.md §8). The one record type read is OrderAllInOne.
 */
export const TOPICS: Record<string, TopicAction> = {
  OrderAllInOne: { kind: "event", type: "order.updated" },
};

function settings(config: Record<string, unknown>): PollSettings {
  const c = RevelConfig.parse(config);
  return { currency: c.currency, timeZone: c.timeZone, establishmentId: c.establishmentId, pageSize: c.pollPageSize ?? 100, lookbackDays: c.pollLookbackDays ?? 30 };
}

export const revel: SourceConnector = {
  kind: "source",
  slug: "revel",
  displayName: "Revel Systems",
  docsUrl: "https://developer.revelsystems.com/revelsystems/docs/frequently-asked-questions",
  apiVersion: API_VERSION,
  auth: { type: "api-key", header: AUTH_HEADER },
  hosts: ["*.revelup.com"],
  defaultBaseUrl: "https://{subdomain}.revelup.com",
  // Revel documents no REST rate limit; 300 requests/min per API key is a third-party adapter's figure (UNVERIFIED).
  rateLimit: { perMinute: 300 },
  configSchema: RevelConfig,
  credentialKeys: ["apiKey", "apiSecret"],
  classify,
  authorize,
  capabilities: ["poll", "fetchOrder", "refunds"],
  topics: TOPICS,
  normalize({ topic, payload, connectionId, config }) {
    const action = TOPICS[topic];
    if (!action || action.kind !== "event") throw new NormalizeError(`Revel resource "${topic}" is not one OrderMesh maps`);
    const c = RevelConfig.pick({ currency: true, timeZone: true }).parse(config);
    const event = normalizeOrder(payload, { connectionId, currency: c.currency, timeZone: c.timeZone }, action.type);
    return event ? [event] : [];
  },
  fetchOrder(ctx, sourceOrderId) {
    return fetchOrder(ctx, settings(ctx.connection.config), sourceOrderId);
  },
  poll(ctx, cursor) {
    return poll(ctx, cursor, settings(ctx.connection.config));
  },
};
