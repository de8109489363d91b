// GET /orders.json and /orders/count.json semantics: filters, sort order, and opaque Link-header page_info cursors.
// https://shopify.dev/docs/api/admin-rest/2024-04/resources/order#get-orders?status=any
// https://shopify.dev/docs/api/admin-rest/usage/pagination
import { z } from "zod";
import { SimError } from "./lifecycle";
import type { ShopifyOrder } from "./records";

const FILTERS = [
  "status",
  "ids",
  "since_id",
  "created_at_min",
  "created_at_max",
  "updated_at_min",
  "updated_at_max",
  "processed_at_min",
  "processed_at_max",
  "financial_status",
  "fulfillment_status",
  "order",
] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

const SORT_FIELDS = ["created_at", "updated_at", "processed_at", "id"] as const;
type SortField = (typeof SORT_FIELDS)[number];

/** What a page_info token holds: the query it pages through and the edge of the page it came from. */
const PageInfo = z.object({
  q: z.record(z.string(), z.string()),
  d: z.enum(["next", "prev"]),
  v: z.number(),
  i: z.number(),
});
type PageInfo = z.infer<typeof PageInfo>;

function encode(p: PageInfo): string {
  return btoa(JSON.stringify(p)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decode(token: string): PageInfo {
  try {
    const json = atob(token.replace(/-/g, "+").replace(/_/g, "/"));
    return PageInfo.parse(JSON.parse(json));
  } catch {
    // UNVERIFIED exact body; Shopify answers a bad page_info with 400.
    throw new SimError(400, { page_info: "Invalid value." });
  }
}

function time(v: unknown): number {
  return typeof v === "string" ? Date.parse(v) : Number.NaN;
}

function within(value: unknown, min: string | undefined, max: string | undefined): boolean {
  const t = time(value);
  if (min !== undefined && !(t >= Date.parse(min))) return false;
  if (max !== undefined && !(t <= Date.parse(max))) return false;
  return true;
}

function matches(o: ShopifyOrder, f: Filters): boolean {
  const status = f.status ?? "open";
  if (status === "open" && (o.closed_at || o.cancelled_at)) return false;
  if (status === "closed" && !o.closed_at) return false;
  if (status === "cancelled" && !o.cancelled_at) return false;
  if (f.ids && !f.ids.split(",").map((s) => s.trim()).includes(String(o.id))) return false;
  if (f.since_id && !(o.id > Number(f.since_id))) return false;
  if (!within(o.created_at, f.created_at_min, f.created_at_max)) return false;
  if (!within(o.updated_at, f.updated_at_min, f.updated_at_max)) return false;
  if ((f.processed_at_min || f.processed_at_max) && !within(o.processed_at, f.processed_at_min, f.processed_at_max)) return false;
  const fin = f.financial_status;
  if (fin && fin !== "any") {
    const unpaid = ["pending", "authorized", "partially_paid"];
    if (fin === "unpaid" ? !unpaid.includes(o.financial_status ?? "pending") : o.financial_status !== fin) return false;
  }
  const ful = f.fulfillment_status;
  if (ful && ful !== "any") {
    const s = o.fulfillment_status ?? null;
    if (ful === "shipped" && s !== "fulfilled") return false;
    if (ful === "partial" && s !== "partial") return false;
    if (ful === "unshipped" && s !== null) return false;
    if (ful === "unfulfilled" && s !== null && s !== "partial") return false;
  }
  return true;
}

function sortOf(f: Filters): { field: SortField; dir: 1 | -1 } {
  // Without `order`, a since_id walk goes up by id; otherwise newest first.
  const [field = "created_at", dir = "desc"] = (f.order ?? (f.since_id ? "id asc" : "created_at desc")).trim().split(/\s+/);
  if (!(SORT_FIELDS as readonly string[]).includes(field) || !["asc", "desc"].includes(dir.toLowerCase())) {
    throw new SimError(400, { order: `Invalid value: ${f.order}` });
  }
  return { field: field as SortField, dir: dir.toLowerCase() === "asc" ? 1 : -1 };
}

function key(o: ShopifyOrder, field: SortField): number {
  return field === "id" ? o.id : time(o[field]) || 0;
}

/** Filters from a first-page query; with page_info only limit and fields may be sent (Shopify rejects the rest). */
export function readQuery(query: URLSearchParams): { filters: Filters; page?: PageInfo } {
  const token = query.get("page_info");
  if (token) {
    for (const name of query.keys()) {
      if (!["page_info", "limit", "fields"].includes(name)) {
        throw new SimError(400, { [name]: `${name} cannot be passed when page_info is present. See https://shopify.dev/api/usage/pagination-rest for more information.` });
      }
    }
    const page = decode(token);
    return { filters: page.q as Filters, page };
  }
  const filters: Filters = {};
  for (const name of FILTERS) {
    const v = query.get(name);
    if (v !== null && v !== "") filters[name] = v;
  }
  for (const [name, v] of Object.entries(filters)) {
    if (/_at_(min|max)$/.test(name) && Number.isNaN(Date.parse(v))) throw new SimError(400, { [name]: `Invalid value: ${v}` });
  }
  return { filters };
}

export function countOrders(all: ShopifyOrder[], filters: Filters): number {
  return all.filter((o) => matches(o, filters)).length;
}

export interface Page {
  orders: ShopifyOrder[];
  next?: string;
  previous?: string;
}

/** One page of matching orders and the page_info tokens of its neighbours. */
export function pageOrders(all: ShopifyOrder[], filters: Filters, limit: number, page?: PageInfo): Page {
  const { field, dir } = sortOf(filters);
  const cmp = (a: { v: number; i: number }, b: { v: number; i: number }) => dir * (a.v - b.v || a.i - b.i);
  const rows = all
    .filter((o) => matches(o, filters))
    .map((o) => ({ o, v: key(o, field), i: o.id }))
    .sort(cmp);
  let start = 0;
  let end = Math.min(rows.length, limit);
  if (page?.d === "next") {
    start = rows.findIndex((r) => cmp(r, page) > 0);
    if (start < 0) start = rows.length;
    end = Math.min(rows.length, start + limit);
  } else if (page?.d === "prev") {
    let before = rows.findIndex((r) => cmp(r, page) >= 0);
    if (before < 0) before = rows.length;
    end = before;
    start = Math.max(0, end - limit);
  }
  const slice = rows.slice(start, end);
  const first = slice[0];
  const last = slice[slice.length - 1];
  return {
    orders: slice.map((r) => r.o),
    next: last && end < rows.length ? encode({ q: filters as Record<string, string>, d: "next", v: last.v, i: last.i }) : undefined,
    previous: first && start > 0 ? encode({ q: filters as Record<string, string>, d: "prev", v: first.v, i: first.i }) : undefined,
  };
}

/** Keeps only the requested top-level fields (the `fields` parameter). */
export function project(order: ShopifyOrder, fields: string | null): Record<string, unknown> {
  if (!fields) return order;
  const wanted = fields.split(",").map((s) => s.trim()).filter(Boolean);
  return Object.fromEntries(wanted.filter((k) => k in order).map((k) => [k, order[k]]));
}
