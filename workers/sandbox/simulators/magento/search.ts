// Adobe Commerce searchCriteria semantics: filter groups (AND) of filters (OR), sort orders, pageSize, currentPage.
// https://developer.adobe.com/commerce/webapi/rest/use-rest/performing-searches/
export type Rec = Record<string, unknown>;

export class SearchError extends Error {}

interface Filter {
  field: string;
  value: string;
  condition: string;
}

export interface Criteria {
  groups: Filter[][];
  sort: { field: string; direction: "ASC" | "DESC" }[];
  pageSize?: number;
  currentPage: number;
}

/** Reads searchCriteria[…] parameters into their structure. */
export function readCriteria(params: URLSearchParams): Criteria {
  const groups: Filter[][] = [];
  const sort: Criteria["sort"] = [];
  let pageSize: number | undefined;
  let currentPage = 1;
  for (const [k, v] of params) {
    let m: RegExpExecArray | null;
    if ((m = /^searchCriteria\[filter_groups\]\[(\d+)\]\[filters\]\[(\d+)\]\[(field|value|condition_type)\]$/.exec(k))) {
      const g = (groups[Number(m[1])] ??= []);
      const f = (g[Number(m[2])] ??= { field: "", value: "", condition: "eq" });
      if (m[3] === "field") f.field = v;
      else if (m[3] === "value") f.value = v;
      else f.condition = v;
    } else if ((m = /^searchCriteria\[sortOrders\]\[(\d+)\]\[(field|direction)\]$/.exec(k))) {
      const s = (sort[Number(m[1])] ??= { field: "", direction: "ASC" });
      if (m[2] === "field") s.field = v;
      else s.direction = v.toUpperCase() === "DESC" ? "DESC" : "ASC";
    } else if (k === "searchCriteria[pageSize]") {
      pageSize = Number(v);
    } else if (k === "searchCriteria[currentPage]") {
      currentPage = Number(v);
    }
  }
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 0)) throw new SearchError('"pageSize" must be a non-negative integer');
  if (!Number.isInteger(currentPage) || currentPage < 1) throw new SearchError('"currentPage" must be a positive integer');
  return { groups: groups.map((g) => g.filter(Boolean)).filter((g) => g.length > 0), sort: sort.filter(Boolean), pageSize, currentPage };
}

function compare(a: unknown, b: string): number {
  const s = a === null || a === undefined ? "" : String(a);
  if (s.trim() !== "" && b.trim() !== "" && !Number.isNaN(Number(s)) && !Number.isNaN(Number(b))) return Number(s) - Number(b);
  return s < b ? -1 : s > b ? 1 : 0;
}

function like(value: unknown, pattern: string): boolean {
  const re = new RegExp(`^${pattern.split("%").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(value === null || value === undefined ? "" : String(value));
}

function matches(r: Rec, f: Filter): boolean {
  const v = r[f.field];
  switch (f.condition) {
    case "eq":
      return compare(v, f.value) === 0;
    case "neq":
      return compare(v, f.value) !== 0;
    case "gt":
      return compare(v, f.value) > 0;
    case "gteq":
    case "from":
    case "moreq":
      return compare(v, f.value) >= 0;
    case "lt":
      return compare(v, f.value) < 0;
    case "lteq":
    case "to":
      return compare(v, f.value) <= 0;
    case "like":
      return like(v, f.value);
    case "nlike":
      return !like(v, f.value);
    case "in":
      return f.value.split(",").some((x) => compare(v, x.trim()) === 0);
    case "nin":
      return !f.value.split(",").some((x) => compare(v, x.trim()) === 0);
    case "null":
      return v === null || v === undefined;
    case "notnull":
      return v !== null && v !== undefined;
    case "finset":
      return String(v ?? "").split(",").includes(f.value);
    default:
      throw new SearchError(`Invalid condition type "${f.condition}"`);
  }
}

/**
 * Matching records, sorted and paged. As Magento does, a currentPage past the last page returns the last page again
 * (long-standing behaviour of the collection: clients must stop on total_count).
 */
export function runSearch(all: Rec[], c: Criteria): { items: Rec[]; total: number } {
  const rows = all
    .filter((r) => c.groups.every((g) => g.some((f) => matches(r, f))))
    .sort((a, b) => {
      for (const s of c.sort) {
        const x = compare(a[s.field], String(b[s.field] ?? ""));
        if (x !== 0) return s.direction === "DESC" ? -x : x;
      }
      return 0;
    });
  if (!c.pageSize) return { items: rows, total: rows.length };
  const lastPage = Math.max(1, Math.ceil(rows.length / c.pageSize));
  const page = Math.min(c.currentPage, lastPage);
  return { items: rows.slice((page - 1) * c.pageSize, page * c.pageSize), total: rows.length };
}

/** The search_criteria echo of a response. */
export function echo(c: Criteria): Rec {
  return {
    filter_groups: c.groups.map((g) => ({ filters: g.map((f) => ({ field: f.field, value: f.value, condition_type: f.condition })) })),
    sort_orders: c.sort,
    ...(c.pageSize !== undefined ? { page_size: c.pageSize } : {}),
    current_page: c.currentPage,
  };
}
