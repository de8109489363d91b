// Sweeping Sales by timeStamp through V3 cursor pagination (@attributes.next), fetching one Sale, resolving returns.
import { z } from "zod";
import type { ConnectorContext, PollResult } from "../../../../shared/connector/contract";
import { ConnectorError, NormalizeError } from "../../../../shared/connector/errors";
import type { CanonicalEvent } from "../../../../shared/model/order";
import { isReturn, normalizeReturn, normalizeSale, parsePayload, parseSale, type SaleContext } from "./normalize";
import { API_VERSION } from "./http";
import { SaleEnvelope, SaleLinesEnvelope, SalesEnvelope, type Sale } from "./schemas";

/** Sales updated this long before the newest one seen are read again next sweep (clock skew, late commits). */
export const OVERLAP_MS = 5 * 60_000;
/** Lightspeed returns at most 100 records per page (https://developers.lightspeedhq.com/retail/introduction/pagination/). */
export const MAX_PAGE = 100;
/** `IN` accepts at most 100 values per field (https://developers.lightspeedhq.com/retail/introduction/parameters/). */
const MAX_IN = 100;

/** Relations a Sale needs to become an order: lines (with item and discount), payments, customer, tax names. */
export const SALE_RELATIONS = ["SaleLines", "SaleLines.Item", "SaleLines.Discount", "SalePayments", "SalePayments.PaymentType", "Customer", "Customer.Contact", "TaxCategory"];

export const PollCursor = z.object({
  /** Lower bound (inclusive) of the sweep on Sale.timeStamp. */
  since: z.string(),
  /** While a sweep is between pages: the @attributes.next URL, followed unchanged. */
  next: z.string().optional(),
  /** Newest timeStamp seen so far in the sweep in progress. */
  newest: z.string().optional(),
});
export type PollCursor = z.infer<typeof PollCursor>;

export interface PollSettings {
  accountId: string;
  currency: string;
  pageSize: number;
  lookbackDays: number;
}

function salePath(accountId: string, file: string): string {
  return `/API/${API_VERSION}/Account/${accountId}/${file}`;
}

/** Lightspeed's timestamp form: ISO 8601 to the second with an offset (https://developers.lightspeedhq.com/retail/introduction/parameters/). */
export function lightspeedTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

function readCursor(cursor: string | null, now: Date, lookbackDays: number): PollCursor {
  if (cursor === null) return { since: lightspeedTime(now.getTime() - lookbackDays * 86_400_000) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = undefined;
  }
  const r = PollCursor.safeParse(parsed);
  if (!r.success || Number.isNaN(Date.parse(r.data.since))) {
    throw new ConnectorError({ kind: "permanent", message: `invalid Lightspeed poll cursor: ${cursor}`, vendorCode: "bad_cursor" });
  }
  return r.data;
}

/** The original sale of each return line's parent: GET SaleLine.json?saleLineID=IN,[…] (100 ids per request). */
async function parentSales(ctx: ConnectorContext, accountId: string, lineIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(lineIds)];
  for (let i = 0; i < unique.length; i += MAX_IN) {
    const chunk = unique.slice(i, i + MAX_IN);
    // https://developers.lightspeedhq.com/retail/endpoints/SaleLine/#get-all-sale-lines
    const res = await ctx.http.send({
      method: "GET",
      url: salePath(accountId, "SaleLine.json"),
      query: { saleLineID: `IN,[${chunk.join(",")}]`, limit: MAX_IN },
    });
    const body = parsePayload(SaleLinesEnvelope, res.json(), "SaleLine list");
    for (const l of body.SaleLine) out.set(l.saleLineID, l.saleID);
  }
  return out;
}

/**
 * Sales → events. Returns become refunds of the one sale their lines came from (looked up by parentSaleLineID);
 * a return whose lines come from several sales or none found stays a (negative) sale of its own. Open sales yield
 * nothing; a record that does not normalize is logged and skipped so one bad Sale cannot stall the sweep.
 */
