// A small SOQL reader for the simulator: SELECT fields (with parent relationships) FROM one object WHERE … ORDER BY … LIMIT.
import { SfError, schema, type Rec, type Tx } from "./org";
import type { SimContext } from "../../kit";

type Literal = string | number | boolean | null;
interface Cond {
  field: string;
  op: "=" | "!=" | "<" | ">" | "<=" | ">=" | "IN" | "NOT IN" | "LIKE";
  value: Literal | Literal[];
}

const TOKEN = /\s*('(?:\\.|[^'\\])*'|!=|<=|>=|[=<>(),]|[A-Za-z_][\w.]*|-?\d+(?:\.\d+)?)/y;

function tokens(q: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < q.length && !/^\s*$/.test(q.slice(pos))) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(q);
    if (!m) throw malformed(q, `unexpected token at ${pos}`);
    out.push(m[1]!);
    pos = TOKEN.lastIndex;
  }
  return out;
}

const malformed = (q: string, why: string) => new SfError(400, "MALFORMED_QUERY", `\n${q}\n^\nERROR at Row:1:Column:1\n${why}`);

function literal(q: string, t: string | undefined): Literal {
  if (t === undefined) throw malformed(q, "unexpected end of query");
  if (t.startsWith("'")) return t.slice(1, -1).replace(/\\(.)/g, "$1");
  if (/^(true|false)$/i.test(t)) return t.toLowerCase() === "true";
  if (/^null$/i.test(t)) return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw malformed(q, `unexpected token: '${t}'`);
}

/** Parent relationships the simulator knows: `Product2.ProductCode` on PricebookEntry follows Product2Id. */
const RELATIONS: Record<string, Record<string, [string, string]>> = {
  PricebookEntry: { Product2: ["Product2Id", "Product2"], Pricebook2: ["Pricebook2Id", "Pricebook2"] },
  OrderItem: { Order: ["OrderId", "Order"], PricebookEntry: ["PricebookEntryId", "PricebookEntry"], Product2: ["Product2Id", "Product2"] },
  Order: { Account: ["AccountId", "Account"], Pricebook2: ["Pricebook2Id", "Pricebook2"] },
};

function resolve(sim: SimContext, q: string, object: string, path: string): { parent?: [string, string]; field: string } {
  const fields = schema(sim)[object]!;
  const [head, tail] = path.split(".");
  if (tail !== undefined) {
    const rel = RELATIONS[object]?.[head!];
    if (!rel || !schema(sim)[rel[1]]![tail]) throw new SfError(400, "INVALID_FIELD", `\n${q}\n^\nERROR at Row:1:Column:1\nDidn't understand relationship '${head}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name.`);
    return { parent: rel, field: tail };
  }
  if (!fields[head!]) throw new SfError(400, "INVALID_FIELD", `\n${q}\n^\nERROR at Row:1:Column:1\nNo such column '${head}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`);
  return { field: head! };
}

function valueOf(tx: Tx, rec: Rec, path: { parent?: [string, string]; field: string }): unknown {
  if (!path.parent) return rec[path.field] ?? null;
  const parent = rec[path.parent[0]] ? tx.get(path.parent[1], String(rec[path.parent[0]])) : null;
  return parent ? (parent[path.field] ?? null) : null;
}

