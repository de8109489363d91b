// Fetching one order and sweeping orders by date_modified_gmt, keyset-paged, with refunds read from /orders/{id}/refunds.
import { z } from "zod";
import type { ConnectorContext, PollResult } from "../../../../shared/connector/contract";
import { ConnectorError, NormalizeError } from "../../../../shared/connector/errors";
import type { CanonicalEvent, Refund } from "../../../../shared/model/order";
import { API_BASE } from "./http";
import { normalizeOrder, normalizeRefund, parsePayload } from "./normalize";
import * as S from "./schemas";

/** Orders modified this long before the newest one seen are read again next sweep (clock skew, late commits). */
export const OVERLAP_MS = 5 * 60_000;
/** Where a connection's first sweep starts: recent history only. */
export const FIRST_SWEEP_LOOKBACK_MS = 24 * 60 * 60_000;
/** per_page is capped at 100 by the WP REST collection schema. */
export const MAX_PAGE = 100;

export const PollCursor = z.object({
  /** Exclusive lower bound on date_modified_gmt ("2017-03-22T19:28:08", UTC). */
  modifiedAfter: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
  /** Page within `modifiedAfter`, only past 1 when a whole page shares one second. */
  page: z.number().int().positive().default(1),
  /** The sweep in progress: the bound it started from (the next sweep restarts from its newest, minus the overlap). */
  sweepFrom: z.string().optional(),
});
export type PollCursor = z.infer<typeof PollCursor>;

function wcTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

function readCursor(cursor: string | null, now: Date): PollCursor {
  if (cursor === null) return { modifiedAfter: wcTime(now.getTime() - FIRST_SWEEP_LOOKBACK_MS), page: 1 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const r = PollCursor.safeParse(parsed);
  if (!r.success) throw new ConnectorError({ kind: "permanent", message: `invalid WooCommerce poll cursor: ${cursor}`, vendorCode: "bad_cursor" });
  return r.data;
}

/** https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-refunds */
async function refundsOf(ctx: ConnectorContext, order: S.Order): Promise<Refund[]> {
  const res = await ctx.http.send({ method: "GET", url: `${API_BASE}/orders/${order.id}/refunds`, query: { per_page: MAX_PAGE } });
  const list = parsePayload(z.array(z.unknown()), res.json(), "GET refunds");
  return list.map((r) => normalizeRefund(r, order));
}

/** The order, with its refunds read in full when it has any (the refunds[] summary carries no date nor lines). */
async function orderEvent(ctx: ConnectorContext, raw: unknown): Promise<CanonicalEvent> {
  const order = parsePayload(S.Order, raw, "Order");
  const refunds = order.refunds.length > 0 ? await refundsOf(ctx, order) : undefined;
  return normalizeOrder(raw, "order.updated", ctx.connection.id, refunds);
}

/** https://woocommerce.github.io/woocommerce-rest-api-docs/#retrieve-an-order (a trashed order is still readable). */
export async function fetchOrder(ctx: ConnectorContext, sourceOrderId: string): Promise<CanonicalEvent[]> {
  if (!/^\d+$/.test(sourceOrderId)) throw new ConnectorError({ kind: "permanent", message: `"${sourceOrderId}" is not a WooCommerce order id` });
  const res = await ctx.http.send({ method: "GET", url: `${API_BASE}/orders/${sourceOrderId}` });
  return [await orderEvent(ctx, res.json())];
}

/**
 * One page of orders modified after the cursor, oldest first. The sweep is keyset-paged on date_modified_gmt
 * (modified_after is exclusive): each next page starts one second before the newest order read, so orders that move
 * while the sweep runs are never skipped the way offset pages would skip them. Only when a full page shares a
 * single second does it page within that second. When a page comes back short the sweep is done and the next one
 * starts OVERLAP_MS before the newest order seen. An order that does not normalize is logged and skipped.
 */
export async function poll(ctx: ConnectorContext, cursor: string | null, pageSize = MAX_PAGE): Promise<PollResult> {
  const state = readCursor(cursor, ctx.clock.now());
  const perPage = Math.min(MAX_PAGE, Math.max(1, pageSize));
  // https://woocommerce.github.io/woocommerce-rest-api-docs/#list-all-orders (modified_after, dates_are_gmt, orderby=modified)
  const res = await ctx.http.send({
    method: "GET",
    url: `${API_BASE}/orders`,
    query: {
      modified_after: state.modifiedAfter,
      dates_are_gmt: "true",
      orderby: "modified",
      order: "asc",
      status: "any",
      per_page: perPage,
      page: state.page,
    },
  });
  const list = parsePayload(z.array(z.unknown()), res.json(), "GET orders");
  const events: CanonicalEvent[] = [];
  let newest = "";
  for (const raw of list) {
    const modified = S.OrderRef.safeParse(raw);
    if (modified.success && modified.data.date_modified_gmt && modified.data.date_modified_gmt > newest) newest = modified.data.date_modified_gmt;
    try {
      events.push(await orderEvent(ctx, raw));
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("woocommerce poll: order skipped", { reason: err.message, id: (raw as { id?: unknown } | null)?.id });
    }
  }
  const sweepFrom = state.sweepFrom ?? state.modifiedAfter;
  const totalPages = Number(res.headers.get("x-wp-totalpages") ?? "0");
  const full = list.length >= perPage && totalPages > state.page;
  if (full && newest) {
    const next = wcTime(Date.parse(`${newest}Z`) - 1000);
    const cursorOut: PollCursor = next > state.modifiedAfter ? { modifiedAfter: next, page: 1, sweepFrom } : { modifiedAfter: state.modifiedAfter, page: state.page + 1, sweepFrom };
    return { events, cursor: JSON.stringify(cursorOut), hasMore: true };
  }
  const from = newest ? Date.parse(`${newest}Z`) - OVERLAP_MS : Date.parse(`${state.modifiedAfter}Z`);
  const modifiedAfter = wcTime(Math.max(Date.parse(`${sweepFrom}Z`), from));
  return { events, cursor: JSON.stringify({ modifiedAfter, page: 1 } satisfies PollCursor), hasMore: false };
}