export async function salesToEvents(ctx: ConnectorContext, settings: PollSettings, records: unknown[]): Promise<{ events: CanonicalEvent[]; newest: number }> {
  const sc: SaleContext = { connectionId: ctx.connection.id, currency: settings.currency };
  const events: CanonicalEvent[] = [];
  const returns: { sale: Sale; raw: unknown }[] = [];
  const plain: unknown[] = [];
  let newest = Number.NEGATIVE_INFINITY;
  for (const raw of records) {
    let sale: Sale;
    try {
      sale = parseSale(raw);
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("lightspeed poll: Sale skipped", { reason: err.message, saleID: (raw as { saleID?: unknown } | null)?.saleID });
      continue;
    }
    newest = Math.max(newest, Date.parse(sale.timeStamp));
    if (isReturn(sale) && sale.completed && !sale.voided) returns.push({ sale, raw });
    else if (isReturn(sale) && sale.voided) ctx.log.warn("lightspeed poll: voided return ignored", { saleID: sale.saleID });
    else plain.push(raw);
  }
  const parents = returns.length > 0 ? await parentSales(ctx, settings.accountId, returns.flatMap(({ sale }) => sale.SaleLines.map((l) => l.parentSaleLineID!))) : new Map<string, string>();
  for (const { sale, raw } of returns) {
    const origins = new Set(sale.SaleLines.map((l) => parents.get(l.parentSaleLineID!)));
    const origin = origins.size === 1 ? [...origins][0] : undefined;
    if (origin) {
      try {
        events.push(normalizeReturn(raw, origin, sc));
      } catch (err) {
        if (!(err instanceof NormalizeError)) throw err;
        ctx.log.error("lightspeed poll: return skipped", { reason: err.message, saleID: sale.saleID });
      }
      continue;
    }
    ctx.log.warn("lightspeed poll: return not tied to exactly one sale, kept as its own sale", { saleID: sale.saleID });
    plain.push(raw);
  }
  for (const raw of plain) {
    try {
      const event = normalizeSale(raw, sc);
      if (event) events.push(event);
    } catch (err) {
      if (!(err instanceof NormalizeError)) throw err;
      ctx.log.error("lightspeed poll: Sale skipped", { reason: err.message, saleID: (raw as { saleID?: unknown } | null)?.saleID });
    }
  }
  return { events, newest };
}

/**
 * One page of Sales with timeStamp ≥ the cursor, oldest first. A sweep follows @attributes.next unchanged; when it
 * ends, the next sweep starts OVERLAP_MS before the newest timeStamp seen. A connection's first sweep reaches back
 * `lookbackDays`, so a sale rung up just before the connection was made is found on the first run.
 */
export async function poll(ctx: ConnectorContext, cursor: string | null, settings: PollSettings): Promise<PollResult> {
  const state = readCursor(cursor, ctx.clock.now(), settings.lookbackDays);
  const limit = Math.min(MAX_PAGE, Math.max(1, settings.pageSize));
  // https://developers.lightspeedhq.com/retail/endpoints/Sale/#get-all-sales
  // https://developers.lightspeedhq.com/retail/introduction/parameters/ (timeStamp=>=,<ISO>; sort; load_relations)
  const res = state.next
    ? await ctx.http.send({ method: "GET", url: state.next })
    : await ctx.http.send({
        method: "GET",
        url: salePath(settings.accountId, "Sale.json"),
        query: { timeStamp: `>=,${state.since}`, sort: "timeStamp", limit, load_relations: JSON.stringify(SALE_RELATIONS) },
      });
  const body = parsePayload(SalesEnvelope, res.json(), "Sale list");
  const { events, newest: pageNewest } = await salesToEvents(ctx, settings, body.Sale);
  const previous = state.newest ? Date.parse(state.newest) : Number.NEGATIVE_INFINITY;
  const newest = Math.max(previous, pageNewest);
  const newestSeen = Number.isFinite(newest) ? lightspeedTime(newest) : undefined;
  const next = body["@attributes"]?.next;
  if (next) {
    return { events, cursor: JSON.stringify({ since: state.since, next, newest: newestSeen } satisfies PollCursor), hasMore: true };
  }
  const since = Number.isFinite(newest) ? lightspeedTime(Math.max(Date.parse(state.since), newest - OVERLAP_MS)) : state.since;
  return { events, cursor: JSON.stringify({ since } satisfies PollCursor), hasMore: false };
}

/** https://developers.lightspeedhq.com/retail/endpoints/Sale/#get-single-sale */
export async function fetchSale(ctx: ConnectorContext, settings: PollSettings, saleId: string): Promise<CanonicalEvent[]> {
  if (!/^\d+$/.test(saleId)) throw new ConnectorError({ kind: "permanent", message: `"${saleId}" is not a Lightspeed saleID` });
  const res = await ctx.http.send({
    method: "GET",
    url: salePath(settings.accountId, `Sale/${saleId}.json`),
    query: { load_relations: JSON.stringify(SALE_RELATIONS) },
  });
  const body = parsePayload(SaleEnvelope, res.json(), "Sale");
  const sale = parseSale(body.Sale);
  if (isReturn(sale)) return (await salesToEvents(ctx, settings, [body.Sale])).events;
  const event = normalizeSale(body.Sale, { connectionId: ctx.connection.id, currency: settings.currency });
  return event ? [event] : [];
}
