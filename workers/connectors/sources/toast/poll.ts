// Sweeping Toast orders by modification time through GET /orders/v2/ordersBulk (page/pageSize ≤ 100), window by window.
import { z } from "zod";
import type { ConnectorContext, PollResult } from "../../../../shared/connector/contract";
import { ConnectorError, NormalizeError } from "../../../../shared/connector/errors";
import type { CanonicalEvent } from "../../../../shared/model/order";
import { bearer, forgetToken } from "./http";
import { normalizeOrder, parsePayload } from "./normalize";

/** Orders modified this long before a sweep's end are read again by the next sweep (late commits, clock skew). */
export const OVERLAP_MS = 5 * 60_000;
export const FIRST_SWEEP_LOOKBACK_MS = 24 * 60 * 60_000;
/** Historical pulls must use windows of at most a month (https://doc.toasttab.com/doc/devguide/apiRateLimiting.html). */
export const MAX_WINDOW_MS = 30 * 24 * 60 * 60_000;
export const MAX_PAGE = 100;

export const PollCursor = z.object({
  /** Inclusive start of the modification window (ISO-8601). */
  start: z.string(),
  /** Exclusive end, fixed when a sweep begins so its pages read one window. */
  end: z.string().optional(),
  page: z.number().int().positive().default(1),
});
export type PollCursor = z.infer<typeof PollCursor>;

/** Toast wants milliseconds and a numeric offset: 2016-01-01T14:13:12.000+0000. */
export function toastTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

function readCursor(cursor: string | null, now: Date): PollCursor {
  if (cursor === null) return { start: toastTime(now.getTime() - FIRST_SWEEP_LOOKBACK_MS), page: 1 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const r = PollCursor.safeParse(parsed);
  if (!r.success || Number.isNaN(Date.parse(r.data.start))) {
    throw new ConnectorError({ kind: "permanent", message: `invalid Toast poll cursor: ${cursor}`, vendorCode: "bad_cursor" });
  }
  return r.data;
}

/**
 * One page of orders modified in [start, end) (https://doc.toasttab.com/openapi/orders/operation/ordersBulkGet: startDate
 * inclusive, endDate exclusive, on modifiedDate). A full page means another page of the same window; a short one ends
 * the window, and the next starts OVERLAP_MS before its end. A window catching up on old history is at most a month.
 */
export async function poll(
  ctx: ConnectorContext,
  cursor: string | null,
  opts: { currency: string; restaurantGuid: string; pageSize?: number },
): Promise<PollResult> {
  const now = ctx.clock.now().getTime();
  const state = readCursor(cursor, ctx.clock.now());
  const start = Date.parse(state.start);
  const end = state.end ? Date.parse(state.end) : Math.min(now, start + MAX_WINDOW_MS);
  // Nothing can have been modified in an empty window (the cursor is ahead of our clock): wait for the next run.
  if (end <= start) return { events: [], cursor: JSON.stringify({ start: state.start, page: 1 } satisfies PollCursor), hasMore: false };
  const pageSize = Math.min(MAX_PAGE, Math.max(1, opts.pageSize ?? MAX_PAGE));
  const token = await bearer(ctx);
  const res = await ctx.http
    .send({
      method: "GET",
      url: "/orders/v2/ordersBulk",
      headers: { Authorization: `Bearer ${token}` },
      query: { startDate: toastTime(start), endDate: toastTime(end), page: state.page, pageSize },
    })
    .catch((err: unknown) => {
      // A refused token (expired early, revoked) is dropped so the next run logs in again.
      if (err instanceof ConnectorError && err.kind === "auth") forgetToken(ctx);
      throw err;
    });
  const orders = parsePayload(z.array(z.unknown()), res.json(), "ordersBulk response");
  const events: CanonicalEvent[] = [];
  for (const raw of orders) {
    try {
      events.push(normalizeOrder(raw, "order.updated", ctx.connection.id, opts));
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("toast poll: order skipped", { reason: err.message, guid: (raw as { guid?: unknown } | null)?.guid });
    }
  }
  if (orders.length >= pageSize) {
    return { events, cursor: JSON.stringify({ start: state.start, end: toastTime(end), page: state.page + 1 } satisfies PollCursor), hasMore: true };
  }
  const next: PollCursor = { start: toastTime(Math.max(start, end - OVERLAP_MS)), page: 1 };
  // A window that stopped short of now (catching up month by month) is followed straight away.
  return { events, cursor: JSON.stringify(next), hasMore: end < now - OVERLAP_MS };
}
