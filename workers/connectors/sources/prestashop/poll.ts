// Sweeping /api/orders by date_upd (limit=offset,n pages, JSON or XML output), with the slips, payments and carriers
// of each page, and the shop's own currency and order-state ids.
import { z } from "zod";
import type { ConnectorContext, PollResult } from "../../../../shared/connector/contract";
import { ConnectorError, NormalizeError } from "../../../../shared/connector/errors";
import type { CanonicalEvent } from "../../../../shared/model/order";
import { normalizeOrder, parsePayload, type OrderExtras, type ShopContext } from "./normalize";
import * as S from "./schemas";
import { identify, meaningOfFlags, STATE_MEANING, type StateMeaning, type SymbolicState } from "./states";
import { fromShopTime, toShopTime } from "./time";
import { xmlList, xmlOne } from "./xml";

/** Orders updated this long before the newest one seen are read again next sweep (clock skew, late commits). */
export const OVERLAP_MS = 5 * 60_000;
export const MAX_PAGE = 100;
/** The far end of the date_upd interval (sources.md §9 example). */
const FAR_FUTURE = "2100-01-01 00:00:00";

export interface PollSettings {
  outputFormat: "JSON" | "XML";
  timeZone: string;
  pageSize: number;
  lookbackDays: number;
  shopId?: string;
  currencies?: Record<string, string>;
  orderStates?: Record<string, SymbolicState>;
}

/** The sweep's position: date_upd ≥ `since`, skipping `skip` rows already read at exactly that instant (keyset). */
export const PollCursor = z.object({
  start: z.string(),
  since: z.string(),
  skip: z.number().int().nonnegative(),
  newest: z.number().optional(),
});
export type PollCursor = z.infer<typeof PollCursor>;

/** One webservice list; the output format is asked for with output_format=JSON (XML when absent). */
async function list(ctx: ConnectorContext, s: PollSettings, resource: string, listNode: string, itemNode: string, params: Record<string, string>): Promise<unknown[]> {
  // https://devdocs.prestashop-project.org/8/webservice/tutorials/advanced-use/additional-list-parameters/
  const res = await ctx.http.send({ method: "GET", url: `/api/${resource}`, query: { ...params, ...(s.outputFormat === "JSON" ? { output_format: "JSON" } : {}) } });
  return s.outputFormat === "JSON" ? S.jsonList(res.json(), listNode) : xmlList(res.text, listNode, itemNode);
}

/** The shop's currencies and order states, from the connection config or the webservice (ids are per install). */
export async function shopContext(ctx: ConnectorContext, s: PollSettings): Promise<ShopContext> {
  let currencies = s.currencies;
  if (!currencies) {
    const rows = await list(ctx, s, "currencies", "currencies", "currency", { display: "[id,iso_code]" });
    currencies = Object.fromEntries(rows.map((r) => parsePayload(S.Currency, r, "currency")).map((c) => [c.id, c.iso_code]));
  }
  let states: Record<string, StateMeaning>;
  if (s.orderStates) {
    states = Object.fromEntries(Object.entries(s.orderStates).map(([id, sym]) => [id, STATE_MEANING[sym]]));
  } else {
    const rows = await list(ctx, s, "order_states", "order_states", "order_state", { display: "full" });
    states = Object.fromEntries(
      rows.map((r) => parsePayload(S.OrderState, r, "order_state")).map((st) => {
        const sym = identify(st);
        return [st.id, sym ? STATE_MEANING[sym] : meaningOfFlags(st)];
      }),
    );
  }
  return { connectionId: ctx.connection.id, currencies, states, timeZone: s.timeZone };
}

/** Credit slips, payments and carriers of the given orders: one filtered list request each (`[a|b|c]` = OR). */
async function extrasFor(ctx: ConnectorContext, s: PollSettings, orders: S.Order[]): Promise<OrderExtras> {
  if (orders.length === 0) return { slips: [], payments: [], carriers: [] };
  const ids = `[${orders.map((o) => o.id).join("|")}]`;
  const refs = orders.map((o) => o.reference).filter((r) => /^[A-Za-z0-9]+$/.test(r));
  const slips = await list(ctx, s, "order_slip", "order_slips", "order_slip", { display: "full", "filter[id_order]": ids });
  const payments = refs.length > 0 ? await list(ctx, s, "order_payments", "order_payments", "order_payment", { display: "full", "filter[order_reference]": `[${refs.join("|")}]` }) : [];
  const carriers = await list(ctx, s, "order_carriers", "order_carriers", "order_carrier", { display: "full", "filter[id_order]": ids });
  return {
    slips: slips.map((r) => parsePayload(S.OrderSlip, r, "order_slip")),
    payments: payments.map((r) => parsePayload(S.OrderPayment, r, "order_payment")),
    carriers: carriers.map((r) => parsePayload(S.OrderCarrier, r, "order_carrier")),
  };
}

