// A small parser and evaluator for the QBO query language (SELECT … FROM … WHERE … ORDERBY … STARTPOSITION … MAXRESULTS …).
// https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries

export interface Condition {
  field: string;
  op: "=" | "<" | ">" | "<=" | ">=" | "LIKE" | "IN";
  values: (string | number | boolean)[];
}

export interface Query {
  count: boolean;
  entity: string;
  where: Condition[];
  orderBy?: { field: string; desc: boolean };
  startPosition: number;
  maxResults: number;
}

export class QueryParseError extends Error {}

type Token = { kind: "word" | "string" | "number" | "op" | "punct"; text: string };

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      // Strings are single-quoted; an apostrophe inside is escaped with a backslash (O\'Brien).
      let s = "";
      i++;
      for (;;) {
        if (i >= q.length) throw new QueryParseError("unterminated string literal");
        const d = q[i]!;
        if (d === "\\" && i + 1 < q.length) {
          s += q[i + 1];
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          s += d;
          i++;
        }
      }
      out.push({ kind: "string", text: s });
    } else if (/[<>=]/.test(c)) {
      const two = q.slice(i, i + 2);
      if (two === "<=" || two === ">=") {
        out.push({ kind: "op", text: two });
        i += 2;
      } else {
        out.push({ kind: "op", text: c });
        i++;
      }
    } else if (c === "(" || c === ")" || c === "," || c === "*") {
      out.push({ kind: "punct", text: c });
      i++;
    } else if (/[-\d]/.test(c) && /^-?\d/.test(q.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(q.slice(i))!;
      out.push({ kind: "number", text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(q.slice(i))!;
      out.push({ kind: "word", text: m[0] });
      i += m[0].length;
    } else {
      throw new QueryParseError(`Encountered "${c}" at column ${i + 1}`);
    }
  }
  return out;
}

export function parseQuery(q: string): Query {
  const t = tokenize(q);
  let i = 0;
  const peek = () => t[i];
  const word = (w: string) => peek()?.kind === "word" && peek()!.text.toUpperCase() === w;
  const expect = (w: string) => {
    if (!word(w)) throw new QueryParseError(`Expected ${w} but encountered "${peek()?.text ?? "<EOF>"}"`);
    i++;
  };
  expect("SELECT");
  let count = false;
  if (peek()?.text === "*") i++;
  else if (word("COUNT")) {
    i++;
    if (t[i]?.text !== "(" || t[i + 1]?.text !== "*" || t[i + 2]?.text !== ")") throw new QueryParseError("Expected count(*)");
    i += 3;
    count = true;
  } else {
    // A field list: QBO returns the full entity for our purposes.
    while (peek() && !word("FROM")) i++;
  }
  expect("FROM");
  const entity = peek();
  if (entity?.kind !== "word") throw new QueryParseError("Expected an entity name");
  i++;
  const where: Condition[] = [];
  if (word("WHERE")) {
    i++;
    for (;;) {
      const field = peek();
      if (field?.kind !== "word") throw new QueryParseError(`Expected a property name but encountered "${field?.text ?? "<EOF>"}"`);
      i++;
      let op: Condition["op"];
      if (peek()?.kind === "op") op = peek()!.text as Condition["op"];
      else if (word("LIKE")) op = "LIKE";
      else if (word("IN")) op = "IN";
      else throw new QueryParseError(`Expected an operator after ${field.text}`);
      i++;
      const values: Condition["values"] = [];
      const literal = () => {
        const v = peek();
        if (!v) throw new QueryParseError("Expected a value");
        i++;
        if (v.kind === "string") return v.text;
        if (v.kind === "number") return Number(v.text);
        if (v.kind === "word" && /^(true|false)$/i.test(v.text)) return v.text.toLowerCase() === "true";
        throw new QueryParseError(`Encountered "${v.text}" where a value was expected`);
      };
      if (op === "IN") {
        if (peek()?.text !== "(") throw new QueryParseError("Expected ( after IN");
        i++;
        for (;;) {
          values.push(literal());
          if (peek()?.text === ",") i++;
          else break;
        }
        if (peek()?.text !== ")") throw new QueryParseError("Expected ) to close IN");
        i++;
      } else {
        values.push(literal());
      }
      where.push({ field: field.text, op, values });
      if (word("AND")) i++;
      else if (word("OR")) throw new QueryParseError("OR is not supported");
      else break;
    }
  }
  let orderBy: Query["orderBy"];
  if (word("ORDERBY") || word("ORDER")) {
    if (word("ORDER")) {
      i++;
      expect("BY");
    } else i++;
    const f = peek();
    if (f?.kind !== "word") throw new QueryParseError("Expected a property after ORDERBY");
    i++;
    let desc = false;
    if (word("DESC")) {
      desc = true;
      i++;
    } else if (word("ASC")) i++;
    orderBy = { field: f.text, desc };
  }
  let startPosition = 1;
  let maxResults = 100;
  for (;;) {
    if (word("STARTPOSITION")) {
      i++;
      startPosition = Number(t[i++]?.text);
    } else if (word("MAXRESULTS")) {
      i++;
      maxResults = Number(t[i++]?.text);
    } else break;
  }
  if (i < t.length) throw new QueryParseError(`Encountered "${t[i]!.text}" at the end of the query`);
  if (!Number.isInteger(startPosition) || startPosition < 1) throw new QueryParseError("STARTPOSITION must be a positive integer");
  if (!Number.isInteger(maxResults) || maxResults < 1) throw new QueryParseError("MAXRESULTS must be a positive integer");
  return { count, entity: entity.text, where, orderBy, startPosition, maxResults: Math.min(maxResults, 1000) };
}

/** A property by dotted path; references compare by their value, e-mail addresses by their Address. */
export function fieldValue(record: Record<string, unknown>, path: string): unknown {
  let v: unknown = record;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    const o = v as Record<string, unknown>;
    const key = Object.keys(o).find((k) => k.toLowerCase() === part.toLowerCase());
    v = key === undefined ? undefined : o[key];
  }
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if ("value" in o) return o.value;
    if ("Address" in o) return o.Address;
  }
  return v;
}

/** A value the query language compares as a date (both sides must look like one). */
export const ISO = /^\d{4}-\d{2}-\d{2}(T[\d:.]+([+-]\d{2}:\d{2}|Z)?)?$/;

function compare(a: unknown, b: string | number | boolean): number {
  if (typeof b === "number" || typeof a === "number") return Number(a) - Number(b);
  if (typeof b === "boolean") return String(a) === String(b) ? 0 : 1;
  const as = String(a);
  if (ISO.test(as) && ISO.test(b)) return Date.parse(as) - Date.parse(b);
  return as < b ? -1 : as > b ? 1 : 0;
}

export function matches(record: Record<string, unknown>, c: Condition): boolean {
  const v = fieldValue(record, c.field);
  if (v === undefined || v === null) return false;
  switch (c.op) {
    case "=":
      return compare(v, c.values[0]!) === 0;
    case "<":
      return compare(v, c.values[0]!) < 0;
    case ">":
      return compare(v, c.values[0]!) > 0;
    case "<=":
      return compare(v, c.values[0]!) <= 0;
    case ">=":
      return compare(v, c.values[0]!) >= 0;
    case "IN":
      return c.values.some((x) => compare(v, x) === 0);
    case "LIKE": {
      const pattern = String(c.values[0]).split("%").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
      return new RegExp(`^${pattern}$`, "i").test(String(v));
    }
  }
}
