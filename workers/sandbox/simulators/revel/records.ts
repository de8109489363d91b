// The OrderAllInOne records the Revel simulator stores, its Tastypie list semantics, and seeding.
// https://developer.revelsystems.com/revelsystems/docs/frequently-asked-questions (filters: __lt, __lte, __gt, __gte,
// __exact, __iexact, __contains, __icontains, __in, __startswith, __istartswith, __endswith, __iendswith, __range, __isnull)
import { z } from "zod";
import type { SimContext } from "../../kit";

export type Json = Record<string, unknown>;

export interface StoredOrder extends Json {
  orderInfo: Json & { id: number; updated_date: string };
  items: Json[];
  payments: Json[];
}

export const ORDERS = "orders";

/** Simulator settings with their defaults (POST /_config/revel overrides any of them). */
export function settings(sim: SimContext) {
  const c = sim.config();
  const str = (key: string, fallback: string) => (typeof c[key] === "string" && c[key] !== "" ? (c[key] as string) : fallback);
  return {
    apiKey: str("apiKey", "demo-revel-key"),
    apiSecret: str("apiSecret", "demo-revel-secret"),
    /** Requests per minute per API key before 429 (Revel documents none; a third-party guide says 300). */
    perMinute: typeof c.perMinute === "number" ? c.perMinute : 300,
  };
}

/** Revel's naive local timestamp (the sandbox establishment runs on UTC): "2024-06-15T14:32:00". */
export function revelTime(d: Date): string {
  return d.toISOString().slice(0, 19);
}

/** The next updated_date for a changed order: second resolution, strictly increasing so each change is a version. */
export function nextUpdated(previous: string | undefined, now: Date): string {
  const prev = previous ? Date.parse(`${previous.slice(0, 19)}Z`) : Number.NaN;
  const at = Math.max(Math.floor(now.getTime() / 1000) * 1000, Number.isNaN(prev) ? 0 : Math.floor(prev / 1000) * 1000 + 1000);
  return revelTime(new Date(at));
}

/** What seeding checks: one OrderAllInOne as the API returns it. */
export const SeedOrder = z.looseObject({
  orderInfo: z.looseObject({
    id: z.number().int().positive().optional(),
    updated_date: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/, "a Revel timestamp YYYY-MM-DDTHH:MM:SS").optional(),
    created_date: z.string().optional(),
    subtotal: z.number(),
    tax: z.number(),
    final_total: z.number(),
  }),
  items: z.array(z.looseObject({ quantity: z.number(), price: z.number() })).default([]),
  payments: z.array(z.looseObject({ amount: z.number() })).default([]),
});

export function loadOrder(sim: SimContext, id: string): StoredOrder | null {
  return sim.store.get<StoredOrder>(ORDERS, id);
}

export function saveOrder(sim: SimContext, order: StoredOrder): void {
  sim.store.put(ORDERS, String(order.orderInfo.id), order);
}

