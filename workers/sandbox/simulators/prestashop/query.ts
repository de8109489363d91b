// PrestaShop webservice list parameters: display, filter[field], sort, limit, date.
// https://devdocs.prestashop-project.org/8/webservice/tutorials/advanced-use/additional-list-parameters/
export type Rec = Record<string, unknown>;

export class WsError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function text(v: unknown): string {
  return v === null || v === undefined ? "" : String(v);
}

function compare(a: string, b: string): number {
  if (a.trim() !== "" && b.trim() !== "" && !Number.isNaN(Number(a)) && !Number.isNaN(Number(b))) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `[1|5]` OR, `[1,10]` interval, `[John]` literal, `[Jo]%` begins, `%[hn]` ends, `%[oh]%` contains (not case sensitive). */
function filter(field: string, raw: string, dateMode: boolean): (r: Rec) => boolean {
  const m = /^(%?)\[(.*)\](%?)$/s.exec(raw);
  if (!m) throw new WsError(400, 32, `Filter value "${raw}" for "${field}" must be written [value]`);
  const [, pre, inner = "", post] = m;
  const value = (r: Rec) => text(r[field]);
  if (pre || post) {
    const needle = inner.toLowerCase();
    return (r) => {
      const v = value(r).toLowerCase();
      return pre && post ? v.includes(needle) : pre ? v.endsWith(needle) : v.startsWith(needle);
    };
  }
  if (inner.includes("|")) {
    const options = inner.split("|").map((o) => o.toLowerCase());
    return (r) => options.includes(value(r).toLowerCase());
  }
  if (inner.includes(",")) {
    if (field.startsWith("date_") && !dateMode) throw new WsError(400, 33, `Filtering an interval of "${field}" needs the parameter date=1`);
    const [lo = "", hi = ""] = inner.split(",");
    return (r) => compare(value(r), lo) >= 0 && compare(value(r), hi) <= 0;
  }
  return (r) => value(r).toLowerCase() === inner.toLowerCase();
}

export interface ListQuery {
  display: "ids" | "full" | string[];
  apply(all: Rec[]): Rec[];
}

export function readListQuery(params: URLSearchParams, known: Set<string>): ListQuery {
  const dateMode = params.get("date") === "1";
  const filters: ((r: Rec) => boolean)[] = [];
  for (const [k, v] of params) {
    const m = /^filter\[([a-z0-9_]+)\]$/.exec(k);
    if (!m) continue;
    if (!known.has(m[1]!)) throw new WsError(400, 37, `Unable to filter by this field: "${m[1]}"`);
    filters.push(filter(m[1]!, v, dateMode));
  }
  const sorts: { field: string; dir: 1 | -1 }[] = [];
  const sort = params.get("sort");
  if (sort) {
    const inner = /^\[(.*)\]$/.exec(sort)?.[1] ?? sort;
    for (const part of inner.split(",")) {
      const m = /^([a-z0-9_]+)_(ASC|DESC)$/i.exec(part.trim());
      if (!m || !known.has(m[1]!)) throw new WsError(400, 38, `Unable to sort by this field: "${part}"`);
      sorts.push({ field: m[1]!, dir: m[2]!.toUpperCase() === "ASC" ? 1 : -1 });
    }
  }
  const limit = params.get("limit");
  let offset = 0;
  let count = Number.MAX_SAFE_INTEGER;
  if (limit !== null) {
    const m = /^(?:(\d+),)?(\d+)$/.exec(limit.trim());
    if (!m) throw new WsError(400, 39, `limit must be written [offset,]limit, got "${limit}"`);
    offset = Number(m[1] ?? 0);
    count = Number(m[2]);
  }
  const displayRaw = params.get("display");
  const display: ListQuery["display"] = displayRaw === null ? "ids" : displayRaw === "full" ? "full" : (/^\[(.*)\]$/.exec(displayRaw)?.[1] ?? displayRaw).split(",").map((s) => s.trim());
  if (Array.isArray(display)) for (const d of display) if (d !== "id" && !known.has(d)) throw new WsError(400, 35, `Unable to display this field: "${d}"`);
  return {
    display,
    apply(all) {
      const rows = all.filter((r) => filters.every((f) => f(r)));
      rows.sort((a, b) => {
        for (const s of sorts) {
          const c = compare(text(a[s.field]), text(b[s.field]));
          if (c !== 0) return s.dir * c;
        }
        return compare(text(a.id), text(b.id));
      });
      return rows.slice(offset, offset + count);
    },
  };
}

/** Keeps the fields `display` asks for (always the id). */
export function project(r: Rec, display: ListQuery["display"]): Rec {
  if (display === "full") return r;
  if (display === "ids") return { id: r.id };
  return Object.fromEntries(Object.entries(r).filter(([k]) => k === "id" || display.includes(k)));
}
