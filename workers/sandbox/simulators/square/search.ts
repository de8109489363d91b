// SearchOrders semantics: ≤ 10 locations, limit ≤ 1000, one date filter whose field the sort must match, opaque cursors.
// https://developer.squareup.com/reference/square/orders-api/search-orders ; SearchOrdersRequest in ../shared/specs/square/api.json
import { validateAgainst } from "./openapi";
import { SimError } from "./lifecycle";
import type { SquareOrder } from "./records";

interface TimeRange {
  start_at?: string;
  end_at?: string;
}

export interface SearchRequest {
  location_ids?: string[];
  cursor?: string;
  limit?: number;
  return_entries?: boolean;
  query?: {
    filter?: {
      state_filter?: { states?: string[] };
      date_time_filter?: { created_at?: TimeRange; updated_at?: TimeRange; closed_at?: TimeRange };
      source_filter?: { source_names?: string[] };
      customer_filter?: { customer_ids?: string[] };
    };
    sort?: { sort_field?: string; sort_order?: string };
  };
}

const FIELD = { CREATED_AT: "created_at", UPDATED_AT: "updated_at", CLOSED_AT: "closed_at" } as const;

/** The cursor pins the query it pages through, where the next page starts, and the end_at Square filled in. */
interface Cursor {
  q: string;
  o: number;
  e?: string;
}

function encode(c: Cursor): string {
  return btoa(JSON.stringify(c)).replace(/=+$/, "");
}

function decode(token: string): Cursor {
  try {
    const c = JSON.parse(atob(token)) as Cursor;
    if (typeof c.q === "string" && Number.isInteger(c.o) && c.o >= 0) return c;
  } catch {
    // fall through
  }
  throw new SimError(400, "INVALID_CURSOR", "The pagination cursor is invalid.", "cursor");
}

function time(v: unknown): number {
  return typeof v === "string" ? Date.parse(v) : Number.NaN;
}

export interface SearchResult {
  orders?: SquareOrder[];
  order_entries?: Array<{ order_id: string; location_id: string; version?: number }>;
  cursor?: string;
}

export function searchOrders(all: SquareOrder[], req: SearchRequest, now: Date): SearchResult {
  const issues = validateAgainst("SearchOrdersRequest", req, "body");
  if (issues.length > 0) throw new SimError(400, "INVALID_VALUE", issues[0]!);
  const locations = req.location_ids ?? [];
  if (locations.length === 0) throw new SimError(400, "MISSING_REQUIRED_PARAMETER", "At least one location_id is required.", "location_ids");
  if (locations.length > 10) throw new SimError(400, "INVALID_VALUE", "At most 10 location_ids may be queried at once.", "location_ids");
  const limit = req.limit ?? 500;
  if (limit < 1 || limit > 1000) throw new SimError(400, "INVALID_VALUE", "limit must be between 1 and 1000.", "limit");
  const filter = req.query?.filter ?? {};
  const dates = Object.entries(filter.date_time_filter ?? {}).filter(([, r]) => r);
  if (dates.length > 1) throw new SimError(400, "INVALID_VALUE", "Only one date_time_filter field may be set.", "query.filter.date_time_filter");
  const sortField = req.query?.sort?.sort_field ?? "CREATED_AT";
  const field = FIELD[sortField as keyof typeof FIELD];
  if (!field) throw new SimError(400, "INVALID_ENUM_VALUE", `sort_field ${sortField} is not CREATED_AT, UPDATED_AT or CLOSED_AT.`, "query.sort.sort_field");
  const [dateField, range] = (dates[0] ?? []) as [string | undefined, TimeRange | undefined];
  if (dateField && dateField !== field) {
    throw new SimError(400, "INVALID_VALUE", `When filtering by ${dateField}, sort_field must be ${dateField.toUpperCase()}.`, "query.sort.sort_field");
  }
  const queryKey = JSON.stringify({ l: locations, q: req.query ?? null, r: !!req.return_entries });
  const cursor = req.cursor ? decode(req.cursor) : undefined;
  if (cursor && cursor.q !== queryKey) throw new SimError(400, "INVALID_CURSOR", "The cursor belongs to a different query; send the original query with it.", "cursor");
  // An absent end_at is the time of the first request for the cursor.
  const endAt = range ? (range.end_at ?? cursor?.e ?? now.toISOString()) : undefined;
  const start = range?.start_at ? time(range.start_at) : Number.NEGATIVE_INFINITY;
  const end = endAt ? time(endAt) : Number.POSITIVE_INFINITY;
  const states = filter.state_filter?.states;
  const sources = filter.source_filter?.source_names;
  const customers = filter.customer_filter?.customer_ids;
  const dir = (req.query?.sort?.sort_order ?? "DESC") === "ASC" ? 1 : -1;
  const rows = all
    .filter((o) => locations.includes(o.location_id))
    .filter((o) => !states || states.includes(o.state))
    .filter((o) => !sources || sources.includes(String((o.source as { name?: string } | undefined)?.name ?? "")))
    .filter((o) => !customers || customers.includes(String(o.customer_id ?? "")))
    .filter((o) => {
      if (!dateField) return true;
      const t = time(o[dateField]);
      return t >= start && t <= end;
    })
    .sort((a, b) => dir * ((time(a[field]) || 0) - (time(b[field]) || 0)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const offset = cursor?.o ?? 0;
  const page = rows.slice(offset, offset + limit);
  const more = offset + limit < rows.length;
  const out: SearchResult = req.return_entries
    ? { order_entries: page.map((o) => ({ order_id: o.id, location_id: o.location_id, ...(o.version !== undefined ? { version: o.version } : {}) })) }
    : { orders: page };
  if (more) out.cursor = encode({ q: queryKey, o: offset + limit, ...(endAt ? { e: endAt } : {}) });
  return out;
}
