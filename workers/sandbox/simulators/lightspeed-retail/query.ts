// Lightspeed V3 query semantics: `field=<op>,<value>` filters, `sort`, `limit` and the opaque `after` cursor.
// https://developers.lightspeedhq.com/retail/introduction/parameters/ and /pagination/
import type { Json } from "./records";

export class QueryError extends Error {}

/** Query parameters that are not field filters. */
const CONTROL = new Set(["sort", "limit", "after", "before", "load_relations", "archived", "count", "offset", "orderby", "orderby_desc"]);

type Op = "=" | ">" | ">=" | "<" | "<=" | "><" | "!=" | "IN" | "~" | "!~";

interface Filter {
  field: string;
  op: Op;
  values: string[];
}

/** `timeStamp=>=,2021-10-05T14:18:46+00:00`, `saleID=IN,[1,2]`, `itemID=><,1,10`, `completed=true`. */
function parseFilter(field: string, raw: string): Filter {
  const m = /^(>=|<=|><|!=|!~|>|<|~|IN),(.*)$/s.exec(raw);
  if (!m) return { field, op: "=", values: [raw] };
  const op = m[1] as Op;
  const rest = m[2]!;
  if (op === "IN") {
    const inner = rest.trim().replace(/^\[/, "").replace(/\]$/, "");
    const values = inner.split(",").map((v) => v.trim().replace(/^"|"$/g, "")).filter((v) => v !== "");
    if (values.length > 100) throw new QueryError("A maximum of 100 values may be passed to IN");
    return { field, op, values };
  }
  if (op === "><") {
    const parts = rest.split(",");
    if (parts.length !== 2) throw new QueryError(`Between operator needs two values: ${raw}`);
    return { field, op, values: parts };
  }
  return { field, op, values: [rest] };
}

/** Compares two field values: as times when both parse as ISO timestamps, as numbers when numeric, else as text. */
function compare(a: string, b: string): number {
  const ta = /^\d{4}-\d{2}-\d{2}T/.test(a) ? Date.parse(a) : Number.NaN;
  const tb = /^\d{4}-\d{2}-\d{2}T/.test(b) ? Date.parse(b) : Number.NaN;
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  if (a.trim() !== "" && b.trim() !== "" && !Number.isNaN(Number(a)) && !Number.isNaN(Number(b))) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function like(value: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.split("%").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(value);
}

function matches(record: Json, f: Filter): boolean {
  const v = record[f.field];
  const value = v === undefined || v === null ? "" : String(v);
  const [a, b] = f.values as [string, string];
  switch (f.op) {
    case "=":
      return compare(value, a) === 0;
    case "!=":
      return compare(value, a) !== 0;
    case ">":
      return compare(value, a) > 0;
    case ">=":
      return compare(value, a) >= 0;
    case "<":
      return compare(value, a) < 0;
    case "<=":
      return compare(value, a) <= 0;
    case "><":
      return compare(value, a) >= 0 && compare(value, b) <= 0;
    case "IN":
      return f.values.some((x) => compare(value, x) === 0);
    case "~":
      return like(value, a);
    case "!~":
      return !like(value, a);
  }
}

export interface ListQuery {
  filters: Filter[];
  sortField: string;
  descending: boolean;
  limit: number;
  after?: [string, string];
  archived: "true" | "false" | "only";
  count: boolean;
}

/** Reads a query string; `sortable` are the fields the endpoint can sort on, `idField` its primary key. */
export function readListQuery(params: URLSearchParams, sortable: string[], idField: string): ListQuery {
  if (params.has("offset") || params.has("orderby")) throw new QueryError("offset and orderby were removed in V3; use the next URL and sort");
  const filters: Filter[] = [];
  for (const [k, v] of params) if (!CONTROL.has(k)) filters.push(parseFilter(k, v));
  const sort = params.get("sort") ?? idField;
  const descending = sort.startsWith("-");
  const sortField = descending ? sort.slice(1) : sort;
  if (!sortable.includes(sortField)) throw new QueryError(`Invalid sort field ${sortField}. Allowed: ${sortable.join(", ")}`);
  const limitRaw = params.get("limit");
  const limit = limitRaw === null ? 100 : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 0 || limit > 100) throw new QueryError("limit must be an integer from 0 to 100");
  const archived = (params.get("archived") ?? "false") as ListQuery["archived"];
  if (!["true", "false", "only"].includes(archived)) throw new QueryError("archived must be true, false or only");
  const count = params.get("count") === "1";
  if (count && (params.has("limit") || params.has("sort") || params.has("after") || params.has("before"))) {
    throw new QueryError("count=1 cannot be combined with limit, sort, after or before");
  }
  const afterRaw = params.get("after");
  let after: [string, string] | undefined;
  if (afterRaw) {
    try {
      const decoded = JSON.parse(atob(afterRaw)) as unknown;
      if (!Array.isArray(decoded) || decoded.length !== 2) throw new Error("shape");
      after = [String(decoded[0]), String(decoded[1])];
    } catch {
      throw new QueryError("Invalid value for after");
    }
  }
  return { filters, sortField, descending, limit, after, archived, count };
}

/** Matching records in sort order (id breaks ties) after the cursor; `more` says whether another page exists. */
export function page(all: Json[], q: ListQuery, idField: string): { rows: Json[]; more: boolean } {
  const dir = q.descending ? -1 : 1;
  const key = (r: Json): [string, string] => [String(r[q.sortField] ?? ""), String(r[idField] ?? "")];
  const cmp = (a: [string, string], b: [string, string]) => dir * (compare(a[0], b[0]) || compare(a[1], b[1]));
  const archivedOf = (r: Json) => String(r.archived ?? "false") === "true";
  const rows = all
    .filter((r) => (q.archived === "true" ? true : q.archived === "only" ? archivedOf(r) : !archivedOf(r)))
    .filter((r) => q.filters.every((f) => matches(r, f)))
    .sort((a, b) => cmp(key(a), key(b)))
    .filter((r) => !q.after || cmp(key(r), q.after) > 0);
  return { rows: rows.slice(0, q.limit), more: rows.length > q.limit };
}

/** The opaque cursor of a row: base64 of the JSON [sort value, id] (as Lightspeed's `after` values decode). */
export function cursorOf(row: Json, q: ListQuery, idField: string): string {
  return btoa(JSON.stringify([String(row[q.sortField] ?? ""), String(row[idField] ?? "")]));
}