// https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select.htm
export function runQuery(sim: SimContext, tx: Tx, q: string, apiVersion: string): Rec {
  const t = tokens(q);
  let i = 0;
  const kw = (word: string) => t[i]?.toUpperCase() === word;
  if (!kw("SELECT")) throw malformed(q, "unexpected token: expected SELECT");
  i++;
  const selected: string[] = [];
  while (i < t.length && !kw("FROM")) {
    if (t[i] !== ",") selected.push(t[i]!);
    i++;
  }
  if (!kw("FROM")) throw malformed(q, "expected FROM");
  const object = t[++i]!;
  i++;
  if (!schema(sim)[object]) throw new SfError(400, "INVALID_TYPE", `\n${q}\n^\nERROR at Row:1:Column:1\nsObject type '${object}' is not supported.`);
  const paths = selected.map((s) => ({ name: s, path: resolve(sim, q, object, s) }));
  const conds: Array<Cond & { path: ReturnType<typeof resolve> }> = [];
  if (kw("WHERE")) {
    i++;
    for (;;) {
      const field = t[i++]!;
      let op = t[i++]!.toUpperCase() as Cond["op"];
      if (op === ("NOT" as Cond["op"])) op = kw("IN") ? (i++, "NOT IN") : op;
      let value: Literal | Literal[];
      if (op === "IN" || op === "NOT IN") {
        if (t[i++] !== "(") throw malformed(q, "expected (");
        const list: Literal[] = [];
        while (t[i] !== ")") {
          if (t[i] !== ",") list.push(literal(q, t[i]));
          i++;
          if (i >= t.length) throw malformed(q, "expected )");
        }
        i++;
        value = list;
      } else {
        if (!["=", "!=", "<", ">", "<=", ">=", "LIKE"].includes(op)) throw malformed(q, `unexpected operator '${op}'`);
        value = literal(q, t[i++]);
      }
      conds.push({ field, op, value, path: resolve(sim, q, object, field) });
      if (kw("AND")) {
        i++;
        continue;
      }
      break;
    }
  }
  let order: { path: ReturnType<typeof resolve>; desc: boolean } | null = null;
  if (kw("ORDER")) {
    i += 2;
    order = { path: resolve(sim, q, object, t[i++]!), desc: kw("DESC") };
    if (kw("ASC") || kw("DESC")) i++;
  }
  let limit = Infinity;
  if (kw("LIMIT")) {
    limit = Number(t[++i]);
    i++;
  }
  if (i < t.length) throw malformed(q, `unexpected token: '${t[i]}'`);
  const test = (rec: Rec) =>
    conds.every((c) => {
      const v = valueOf(tx, rec, c.path) as Literal;
      const eq = (a: Literal, b: Literal) => (typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b);
      switch (c.op) {
        case "=": return eq(v, c.value as Literal);
        case "!=": return !eq(v, c.value as Literal);
        case "IN": return (c.value as Literal[]).some((x) => eq(v, x));
        case "NOT IN": return !(c.value as Literal[]).some((x) => eq(v, x));
        case "LIKE": return typeof v === "string" && v.toLowerCase().includes(String(c.value).replace(/%/g, "").toLowerCase());
        case "<": return v !== null && v < (c.value as Literal)!;
        case ">": return v !== null && v > (c.value as Literal)!;
        case "<=": return v !== null && v <= (c.value as Literal)!;
        case ">=": return v !== null && v >= (c.value as Literal)!;
      }
    });
  let rows = tx.list(object).filter(test);
  if (order) {
    const o = order;
    rows = rows.sort((a, b) => {
      const x = valueOf(tx, a, o.path) as string;
      const y = valueOf(tx, b, o.path) as string;
      return (x < y ? -1 : x > y ? 1 : 0) * (o.desc ? -1 : 1);
    });
  }
  rows = rows.slice(0, limit);
  const url = (type: string, id: unknown) => `/services/data/${apiVersion}/sobjects/${type}/${String(id)}`;
  const records = rows.map((r) => {
    const out: Rec = { attributes: { type: object, url: url(object, r.Id) } };
    for (const { name, path } of paths) {
      if (!path.parent) out[name] = r[path.field] ?? null;
      else {
        const rel = name.split(".")[0]!;
        const parent = r[path.parent[0]] ? tx.get(path.parent[1], String(r[path.parent[0]])) : null;
        const existing = (out[rel] as Rec | null | undefined) ?? (parent ? { attributes: { type: path.parent[1], url: url(path.parent[1], parent.Id) } } : null);
        if (existing && parent) existing[path.field] = parent[path.field] ?? null;
        out[rel] = existing;
      }
    }
    return out;
  });
  return { totalSize: records.length, done: true, records };
}