/** Orders → events, with their extras; one that does not normalize is logged and skipped so the sweep goes on. */
async function toEvents(ctx: ConnectorContext, s: PollSettings, records: unknown[]): Promise<CanonicalEvent[]> {
  const parsed: { raw: unknown; order: S.Order }[] = [];
  for (const raw of records) {
    try {
      parsed.push({ raw, order: parsePayload(S.Order, raw, "order") });
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("prestashop poll: order skipped", { reason: err.message, id: (raw as { id?: unknown } | null)?.id });
    }
  }
  if (parsed.length === 0) return [];
  const shop = await shopContext(ctx, s);
  const extras = await extrasFor(ctx, s, parsed.map((p) => p.order));
  const events: CanonicalEvent[] = [];
  for (const { raw, order } of parsed) {
    try {
      events.push(normalizeOrder(raw, shop, extras));
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("prestashop poll: order skipped", { reason: err.message, id: order.id, reference: order.reference });
    }
  }
  return events;
}

function readCursor(cursor: string | null, now: Date, s: PollSettings): PollCursor {
  if (cursor === null) {
    const start = toShopTime(now.getTime() - s.lookbackDays * 86_400_000, s.timeZone);
    return { start, since: start, skip: 0 };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const r = PollCursor.safeParse(parsed);
  if (!r.success) throw new ConnectorError({ kind: "permanent", message: `invalid PrestaShop poll cursor: ${cursor}`, vendorCode: "bad_cursor" });
  return r.data;
}

/**
 * One page of orders with date_upd ≥ the cursor, oldest first:
 * `GET /api/orders?display=full&filter[date_upd]=[from,to]&date=1&sort=[date_upd_ASC,id_ASC]&limit=offset,n`.
 * The webservice gives no total, so a full page means another may follow. Pages are keyset-style (see PollCursor);
 * a connection's first sweep reaches back `lookbackDays`; a finished sweep restarts OVERLAP_MS before the newest seen.
 */
export async function poll(ctx: ConnectorContext, cursor: string | null, s: PollSettings): Promise<PollResult> {
  const state = readCursor(cursor, ctx.clock.now(), s);
  const limit = Math.min(MAX_PAGE, Math.max(1, s.pageSize));
  const records = await list(ctx, s, "orders", "orders", "order", {
    display: "full",
    "filter[date_upd]": `[${state.since},${FAR_FUTURE}]`,
    date: "1",
    sort: "[date_upd_ASC,id_ASC]",
    limit: `${state.skip},${limit}`,
    ...(s.shopId ? { "filter[id_shop]": `[${s.shopId}]` } : {}),
  });
  const stamps = records.map((r) => {
    const d = (r as { date_upd?: unknown } | null)?.date_upd;
    return typeof d === "string" ? d : undefined;
  });
  const times = stamps.flatMap((t) => (t ? [fromShopTime(t, s.timeZone)] : []));
  const newest = Math.max(state.newest ?? Number.NEGATIVE_INFINITY, ...times);
  const events = await toEvents(ctx, s, records);
  if (records.length === limit) {
    const last = stamps[stamps.length - 1];
    const sinceMs = fromShopTime(state.since, s.timeZone);
    const lastMs = last ? fromShopTime(last, s.timeZone) : sinceMs;
    const next: PollCursor =
      lastMs > sinceMs
        ? { start: state.start, since: last!, skip: times.filter((t) => t === lastMs).length, newest: Number.isFinite(newest) ? newest : undefined }
        : { start: state.start, since: state.since, skip: state.skip + records.length, newest: Number.isFinite(newest) ? newest : undefined };
    return { events, cursor: JSON.stringify(next), hasMore: true };
  }
  const startMs = fromShopTime(state.start, s.timeZone);
  const from = Number.isFinite(newest) ? toShopTime(Math.max(startMs, newest - OVERLAP_MS), s.timeZone) : state.start;
  return { events, cursor: JSON.stringify({ start: from, since: from, skip: 0 } satisfies PollCursor), hasMore: false };
}

/** GET /api/orders/{id} (https://devdocs.prestashop-project.org/8/webservice/resources/orders/). */
export async function fetchOrder(ctx: ConnectorContext, s: PollSettings, id: string): Promise<CanonicalEvent[]> {
  if (!/^\d+$/.test(id)) throw new ConnectorError({ kind: "permanent", message: `"${id}" is not a PrestaShop order id` });
  const res = await ctx.http.send({ method: "GET", url: `/api/orders/${id}`, query: s.outputFormat === "JSON" ? { output_format: "JSON" } : {} });
  const raw = s.outputFormat === "JSON" ? (res.json() as { order?: unknown }).order : xmlOne(res.text, "order");
  const order = parsePayload(S.Order, raw, "order");
  const shop = await shopContext(ctx, s);
  return [normalizeOrder(raw, shop, await extrasFor(ctx, s, [order]))];
}