/** Stores a seeded order: a missing id or timestamp is assigned; items and payments get ids and the order's URI. */
export function seed(sim: SimContext, record: unknown): { ok: true; order: StoredOrder } | { ok: false; problems: string[] } {
  const r = SeedOrder.safeParse(record);
  if (!r.success) return { ok: false, problems: r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`) };
  const now = revelTime(sim.now());
  const id = r.data.orderInfo.id ?? sim.store.next("revel_order", 216_001);
  const uri = `/resources/Order/${id}/`;
  const order: StoredOrder = {
    ...r.data,
    orderInfo: {
      ...r.data.orderInfo,
      id,
      resource_uri: r.data.orderInfo.resource_uri ?? uri,
      created_date: r.data.orderInfo.created_date ?? now,
      updated_date: r.data.orderInfo.updated_date ?? now,
    },
    items: r.data.items.map((i) => ({ ...i, id: i.id ?? sim.store.next("revel_item", 450_001), order: uri })),
    payments: r.data.payments.map((p) => ({ ...p, id: p.id ?? sim.store.next("revel_payment", 880_001), order: uri })),
  };
  saveOrder(sim, order);
  return { ok: true, order };
}

export class QueryError extends Error {}

/** A field of the order: top-level OrderAllInOne keys, else the orderInfo's. */
function field(o: StoredOrder, name: string): unknown {
  return name in o ? o[name] : o.orderInfo[name];
}

function compare(a: unknown, b: string): number {
  if (typeof a === "number") return a - Number(b);
  const s = a === null || a === undefined ? "" : String(a);
  return s < b ? -1 : s > b ? 1 : 0;
}

/** A foreign key matches by its id whether stored as a URI or a number ("/enterprise/Establishment/1/" = 1). */
function fkEquals(value: unknown, wanted: string): boolean {
  if (value === null || value === undefined) return false;
  const s = String(value);
  return s === wanted || new RegExp(`/${wanted}/?$`).test(s);
}

function matches(o: StoredOrder, key: string, raw: string): boolean {
  const [name, op = "exact"] = key.split("__") as [string, string?];
  const v = field(o, name);
  const s = v === null || v === undefined ? "" : String(v);
  switch (op) {
    case "exact":
      return fkEquals(v, raw) || compare(v, raw) === 0;
    case "iexact":
      return s.toLowerCase() === raw.toLowerCase();
    case "lt":
      return compare(v, raw) < 0;
    case "lte":
      return compare(v, raw) <= 0;
    case "gt":
      return compare(v, raw) > 0;
    case "gte":
      return compare(v, raw) >= 0;
    case "in":
      return raw.split(",").some((x) => fkEquals(v, x) || compare(v, x) === 0);
    case "range": {
      const [lo = "", hi = ""] = raw.split(",");
      return compare(v, lo) >= 0 && compare(v, hi) <= 0;
    }
    case "contains":
      return s.includes(raw);
    case "icontains":
      return s.toLowerCase().includes(raw.toLowerCase());
    case "startswith":
      return s.startsWith(raw);
    case "istartswith":
      return s.toLowerCase().startsWith(raw.toLowerCase());
    case "endswith":
      return s.endsWith(raw);
    case "iendswith":
      return s.toLowerCase().endsWith(raw.toLowerCase());
    case "isnull":
      return (v === null || v === undefined) === (raw === "true");
    default:
      throw new QueryError(`The '${op}' filter is not allowed`);
  }
}

const CONTROL = new Set(["limit", "offset", "order_by", "format", "api_key", "api_secret", "fields"]);

export interface Listing {
  objects: StoredOrder[];
  limit: number;
  offset: number;
  total: number;
}

/** Tastypie listing: filters, repeated order_by (a leading '-' descends), limit (default 20; 0 = all) and offset. */
export function list(all: StoredOrder[], params: URLSearchParams): Listing {
  const filters = [...params].filter(([k]) => !CONTROL.has(k));
  const order = params.getAll("order_by");
  const limitRaw = params.get("limit");
  const limit = limitRaw === null ? 20 : Number(limitRaw);
  const offset = Number(params.get("offset") ?? 0);
  if (!Number.isInteger(limit) || limit < 0 || !Number.isInteger(offset) || offset < 0) throw new QueryError("limit and offset must be non-negative integers");
  const rows = all
    .filter((o) => filters.every(([k, v]) => matches(o, k, v)))
    .sort((a, b) => {
      for (const key of order) {
        const desc = key.startsWith("-");
        const name = desc ? key.slice(1) : key;
        const va = field(a, name);
        const vb = field(b, name);
        const c = typeof va === "number" && typeof vb === "number" ? va - vb : String(va ?? "").localeCompare(String(vb ?? ""));
        if (c !== 0) return desc ? -c : c;
      }
      return a.orderInfo.id - b.orderInfo.id;
    });
  const size = limit === 0 ? rows.length : limit;
  return { objects: rows.slice(offset, offset + size), limit: size, offset, total: rows.length };
}
