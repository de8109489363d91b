// SAP B1 simulator: the OData v3 query options the Service Layer accepts ($filter, $select, $orderby, $top, $skip).
type Rec = Record<string, unknown>;

export class ODataError extends Error {}

interface Condition {
  field: string;
  op: "eq" | "ne" | "gt" | "ge" | "lt" | "le";
  value: string | number;
}

/** Splits on " and " outside quoted literals. */
function splitAnd(text: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "'") quoted = !quoted;
    else if (!quoted && text.slice(i, i + 5).toLowerCase() === " and ") {
      parts.push(text.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** `Field op 'literal'` clauses joined by `and` — what OrderMesh and the usual B1 integrations send. */
export function parseFilter(text: string | undefined): Condition[] {
  if (!text) return [];
  return splitAnd(text).map((clause) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+(eq|ne|gt|ge|lt|le)\s+('(?:[^']|'')*'|-?\d+(?:\.\d+)?)$/.exec(clause);
    if (!m) throw new ODataError(`Invalid filter expression: ${clause}`);
    const raw = m[3]!;
    const value = raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : Number(raw);
    return { field: m[1]!, op: m[2] as Condition["op"], value };
  });
}

function compare(a: unknown, b: string | number): number {
  if (typeof b === "number") return Number(a) - b;
  const s = String(a ?? "");
  return s < b ? -1 : s > b ? 1 : 0;
}

export function matches(row: Rec, conditions: readonly Condition[]): boolean {
  return conditions.every((c) => {
    const d = compare(row[c.field], c.value);
    switch (c.op) {
      case "eq":
        return d === 0;
      case "ne":
        return d !== 0;
      case "gt":
        return d > 0;
      case "ge":
        return d >= 0;
      case "lt":
        return d < 0;
      default:
        return d <= 0;
    }
  });
}

export function select(row: Rec, fields: string | undefined): Rec {
  if (!fields) return row;
  const out: Rec = {};
  for (const f of fields.split(",").map((s) => s.trim()).filter(Boolean)) out[f] = row[f] ?? null;
  return out;
}

export function orderBy(rows: Rec[], spec: string | undefined): Rec[] {
  if (!spec) return rows;
  const [field = "", dir = "asc"] = spec.trim().split(/\s+/);
  const sign = dir.toLowerCase() === "desc" ? -1 : 1;
  return [...rows].sort((a, b) => sign * compare(a[field], (b[field] as string | number) ?? ""));
}
