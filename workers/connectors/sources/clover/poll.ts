// Fetching one Clover order (notifications carry only ids) and the modifiedTime sweep Clover's unreliable webhooks require.
import { z } from "zod";
import type { ConnectorContext, PollResult } from "../../../../shared/connector/contract";
import { ConnectorError, NormalizeError } from "../../../../shared/connector/errors";
import type { CanonicalEvent } from "../../../../shared/model/order";
import { normalizeOrder, parsePayload } from "./normalize";
import { OrderList } from "./schemas";

/** The collections an order is read with (https://docs.clover.com/docs/expanding-fields). */
export const EXPAND = "lineItems,payments,refunds,credits,discounts";
/** Orders modified this long before a sweep's end are read again by the next one. */
export const OVERLAP_MS = 5 * 60_000;
export const FIRST_SWEEP_LOOKBACK_MS = 24 * 60 * 60_000;
/** Orders and payments queries may span at most 90 days (https://docs.clover.com/docs/limits-added-to-calls-to-payments-and-orders-endpoints). */
export const MAX_WINDOW_MS = 90 * 24 * 60 * 60_000;
/** limit defaults to 100, at most 1000 (https://docs.clover.com/docs/paginating-elements). */
export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 1000;

export const PollCursor = z.object({
  /** modifiedTime window of the sweep, epoch ms, both ends inclusive. */
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative().optional(),
  offset: z.number().int().nonnegative().default(0),
});
export type PollCursor = z.infer<typeof PollCursor>;

function merchantPath(merchantId: string): string {
  if (!/^[A-Za-z0-9]+$/.test(merchantId)) throw new ConnectorError({ kind: "permanent", message: `"${merchantId}" is not a Clover merchant id`, vendorCode: "bad_config" });
  return `/v3/merchants/${merchantId}`;
}

/**
 * https://docs.clover.com/dev/reference/ordergetorder — the order with its collections. A 404 means the order was
 * deleted, or belongs to another merchant of the same app (one webhook URL serves them all): nothing to ingest.
 */
export async function fetchOrder(ctx: ConnectorContext, sourceOrderId: string, merchantId: string): Promise<CanonicalEvent[]> {
  if (!/^[A-Za-z0-9]+$/.test(sourceOrderId)) throw new ConnectorError({ kind: "permanent", message: `"${sourceOrderId}" is not a Clover order id` });
  let res;
  try {
    res = await ctx.http.send({ method: "GET", url: `${merchantPath(merchantId)}/orders/${sourceOrderId}`, query: { expand: EXPAND } });
  } catch (err) {
    if (!(err instanceof ConnectorError) || err.status !== 404) throw err;
    ctx.log.warn("clover: order not found for this merchant (deleted, or another merchant's)", { order: sourceOrderId, merchant: merchantId });
    return [];
  }
  return [normalizeOrder(res.json(), ctx.connection.id, merchantId)];
}

function readCursor(cursor: string | null, now: Date): PollCursor {
  if (cursor === null) return { from: now.getTime() - FIRST_SWEEP_LOOKBACK_MS, offset: 0 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const r = PollCursor.safeParse(parsed);
  if (!r.success) throw new ConnectorError({ kind: "permanent", message: `invalid Clover poll cursor: ${cursor}`, vendorCode: "bad_cursor" });
  return r.data;
}

/**
 * One page of a sweep over modifiedTime ∈ [from, to], oldest first, limit + offset. `to` is fixed when the sweep
 * starts (now, or from + 90 days when the backlog is longer: the rest is the next window). Each page re-reads the last
 * tenth of the previous one, so orders modified mid-sweep (which leave the window and shift offsets) cannot push an
 * unread order past a page boundary; re-reads are harmless (the mesh dedups by content).
 */
export async function poll(ctx: ConnectorContext, cursor: string | null, opts: { merchantId: string; pageSize?: number }): Promise<PollResult> {
  const now = ctx.clock.now().getTime();
  const state = readCursor(cursor, ctx.clock.now());
  const to = state.to ?? Math.min(now, state.from + MAX_WINDOW_MS - 1);
  const limit = Math.min(MAX_PAGE, Math.max(1, opts.pageSize ?? DEFAULT_PAGE));
  // https://docs.clover.com/docs/applying-filters — repeated filter= parameters are ANDed.
  const url = new URL(ctx.http.resolve(`${merchantPath(opts.merchantId)}/orders`));
  url.searchParams.append("filter", `modifiedTime>=${state.from}`);
  url.searchParams.append("filter", `modifiedTime<=${to}`);
  url.searchParams.set("expand", EXPAND);
  url.searchParams.set("orderBy", "modifiedTime ASC");
  url.searchParams.set("limit", String(limit));
  url.searchParams.set("offset", String(state.offset));
  const res = await ctx.http.send({ method: "GET", url: url.toString() });
  const body = parsePayload(OrderList, res.json(), "order list");
  const elements = body.elements ?? [];
  const events: CanonicalEvent[] = [];
  for (const raw of elements) {
    try {
      events.push(normalizeOrder(raw, ctx.connection.id, opts.merchantId));
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("clover poll: order skipped", { reason: err.message, id: (raw as { id?: unknown } | null)?.id });
    }
  }
  if (elements.length === limit) {
    const step = Math.max(1, limit - Math.floor(limit / 10));
    return { events, cursor: JSON.stringify({ from: state.from, to, offset: state.offset + step } satisfies PollCursor), hasMore: true };
  }
  if (to - state.from === MAX_WINDOW_MS - 1 && to < now) {
    // The backlog was longer than the 90 days one query may span: carry on with the next window.
    return { events, cursor: JSON.stringify({ from: to + 1, offset: 0 } satisfies PollCursor), hasMore: true };
  }
  return { events, cursor: JSON.stringify({ from: Math.max(state.from, to - OVERLAP_MS), offset: 0 } satisfies PollCursor), hasMore: false };
}
