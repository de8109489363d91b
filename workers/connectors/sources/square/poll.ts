// Fetching one Square order (thin notifications) and the SearchOrders sweep by updated_at, ≤ 10 locations per query.
import { z } from "zod";
import type { ConnectorContext, PollResult } from "../../../../shared/connector/contract";
import { ConnectorError, NormalizeError } from "../../../../shared/connector/errors";
import type { CanonicalEvent } from "../../../../shared/model/order";
import { normalizeOrder, parsePayload } from "./normalize";
import { ListLocationsResponse, RetrieveOrderResponse, SearchOrdersResponse } from "./schemas";

/** Orders updated this long before the end of a sweep are read again by the next one (clock skew, late commits). */
export const OVERLAP_MS = 5 * 60_000;
/** Where a connection's first sweep starts: recent history only. */
export const FIRST_SWEEP_LOOKBACK_MS = 24 * 60 * 60_000;
/** SearchOrders: limit default 500, max 1000; at most 10 location ids per query (SearchOrdersRequest in api.json). */
export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 500;
export const LOCATIONS_PER_QUERY = 10;
/** Sales, completed and cancelled orders; DRAFT orders are not sales yet. */
const STATES = ["OPEN", "COMPLETED", "CANCELED"] as const;

export const PollCursor = z.object({
  /** updated_at window of the sweep: [since, until], both inclusive (RFC 3339). */
  since: z.string(),
  until: z.string().optional(),
  /** Location ids the sweep covers, resolved when it starts. */
  locations: z.array(z.string()).optional(),
  /** Which block of ≤ 10 locations is being read. */
  group: z.number().int().nonnegative().default(0),
  /** Square's opaque cursor for the next page of the current block. */
  cursor: z.string().optional(),
});
export type PollCursor = z.infer<typeof PollCursor>;

/** https://developer.squareup.com/reference/square/orders-api/retrieve-order */
export async function fetchOrder(ctx: ConnectorContext, sourceOrderId: string): Promise<CanonicalEvent[]> {
  if (!/^[A-Za-z0-9_-]+$/.test(sourceOrderId)) throw new ConnectorError({ kind: "permanent", message: `"${sourceOrderId}" is not a Square order id` });
  const res = await ctx.http.send({ method: "GET", url: `/v2/orders/${sourceOrderId}` });
  const body = parsePayload(RetrieveOrderResponse, res.json(), "RetrieveOrder response");
  return normalizeOrder(body.order, ctx.connection.id);
}

/** https://developer.squareup.com/reference/square/locations-api/list-locations — every ACTIVE location of the seller. */
async function activeLocations(ctx: ConnectorContext): Promise<string[]> {
  const res = await ctx.http.send({ method: "GET", url: "/v2/locations" });
  const body = parsePayload(ListLocationsResponse, res.json(), "ListLocations response");
  return (body.locations ?? []).filter((l) => (l.status ?? "ACTIVE") === "ACTIVE").map((l) => l.id);
}

function readCursor(cursor: string | null, now: Date): PollCursor {
  if (cursor === null) return { since: new Date(now.getTime() - FIRST_SWEEP_LOOKBACK_MS).toISOString(), group: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const r = PollCursor.safeParse(parsed);
  if (!r.success || Number.isNaN(Date.parse(r.data.since))) {
    throw new ConnectorError({ kind: "permanent", message: `invalid Square poll cursor: ${cursor}`, vendorCode: "bad_cursor" });
  }
  return r.data;
}

/**
 * One page of a sweep. A sweep fixes its window [since, until = now] and its locations when it starts, then reads
 * each block of ≤ 10 locations page by page (the same query each time, as Square requires with a cursor). When the
 * last block is done, the next sweep starts OVERLAP_MS before `until`. An order that does not normalize is logged and
 * skipped so one bad record cannot stall reconciliation (its webhook path quarantines it).
 */
export async function poll(ctx: ConnectorContext, cursor: string | null, opts: { locationIds?: string[]; pageSize?: number }): Promise<PollResult> {
  const state = readCursor(cursor, ctx.clock.now());
  const until = state.until ?? ctx.clock.now().toISOString();
  const locations = state.locations ?? opts.locationIds ?? (await activeLocations(ctx));
  const next = (since: string): PollResult => ({ events: [], cursor: JSON.stringify({ since, group: 0 } satisfies PollCursor), hasMore: false });
  if (locations.length === 0) return next(state.since);
  const group = locations.slice(state.group * LOCATIONS_PER_QUERY, (state.group + 1) * LOCATIONS_PER_QUERY);
  const limit = Math.min(MAX_PAGE, Math.max(1, opts.pageSize ?? DEFAULT_PAGE));
  // https://developer.squareup.com/reference/square/orders-api/search-orders (sort_field must match the date filter)
  const res = await ctx.http.send({
    method: "POST",
    url: "/v2/orders/search",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      location_ids: group,
      limit,
      ...(state.cursor ? { cursor: state.cursor } : {}),
      query: {
        filter: { date_time_filter: { updated_at: { start_at: state.since, end_at: until } }, state_filter: { states: STATES } },
        sort: { sort_field: "UPDATED_AT", sort_order: "ASC" },
      },
    }),
  });
  const body = parsePayload(SearchOrdersResponse, res.json(), "SearchOrders response");
  const events: CanonicalEvent[] = [];
  for (const raw of body.orders ?? []) {
    try {
      events.push(...normalizeOrder(raw, ctx.connection.id));
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("square poll: order skipped", { reason: err.message, id: (raw as { id?: unknown } | null)?.id });
    }
  }
  const sweep = { since: state.since, until, locations };
  if (body.cursor) {
    return { events, cursor: JSON.stringify({ ...sweep, group: state.group, cursor: body.cursor } satisfies PollCursor), hasMore: true };
  }
  if ((state.group + 1) * LOCATIONS_PER_QUERY < locations.length) {
    return { events, cursor: JSON.stringify({ ...sweep, group: state.group + 1 } satisfies PollCursor), hasMore: true };
  }
  const since = new Date(Math.max(Date.parse(state.since), Date.parse(until) - OVERLAP_MS)).toISOString();
  return { ...next(since), events };
}
