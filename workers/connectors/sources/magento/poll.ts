// Sweeping GET /V1/orders by updated_at with searchCriteria (keyset over updated_at and entity_id), with the credit
// memos and shipments of each page; fetching one order.
import { z } from "zod";
import type { ConnectorContext, PollResult } from "../../../../shared/connector/contract";
import { ConnectorError, NormalizeError } from "../../../../shared/connector/errors";
import type { CanonicalEvent } from "../../../../shared/model/order";
import { magentoTime, normalizeOrder, parsePayload, type OrderExtras } from "./normalize";
import * as S from "./schemas";

/** Orders updated this long before the newest one seen are read again next sweep (clock skew, late commits). */
export const OVERLAP_MS = 5 * 60_000;
export const MAX_PAGE = 100;

export interface PollSettings {
  storeCode: string;
  pageSize: number;
  lookbackDays: number;
}

/**
 * The sweep's position. Each page asks for (updated_at > since) OR (updated_at = since AND entity_id > afterId),
 * written as two AND-ed filter groups: [updated_at gteq since] and [updated_at gt since | entity_id gt afterId]
 * (filters in one group are OR-ed). currentPage stays 1, so Magento's "a page beyond the last returns the last page
 * again" never bites and an order updated mid-sweep cannot shift another out of the window.
 */
export const PollCursor = z.object({
  start: z.string(),
  since: z.string(),
  afterId: z.string().optional(),
  newest: z.number().optional(),
});
export type PollCursor = z.infer<typeof PollCursor>;

/** Magento's UTC timestamp form for filters: "2024-01-01 00:00:00". */
export function magentoFilterTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

type Filter = { field: string; value: string; condition: string };

/** https://developer.adobe.com/commerce/webapi/rest/use-rest/performing-searches/ (searchCriteria query syntax). */
export function searchCriteria(groups: Filter[][], sort: { field: string; direction: "ASC" | "DESC" }[], pageSize: number, currentPage = 1): string {
  const q = new URLSearchParams();
  groups.forEach((filters, g) =>
    filters.forEach((f, i) => {
      const p = `searchCriteria[filter_groups][${g}][filters][${i}]`;
      q.set(`${p}[field]`, f.field);
      q.set(`${p}[value]`, f.value);
      q.set(`${p}[condition_type]`, f.condition);
    }),
  );
  sort.forEach((s, i) => {
    q.set(`searchCriteria[sortOrders][${i}][field]`, s.field);
    q.set(`searchCriteria[sortOrders][${i}][direction]`, s.direction);
  });
  q.set("searchCriteria[pageSize]", String(pageSize));
  q.set("searchCriteria[currentPage]", String(currentPage));
  return q.toString();
}

