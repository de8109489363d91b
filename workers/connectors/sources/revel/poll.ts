// Sweeping OrderAllInOne by updated_date (Tastypie limit/offset pages, meta.next) and fetching one order.
import { z } from "zod";
import type { ConnectorContext, PollResult } from "../../../../shared/connector/contract";
import { ConnectorError, NormalizeError } from "../../../../shared/connector/errors";
import type { CanonicalEvent } from "../../../../shared/model/order";
import { normalizeOrder, parsePayload, type RevelContext } from "./normalize";
import { ListEnvelope, OrderInfo } from "./schemas";
import { fromRevelTime, toRevelTime } from "./time";

/** Orders updated this long before the newest one seen are read again next sweep (clock skew, late commits). */
export const OVERLAP_MS = 5 * 60_000;
/** Page size cap for sweeps (Tastypie's own default is 20; Revel documents no maximum). */
export const MAX_PAGE = 200;

const RESOURCE = "/resources/OrderAllInOne/";

/**
 * The sweep's position. Pages are asked for keyset-style — updated_date ≥ `since`, skipping the `skip` rows already
 * read at exactly that instant — rather than by a growing offset, so an order updated mid-sweep (which moves to the
 * end of the updated_date order) cannot shift an unread one out of the window.
 */
export const PollCursor = z.object({
  /** Where the sweep in progress started (local establishment time, as Revel filters). */
  start: z.string(),
  /** Lower bound of the next page. */
  since: z.string(),
  /** Rows at exactly `since` already read. */
  skip: z.number().int().nonnegative(),
  /** Newest updated_date seen in the sweep (epoch ms). */
  newest: z.number().optional(),
});
export type PollCursor = z.infer<typeof PollCursor>;

export interface PollSettings extends Omit<RevelContext, "connectionId"> {
  pageSize: number;
  lookbackDays: number;
  establishmentId?: string;
}

function readCursor(cursor: string | null, now: Date, s: PollSettings): PollCursor {
  if (cursor === null) {
    const start = toRevelTime(now.getTime() - s.lookbackDays * 86_400_000, s.timeZone);
    return { start, since: start, skip: 0 };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const r = PollCursor.safeParse(parsed);
  if (!r.success) throw new ConnectorError({ kind: "permanent", message: `invalid Revel poll cursor: ${cursor}`, vendorCode: "bad_cursor" });
  return r.data;
}

/** Query string of one page; `order_by` repeats (updated_date, then id) so rows at one instant keep their order. */
function pageQuery(s: PollSettings, since: string, skip: number, limit: number): string {
  const q = new URLSearchParams({ format: "json", updated_date__gte: since, limit: String(limit), offset: String(skip) });
  q.append("order_by", "updated_date");
  q.append("order_by", "id");
  if (s.establishmentId) q.set("establishment", s.establishmentId);
  return q.toString();
}

/** Orders → events; an order that does not normalize is logged and skipped so one bad record cannot stall the sweep. */
function toEvents(ctx: ConnectorContext, s: PollSettings, records: unknown[]): CanonicalEvent[] {
  const events: CanonicalEvent[] = [];
  for (const raw of records) {
    try {
      const event = normalizeOrder(raw, { connectionId: ctx.connection.id, currency: s.currency, timeZone: s.timeZone });
      if (event) events.push(event);
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("revel poll: order skipped", { reason: err.message, id: (raw as { orderInfo?: { id?: unknown } } | null)?.orderInfo?.id });
    }
  }
  return events;
}

/**
 * One page of orders updated since the cursor, oldest first
 * (https://developer.revelsystems.com/revelsystems/docs/frequently-asked-questions: updated_date__gte, order_by, limit,
 * offset; Tastypie meta.next names the next page). A connection's first sweep reaches back `lookbackDays`; when a sweep
 * ends, the next starts OVERLAP_MS before the newest updated_date seen.
 */
export async function poll(ctx: ConnectorContext, cursor: string | null, s: PollSettings): Promise<PollResult> {
  const state = readCursor(cursor, ctx.clock.now(), s);
  const limit = Math.min(MAX_PAGE, Math.max(1, s.pageSize));
  const res = await ctx.http.send({ method: "GET", url: `${RESOURCE}?${pageQuery(s, state.since, state.skip, limit)}` });
  const body = parsePayload(ListEnvelope, res.json(), "OrderAllInOne list");
  const stamps = body.objects.map((o) => {
    const info = OrderInfo.pick({ updated_date: true }).safeParse((o as { orderInfo?: unknown } | null)?.orderInfo);
    return info.success ? info.data.updated_date : undefined;
  });
  const times = stamps.flatMap((t) => (t ? [fromRevelTime(t, s.timeZone)] : []));
  const newest = Math.max(state.newest ?? Number.NEGATIVE_INFINITY, ...times);
  const events = toEvents(ctx, s, body.objects);
  if (body.meta.next && body.objects.length > 0) {
    const last = stamps[stamps.length - 1];
    const since = last && fromRevelTime(last, s.timeZone) > fromRevelTime(state.since, s.timeZone) ? last : state.since;
    const atSince = stamps.filter((t) => t !== undefined && fromRevelTime(t, s.timeZone) === fromRevelTime(since, s.timeZone)).length;
    const skip = since === state.since ? state.skip + body.objects.length : atSince;
    const next: PollCursor = { start: state.start, since, skip, newest: Number.isFinite(newest) ? newest : undefined };
    return { events, cursor: JSON.stringify(next), hasMore: true };
  }
  const startMs = fromRevelTime(state.start, s.timeZone);
  const from = Number.isFinite(newest) ? toRevelTime(Math.max(startMs, newest - OVERLAP_MS), s.timeZone) : state.start;
  return { events, cursor: JSON.stringify({ start: from, since: from, skip: 0 } satisfies PollCursor), hasMore: false };
}

/** GET /resources/OrderAllInOne/{id}/ (https://developer.revelsystems.com/revelsystems/docs/frequently-asked-questions). */
export async function fetchOrder(ctx: ConnectorContext, s: PollSettings, id: string): Promise<CanonicalEvent[]> {
  if (!/^\d+$/.test(id)) throw new ConnectorError({ kind: "permanent", message: `"${id}" is not a Revel order id` });
  const res = await ctx.http.send({ method: "GET", url: `${RESOURCE}${id}/`, query: { format: "json" } });
  const event = normalizeOrder(res.json(), { connectionId: ctx.connection.id, currency: s.currency, timeZone: s.timeZone });
  return event ? [event] : [];
}
