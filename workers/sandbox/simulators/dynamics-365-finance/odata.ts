// A small OData v4 query reader for the Dynamics simulators: $filter (comparisons joined by and/or/parentheses) and keys.

export type Literal = string | number | boolean | null;
type Cmp = { op: "eq" | "ne" | "gt" | "ge" | "lt" | "le"; field: string; value: Literal };
export type FilterNode = Cmp | { op: "and" | "or"; left: FilterNode; right: FilterNode };

export class ODataSyntaxError extends Error {}

const TOKEN = /\s*('(?:[^']|'')*'|\(|\)|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d{4}-\d{2}-\d{2}(?:T[\d:.]+(?:Z|[+-]\d{2}:\d{2}))?|-?\d+(?:\.\d+)?|[A-Za-z_][\w./]*)/y;

function tokenize(text: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new ODataSyntaxError(`Syntax error at position ${pos} in '${text}'.`);
    out.push(m[1]!);
    pos = TOKEN.lastIndex;
  }
  return out;
}

function literal(tok: string): Literal {
  if (tok.startsWith("'")) return tok.slice(1, -1).replace(/''/g, "'");
  if (tok === "true" || tok === "false") return tok === "true";
  if (tok === "null") return null;
  if (/^-?\d+(\.\d+)?$/.test(tok)) return Number(tok);
  return tok; // GUIDs and date/time literals compare as text
}

/** Parses `a eq 'x' and b gt 2`; throws ODataSyntaxError as the vendor answers 400. */
export function parseFilter(text: string): FilterNode {
  const toks = tokenize(text);
  let i = 0;
  const primary = (): FilterNode => {
    if (toks[i] === "(") {
      i++;
      const inner = or();
      if (toks[i++] !== ")") throw new ODataSyntaxError(`')' expected in '${text}'.`);
      return inner;
    }
    const field = toks[i++];
    const op = toks[i++];
    const value = toks[i++];
    if (!field || !op || value === undefined || !["eq", "ne", "gt", "ge", "lt", "le"].includes(op)) throw new ODataSyntaxError(`Syntax error in '${text}'.`);
    return { op: op as Cmp["op"], field, value: literal(value) };
  };
  const and = (): FilterNode => {
    let left = primary();
    while (toks[i] === "and") {
      i++;
      left = { op: "and", left, right: primary() };
    }
    return left;
  };
  const or = (): FilterNode => {
    let left = and();
    while (toks[i] === "or") {
      i++;
      left = { op: "or", left, right: and() };
    }
    return left;
  };
  const node = or();
  if (i !== toks.length) throw new ODataSyntaxError(`Syntax error at '${toks[i]}' in '${text}'.`);
  return node;
}

const isCmp = (node: FilterNode): node is Cmp => node.op !== "and" && node.op !== "or";

/** Evaluates a filter; `caseInsensitive` for Code fields (BC stores them upper case). */
export function matches(node: FilterNode, rec: Record<string, unknown>, caseInsensitive = false): boolean {
  if (!isCmp(node)) {
    return node.op === "and" ? matches(node.left, rec, caseInsensitive) && matches(node.right, rec, caseInsensitive) : matches(node.left, rec, caseInsensitive) || matches(node.right, rec, caseInsensitive);
  }
  let a = rec[node.field] as Literal | undefined;
  let b = node.value;
  if (caseInsensitive && typeof a === "string" && typeof b === "string") {
    a = a.toUpperCase();
    b = b.toUpperCase();
  }
  switch (node.op) {
    case "eq": return (a ?? null) === b;
    case "ne": return (a ?? null) !== b;
    case "gt": return a !== undefined && a !== null && b !== null && a > b;
    case "ge": return a !== undefined && a !== null && b !== null && a >= b;
    case "lt": return a !== undefined && a !== null && b !== null && a < b;
    case "le": return a !== undefined && a !== null && b !== null && a <= b;
  }
}

/** `dataAreaId='usmf',SalesOrderNumber='000123'` or a bare key `3f2c…` → name/value pairs ("" for the bare key). */
export function parseKey(text: string): Record<string, Literal> {
  const out: Record<string, Literal> = {};
  const parts = text.match(/(?:[^,']|'(?:[^']|'')*')+/g) ?? [];
  for (const p of parts) {
    const eq = p.indexOf("=");
    if (eq === -1) out[""] = literal(p.trim());
    else out[p.slice(0, eq).trim()] = literal(p.slice(eq + 1).trim());
  }
  return out;
}