function readCursor(cursor: string | null, now: Date, s: PollSettings): PollCursor {
  if (cursor === null) {
    const start = magentoFilterTime(now.getTime() - s.lookbackDays * 86_400_000);
    return { start, since: start };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const r = PollCursor.safeParse(parsed);
  if (!r.success) throw new ConnectorError({ kind: "permanent", message: `invalid Magento poll cursor: ${cursor}`, vendorCode: "bad_cursor" });
  return r.data;
}

async function search(ctx: ConnectorContext, s: PollSettings, resource: string, query: string): Promise<{ items: unknown[]; total: number }> {
  const res = await ctx.http.send({ method: "GET", url: `/rest/${s.storeCode}/V1/${resource}?${query}` });
  const body = parsePayload(S.SearchResult, res.json(), `${resource} search result`);
  return { items: body.items, total: body.total_count };
}

/**
 * Credit memos of the orders that refunded anything and shipments of those that shipped anything: one `in` search
 * each (GET /V1/creditmemos, GET /V1/shipments), only when some order of the page needs it.
 */
async function extrasFor(ctx: ConnectorContext, s: PollSettings, orders: S.Order[]): Promise<OrderExtras> {
  const refunded = orders.filter((o) => o.total_refunded > 0 || o.state === "closed").map((o) => o.entity_id);
  const shipped = orders.filter((o) => o.items.some((i) => i.qty_shipped > 0)).map((o) => o.entity_id);
  const byOrders = (ids: string[]) => searchCriteria([[{ field: "order_id", value: ids.join(","), condition: "in" }]], [{ field: "entity_id", direction: "ASC" }], 300);
  const memos = refunded.length > 0 ? (await search(ctx, s, "creditmemos", byOrders(refunded))).items : [];
  const ships = shipped.length > 0 ? (await search(ctx, s, "shipments", byOrders(shipped))).items : [];
  return {
    creditmemos: memos.map((m) => parsePayload(S.Creditmemo, m, "creditmemo")),
    shipments: ships.map((m) => parsePayload(S.Shipment, m, "shipment")),
  };
}

/** Orders → events, with their memos and shipments; an order that does not normalize is logged and skipped. */
async function toEvents(ctx: ConnectorContext, s: PollSettings, records: unknown[]): Promise<CanonicalEvent[]> {
  const parsed: { raw: unknown; order: S.Order }[] = [];
  for (const raw of records) {
    try {
      parsed.push({ raw, order: parsePayload(S.Order, raw, "order") });
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("magento poll: order skipped", { reason: err.message, id: (raw as { entity_id?: unknown } | null)?.entity_id });
    }
  }
  if (parsed.length === 0) return [];
  const extras = await extrasFor(ctx, s, parsed.map((p) => p.order));
  const events: CanonicalEvent[] = [];
  for (const { raw, order } of parsed) {
    try {
      events.push(normalizeOrder(raw, ctx.connection.id, extras));
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("magento poll: order skipped", { reason: err.message, id: order.entity_id, increment_id: order.increment_id });
    }
  }
  return events;
}

/**
 * One page of orders with updated_at ≥ the cursor, oldest first (GET /rest/<store>/V1/orders; `total_count` says
 * whether more remain). A connection's first sweep reaches back `lookbackDays`; a finished sweep restarts OVERLAP_MS
 * before the newest updated_at seen.
 */
export async function poll(ctx: ConnectorContext, cursor: string | null, s: PollSettings): Promise<PollResult> {
  const state = readCursor(cursor, ctx.clock.now(), s);
  const limit = Math.min(MAX_PAGE, Math.max(1, s.pageSize));
  const groups: Filter[][] = [[{ field: "updated_at", value: state.since, condition: "gteq" }]];
  if (state.afterId !== undefined) {
    groups.push([
      { field: "updated_at", value: state.since, condition: "gt" },
      { field: "entity_id", value: state.afterId, condition: "gt" },
    ]);
  }
  // https://developer.adobe.com/commerce/webapi/rest/tutorials/orders/ — GET /V1/orders with searchCriteria
  const page = await search(ctx, s, "orders", searchCriteria(groups, [{ field: "updated_at", direction: "ASC" }, { field: "entity_id", direction: "ASC" }], limit));
  const stamps = page.items.map((r) => {
    const o = r as { updated_at?: unknown; entity_id?: unknown } | null;
    return typeof o?.updated_at === "string" ? { at: o.updated_at, id: String(o.entity_id) } : undefined;
  });
  const times = stamps.flatMap((t) => (t ? [magentoTime(t.at)] : []));
  const newest = Math.max(state.newest ?? Number.NEGATIVE_INFINITY, ...times);
  const events = await toEvents(ctx, s, page.items);
  const last = stamps[stamps.length - 1];
  if (page.total > page.items.length && last) {
    const next: PollCursor = { start: state.start, since: last.at, afterId: last.id, newest: Number.isFinite(newest) ? newest : undefined };
    return { events, cursor: JSON.stringify(next), hasMore: true };
  }
  const startMs = magentoTime(state.start);
  const from = Number.isFinite(newest) ? magentoFilterTime(Math.max(startMs, newest - OVERLAP_MS)) : state.start;
  return { events, cursor: JSON.stringify({ start: from, since: from } satisfies PollCursor), hasMore: false };
}

/** GET /rest/<store>/V1/orders/{id} (SalesOrderRepositoryInterface::get). */
export async function fetchOrder(ctx: ConnectorContext, s: PollSettings, id: string): Promise<CanonicalEvent[]> {
  if (!/^\d+$/.test(id)) throw new ConnectorError({ kind: "permanent", message: `"${id}" is not a Magento order entity_id` });
  const res = await ctx.http.send({ method: "GET", url: `/rest/${s.storeCode}/V1/orders/${id}` });
  const raw = res.json();
  const order = parsePayload(S.Order, raw, "order");
  return [normalizeOrder(raw, ctx.connection.id, await extrasFor(ctx, s, [order]))];
}
