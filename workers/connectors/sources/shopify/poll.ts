// Fetching one order and sweeping orders by updated_at through Shopify's Link-header cursor pagination.
import { z } from "zod";
import type { ConnectorContext, PollResult } from "../../../../shared/connector/contract";
import { ConnectorError, NormalizeError } from "../../../../shared/connector/errors";
import type { CanonicalEvent } from "../../../../shared/model/order";
import { API_VERSION } from "./http";
import { isSplitTender, normalizeOrder, parsePayload, type OrderExtras } from "./normalize";
import { Order, OrderEnvelope, OrdersEnvelope, TransactionsEnvelope } from "./schemas";

/** Orders updated this long before the newest one seen are read again next sweep (clock skew, late commits). */
export const OVERLAP_MS = 5 * 60_000;
/** Where a connection's first sweep starts: recent history only, never the shop's whole past. */
export const FIRST_SWEEP_LOOKBACK_MS = 24 * 60 * 60_000;
const MAX_PAGE = 250;

export const PollCursor = z.object({
  updatedAtMin: z.string(),
  /** Set while a sweep is between pages; the opaque Shopify page_info of the next page. */
  pageInfo: z.string().optional(),
  /** Newest updated_at seen so far in the sweep in progress. */
  newestSeen: z.string().optional(),
});
export type PollCursor = z.infer<typeof PollCursor>;

/** SKUs the connection sells loose by weight (ShopifyConfig.weighedSkus). */
export function weighedSkus(config: Record<string, unknown>): string[] {
  const v = config.weighedSkus;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/**
 * What normalizing one order needs beyond its JSON: the weighed SKUs, and for an order paid through several gateways
 * its transactions (one more request, only for those orders).
 */
async function extrasFor(ctx: ConnectorContext, raw: unknown): Promise<OrderExtras> {
  const extras: OrderExtras = { weighedSkus: weighedSkus(ctx.connection.config) };
  const order = Order.safeParse(raw);
  if (!order.success || !isSplitTender(order.data)) return extras;
  // https://shopify.dev/docs/api/admin-rest/2024-04/resources/transaction#get-orders-order-id-transactions
  const res = await ctx.http.send({ method: "GET", url: `/admin/api/${API_VERSION}/orders/${order.data.id}/transactions.json` });
  return { ...extras, transactions: parsePayload(TransactionsEnvelope, res.json(), "GET transactions").transactions };
}

/** https://shopify.dev/docs/api/admin-rest/2024-04/resources/order#get-orders-order-id */
export async function fetchOrder(ctx: ConnectorContext, sourceOrderId: string): Promise<CanonicalEvent[]> {
  if (!/^\d+$/.test(sourceOrderId)) throw new ConnectorError({ kind: "permanent", message: `"${sourceOrderId}" is not a Shopify order id` });
  const res = await ctx.http.send({ method: "GET", url: `/admin/api/${API_VERSION}/orders/${sourceOrderId}.json` });
  const body = parsePayload(OrderEnvelope, res.json(), "GET order");
  return [normalizeOrder(body.order, "order.updated", ctx.connection.id, await extrasFor(ctx, body.order))];
}

export function shopifyTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function readCursor(cursor: string | null, now: Date): PollCursor {
  if (cursor === null) return { updatedAtMin: shopifyTime(now.getTime() - FIRST_SWEEP_LOOKBACK_MS) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const r = PollCursor.safeParse(parsed);
  if (!r.success || Number.isNaN(Date.parse(r.data.updatedAtMin))) {
    throw new ConnectorError({ kind: "permanent", message: `invalid Shopify poll cursor: ${cursor}`, vendorCode: "bad_cursor" });
  }
  return r.data;
}

/** The page_info of the Link header's rel="next" URL (https://shopify.dev/docs/api/admin-rest/usage/pagination). */
export function nextPageInfo(link: string | null): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const m = /<([^>]+)>\s*;\s*rel="?([a-z]+)"?/i.exec(part.trim());
    if (m && m[2] === "next") return new URL(m[1]!).searchParams.get("page_info") ?? undefined;
  }
  return undefined;
}

/**
 * One page of orders updated since the cursor, oldest first. A sweep follows rel="next" (with page_info, only
 * `limit` may be sent); when it ends, the next sweep starts OVERLAP_MS before the newest updated_at seen.
 * An order that does not normalize is logged and skipped so one bad record cannot stall reconciliation.
 */
export async function poll(ctx: ConnectorContext, cursor: string | null, pageSize = MAX_PAGE): Promise<PollResult> {
  const state = readCursor(cursor, ctx.clock.now());
  const limit = Math.min(MAX_PAGE, Math.max(1, pageSize));
  // https://shopify.dev/docs/api/admin-rest/2024-04/resources/order#get-orders?status=any
  const res = await ctx.http.send({
    method: "GET",
    url: `/admin/api/${API_VERSION}/orders.json`,
    query: state.pageInfo
      ? { limit, page_info: state.pageInfo }
      : { status: "any", updated_at_min: state.updatedAtMin, limit, order: "updated_at asc" },
  });
  const body = parsePayload(OrdersEnvelope, res.json(), "GET orders");
  const events: CanonicalEvent[] = [];
  let newest = state.newestSeen ? Date.parse(state.newestSeen) : Number.NEGATIVE_INFINITY;
  for (const raw of body.orders) {
    try {
      const event = normalizeOrder(raw, "order.updated", ctx.connection.id, await extrasFor(ctx, raw));
      if (event.kind === "order") newest = Math.max(newest, event.order.sourceVersion);
      events.push(event);
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("shopify poll: order skipped", { reason: err.message, id: (raw as { id?: unknown } | null)?.id });
    }
  }
  const newestSeen = Number.isFinite(newest) ? new Date(newest).toISOString() : undefined;
  const next = nextPageInfo(res.headers.get("link"));
  if (next) {
    return { events, cursor: JSON.stringify({ updatedAtMin: state.updatedAtMin, pageInfo: next, newestSeen } satisfies PollCursor), hasMore: true };
  }
  const from = Date.parse(state.updatedAtMin);
  const updatedAtMin = Number.isFinite(newest) ? shopifyTime(Math.max(from, newest - OVERLAP_MS)) : state.updatedAtMin;
  return { events, cursor: JSON.stringify({ updatedAtMin } satisfies PollCursor), hasMore: false };
}
